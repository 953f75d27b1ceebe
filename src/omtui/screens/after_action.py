"""What follows breach or recall, as docs/enforcement.md represents it:

* the court's decision on a breach: "the order continues" is recorded on the breach event itself
  (``court_outcome: order_continues`` and ``court_date``), which spends the warnings given up to
  then (NS 2f.8 guidance); the breach event is updated in place (``store.replace_event``);
* the return to custody after recall (``returned_to_custody``: the letter to the person is due
  within 5 working days, NS 2f.7) and the re-release (``release``: warnings given before it are
  spent).

One small form for each; saved in a thread worker. What is typed is kept as a draft
(``court-outcome:<crn>:<breach date>``, ``custody:<crn>``; see ``event_form``).
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from omtui.domain.case import Case, Event, EventType
from omtui.domain.enforcement import (
    COURT_DATE_FIELD,
    COURT_OUTCOME_FIELD,
    ORDER_CONTINUES,
)
from omtui.screens.contact_common import read_date
from omtui.screens.event_form import EventForm
from omtui.widgets.key_picker import FieldError, KeyPicker, Option
from omtui.widgets.text import literal, long_date
from omtui.widgets.typed_order import FormInput

COURT_OUTCOMES = [Option(ORDER_CONTINUES, "Order continues (warnings spent)", "c"),
                  Option("revoked", "Order revoked / re-sentenced", "r")]
CUSTODY_EVENTS = [Option(EventType.RETURNED_TO_CUSTODY.value, "Returned to custody", "t"),
                  Option(EventType.RELEASE.value, "Re-released", "r")]


class _DateForm(EventForm):
    """A choice (one key) and a date, saved as one event."""

    TITLE_TEXT = ""
    CHOICES: list[Option] = []
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="after.save", tooltip="Save."),
        Binding("escape", "cancel", "Close", id="after.cancel",
                tooltip="Close without saving; what you typed is kept as a draft."),
    ]

    def __init__(self, case: Case, heading: Text) -> None:
        super().__init__()
        self.case = case
        self.heading = heading
        self.crn = case.crn

    def compose(self) -> ComposeResult:
        with Vertical(id="after-box", classes="form-box") as box:
            box.border_title = self.TITLE_TEXT
            box.border_subtitle = "ctrl+s save · escape close (draft kept)"
            yield Static(self.heading)
            with Horizontal(classes="row"):
                yield Label("What", classes="label")
                yield KeyPicker(self.CHOICES, None, id="after-choice")
            yield FieldError(id="error-choice")
            with Horizontal(classes="row"):
                yield Label("Date", classes="label")
                yield FormInput(value="today", id="after-date", compact=True)
            yield FieldError(id="error-date")
            yield FieldError(id="error-form")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(KeyPicker).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def build(self):
        """(choice, date) or None with the problems shown under their fields."""
        today = self.app.today
        choice = self.query_one(KeyPicker).value
        day, problem = read_date(self.query_one("#after-date", Input).value, today)
        if problem is None and day > today:
            problem = f"{long_date(day)} is after today"
        self._err("choice", None if choice else "choose one: press its key")
        self._err("date", problem)
        if choice is None or problem:
            self._err("form", "Not saved: correct the fields marked.")
            return None
        return choice, day

    def store_event(self, payload) -> Event:
        choice, day = payload
        return self.write(choice, day)

    def write(self, choice: str, day) -> Event:  # pragma: no cover - overridden
        raise NotImplementedError

    def saved_notice(self, event: Event) -> tuple[str, str, str]:
        return self.saved_text(event), "Saved", "information"

    def saved_text(self, event: Event) -> str:
        return f"{event.type.label} {long_date(event.date)}"


class CourtOutcomeScreen(_DateForm):
    TITLE_TEXT = "Court outcome of the breach"
    CHOICES = COURT_OUTCOMES

    def __init__(self, case: Case, breach: Event) -> None:
        t = Text(case.crn + " ", style="bold")
        t.append_text(literal(case.name))
        t.append(f" · breach of {long_date(breach.date)}")
        super().__init__(case, t)
        self.breach = breach

    @property
    def draft_form(self) -> str:
        return f"court-outcome:{self.crn}:{self.breach.date.isoformat()}"

    def draft_what(self) -> str:
        return f"the court outcome of {self.crn}'s breach of {long_date(self.breach.date)}"

    def write(self, choice: str, day) -> Event:
        extra = dict(self.breach.extra)
        extra[COURT_OUTCOME_FIELD] = choice
        extra[COURT_DATE_FIELD] = day.isoformat()
        updated = replace(self.breach, extra=extra)
        self.app.store.replace_event(self.case.crn, self.breach, updated)
        return updated

    def saved_text(self, event: Event) -> str:
        if event.extra.get(COURT_OUTCOME_FIELD) == ORDER_CONTINUES:
            return (f"the court let the order continue on "
                    f"{event.extra.get(COURT_DATE_FIELD)}: earlier warnings are spent")
        return "court outcome recorded"


class CustodyScreen(_DateForm):
    TITLE_TEXT = "Recall: custody and re-release"
    CHOICES = CUSTODY_EVENTS

    def __init__(self, case: Case) -> None:
        t = Text(case.crn + " ", style="bold")
        t.append_text(literal(case.name))
        t.append(" · t returned to custody (letter due in 5 working days, NS 2f.7) · "
                 "r re-released (earlier warnings spent)")
        super().__init__(case, t)

    @property
    def draft_form(self) -> str:
        return f"custody:{self.crn}"

    def draft_what(self) -> str:
        return f"the custody or re-release of {self.crn}"

    def write(self, choice: str, day) -> Event:
        event = Event(EventType(choice), day)
        self.app.store.add_event(self.case.crn, event)
        return event


__all__ = ["CourtOutcomeScreen", "CustodyScreen"]
