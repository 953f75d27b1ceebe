"""Enforcement of one case (NS 2f.3-2f.8; HMIP D.2.2.16, D.4.2.6).

Every failure to comply with its day-10 explanation clock counting down in working days, what
happens at the deadline (a written warning, or breach / recall because of the warnings already
given in the preceding 12 months, listed) with the rule and its source, the warnings (spent ones
shown as spent) and the enforcement due items.

Keys: enter / ``e`` explains the highlighted failure's deadline day by day; ``x`` records an
explanation; ``w`` issues the written warning (letter + record); ``b`` starts breach or recall;
``i`` is the immediate-action path (risk of serious harm, child at risk); ``d`` switches
between the failures and the due items. The state is worked out in a thread worker from the
rule book's enforcement policy (``omtui.domain.enforcement``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from omtui.domain.case import Case, EventType
from omtui.domain.due import DueItem, status_for
from omtui.domain.enforcement import (
    Action,
    EnforcementState,
    Failure,
    FailureStatus,
    WarningRecord,
    enforcement_state,
)
from omtui.domain.outcomes import OutcomeTaxonomy
from omtui.screens.contact_common import enforcement_policy, taxonomy
from omtui.widgets.countdown import failure_countdown, status_text
from omtui.widgets.due_table import DueTable
from omtui.widgets.text import StatusStyles, literal, long_date


@dataclass(frozen=True)
class EnforcementData:
    case: Case
    state: EnforcementState | None
    policy: object
    taxonomy: OutcomeTaxonomy


def failure_item(state: EnforcementState, failure: Failure, today: date, calendar) -> DueItem:
    """The due item that stands for ``failure`` (its current step), for the explanation.

    ``enforcement_state`` makes one due item per failure, in the order of ``state.failures``
    (recall letters follow), so the item is found by position."""
    for i, f in enumerate(state.failures):
        if f is failure and i < len(state.due_items):
            return state.due_items[i]
    trace = failure.clock_trace
    return DueItem(crn=state.crn, rule=failure.rule, title="Explanation for the failure to comply",
                   source=failure.source, day0=failure.date, day0_label="failure to comply",
                   due=failure.clock_end, status=status_for(failure.clock_end, None, today,
                                                            calendar),
                   trace=trace, satisfied_by="an acceptable explanation", kind="enforcement",
                   notes=(f"at the deadline: {failure.at_deadline}",))


def warning_line(w: WarningRecord, today: date) -> Text:
    t = Text()
    t.append(w.date.strftime("%d/%m/%Y"), style="bold" if not w.spent_by(today) else "dim strike")
    number = w.event.extra.get("warning_number")
    if isinstance(number, int) and not isinstance(number, bool):
        t.append(f" no. {number}")
    if w.senior_manager or w.event.extra.get("senior_manager") is True:
        t.append(" [senior manager]")
    if w.for_failure is not None:
        t.append(f" for {w.for_failure.strftime('%d/%m/%Y')}", style="dim")
    if w.spent_by(today):
        t.append(" spent", style="italic")
        if w.spent_reason:
            t.append(" (")
            t.append_text(literal(w.spent_reason))
            t.append(")")
    return t


class EnforcementScreen(Screen):
    AUTO_FOCUS = "#enf-failures"
    HELP = (
        "Each failure to comply opens a clock ending at the end of the 10th working day after it "
        "(NS 2f.4); 'wd' is working days: ⚠ 2 or fewer left, ! last day, ✗ ended. 'At the "
        "deadline' is what follows without an acceptable explanation: a written warning (NS "
        "2f.8), or breach (an order with a warning in the preceding 12 months) or recall (a "
        "licence with two), the warnings counted listed below. Spent warnings (re-release after "
        "recall, or a court letting the order continue) no longer count. e explains any date day "
        "by day; d shows the enforcement due items (breach papers, recall, recall letter).")
    BINDINGS = [
        Binding("escape", "back", "Back", id="enforcement.back", tooltip="Back."),
        Binding("e", "explain", "Explain", id="enforcement.explain",
                tooltip="The highlighted deadline day by day: rule, source, days skipped."),
        Binding("x", "explanation", "Explanation", id="enforcement.explanation",
                tooltip="Record an explanation for the highlighted failure."),
        Binding("w", "warning", "Warning", id="enforcement.warning",
                tooltip="Issue the written warning: letter saved and warning recorded."),
        Binding("b", "breach", "Breach/recall", id="enforcement.breach",
                tooltip="Start breach (order) or recall (licence) for the highlighted failure."),
        Binding("i", "immediate", "Immediate", id="enforcement.immediate",
                tooltip="Immediate breach or recall: risk of serious harm, child at risk."),
        Binding("o", "court_outcome", "Court outcome", show=False, id="enforcement.court",
                tooltip="Record the court's decision on a breach (order continues: warnings "
                "spent)."),
        Binding("t", "custody", "Custody", show=False, id="enforcement.custody",
                tooltip="After recall: returned to custody (letter due) or re-released."),
        Binding("d", "toggle_due", "Due items", show=False, id="enforcement.due-items",
                tooltip="Switch between the failures and the enforcement due items."),
        Binding("r", "refresh", "Refresh", show=False, id="enforcement.refresh",
                tooltip="Read this case from the store again."),
    ]
    DEFAULT_CSS = """
    EnforcementScreen #enf-summary { height: auto; padding: 0 1; }
    EnforcementScreen #enf-failures { height: auto; max-height: 10; }
    EnforcementScreen #enf-due { height: auto; max-height: 12; display: none; }
    EnforcementScreen.-due #enf-due { display: block; }
    EnforcementScreen.-due #enf-failures { display: none; }
    EnforcementScreen #enf-detail { height: 1fr; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, crn: str) -> None:
        super().__init__()
        self.crn = crn
        self.data: EnforcementData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"{self.crn}: loading…"), id="enf-summary")
        yield DataTable(id="enf-failures", cursor_type="row", zebra_stripes=True)
        yield DueTable(id="enf-due")
        yield Static("", id="enf-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.crn} · enforcement"
        table = self.failures_table
        table.add_column("Failure", key="date", width=10)
        table.add_column("Clock ends", key="end", width=10)
        table.add_column("Left", key="left", width=17)
        table.add_column("Status", key="status", width=15)
        table.add_column("At the deadline", key="next")
        table.loading = True
        self.load()

    @property
    def failures_table(self) -> DataTable:
        return self.query_one("#enf-failures", DataTable)

    # -- loading ---------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="enforcement", exit_on_error=False,
          description="Working out enforcement")
    def load(self) -> None:
        app = self.app
        try:
            case = app.store.get_case(self.crn)
            policy = enforcement_policy(app)
            state = (enforcement_state(case, app.today, app.calendar, policy)
                     if policy is not None else None)
            tax, _problem = taxonomy()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._show, EnforcementData(case, state, policy, tax))

    def _failed(self, exc: Exception) -> None:
        self.failures_table.loading = False
        self.query_one("#enf-summary", Static).update(
            literal(f"{self.crn}: could not be read ({exc}); r to retry", single_line=False))
        self.notify(f"Could not read case {self.crn}: {exc}", title="Store error",
                    severity="error", timeout=10, markup=False)

    def _show(self, data: EnforcementData) -> None:
        self.data = data
        today = self.app.today
        styles = StatusStyles(self.app)
        table = self.failures_table
        table.loading = False
        row = table.cursor_row
        table.clear()
        state = data.state
        self.query_one("#enf-summary", Static).update(self._summary(data))
        if state is None:
            self.query_one("#enf-detail", Static).update(
                Text("No enforcement policy in the rule book: nothing to show."))
            return
        for i, f in enumerate(self.failures):
            nxt = Text()
            if f.status in (FailureStatus.EXPLAINED_ACCEPTABLE, FailureStatus.ACTIONED):
                nxt.append("–", style="dim")
            else:
                nxt.append(f.next_action.label, style="bold" if f.next_action is not Action.WARNING
                           else "")
                if f.senior_manager:
                    nxt.append(" (senior manager)", style="bold")
                nxt.append(f" · {f.next_action_source}", style="dim")
            table.add_row(Text(f.date.strftime("%d/%m/%Y")),
                          Text(f.clock_end.strftime("%d/%m/%Y")),
                          failure_countdown(f, styles), status_text(f, styles), nxt, key=str(i))
        if self.failures:
            table.move_cursor(row=min(max(row, 0), len(self.failures) - 1))
        self.query_one(DueTable).show_items(sorted(state.due_items, key=DueItem.sort_key), today)
        self._show_detail()

    @property
    def failures(self) -> list[Failure]:
        """Open failures first (oldest clock first), then closed ones, newest first."""
        if self.data is None or self.data.state is None:
            return []
        fs = list(self.data.state.failures)
        open_ = sorted((f for f in fs if f.status.is_open), key=lambda f: f.date)
        closed = sorted((f for f in fs if not f.status.is_open), key=lambda f: f.date,
                        reverse=True)
        return open_ + closed

    def _summary(self, data: EnforcementData) -> Text:
        case, state, today = data.case, data.state, self.app.today
        t = Text()
        t.append(case.crn, style="bold")
        t.append(" ")
        t.append_text(literal(case.name, "bold"))
        t.append(f" · {case.order_type.label}", style="dim")
        if state is None:
            return t
        n_open = len(state.open_failures)
        t.append(f" · {n_open} open failure{'s' if n_open != 1 else ''}",
                 style="bold" if n_open else "")
        t.append("\nWarnings in the 12 months from ", style="dim")
        t.append(state.window_start.strftime("%d/%m/%Y"), style="dim")
        t.append(": ", style="dim")
        if state.warnings_in_window:
            for i, w in enumerate(state.warnings_in_window):
                if i:
                    t.append(", ")
                t.append_text(warning_line(w, today))
        else:
            t.append("none")
        if state.spent_warnings:
            t.append("\nSpent: ", style="dim")
            for i, w in enumerate(state.spent_warnings):
                if i:
                    t.append(", ")
                t.append_text(warning_line(w, today))
        t.append("\nA new failure would lead to: ", style="dim")
        t.append(state.next_failure_action.label, style="bold")
        return t

    # -- the highlighted failure -----------------------------------------------------------------
    @property
    def current_failure(self) -> Failure | None:
        fs = self.failures
        row = self.failures_table.cursor_row
        if not fs or row is None or not 0 <= row < len(fs):
            return None
        return fs[row]

    @on(DataTable.RowHighlighted, "#enf-failures")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#enf-detail", Static)
        f = self.current_failure
        if self.data is None or self.data.state is None:
            return
        if f is None:
            t = Text("No failures to comply recorded. ", style="italic")
            t.append("A contact logged as failed to attend / unacceptable absence / sent home "
                     "(behaviour) opens a 10-working-day clock here.")
            detail.update(t)
            return
        detail.update(self.failure_text(f))

    def failure_text(self, f: Failure) -> Text:
        today = self.app.today
        styles = StatusStyles(self.app)
        tax = self.data.taxonomy if self.data else None
        t = Text()
        t.append("Failure to comply ", style="dim")
        t.append(long_date(f.date), style="bold")
        t.append(": ")
        t.append_text(literal("; ".join(tax.describe(c) if tax else "contact"
                                        for c in f.contacts)))
        t.append("\nExplanation clock ", style="dim")
        t.append(f"{f.source} ({f.rule}): ends {long_date(f.clock_end)} · ")
        t.append_text(failure_countdown(f, styles) if f.status.is_open
                      else status_text(f, styles))
        if f.status.is_open:
            t.append("\nAt the deadline ", style="dim")
            action_style = (styles.overdue if f.next_action is not Action.WARNING
                            else Style(bold=True))
            t.append(f.next_action.label, style=action_style)
            t.append(f" ({f.next_action_rule}, {f.next_action_source}): ")
            t.append_text(literal(f.next_action_reason, single_line=False))
            if f.senior_manager:
                t.append("\n⚠ SENIOR MANAGER: ", style=styles.due_soon)
                t.append("this warning is the second and final warning on licence and is "
                         "issued by a senior manager (NS 2f.8)")
        counted = ", ".join(w.date.strftime("%d/%m/%Y") for w in f.warnings_counted) or "none"
        t.append("\nWarnings counted ", style="dim")
        t.append(f"(from {f.window_start.strftime('%d/%m/%Y')}, before the failure): {counted}")
        for x in f.explanations:
            t.append("\nExplanation ", style="dim")
            t.append(f"{x.received.strftime('%d/%m/%Y')}")
            if x.from_whom:
                t.append(" from ")
                t.append_text(literal(x.from_whom))
            t.append(": ")
            t.append("acceptable" if x.counts_as_acceptable else "not acceptable",
                     style=styles.done if x.counts_as_acceptable else styles.overdue)
            if x.late:
                t.append(" (late)")
            if x.reason:
                t.append(" – ")
                t.append_text(literal(x.reason))
        for flag in f.flags:
            t.append("\n⚠ ", style=styles.due_soon)
            t.append_text(literal(flag, single_line=False))
        t.append("\nx explanation · w warning · b breach/recall · i immediate · e explain · "
                 "o court · t custody", style="dim")
        return t

    # -- actions ----------------------------------------------------------------------------------
    def case_changed(self, crn: str) -> None:
        if crn == self.crn:
            self.load()

    def action_back(self) -> None:
        if self.has_class("-due"):
            self.action_toggle_due()
            return
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_toggle_due(self) -> None:
        self.toggle_class("-due")
        if self.has_class("-due"):
            self.query_one(DueTable).focus()
        else:
            self.failures_table.focus()

    def _need_failure(self) -> Failure | None:
        f = self.current_failure
        if f is None:
            self.notify("No failure to comply is highlighted.", severity="warning", timeout=3)
        return f

    def action_explain(self) -> None:
        from omtui.screens.explain import ExplainScreen

        if self.data is None or self.data.state is None:
            return
        if self.has_class("-due"):
            item = self.query_one(DueTable).selected_item
        else:
            f = self._need_failure()
            if f is None:
                return
            item = failure_item(self.data.state, f, self.app.today, self.app.calendar)
        if item is not None:
            self.app.push_screen(ExplainScreen(item, self.app.today))

    @on(DataTable.RowSelected, "#enf-failures")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_explain()

    @on(DueTable.ExplainRequested)
    def _due_explain(self, event: DueTable.ExplainRequested) -> None:
        from omtui.screens.explain import ExplainScreen

        event.stop()
        self.app.push_screen(ExplainScreen(event.item, self.app.today))

    def action_explanation(self) -> None:
        from omtui.screens.explanation_entry import ExplanationEntryScreen

        f = self._need_failure()
        if f is None or self.data is None:
            return
        self.app.push_screen(ExplanationEntryScreen(self.crn, self.data.case.name, f))

    def action_warning(self) -> None:
        from omtui.screens.warning import WarningScreen

        f = self._need_failure()
        if f is None or self.data is None:
            return
        problem = warning_refusal(f)
        if problem:
            self.notify(problem, title="No warning", severity="warning", timeout=8,
                        markup=False)
            return
        self.app.push_screen(WarningScreen(self.data.case, f, self.data.policy,
                                           self.data.taxonomy))

    def action_breach(self) -> None:
        from omtui.screens.breach_recall import BreachRecallScreen

        if self.data is None:
            return
        f = self._need_failure()
        if f is None:
            return
        if f.status is FailureStatus.EXPLAINED_ACCEPTABLE:
            self.notify("This failure was explained acceptably: there is nothing to enforce. "
                        "For a risk of serious harm or a child at risk, i is immediate action.",
                        severity="warning", timeout=8, markup=False)
            return
        self.app.push_screen(BreachRecallScreen(self.data.case, f, self.data.policy))

    def action_immediate(self) -> None:
        from omtui.screens.breach_recall import BreachRecallScreen

        if self.data is None:
            return
        self.app.push_screen(BreachRecallScreen(self.data.case, self.current_failure,
                                                self.data.policy, immediate=True))

    def action_court_outcome(self) -> None:
        from omtui.screens.after_action import CourtOutcomeScreen

        if self.data is None:
            return
        f = self.current_failure
        breach = (f.actioned_by if f is not None and f.actioned_by is not None
                  and f.actioned_by.type is EventType.BREACH_INITIATED else None)
        if breach is None:
            found = self.data.case.events_of(EventType.BREACH_INITIATED)
            breach = found[-1] if found else None
        if breach is None:
            self.notify("No breach is recorded for this case.", severity="warning", timeout=4)
            return
        self.app.push_screen(CourtOutcomeScreen(self.data.case, breach))

    def action_custody(self) -> None:
        from omtui.screens.after_action import CustodyScreen

        if self.data is None:
            return
        if not self.data.case.events_of(EventType.RECALL_INITIATED):
            self.notify("No recall is recorded for this case.", severity="warning", timeout=4)
            return
        self.app.push_screen(CustodyScreen(self.data.case))

    def palette_commands(self):
        return [
            ("enforcement: Record an explanation…", "For the highlighted failure (x).",
             self.action_explanation),
            ("enforcement: Issue a warning…", "Letter saved and warning recorded (w).",
             self.action_warning),
            ("enforcement: Start breach or recall…", "For the highlighted failure (b).",
             self.action_breach),
            ("enforcement: Immediate action…", "Risk of serious harm, child at risk (i).",
             self.action_immediate),
            ("enforcement: Court outcome of a breach…", "Order continues: warnings spent (o).",
             self.action_court_outcome),
            ("enforcement: Returned to custody / re-released…", "After recall (t).",
             self.action_custody),
        ]


def warning_refusal(f: Failure) -> str | None:
    """Why a warning cannot be issued for ``f`` (None: it can)."""
    if f.status is FailureStatus.EXPLAINED_ACCEPTABLE:
        return (f"The failure of {f.date.strftime('%d/%m/%Y')} was explained acceptably: "
                "no warning is due.")
    if f.status is FailureStatus.ACTIONED:
        what = f.action_taken.label if f.action_taken else "action"
        when = f.actioned_by.date.strftime('%d/%m/%Y') if f.actioned_by else ""
        return f"A {what} was already recorded for this failure {when}.".replace("  ", " ")
    if f.next_action is not Action.WARNING:
        return (f"The standard asks for {f.next_action.label}, not a warning "
                f"({f.next_action_source}): {f.next_action_reason}. Press b to start "
                f"{f.next_action.value}.")
    return None


def open_enforcement(app, crn: str | None) -> None:
    if not crn:
        app.notify("No case selected.", severity="warning", timeout=3)
        return
    app.push_screen(EnforcementScreen(crn))


__all__ = ["EnforcementScreen", "failure_item", "open_enforcement", "warning_line",
           "warning_refusal"]
