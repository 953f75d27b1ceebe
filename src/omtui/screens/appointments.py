"""Arranging appointments: one-off or weekly / fortnightly / 4-weekly, with a warning for each
one on a weekend, a bank holiday or an office closure, or overlapping another appointment of the
case (``omtui.domain.appointments``). Warnings never block: the officer decides.

The preview (the dates and their warnings) updates as the fields change; ``ctrl+s`` saves every
appointment as a contact event with no outcome, in a thread worker. The next one then shows on
the caseload, the case and the duty look-up.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from omtui.domain.appointments import (
    AppointmentSeries,
    Frequency,
    Plan,
    plan_appointments,
    slot_of,
)
from omtui.domain.case import Case, Event
from omtui.domain.entry import EntryError, parse_entry_duration
from omtui.domain.outcomes import ContactError, OutcomeTaxonomy
from omtui.messages import CaseChanged
from omtui.screens.contact_common import options, read_date, read_time
from omtui.widgets.key_picker import FieldError, KeyPicker, Option
from omtui.widgets.text import literal
from omtui.widgets.typed_order import FormInput, TypedInOrder

FREQUENCIES = [Option(Frequency.ONCE.value, "Once", "1"),
               Option(Frequency.WEEKLY.value, "Weekly", "w"),
               Option(Frequency.FORTNIGHTLY.value, "Fortnightly", "f"),
               Option(Frequency.FOUR_WEEKLY.value, "4-weekly", "4")]
FIELDS = ("date", "time", "length", "type", "frequency", "count", "note")


class ArrangeAppointmentsScreen(TypedInOrder, ModalScreen[tuple[Event, ...] | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="appointments.save",
                tooltip="Save every appointment of the preview."),
        Binding("escape", "cancel", "Cancel", id="appointments.cancel",
                tooltip="Close, nothing saved."),
    ]
    DEFAULT_CSS = """
    ArrangeAppointmentsScreen { align: center middle; }
    ArrangeAppointmentsScreen > #appt-box {
        width: 100; max-width: 100%; height: 100%; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ArrangeAppointmentsScreen .row { height: auto; }
    ArrangeAppointmentsScreen .label { width: 9; color: $text-muted; }
    ArrangeAppointmentsScreen Input { width: 1fr; }
    ArrangeAppointmentsScreen KeyPicker { width: 1fr; }
    ArrangeAppointmentsScreen #appt-fields { height: auto; }
    ArrangeAppointmentsScreen #appt-preview { height: 1fr; border-top: solid $primary; }
    """

    def __init__(self, case: Case, taxonomy: OutcomeTaxonomy) -> None:
        super().__init__()
        self.case = case
        self.taxonomy = taxonomy
        self.plan: Plan | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="appt-box") as box:
            box.border_title = "Arrange appointments"
            box.border_subtitle = "ctrl+s save · escape cancel"
            who = Text(self.case.crn + " ", style="bold")
            who.append_text(literal(self.case.name))
            yield Static(who)
            with Vertical(id="appt-fields"):
                with Horizontal(classes="row"):
                    yield Label("First", classes="label")
                    yield FormInput(id="appt-date", compact=True,
                                placeholder="date: tomorrow, 12/03, 12/3/27")
                    yield Label(" Time", classes="label")
                    yield FormInput(id="appt-time", compact=True, placeholder="e.g. 10:30")
                    yield Label(" Length", classes="label")
                    yield FormInput(value="60", id="appt-length", compact=True)
                yield FieldError(id="error-date")
                yield FieldError(id="error-time")
                yield FieldError(id="error-length")
                with Horizontal(classes="row"):
                    yield Label("Type", classes="label")
                    yield KeyPicker(options(self.taxonomy.contact_types),
                                    self.taxonomy.contact_types[0].code, id="appt-type")
                yield FieldError(id="error-type")
                with Horizontal(classes="row"):
                    yield Label("Repeat", classes="label")
                    yield KeyPicker(FREQUENCIES, Frequency.ONCE.value, id="appt-frequency")
                    yield Label(" Times", classes="label")
                    yield FormInput(id="appt-count", compact=True,
                                placeholder="how many (repeats)")
                yield FieldError(id="error-frequency")
                yield FieldError(id="error-count")
                with Horizontal(classes="row"):
                    yield Label("Note", classes="label")
                    yield FormInput(id="appt-note", compact=True, placeholder="optional")
            yield FieldError(id="error-form")
            with VerticalScroll(id="appt-preview", can_focus=False):
                yield Static("Type the first date to see the appointments.", id="appt-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#appt-date", Input).focus()

    def _err(self, name: str, message: str | None) -> None:
        found = self.query(f"#error-{name}")
        if found:
            found.first(FieldError).show_error(message)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Input.Changed)
    @on(KeyPicker.Changed)
    def _changed(self, event) -> None:
        self.build(quiet=True)

    def build(self, *, quiet: bool = False) -> Plan | None:
        """The plan the fields describe (and the preview), or None with the problems shown."""
        today = self.app.today
        problems: dict[str, str] = {}
        date_text = self.query_one("#appt-date", Input).value
        start = None
        if date_text.strip() or not quiet:
            start, p = read_date(date_text, today, no_year="future")
            if p:
                problems["date"] = p
        at, p = read_time(self.query_one("#appt-time", Input).value)
        if p:
            problems["time"] = p
        length = 60
        try:
            length = parse_entry_duration(self.query_one("#appt-length", Input).value)
        except EntryError as exc:
            problems["length"] = str(exc)
        freq = Frequency(self.query_one("#appt-frequency", KeyPicker).value or "once")
        count = None
        count_text = self.query_one("#appt-count", Input).value.strip()
        if freq is not Frequency.ONCE:
            if not count_text:
                if not quiet:
                    problems["count"] = f"how many {freq.value} appointments? (1-104)"
            elif not count_text.isdigit():
                problems["count"] = f"{count_text!r} is not a number of appointments"
            else:
                count = int(count_text)
        plan = None
        if start is not None and "count" not in problems and not (
                freq is not Frequency.ONCE and count is None):
            series = AppointmentSeries(
                start, at, self.query_one("#appt-type", KeyPicker).value or "office",
                duration_minutes=length, frequency=freq, count=count,
                note=self.query_one("#appt-note", Input).value or None)
            try:
                plan = plan_appointments(series, self.taxonomy, self.app.calendar, self.case,
                                         today)
            except ContactError as exc:
                name = {"until": "count", "duration": "length",
                        "contact_type": "type"}.get(exc.field, exc.field)
                problems[name if name in FIELDS else "form"] = str(exc)
        for name in FIELDS:
            self._err(name, problems.get(name))
        if not quiet or "form" in problems:
            self._err("form", problems.get("form"))
        self.plan = plan if not problems else None
        self._preview(self.plan)
        return self.plan

    def _preview(self, plan: Plan | None) -> None:
        out = Text()
        if plan is None:
            out.append("Type the first date (and how many, for a series) to see the "
                       "appointments.", style="dim")
        else:
            n = len(plan.events)
            out.append(f"{n} appointment{'s' if n != 1 else ''}", style="bold")
            if plan.warnings:
                out.append(f" · ⚠ {len(plan.warnings)} warning(s): check before saving",
                           style="bold")
            for e in plan.events:
                out.append("\n")
                out.append(slot_of(e).label())
                for w in plan.warnings_for(e.date):
                    out.append("\n  ⚠ ", style="bold")
                    out.append_text(literal(w.message))
        self.query_one("#appt-list", Static).update(out)

    def action_save(self) -> None:
        self.after_typing(self._save_typed)    # after every key typed before ctrl+s

    def _save_typed(self) -> None:
        if self.saving:
            return
        plan = self.build()
        if plan is None:
            self._err("form", "Not saved: correct the fields marked (nothing typed is lost).")
            return
        self.saving = True
        self._save(plan)

    @work(thread=True, exclusive=True, group="appointments-save", exit_on_error=False)
    def _save(self, plan: Plan) -> None:
        saved = 0
        try:
            for event in plan.events:
                self.app.store.add_event(self.case.crn, event)
                saved += 1
        except Exception as exc:  # noqa: BLE001 - shown under the form
            self.app.call_from_thread(self._failed, exc, saved)
            return
        self.app.call_from_thread(self._saved, plan)

    def _failed(self, exc: Exception, saved: int) -> None:
        self.saving = False
        if saved:
            self.app.post_message(CaseChanged(self.case.crn))
        self._err("form", f"Not saved after {saved} appointment(s): {exc}")

    def _saved(self, plan: Plan) -> None:
        n = len(plan.events)
        first = slot_of(plan.events[0]).label()
        warn = f"; {len(plan.warnings)} warning(s) noted" if plan.warnings else ""
        self.app.notify(f"{self.case.crn}: {n} appointment(s) from {first}{warn}",
                        title="Appointments arranged", markup=False, timeout=5,
                        severity="warning" if plan.warnings else "information")
        self.app.post_message(CaseChanged(self.case.crn))
        self.dismiss(plan.events)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["ArrangeAppointmentsScreen", "FREQUENCIES"]
