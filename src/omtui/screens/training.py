"""Training mode: pick a scenario, play it on a simulated clock, see each rule explained.

Opened by ``omtui train``. Everything lives in memory: the scenario's cases are put in an
:class:`omtui.services.InMemoryStore` (never the user's database) and the app's clock is a
:class:`omtui.scenarios.SimulatedClock` that this screen moves on. The player is
:class:`omtui.domain.scenario.ScenarioRun`.

Keys on the run screen: ``n`` next working day, ``]`` next event or deadline, ``a`` do the
highlighted expected action today, ``r`` record another action, ``v`` view the case,
``s`` summary, ``escape`` back to the scenario list.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from omtui.domain.case import Event, EventType
from omtui.domain.scenario import (
    CheckpointResult,
    EntryKind,
    Expectation,
    Mark,
    Marking,
    Scenario,
    ScenarioError,
    ScenarioRun,
    TimelineEntry,
    expected_event,
)
from omtui.scenarios import ScenarioEntry, SimulatedClock, list_scenarios, load_scenario
from omtui.services import InMemoryStore
from omtui.widgets.text import literal, long_date

TRAINING_LABEL = "TRAINING (in memory, not your caseload)"


def _mark_style(mark: Mark) -> str:
    return {Mark.ON_TIME: "green", Mark.LATE: "yellow bold", Mark.MISSED: "red bold",
            Mark.OVERDUE: "red bold", Mark.PENDING: ""}[mark]


def _mark_text(result: CheckpointResult) -> Text:
    label = f"{result.status.symbol} {result.status.label}"
    if result.status is Mark.LATE:
        label += f" ({result.late_working_days} wd)"
    if result.status is Mark.OVERDUE:
        label += f" ({result.late_working_days} wd)"
    return Text(label, style=_mark_style(result.status), no_wrap=True)


class TrainingBanner(Static):
    """The unmistakable marker: TRAINING, the simulated date and the scenario."""

    DEFAULT_CSS = """
    TrainingBanner { height: 1; background: $warning; color: $text; padding: 0 1; }
    """

    def show(self, today: date, scenario: str = "") -> None:
        t = Text()
        t.append(" TRAINING ", style="bold reverse")
        t.append("  simulated date ", style="bold")
        t.append(long_date(today), style="bold")
        if scenario:
            t.append("  · ")
            t.append_text(literal(scenario))
        t.append("  · not your caseload")
        self.update(t)


# -- the scenario picker ----------------------------------------------------------------------

class TrainingPickerScreen(Screen):
    """Every scenario in data/scenarios: pick one to play."""

    AUTO_FOCUS = "#scenarios"
    BINDINGS = [
        Binding("enter", "start", "Start", id="training.start",
                tooltip="Play the highlighted scenario on a simulated clock."),
    ]
    DEFAULT_CSS = """
    TrainingPickerScreen #scenarios { height: 1fr; }
    TrainingPickerScreen #picker-message { height: auto; padding: 0 1; }
    """

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__()
        self.directory = directory
        self.entries: list[ScenarioEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield TrainingBanner(id="banner")
        yield Static("Training scenarios: pick one and press Enter.", id="picker-message")
        yield OptionList(id="scenarios")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "omtui"
        self.sub_title = "TRAINING"
        self.query_one(TrainingBanner).show(self.app.today)
        self.load_list()

    @work(thread=True, exclusive=True, group="training-list")
    def load_list(self) -> None:
        try:
            entries = list_scenarios(self.directory)
            problem = None
        except ScenarioError as exc:
            entries, problem = [], str(exc)
        self.app.call_from_thread(self._show_list, entries, problem)

    def _show_list(self, entries: list[ScenarioEntry], problem: str | None) -> None:
        self.entries = entries
        options = self.query_one("#scenarios", OptionList)
        options.clear_options()
        for e in entries:
            label = Text()
            label.append(e.name, style="bold")
            label.append("  ")
            label.append_text(literal(e.title if e.problem is None else f"(cannot be read: {e.problem})"))
            options.add_option(Option(label, id=e.name, disabled=e.problem is not None))
        if problem:
            self.query_one("#picker-message", Static).update(literal(problem))
        elif not entries:
            self.query_one("#picker-message", Static).update("No training scenarios found.")
        if entries:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#scenarios")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option_index)

    def action_start(self) -> None:
        highlighted = self.query_one("#scenarios", OptionList).highlighted
        if highlighted is not None:
            self.start(highlighted)

    def start(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        self.query_one("#picker-message", Static).update(
            literal(f"Loading {self.entries[index].name}…"))
        self.load_scenario(self.entries[index].path)

    @work(thread=True, exclusive=True, group="training-load")
    def load_scenario(self, path: Path) -> None:
        try:
            scenario = load_scenario(path, calendar=self.app.calendar)
        except ScenarioError as exc:
            self.app.call_from_thread(self.query_one("#picker-message", Static).update,
                                      literal(str(exc)))
            return
        self.app.call_from_thread(self._play, scenario)

    def _play(self, scenario: Scenario) -> None:
        self.query_one("#picker-message", Static).update(
            "Training scenarios: pick one and press Enter.")
        self.app.push_screen(TrainingRunScreen(scenario))


# -- recording another action ------------------------------------------------------------------

class RecordActionScreen(ModalScreen[EventType | None]):
    """Pick the type of action to record today (the trainee may choose a wrong one)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="training.record-cancel",
                        tooltip="Close without recording anything.")]
    DEFAULT_CSS = """
    RecordActionScreen { align: center middle; }
    RecordActionScreen > Vertical { width: 50; height: auto; max-height: 22; border: thick $accent;
                                    background: $surface; padding: 0 1; }
    RecordActionScreen OptionList { height: auto; max-height: 18; }
    """

    CHOICES = (EventType.WARNING, EventType.BREACH_INITIATED, EventType.RECALL_INITIATED,
               EventType.CONTACT, EventType.HOME_VISIT, EventType.ALLOCATED,
               EventType.INDUCTION_COMPLETED, EventType.ASSESSMENT_COMPLETED,
               EventType.PLAN_COMPLETED, EventType.PLAN_COPIED, EventType.REVIEW,
               EventType.EXPLANATION)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Record which action today?")
            yield OptionList(*[Option(t.label, id=t.value) for t in self.CHOICES], id="actions")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(EventType(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- playing a scenario -----------------------------------------------------------------------

class TrainingRunScreen(Screen):
    """A scenario on the simulated clock: the timeline, the expected actions, the why."""

    AUTO_FOCUS = "#expected"
    BINDINGS = [
        Binding("n", "next_day", "Next working day", id="training.next-day",
                tooltip="Move the simulated clock on one working day."),
        Binding("right_square_bracket", "next_event", "Next event", key_display="]",
                id="training.next-event",
                tooltip="Move the simulated clock to the next event or deadline."),
        Binding("a", "act", "Do it today", id="training.act",
                tooltip="Record the highlighted expected action on the simulated date."),
        Binding("r", "record_other", "Record…", id="training.record",
                tooltip="Record another action on the simulated date (it may be the wrong one)."),
        Binding("v", "view_case", "Case", id="training.view-case",
                tooltip="Open the case as it stands on the simulated date."),
        Binding("s", "summary", "Summary", id="training.summary",
                tooltip="The marks so far (at the end: the final marks)."),
        Binding("escape", "back", "Scenarios", id="training.back",
                tooltip="Back to the list of scenarios (this run is discarded)."),
    ]
    DEFAULT_CSS = """
    TrainingRunScreen #goal { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    TrainingRunScreen #body { height: 1fr; }
    TrainingRunScreen #timeline-box { width: 1fr; border: round $primary; border-title-align: left; }
    TrainingRunScreen #right { width: 2fr; }
    TrainingRunScreen #expected { height: 1fr; border: round $primary; }
    TrainingRunScreen #explain { height: auto; max-height: 14; border: round $accent;
                                 padding: 0 1; }
    TrainingRunScreen #timeline { height: auto; }
    TrainingRunScreen #expected { min-height: 5; }
    TrainingRunScreen.-narrow #timeline-box { display: none; }
    TrainingRunScreen.-narrow #goal { max-height: 1; }
    TrainingRunScreen.-narrow #explain { max-height: 11; }
    """

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self.run: ScenarioRun | None = None
        self.marking: Marking | None = None
        self.rows: list[Expectation] = []
        self._synced: dict[str, int] = {}
        self._summary_shown = False
        self._told = 0
        self.last_change: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield TrainingBanner(id="banner")
        yield Static(id="goal")
        with Horizontal(id="body"):
            with VerticalScroll(id="timeline-box"):
                yield Static(id="timeline")
            with Vertical(id="right"):
                yield DataTable(id="expected", cursor_type="row", zebra_stripes=False)
                yield Static(id="explain")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "omtui"
        self.sub_title = "TRAINING"
        self.query_one("#timeline-box").border_title = "What has happened"
        self.query_one("#expected").border_title = "Expected of you"
        self.query_one("#explain").border_title = "Why"
        self.query_one("#goal", Static).update(literal(
            f"{self.scenario.title}: {self.scenario.goal}", single_line=False))
        table = self.query_one("#expected", DataTable)
        table.add_columns("Status", "Due by", "Action", "Case", "Rule")
        self.run = ScenarioRun(self.scenario, self.app.calendar)
        if not isinstance(self.app.store, InMemoryStore):
            # Never write a training case into a real store.
            self.app.store = InMemoryStore(label=TRAINING_LABEL)
        for case in self.scenario.cases:
            self.app.store.save_case(case)
            self._synced[case.crn] = len(case.events)
        self._refresh()

    # -- keeping the app in step ------------------------------------------------------------
    def _sync(self) -> None:
        """Move the app's clock to the simulated date; copy new events into the store."""
        assert self.run is not None
        clock = self.app.clock
        if isinstance(clock, SimulatedClock):
            clock.set(self.run.today)
        for crn, case in self.run.cases.items():
            for event in case.events[self._synced.get(crn, 0):]:
                self.app.store.add_event(crn, event)
            self._synced[crn] = len(case.events)

    def case_changed(self, crn: str) -> None:
        """Another screen recorded something on a training case: it is a trainee action."""
        if self.run is None or crn not in self.run.cases:
            return
        stored = self.app.store.get_case(crn).events
        for event in stored[self._synced.get(crn, 0):]:
            try:
                self.run.record(crn, event)
            except ValueError as exc:
                self.notify(str(exc), severity="warning")
        self._synced[crn] = len(self.run.cases[crn].events)
        self._refresh()

    # -- drawing ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        assert self.run is not None
        self._sync()
        if self.has_class("-narrow"):
            # The timeline is hidden at this width: say what just happened.
            for entry in self.run.log[self._told:]:
                if entry.kind is EntryKind.EVENT and entry.say:
                    self.notify(" ".join(entry.say.split()), markup=False,
                                title=f"{entry.date.strftime('%d %b')}: {entry.text}",
                                timeout=10)
        self._told = len(self.run.log)
        before = {r.expectation.key: r.status for r in self.marking.results} if self.marking else {}
        self.marking = self.run.status()
        self.query_one(TrainingBanner).show(self.run.today, self.scenario.name)
        self.query_one("#timeline", Static).update(self._timeline_text())
        self.query_one("#timeline-box", VerticalScroll).scroll_end(animate=False)
        table = self.query_one("#expected", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = []
        changed = None
        for result in self.marking.results:
            e = result.expectation
            if not self.run.visible(e):
                continue
            self.rows.append(e)
            table.add_row(_mark_text(result), Text(e.by.strftime("%a %d %b %Y"), no_wrap=True),
                          literal(e.short_label), literal(e.crn), literal(e.rule), key=e.key)
            old = before.get(e.key)
            if old is not None and old is not result.status and result.status is not Mark.PENDING:
                changed = len(self.rows) - 1
        if changed is not None:
            self.last_change = self.rows[changed].key
            table.move_cursor(row=changed)
        elif self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        self._explain()
        if self.run.finished and not self._summary_shown and all(
                r.status is not Mark.PENDING for r in self.marking.results):
            self._summary_shown = True
            self.app.push_screen(TrainingSummaryScreen(self.run.final()))

    def _timeline_text(self) -> Text:
        assert self.run is not None
        t = Text()
        for entry in self.run.log:
            self._entry(t, entry)
        if not self.run.log:
            t.append("Nothing yet. Press ] to move to the next event.", style="dim")
        return t

    @staticmethod
    def _entry(t: Text, entry: TimelineEntry) -> None:
        who = {EntryKind.EVENT: ("happens", "bold"), EntryKind.ACTION: ("you", "green"),
               EntryKind.DUE: ("deadline", "dim"),
               EntryKind.CHECKPOINT: ("expected of you", "bold cyan")}[entry.kind]
        t.append(entry.date.strftime("%d %b "), style="dim")
        t.append(f"{who[0]}: ", style=who[1])
        t.append_text(literal(f"{entry.crn} {entry.text}", single_line=False))
        t.append("\n")
        if entry.say:
            t.append_text(literal(" ".join(entry.say.split()), "italic", single_line=False))
            t.append("\n")

    def _explain(self) -> None:
        panel = self.query_one("#explain", Static)
        result = self.highlighted_result()
        if result is None:
            panel.update(Text("No expected action yet: move the clock on (n or ]).", style="dim"))
            return
        t = Text()
        head = {Mark.ON_TIME: "Done on time.", Mark.LATE: "Done, but late.",
                Mark.OVERDUE: "Missed so far: it is overdue.", Mark.MISSED: "Missed.",
                Mark.PENDING: "To do."}[result.status]
        t.append(head + "\n", style=_mark_style(result.status) or "bold")
        for line in result.explanation_lines():
            t.append_text(literal(line, single_line=False))
            t.append("\n")
        panel.update(t)

    def highlighted_result(self) -> CheckpointResult | None:
        if not self.rows or self.marking is None:
            return None
        table = self.query_one("#expected", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(self.rows):
            return None
        key = self.rows[row].key
        return next(r for r in self.marking.results if r.expectation.key == key)

    @on(DataTable.RowHighlighted, "#expected")
    def _highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._explain()

    # -- actions ------------------------------------------------------------------------------
    def action_next_day(self) -> None:
        assert self.run is not None
        self.run.advance_working_days(1)
        self._refresh()

    def action_next_event(self) -> None:
        assert self.run is not None
        if self.run.advance_to_next() is None:
            self.notify("The scenario is over: press s for the summary.")
        self._refresh()

    def action_act(self) -> None:
        result = self.highlighted_result()
        if result is None or self.run is None:
            return
        if result.status in (Mark.ON_TIME, Mark.LATE):
            self.notify("Already done.")
            return
        e = result.expectation
        self.run.record(e.crn, expected_event(e, self.run.today, self.run.cases[e.crn]))
        self._refresh()

    def action_record_other(self) -> None:
        if self.run is None:
            return
        result = self.highlighted_result()
        crn = result.expectation.crn if result else self.scenario.cases[0].crn

        def chosen(kind: EventType | None) -> None:
            if kind is None or self.run is None:
                return
            self.run.record(crn, Event(kind, self.run.today, note="recorded in training"))
            self._refresh()

        self.app.push_screen(RecordActionScreen(), chosen)

    def action_view_case(self) -> None:
        result = self.highlighted_result()
        crn = result.expectation.crn if result else self.scenario.cases[0].crn
        self._sync()
        self.app.open_case(crn)

    def action_summary(self) -> None:
        if self.run is None:
            return
        marking = self.run.final() if self.run.finished else self.run.status()
        self.app.push_screen(TrainingSummaryScreen(marking, final=self.run.finished))

    def action_back(self) -> None:
        self.dismiss()


# -- the summary ------------------------------------------------------------------------------

class TrainingSummaryScreen(Screen):
    """Every expected action with its mark, and the overall result."""

    AUTO_FOCUS = "#marks"
    BINDINGS = [Binding("escape", "back", "Back", id="training.summary-back",
                        tooltip="Back to the scenario.")]
    DEFAULT_CSS = """
    TrainingSummaryScreen #result { height: auto; padding: 0 1; }
    TrainingSummaryScreen #marks { height: 1fr; }
    """

    def __init__(self, marking: Marking, *, final: bool = True) -> None:
        super().__init__()
        self.marking = marking
        self.final = final

    def compose(self) -> ComposeResult:
        yield Header()
        yield TrainingBanner(id="banner")
        yield Static(id="result")
        yield DataTable(id="marks", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "omtui"
        self.sub_title = "TRAINING · summary"
        m = self.marking
        self.query_one(TrainingBanner).show(self.app.today, m.scenario.name)
        total = len(m.results)
        t = Text()
        t.append("Final marks" if self.final else "Marks so far", style="bold")
        t.append(f": {m.count(Mark.ON_TIME)} of {total} on time, {m.count(Mark.LATE)} late, "
                 f"{m.count(Mark.MISSED) + m.count(Mark.OVERDUE)} missed")
        if m.wrong:
            t.append(f", {len(m.wrong)} wrong action(s)", style="red bold")
        if self.final:
            t.append("  PASS" if m.passed else "  NOT PASSED",
                     style="green bold" if m.passed else "red bold")
        for w in m.wrong:
            t.append("\n✗ ", style="red bold")
            t.append_text(literal(f"{w.action.event.type.label} on {w.action.date.isoformat()} "
                                  f"at '{w.checkpoint}': not what this case needed"))
        self.query_one("#result", Static).update(t)
        table = self.query_one("#marks", DataTable)
        table.add_columns("Mark", "Checkpoint", "Action", "Due by", "Done", "Rule", "Source")
        for r in m.results:
            e = r.expectation
            table.add_row(_mark_text(r), literal(r.checkpoint), literal(e.short_label),
                          e.by.isoformat(), r.done_on.isoformat() if r.done_on else "–",
                          literal(e.rule), literal(e.source))

    def action_back(self) -> None:
        self.dismiss()
