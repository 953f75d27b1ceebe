"""Starting breach (an order: back to court) or recall (a licence), NS 2f.4-2f.7.

For a failure whose deadline leads to breach or recall, ``b`` opens this form with that action;
``i`` (immediate action, HMIP D.4.2.6: risk of serious harm, a child at risk) opens it with the
reason picker first, so ``i r ctrl+s`` records an immediate breach/recall for risk of serious
harm. The deadlines the action starts are shown before saving, each with its rule and source:
breach papers so the hearing can be within 20 working days of the failure (NS 2f.6); the recall
within 24 hours of the decision (NS 2f.4 guidance); the letter to the person within 5 working
days of the return to custody (NS 2f.7). Once saved (``breach_initiated`` / ``recall_initiated``
with ``for_date``) they are the case's due items, each explainable. What is typed is kept as a
draft (``breach:`` or ``immediate:<crn>:<failure date>``, see ``event_form``), offered when the
form is opened again for the same failure.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from omtui.domain.calendar import CalendarError, Unit, WorkingCalendar
from omtui.domain.case import Case, Event, EventType, OrderType
from omtui.domain.enforcement import Action, Failure
from omtui.screens.contact_common import officer_name, read_date
from omtui.screens.event_form import EventForm
from omtui.widgets.key_picker import FieldError, KeyPicker, Option
from omtui.widgets.text import literal, long_date
from omtui.widgets.typed_order import FormInput

IMMEDIATE_REASONS = [
    Option("risk_of_serious_harm", "Risk of serious harm", "r"),
    Option("child_at_risk", "Child at risk", "c"),
    Option("other", "Other (say why in the note)", "o"),
]
IMMEDIATE_SOURCE = "HMIP D.4.2.6; NS 2f.3-2f.4"


def action_for(case: Case, failure: Failure | None, policy) -> Action:
    """Breach or recall for this case: the failure's next action when it is one of them, else
    the order type's threshold action (a licence is recalled, an order is breached)."""
    if failure is not None and failure.next_action is not Action.WARNING:
        return failure.next_action
    threshold = policy.threshold_for(case.order_type) if policy is not None else None
    if threshold is not None:
        return threshold.action
    return Action.RECALL if case.order_type is OrderType.LICENCE else Action.BREACH


def deadlines_text(action: Action, failure: Failure | None, decided: date,
                   calendar: WorkingCalendar, policy) -> Text:
    """What the action starts, each deadline with its rule, source, day 0 and due date."""
    t = Text()
    if policy is None:
        t.append("No enforcement policy in the rule book: no deadlines worked out.", style="dim")
        return t
    try:
        if action is Action.BREACH:
            day0 = failure.date if failure is not None else decided
            trace = calendar.explain(day0, policy.breach_working_days, Unit.WORKING_DAYS)
            t.append("Breach papers ", style="bold")
            t.append(f"by {long_date(trace.due)}: {policy.breach.title} ")
            t.append(f"[{policy.breach.id}, {policy.breach.source}] ", style="dim")
            t.append(f"day 0 {long_date(day0)} "
                     f"({'the failure' if failure is not None else 'the decision'}) + "
                     f"{policy.breach_working_days} working days, {len(trace.skipped)} "
                     "non-working day(s) skipped")
        else:
            trace = calendar.explain(decided, policy.recall_hours // 24, Unit.DAYS)
            t.append("Recall ", style="bold")
            t.append(f"by {long_date(trace.due)}: {policy.recall.title} ")
            t.append(f"[{policy.recall.id}, {policy.recall.source}] ", style="dim")
            t.append(f"{policy.recall_hours} hours from the decision ({long_date(decided)})")
            t.append("\nLetter to the person ", style="bold")
            t.append(f"within {policy.recall_letter_working_days} working days of the return "
                     f"to custody: {policy.recall_letter.title} ")
            t.append(f"[{policy.recall_letter.id}, {policy.recall_letter.source}]", style="dim")
            t.append(" (due once the return to custody is recorded)")
    except CalendarError as exc:
        t.append(f"Deadline not worked out: {exc}")
    return t


class BreachRecallScreen(EventForm):
    BINDINGS = [
        Binding("ctrl+s", "save", "Record", priority=True, id="breach.save",
                tooltip="Record the breach or recall."),
        Binding("escape", "cancel", "Close", id="breach.cancel",
                tooltip="Close, not recorded; what you typed is kept as a draft."),
    ]
    DEFAULT_CSS = """
    BreachRecallScreen > .form-box { width: 100; border: round $error; }
    BreachRecallScreen .label { width: 10; }
    BreachRecallScreen #breach-deadlines { height: auto; padding: 1 0 0 0; }
    BreachRecallScreen #breach-scroll { height: auto; max-height: 1fr; }
    """

    def __init__(self, case: Case, failure: Failure | None, policy, *,
                 immediate: bool = False) -> None:
        super().__init__()
        self.case = case
        self.failure = failure
        self.policy = policy
        self.immediate = immediate
        self.action = action_for(case, failure, policy)
        self.crn = case.crn

    @property
    def event_type(self) -> EventType:
        return (EventType.RECALL_INITIATED if self.action is Action.RECALL
                else EventType.BREACH_INITIATED)

    @property
    def draft_form(self) -> str:
        kind = "immediate" if self.immediate else "breach"
        of = self.failure.date.isoformat() if self.failure is not None else "case"
        return f"{kind}:{self.crn}:{of}"

    def draft_what(self) -> str:
        word = "recall" if self.action is Action.RECALL else "breach"
        what = f"the immediate {word}" if self.immediate else f"the {word}"
        if self.failure is not None:
            return f"{what} for {self.crn}'s failure of {long_date(self.failure.date)}"
        return f"{what} for {self.crn}"

    def compose(self) -> ComposeResult:
        word = "recall" if self.action is Action.RECALL else "breach"
        with Vertical(id="breach-box", classes="form-box") as box:
            box.border_title = (f"Immediate {word}" if self.immediate
                                else f"Start {word}")
            box.border_subtitle = "ctrl+s record · escape close (draft kept)"
            yield Static(self._head(), id="breach-head")
            with VerticalScroll(id="breach-scroll", can_focus=False):
                if self.immediate:
                    with Horizontal(classes="row"):
                        yield Label("Why now", classes="label")
                        yield KeyPicker(IMMEDIATE_REASONS, None, id="breach-reason")
                    yield FieldError(id="error-why")
                with Horizontal(classes="row"):
                    yield Label("Decided", classes="label")
                    yield FormInput(value="today", id="breach-date", compact=True)
                yield FieldError(id="error-date")
                with Horizontal(classes="row"):
                    yield Label("Note", classes="label")
                    yield FormInput(id="breach-note", compact=True,
                                placeholder="what happened, who agreed (optional)")
                yield FieldError(id="error-note")
                yield Static("", id="breach-deadlines")
            yield FieldError(id="error-form")
        yield Footer()

    def _head(self) -> Text:
        t = Text(self.case.crn + " ", style="bold")
        t.append_text(literal(self.case.name))
        t.append(f" · {self.case.order_type.label}")
        f = self.failure
        if f is not None:
            t.append(f"\nFailure of {long_date(f.date)}: ")
            if f.next_action is Action.WARNING and not self.immediate:
                t.append("the standard asks for a written warning here "
                         f"({f.next_action_source}); say in the note why "
                         f"{self.action.value} is started instead.", style="bold")
            else:
                t.append_text(literal(f"{f.next_action_reason} [{f.next_action_rule}, "
                                      f"{f.next_action_source}]", single_line=False))
        elif self.immediate:
            t.append("\nNo failure highlighted: the action is recorded for the case.")
        if self.immediate:
            t.append(f"\nImmediate action ({IMMEDIATE_SOURCE}): choose why (one key).",
                     style="dim")
        return t

    def on_mount(self) -> None:
        first = "#breach-reason" if self.immediate else "#breach-date"
        self.query_one(first).focus()
        self._update_deadlines()

    @on(Input.Changed, "#breach-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._update_deadlines()

    @on(KeyPicker.Changed, "#breach-reason")
    def _why_changed(self, event: KeyPicker.Changed) -> None:
        self._err("why", None)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _err(self, name: str, message: str | None) -> None:
        found = self.query(f"#error-{name}")   # the date row is absent for immediate action
        if found:
            found.first(FieldError).show_error(message)

    def _decided(self) -> tuple[date | None, str | None]:
        today = self.app.today
        day, problem = read_date(self.query_one("#breach-date", Input).value, today)
        if problem:
            return None, problem
        if day > today:
            return None, f"{long_date(day)} is after today: record the decision once taken"
        if self.failure is not None and day < self.failure.date:
            return None, f"{long_date(day)} is before the failure ({long_date(self.failure.date)})"
        return day, None

    def _update_deadlines(self) -> None:
        day, problem = self._decided()
        self._err("date", problem)
        if day is not None:
            self.query_one("#breach-deadlines", Static).update(
                deadlines_text(self.action, self.failure, day, self.app.calendar, self.policy))

    def build(self) -> Event | None:
        problems: dict[str, str] = {}
        day, problem = self._decided()
        if problem:
            problems["date"] = problem
        why = None
        if self.immediate:
            why = self.query_one("#breach-reason", KeyPicker).value
            if why is None:
                problems["why"] = "choose why: r risk of serious harm, c child at risk, o other"
        note = self.query_one("#breach-note", Input).value.strip()
        escalating = (self.failure is not None and not self.immediate
                      and self.failure.next_action is Action.WARNING)
        if (why == "other" or escalating) and not note:
            problems["note"] = ("say why in the note (the standard asks for a warning here)"
                                if escalating else "say what the other reason is")
        for name in ("why", "date", "note"):
            self._err(name, problems.get(name))
        if problems:
            self._err("form", "Not recorded: correct the fields marked (nothing typed is lost).")
            return None
        self._err("form", None)
        extra: dict[str, object] = {"decided_by": officer_name(self.app)}
        reason = note or None
        if self.immediate:
            label = next(o.label for o in IMMEDIATE_REASONS if o.code == why)
            extra["immediate"] = True
            extra["immediate_reason"] = why
            reason = f"immediate action: {label}" + (f" – {note}" if note else "")
        return Event(self.event_type, day,
                     for_date=self.failure.date if self.failure is not None else None,
                     reason=reason, extra=extra)

    def saved_notice(self, event: Event) -> tuple[str, str, str]:
        word = "Recall" if self.action is Action.RECALL else "Breach"
        return (f"{word.lower()} started {long_date(event.date)}"
                + (" (immediate)" if self.immediate else ""), f"{word} recorded", "warning")


__all__ = ["BreachRecallScreen", "IMMEDIATE_REASONS", "action_for", "deadlines_text"]
