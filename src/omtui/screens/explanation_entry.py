"""Recording an explanation for a failure to comply (NS 2f.4; HMIP D.2.2.16).

Received when (typed date), from whom, the decision (``a`` acceptable / ``u`` unacceptable) and
its reason, the HMIP reasonable-excuse factors considered (a checklist), and, for an
explanation received after day 10 of the clock and judged acceptable, the extenuating
circumstances: without them the form refuses to save, with the message under the field
(NS 2f.4 guidance allows late explanations only in extenuating circumstances).

Saved as an ``explanation`` event (``for_date`` = the failure; ``from``, ``factors`` and
``extenuating_circumstances`` as extra fields) in a thread worker. What is typed is kept as a
draft of this failure's explanation (``explanation:<crn>:<failure date>``, see
``event_form``): escape keeps it and the form offers it when opened again for that failure.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, SelectionList, Static, TextArea

from omtui.domain.case import Event, EventType
from omtui.domain.enforcement import EXTENUATING_FIELD, Failure
from omtui.screens.contact_common import read_date
from omtui.screens.event_form import EventForm
from omtui.widgets.key_picker import FieldError, KeyPicker, Option
from omtui.widgets.text import literal, long_date
from omtui.widgets.typed_order import FormInput, FormTextArea

#: HMIP D.2.2.16 (NS 2011 wording): what the offender manager takes into account in deciding
#: whether the reason for non-compliance is a reasonable excuse; then the assessor's checks.
FACTORS = (
    ("nature_of_failure", "The nature of the failure"),
    ("circumstances_of_noncompliance", "The circumstances of the non-compliance"),
    ("pattern_of_compliance", "The pattern of compliance to date"),
    ("offender_circumstances", "The circumstances of the offender"),
    ("risk_signal", "Consistent with risk of harm (a sign of loss of self-control?)"),
    ("reoffending_signal", "Implications for reoffending"),
    ("gender_considered", "Gender considered (women: different approaches may be needed)"),
    ("consistent_with_prior_decisions", "Consistent with earlier decisions on this order"),
)
FACTORS_SOURCE = "HMIP D.2.2.16"
DECISIONS = [Option("acceptable", "Acceptable", "a"), Option("unacceptable", "Unacceptable", "u")]


class ExplanationEntryScreen(EventForm):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="explanation.save",
                tooltip="Check every field and save the explanation."),
        Binding("escape", "cancel", "Close", id="explanation.cancel",
                tooltip="Close without saving; what you typed is kept as a draft."),
    ]
    DEFAULT_CSS = """
    ExplanationEntryScreen > .form-box { width: 100; }
    ExplanationEntryScreen .label { width: 10; }
    ExplanationEntryScreen SelectionList { height: auto; max-height: 8; border: none; }
    ExplanationEntryScreen #expl-extenuating { height: 4; }
    ExplanationEntryScreen #expl-fields { height: auto; max-height: 1fr; }
    ExplanationEntryScreen #ext-row.-hidden { display: none; }
    """

    def __init__(self, crn: str, name: str, failure: Failure) -> None:
        super().__init__()
        self.crn = crn
        self.person = name
        self.failure = failure

    @property
    def draft_form(self) -> str:
        return f"explanation:{self.crn}:{self.failure.date.isoformat()}"

    def draft_what(self) -> str:
        return f"the explanation for {self.crn}'s failure of {long_date(self.failure.date)}"

    def compose(self) -> ComposeResult:
        f = self.failure
        with Vertical(id="expl-box", classes="form-box") as box:
            box.border_title = "Record an explanation"
            box.border_subtitle = "ctrl+s save · escape close (draft kept)"
            head = Text(self.crn + " ", style="bold")
            head.append_text(literal(self.person))
            head.append(f"  failure of {long_date(f.date)} · clock ends {long_date(f.clock_end)}")
            yield Static(head)
            with VerticalScroll(id="expl-fields", can_focus=False):
                with Horizontal(classes="row"):
                    yield Label("Received", classes="label")
                    yield FormInput(value="today", id="expl-received", compact=True)
                yield FieldError(id="error-received")
                with Horizontal(classes="row"):
                    yield Label("From", classes="label")
                    yield FormInput(id="expl-from", compact=True,
                                placeholder="who gave it: the person, a GP, a solicitor…")
                yield FieldError(id="error-from")
                with Horizontal(classes="row"):
                    yield Label("Decision", classes="label")
                    yield KeyPicker(DECISIONS, None, id="expl-decision")
                yield FieldError(id="error-decision")
                with Horizontal(classes="row"):
                    yield Label("Reason", classes="label")
                    yield FormInput(id="expl-reason", compact=True,
                                placeholder="the explanation and why it is (not) acceptable")
                yield FieldError(id="error-reason")
                yield Label(f"Reasonable-excuse factors considered ({FACTORS_SOURCE}); "
                            "space ticks")
                yield SelectionList[str](*[(label, code) for code, label in FACTORS],
                                         id="expl-factors")
                with Vertical(id="ext-row", classes="row -hidden"):
                    yield Label("Extenuating circumstances (needed: received after day 10)")
                    yield FieldError(id="error-extenuating")
                    yield FormTextArea(id="expl-extenuating", soft_wrap=True, tab_behavior="focus")
            yield FieldError(id="error-form")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#expl-received", Input).focus()
        self._check_received(self.query_one("#expl-received", Input).value)

    def _note(self, name: str, message: str | None) -> None:
        self.query_one(f"#error-{name}", FieldError).show_note(message)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _check_received(self, text: str) -> date | None:
        today = self.app.today
        received, problem = read_date(text, today)
        if problem:
            self._err("received", problem)
            return None
        if received > today:
            self._err("received", f"{long_date(received)} is after today: record an "
                      "explanation once it has been received")
            return None
        if received < self.failure.date:
            self._err("received", f"{long_date(received)} is before the failure "
                      f"({long_date(self.failure.date)})")
            return None
        late = received > self.failure.clock_end
        self.query_one("#ext-row").set_class(not late, "-hidden")
        if late:
            self._note("received", f"late: received after day 10 (the clock ended "
                       f"{long_date(self.failure.clock_end)}); to accept it, record the "
                       "extenuating circumstances")
        else:
            self._note("received", "within the 10 working days")
        return received

    @on(Input.Changed, "#expl-received")
    def _received_changed(self, event: Input.Changed) -> None:
        self._check_received(event.value)

    @on(KeyPicker.Changed, "#expl-decision")
    def _decision_changed(self, event: KeyPicker.Changed) -> None:
        self._err("decision", None)

    def build(self) -> Event | None:
        problems: dict[str, str] = {}
        received = self._check_received(self.query_one("#expl-received", Input).value)
        if received is None:
            problems["received"] = "see above"
        decision = self.query_one("#expl-decision", KeyPicker).value
        if decision is None:
            problems["decision"] = "choose the decision: a acceptable, u unacceptable"
        reason = self.query_one("#expl-reason", Input).value.strip()
        if not reason:
            problems["reason"] = ("record the explanation and the reason for the decision "
                                  "(HMIP D.2.2.16: the decision must be explained)")
        ext = self.query_one("#expl-extenuating", TextArea).text.strip()
        late = received is not None and received > self.failure.clock_end
        if late and decision == "acceptable" and not ext:
            problems["extenuating"] = (
                "a late explanation (after day 10, "
                f"{long_date(self.failure.clock_end)}) can only be accepted in extenuating "
                "circumstances: describe them here (NS 2f.4)")
        for name in ("decision", "reason", "extenuating"):
            self._err(name, problems.get(name))
        if problems:
            self._err("form", f"Not saved: {len(problems)} field(s) to correct (everything "
                      "you typed is kept).")
            first = {"received": "#expl-received", "decision": "#expl-decision",
                     "reason": "#expl-reason", "extenuating": "#expl-extenuating"}
            for name in ("received", "decision", "reason", "extenuating"):
                if name in problems:
                    self.query_one(first[name]).focus()
                    break
            return None
        self._err("form", None)
        extra: dict[str, object] = {}
        who = self.query_one("#expl-from", Input).value.strip()
        if who:
            extra["from"] = who
        factors = list(self.query_one(SelectionList).selected)
        if factors:
            extra["factors"] = factors
        if late and ext:
            extra[EXTENUATING_FIELD] = ext
        return Event(EventType.EXPLANATION, received, for_date=self.failure.date,
                     acceptable=decision == "acceptable", reason=reason, extra=extra)

    def saved_notice(self, event: Event) -> tuple[str, str, str]:
        decision = "acceptable" if event.acceptable else "not acceptable"
        return (f"explanation for {self.failure.date.strftime('%d/%m/%Y')} recorded ({decision})",
                "Explanation saved", "information")


__all__ = ["FACTORS", "ExplanationEntryScreen"]
