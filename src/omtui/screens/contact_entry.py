"""Quick entry of a contact: one key from the caseload or the case (``c``).

The form opens with the date set to today and the focus on the contact type; each choice is one
key (``o`` office, then ``a`` attended – complied...) and moves on to the next field, and
``ctrl+s`` saves. Logging an office contact that was attended is ``c o a ctrl+s``.

Every field is checked where it is: a date or time that cannot be read, an outcome that needs a
reason, an outcome dated after today: the message appears under the field and nothing typed is
lost. The contact is saved in a thread worker (``store.add_event``; recording the outcome of an
arranged appointment uses ``store.replace_event``), then the form closes
with the event, a toast confirms, and :class:`omtui.messages.CaseChanged` makes every screen
showing the case reload.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static, TextArea

from omtui.domain.case import Event
from omtui.domain.entry import format_entry_time
from omtui.domain.outcomes import (
    CONTACT_TYPE,
    ContactError,
    OutcomeTaxonomy,
    ReasonRule,
    appointment_time,
    contact_from_form,
)
from omtui.drafts import Draft, DraftKey
from omtui.messages import CaseChanged
from omtui.screens.contact_common import (
    cached_taxonomy,
    options,
    read_date,
    read_time,
    taxonomy,
)
from omtui.widgets.key_picker import FieldError, KeyPicker
from omtui.widgets.text import literal, long_date
from omtui.widgets.typed_order import FormInput, FormTextArea, TypedInOrder

FIELDS = ("date", "time", "type", "outcome", "reason", "note")


class ContactEntryScreen(TypedInOrder, ModalScreen[Event | None]):
    # Nothing has the focus until the pickers are built (``_after_build``; "" and not None,
    # which would mean the app's default): keys typed before then are kept and given to the
    # form in order once it is ready (``TypedInOrder``), so "c o a ctrl+s" typed at once lands
    # where it is meant, never in the date field, and the save comes last.
    AUTO_FOCUS = ""
    keys_held = True
    """Log one contact for ``crn`` (or record the outcome of ``appointment``)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="contact.save",
                tooltip="Check every field and save the contact."),
        Binding("escape", "cancel", "Close", id="contact.cancel",
                tooltip="Close without saving; what you typed is kept as a draft."),
    ]

    DEFAULT_CSS = """
    ContactEntryScreen { align: center middle; }
    ContactEntryScreen > #entry-box {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ContactEntryScreen #entry-fields { height: auto; max-height: 1fr; }
    ContactEntryScreen .row { height: auto; }
    ContactEntryScreen .label { width: 9; padding: 0 1 0 0; color: $text-muted; }
    ContactEntryScreen Input { width: 1fr; }
    ContactEntryScreen #entry-time { width: 16; }
    ContactEntryScreen KeyPicker { width: 1fr; }
    ContactEntryScreen #entry-note { height: 5; min-height: 3; }
    ContactEntryScreen #entry-who { height: auto; }
    """

    def __init__(self, crn: str, name: str = "", *, appointment: Event | None = None,
                 taxonomy: OutcomeTaxonomy | None = None) -> None:
        super().__init__()
        self.crn = crn
        self.person = name
        self.appointment = appointment
        self.taxonomy = taxonomy
        self.saved: Event | None = None
        self.saving = False
        self.autosave = None

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = "Record the outcome" if self.appointment is not None else "Log a contact"
        with Vertical(id="entry-box") as box:
            box.border_title = title
            box.border_subtitle = "ctrl+s save · escape close (draft kept)"
            who = Text()
            who.append(self.crn, style="bold")
            if self.person:
                who.append(" ")
                who.append_text(literal(self.person))
            if self.appointment is not None:
                who.append("  appointment ")
                who.append(long_date(self.appointment.date))
            yield Static(who, id="entry-who")
            with VerticalScroll(id="entry-fields", can_focus=False):
                with Horizontal(classes="row"):
                    yield Label("Date", classes="label")
                    yield FormInput(value="today", id="entry-date", compact=True,
                                placeholder="today, yesterday, 12/03, 12/3/26")
                    yield Label(" Time", classes="label")
                    yield FormInput(id="entry-time", compact=True, placeholder="e.g. 9:30")
                yield FieldError(id="error-date")
                yield FieldError(id="error-time")
                yield Vertical(id="entry-pickers", classes="row")
                with Horizontal(classes="row"):
                    yield Label("Note", classes="label")
                    yield FormTextArea(id="entry-note", soft_wrap=True, show_line_numbers=False,
                                       tab_behavior="focus")
                yield FieldError(id="error-note")
            yield FieldError(id="error-form")
        yield Footer()

    def on_mount(self) -> None:
        if self.appointment is not None:
            self.query_one("#entry-date", Input).value = self.appointment.date.strftime("%d/%m/%Y")
            at = appointment_time(self.appointment)
            if at is not None:
                self.query_one("#entry-time", Input).value = format_entry_time(at)
        if self.taxonomy is None:
            cached = cached_taxonomy()
            if cached is not None:
                self._build_pickers(*cached)
            else:
                self.query_one("#entry-pickers").loading = True
                self._load_taxonomy()
        else:
            self._build_pickers(self.taxonomy, None)

    @work(thread=True, exclusive=True, group="contact-entry", exit_on_error=False,
          description="Reading the contact outcomes")
    def _load_taxonomy(self) -> None:
        found, problem = taxonomy()
        self.app.call_from_thread(self._build_pickers, found, problem)

    def _build_pickers(self, tax: OutcomeTaxonomy, problem: str | None) -> None:
        self.taxonomy = tax
        box = self.query_one("#entry-pickers", Vertical)
        box.loading = False
        ctype = tax.contact_types[0].code
        if self.appointment is not None:
            code = self.appointment.extra.get(CONTACT_TYPE)
            if any(c.code == code for c in tax.contact_types):
                ctype = code
        rows = [
            ("Type", KeyPicker(options(tax.contact_types), ctype, id="entry-type",
                               next_field=lambda: self._field("#entry-outcome")), "type"),
            ("Outcome", KeyPicker(options(tax.outcomes), None, id="entry-outcome",
                                  on_pick=lambda _v: self._show_reason_row(),
                                  next_field=self._after_outcome), "outcome"),
            ("Reason", KeyPicker(options(tax.absence_reasons), None, allow_none=True,
                                 id="entry-reason",
                                 next_field=lambda: self._field("#entry-note")), "reason"),
        ]
        for label, picker, name in rows:
            row = Horizontal(Label(label, classes="label"), picker, classes="row",
                             id=f"{name}-row")
            box.mount(row)
            box.mount(FieldError(id=f"error-{name}"))
        self.call_after_refresh(self._after_build, problem)

    def _after_build(self, problem: str | None) -> None:
        from omtui.screens.draft_prompt import FormAutosave, draft_store_for, officer_of

        self._show_reason_row()
        start = "#entry-outcome" if self.appointment is not None else "#entry-type"
        # Keys typed while the form was opening follow, in order; each choice passes the rest
        # on to the next field, and a save asked for meanwhile comes after them.
        self.ready_for_typing(self.query_one(start, KeyPicker))
        if problem:
            self.notify(problem, severity="warning", markup=False, timeout=8)
        self.drafts = draft_store_for(self.app)
        self.draft_key = DraftKey(officer_of(self.app), self.draft_form)
        self.autosave = FormAutosave(self, self.drafts, self.draft_key)
        self._look_for_draft()

    @property
    def draft_form(self) -> str:
        if self.appointment is not None:
            return f"contact:{self.crn}:{self.appointment.date.isoformat()}"
        return f"contact:{self.crn}"

    def _look_for_draft(self) -> None:
        from omtui.screens.draft_prompt import look_for_draft

        look_for_draft(self, self.drafts, self.draft_key, self._offer_draft,
                       group="contact-draft")

    def _offer_draft(self, draft: Draft) -> None:
        from omtui.screens.draft_prompt import offer_draft

        if not isinstance(draft.payload, dict):
            return
        note = str(draft.payload.get("note") or "")
        preview = note[:200] or str(draft.payload.get("date") or "")
        offer_draft(self, f"the contact for {self.crn}", draft, preview, self._resume,
                    self.drafts)

    def _resume(self, draft: Draft) -> None:
        """Put a saved draft back in the form, field by field."""
        v = draft.payload
        for name in ("date", "time"):
            if isinstance(v.get(name), str):
                self.query_one(f"#entry-{name}", Input).value = v[name]
        for name in ("type", "outcome", "reason"):
            picker = self.query_one(f"#entry-{name}", KeyPicker)
            if v.get(name) is None or any(o.code == v.get(name) for o in picker.options):
                picker.value = v.get(name)
        self._show_reason_row()
        if isinstance(v.get("note"), str):
            self.query_one("#entry-note", TextArea).text = v["note"]
        self.query_one("#entry-note", TextArea).focus()

    def _typed_something(self) -> bool:
        v = self.values()
        return bool(str(v["note"]).strip() or str(v["time"]).strip()
                    or str(v["date"]).strip().lower() not in ("today", "")
                    or v["outcome"] is not None)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(KeyPicker.Changed)
    def _autosave(self, event) -> None:
        if self.autosave is not None and not self.saving and self._typed_something():
            self.autosave.changed(self.values())

    # -- the reason goes with some outcomes only -------------------------------------------------
    def _outcome_kind(self):
        picker = self.query(KeyPicker).filter("#entry-outcome")
        if not picker or picker.first().value is None or self.taxonomy is None:
            return None
        try:
            return self.taxonomy.outcome(picker.first().value)
        except ContactError:
            return None

    def _show_reason_row(self) -> None:
        rows = self.query("#reason-row")
        if not rows:
            return
        kind = self._outcome_kind()
        needs = kind is not None and kind.reason is not ReasonRule.NONE
        rows.first().display = needs
        if not needs:
            self.query_one("#entry-reason", KeyPicker).value = None
            self._error("reason", None)

    def _field(self, selector: str):
        found = self.query(selector)
        return found.first() if found else None

    def _after_outcome(self):
        """The reason when the outcome asks for one (its row was just shown), else the note."""
        rows = self.query("#reason-row")
        if rows and rows.first().display:
            return self._field("#entry-reason")
        return self._field("#entry-note")

    @on(KeyPicker.Changed, "#entry-outcome")
    def _outcome_changed(self, event: KeyPicker.Changed) -> None:
        self._show_reason_row()
        self._error("outcome", None)
        kind = self._outcome_kind()
        if kind is not None and kind.reason is ReasonRule.REQUIRED:
            self._note("reason", f"{kind.label} needs a reason: press its key")

    @on(KeyPicker.Changed, "#entry-reason")
    def _reason_changed(self, event: KeyPicker.Changed) -> None:
        self._error("reason", None)

    # -- field checks as you type ------------------------------------------------------------------
    @on(Input.Changed, "#entry-date")
    def _date_changed(self, event: Input.Changed) -> None:
        day, problem = read_date(event.value, self.app.today)
        if problem:
            self._error("date", problem)
        elif day is not None and day > self.app.today:
            self._error("date", f"{long_date(day)} is after today: arrange it as an appointment "
                        "instead (a from the contact log)")
        else:
            self._note("date", long_date(day) if day and event.value.strip().lower() != "today"
                       else None)

    @on(Input.Changed, "#entry-time")
    def _time_changed(self, event: Input.Changed) -> None:
        _at, problem = read_time(event.value)
        self._error("time", problem)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _error(self, name: str, message: str | None) -> None:
        found = self.query(f"#error-{name}")
        if found:
            found.first(FieldError).show_error(message)

    def _note(self, name: str, message: str | None) -> None:
        found = self.query(f"#error-{name}")
        if found:
            found.first(FieldError).show_note(message)

    # -- values ---------------------------------------------------------------------------------------
    def values(self) -> dict[str, object]:
        """What is in the form now (kept as typed whatever happens)."""
        pick = {p.id: p.value for p in self.query(KeyPicker)}
        return {"date": self.query_one("#entry-date", Input).value,
                "time": self.query_one("#entry-time", Input).value,
                "type": pick.get("entry-type"), "outcome": pick.get("entry-outcome"),
                "reason": pick.get("entry-reason"),
                "note": self.query_one("#entry-note", TextArea).text}

    def build_event(self) -> Event | None:
        """The event the form describes, or None with each problem shown under its field."""
        if self.taxonomy is None:
            self._error("form", "the contact outcomes are still loading")
            return None
        v = self.values()
        today: date = self.app.today
        problems: dict[str, str] = {}
        event = None
        if self.appointment is None:
            result = contact_from_form(
                {"date": str(v["date"]), "time": str(v["time"]),
                 "contact_type": v["type"] or "", "outcome": v["outcome"] or "",
                 "reason": v["reason"] or "", "note": str(v["note"])}, self.taxonomy, today)
            problems = {_field_of(k): m for k, m in result.errors.items()}
            event = result.event
        else:
            day, problem = read_date(str(v["date"]), today)
            if problem:
                problems["date"] = problem
            at, problem = read_time(str(v["time"]))
            if problem:
                problems["time"] = problem
            if not problems and v["outcome"] is not None:
                try:
                    event = self.taxonomy.record_outcome(
                        self.appointment, str(v["outcome"]), v["reason"] or None,
                        str(v["note"]), today=today)
                    event = _with_typed(event, day, at, str(v["type"]))
                except ContactError as exc:
                    problems[_field_of(exc.field)] = str(exc)
        if v["outcome"] is None:
            # Quick entry records what happened: an appointment is arranged with ``a`` from the
            # contact log, so a missing outcome is a mistake here, not an appointment.
            problems["outcome"] = ("choose an outcome: press its key (appointments are "
                                   "arranged with a from the contact log)")
            event = None
        for name in FIELDS:
            self._error(name, problems.get(name))
        if problems:
            first = next(n for n in FIELDS if n in problems)
            self._focus_field(first)
            self._error("form", f"Not saved: {len(problems)} field(s) to correct "
                        "(everything you typed is kept).")
            return None
        self._error("form", None)
        return event

    def _focus_field(self, name: str) -> None:
        target = {"date": "#entry-date", "time": "#entry-time", "type": "#entry-type",
                  "outcome": "#entry-outcome", "reason": "#entry-reason",
                  "note": "#entry-note"}.get(name)
        found = self.query(target) if target else None
        if found:
            found.first().focus()

    # -- saving ------------------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        self.after_typing(self._save_typed)    # after every key typed before ctrl+s

    def _save_typed(self) -> None:
        if self.saving:
            return
        event = self.build_event()
        if event is None:
            return
        self.saving = True
        self._error("form", None)
        self._note("form", "Saving…")
        self._save(event)

    @work(thread=True, exclusive=True, group="contact-save", exit_on_error=False,
          description="Saving the contact")
    def _save(self, event: Event) -> None:
        app = self.app
        store = app.store
        replaced = False
        try:
            if self.appointment is not None:
                store.replace_event(self.crn, self.appointment, event)
                replaced = True
            else:
                store.add_event(self.crn, event)
        except Exception as exc:  # noqa: BLE001 - shown under the form, nothing lost
            app.call_from_thread(self._save_failed, exc)
            return
        judged = self.taxonomy.judgement_of(event) if self.taxonomy else None
        if judged is not None:
            try:
                store.add_event(self.crn, judged)
            except Exception as exc:  # noqa: BLE001 - the contact is saved; say what is not
                app.call_from_thread(
                    self.app.notify, f"{self.crn}: the contact is saved but the decision on the "
                    f"explanation is not ({exc}); record it with x on the enforcement screen.",
                    title="Explanation", severity="error", timeout=15, markup=False)
        app.call_from_thread(self._saved, event, replaced)

    def _save_failed(self, exc: Exception) -> None:
        self.saving = False
        self._error("form", f"Not saved: {exc}. Everything you typed is kept; ctrl+s to retry.")

    def _saved(self, event: Event, replaced: bool) -> None:
        self.saving = False
        self.saved = event
        if self.autosave is not None:
            self.autosave.discard()
        what = self.taxonomy.describe(event) if self.taxonomy else "contact"
        title = "Outcome recorded" if self.appointment is not None else "Contact logged"
        message = f"{self.crn} {event.date.strftime('%d/%m/%Y')} {what}"
        if self.appointment is not None and not replaced:
            message += " (recorded as a new contact: this store cannot update the appointment)"
        if self.taxonomy is not None and self.taxonomy.judgement_of(event) is not None:
            message += "; explanation recorded as not acceptable (the enforcement screen, f, " \
                       "shows the next step)"
        self.app.notify(message, title=title, markup=False, timeout=4)
        self.app.post_message(CaseChanged(self.crn))
        self.dismiss(event)

    def action_cancel(self) -> None:
        """Close; what was typed is kept as a draft and offered next time."""
        if self.autosave is not None and self._typed_something():
            self.autosave.changed(self.values())
            self.autosave.flush_now()
            self.app.notify("Closed: what you typed is kept as a draft (offered when you "
                            "log a contact for this case again).", title="Draft", timeout=4)
        self.dismiss(None)


def _field_of(name: str) -> str:
    return {"contact_type": "type", "duration": "time"}.get(name, name if name in FIELDS
                                                             else "form")


def _with_typed(event: Event, day, at, contact_type: str) -> Event:
    """An appointment's recorded outcome with the date, time and type as corrected in the form."""
    from dataclasses import replace

    extra = dict(event.extra)
    extra[CONTACT_TYPE] = contact_type
    if at is not None:
        extra["time"] = format_entry_time(at)
    return replace(event, date=day or event.date, extra=extra)


def log_contact_for(app, crn: str | None, callback=None) -> None:
    """Open the quick-entry form for ``crn`` (the caseload's and the case view's ``c``)."""
    if not crn:
        app.notify("No case selected: highlight a case first.", severity="warning", timeout=3)
        return
    index = getattr(app, "caseload_index", None)
    case = index.cases.get(crn) if index is not None else None
    app.push_screen(ContactEntryScreen(crn, case.name if case is not None else ""), callback)


__all__ = ["ContactEntryScreen", "log_contact_for"]
