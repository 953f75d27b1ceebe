"""Entering a suspension of the contact schedule (NS 2c.16): custody, hospital or sickness,
from a date to a date (both inclusive) or open-ended. Saved as a ``suspension`` event in a
thread worker; the schedule pauses for those days (docs/enforcement.md). What is typed is kept
as a draft (``suspension:<crn>``, see ``event_form``), offered when the form opens again."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from omtui.domain.case import Event, EventType, SuspensionReason
from omtui.screens.contact_common import read_date
from omtui.screens.event_form import EventForm
from omtui.widgets.key_picker import FieldError, KeyPicker, Option
from omtui.widgets.text import literal, long_date
from omtui.widgets.typed_order import FormInput

REASONS = [Option(SuspensionReason.CUSTODY.value, "Custody", "c"),
           Option(SuspensionReason.HOSPITAL.value, "Hospital", "h"),
           Option(SuspensionReason.SICKNESS.value, "Sickness (certified)", "s")]


class SuspensionScreen(EventForm):
    INVALID_MESSAGE = "Not saved: correct the fields marked (nothing typed is lost)."

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="suspension.save",
                tooltip="Check and save the suspension."),
        Binding("escape", "cancel", "Close", id="suspension.cancel",
                tooltip="Close without saving; what you typed is kept as a draft."),
    ]

    def __init__(self, crn: str, name: str = "") -> None:
        super().__init__()
        self.crn = crn
        self.person = name

    @property
    def draft_form(self) -> str:
        return f"suspension:{self.crn}"

    def draft_what(self) -> str:
        return f"the suspension for {self.crn}"

    def compose(self) -> ComposeResult:
        with Vertical(id="susp-box", classes="form-box") as box:
            box.border_title = "Suspend the contact schedule"
            box.border_subtitle = "ctrl+s save · escape close (draft kept)"
            who = Text(self.crn + " ", style="bold")
            who.append_text(literal(self.person))
            yield Static(who)
            with Horizontal(classes="row"):
                yield Label("Reason", classes="label")
                yield KeyPicker(REASONS, None, id="susp-reason")
            yield FieldError(id="error-reason")
            with Horizontal(classes="row"):
                yield Label("From", classes="label")
                yield FormInput(value="today", id="susp-from", compact=True)
            yield FieldError(id="error-from")
            with Horizontal(classes="row"):
                yield Label("Until", classes="label")
                yield FormInput(id="susp-until", compact=True,
                            placeholder="last day (inclusive); blank: open, until ended")
            yield FieldError(id="error-until")
            with Horizontal(classes="row"):
                yield Label("Note", classes="label")
                yield FormInput(id="susp-note", compact=True, placeholder="optional")
            yield FieldError(id="error-form")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(KeyPicker).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Input.Changed, "#susp-from")
    @on(Input.Changed, "#susp-until")
    def _dates_changed(self, event: Input.Changed) -> None:
        self.build(quiet=True)

    def build(self, *, quiet: bool = False) -> Event | None:
        today = self.app.today
        problems: dict[str, str] = {}
        reason = self.query_one(KeyPicker).value
        if reason is None and not quiet:
            problems["reason"] = "choose a reason: c custody, h hospital, s sickness"
        start, p = read_date(self.query_one("#susp-from", Input).value, today)
        if p:
            problems["from"] = p
        until_text = self.query_one("#susp-until", Input).value
        until = None
        if until_text.strip():
            until, p = read_date(until_text, today, no_year="this")
            if p:
                problems["until"] = p
            elif start is not None and until < start:
                problems["until"] = (f"the last day {long_date(until)} is before the first "
                                     f"({long_date(start)})")
        for name in ("reason", "from", "until"):
            self._err(name, problems.get(name))
        if problems or reason is None:
            return None
        note = self.query_one("#susp-note", Input).value.strip() or None
        return Event(EventType.SUSPENSION, start, reason=reason, until=until, note=note)

    def saved_notice(self, event: Event) -> tuple[str, str, str]:
        until = long_date(event.until) if event.until else "open"
        return (f"schedule suspended ({event.reason}) from {long_date(event.date)} to {until}",
                "Suspension saved", "information")


__all__ = ["SuspensionScreen"]
