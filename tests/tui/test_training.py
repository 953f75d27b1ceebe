"""Training mode in the app: the picker, the simulated clock, overdue, the explanation panel.

Real scenario files (data/scenarios), the real rules engine, the committed E&W holidays. The
app gets a SimulatedClock and an in-memory store, as ``omtui train`` gives it.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, OptionList, Static
from tests.tui.tui_helpers import settle

from omtui.app import OmtuiApp
from omtui.domain.scenario import Mark
from omtui.scenarios import SimulatedClock, list_scenarios, load_scenario
from omtui.screens.case_view import CaseViewScreen
from omtui.screens.training import (
    TrainingBanner,
    TrainingPickerScreen,
    TrainingRunScreen,
    TrainingSummaryScreen,
)
from omtui.services import InMemoryStore


@pytest.fixture(autouse=True)
def packaged_rules_only(monkeypatch):
    monkeypatch.delenv("OMTUI_RULES", raising=False)
    monkeypatch.delenv("OMTUI_SCENARIOS_DIR", raising=False)


@pytest.fixture
def training_app(fixed_cal) -> OmtuiApp:
    return OmtuiApp(clock=SimulatedClock(date(2026, 11, 23)), calendar=fixed_cal,
                    store=InMemoryStore(label="TRAINING (in memory, not your caseload)"),
                    officer="trainee", training=True)


def text_of(widget) -> str:
    return str(widget.render())


def rows(screen: TrainingRunScreen) -> list[list[str]]:
    table = screen.query_one("#expected", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def start(pilot, name: str) -> TrainingRunScreen:
    """From the picker: highlight the scenario by name and press Enter."""
    app = pilot.app
    await settle(pilot)
    picker = app.screen
    assert isinstance(picker, TrainingPickerScreen)
    names = [e.name for e in picker.entries]
    options = picker.query_one("#scenarios", OptionList)
    for _ in range(names.index(name)):
        await pilot.press("down")
    assert options.highlighted == names.index(name)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, TrainingRunScreen)
    return app.screen


async def test_picker_lists_every_scenario_with_its_title(training_app):
    async with training_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = training_app.screen
        assert isinstance(screen, TrainingPickerScreen)
        shown = [str(o.prompt) for o in screen.query_one(OptionList).options]
        assert shown == [f"{e.name}  {e.title}" for e in list_scenarios()]
        assert "TRAINING" in text_of(screen.query_one(TrainingBanner))


async def test_advancing_the_clock_makes_an_action_overdue_and_explains_it(training_app):
    async with training_app.run_test(size=(160, 48)) as pilot:
        screen = await start(pilot, "tier4-christmas")
        banner = screen.query_one(TrainingBanner)
        assert "TRAINING" in text_of(banner) and "Wed 23 Dec 2026" in text_of(banner)
        assert training_app.today == date(2026, 12, 23)          # the app's clock is simulated
        assert rows(screen)[0][:3] == ["· to do", "Thu 24 Dec 2026", "allocated"]

        await pilot.press("n")                                   # Thu 24 Dec: due today
        assert training_app.today == date(2026, 12, 24)
        assert rows(screen)[0][0] == "· to do"

        await pilot.press("n")                                   # Tue 29 Dec: 25-28 closed
        assert "Tue 29 Dec 2026" in text_of(banner)
        assert training_app.today == date(2026, 12, 29)
        assert rows(screen)[0][0] == "✗ OVERDUE (1 wd)"
        table = screen.query_one("#expected", DataTable)
        assert table.cursor_row == 0                             # the change is highlighted
        why = text_of(screen.query_one("#explain", Static))
        assert "Missed so far: it is overdue." in why
        assert "rule: ns-1-1-allocate-tier4-ppo - Allocate an offender manager (tier 4 / PPO)" in why
        assert "source: NS 1.1" in why
        assert "count: day 0 2026-12-23 (Wednesday) + 1 working day = 2026-12-24 (Thursday)" in why

        await pilot.press("a")                                   # do it now: 1 working day late
        assert rows(screen)[0][0] == "! late (1 wd)"
        assert "Done, but late." in text_of(screen.query_one("#explain", Static))
        # The trainee's action went into the in-memory training store, nowhere else.
        assert [e.type.value for e in training_app.store.get_case("T100001").events] == ["allocated"]


async def test_next_event_moves_to_the_failure_and_the_warning_appears(training_app):
    async with training_app.run_test(size=(160, 48)) as pilot:
        screen = await start(pilot, "ftc-explanation-day-11")
        assert rows(screen) == []                                # nothing expected before the failure
        await pilot.press("right_square_bracket")
        assert training_app.today == date(2027, 2, 4)
        assert rows(screen) == [["· to do", "Thu 18 Feb 2027", "warning", "T100002",
                                 "ns-2f8-written-warning"]]
        timeline = text_of(screen.query_one("#timeline", Static))
        assert "Jordan misses Thursday's appointment" in timeline
        await pilot.press("right_square_bracket")                # to the deadline
        assert training_app.today == date(2027, 2, 18)
        await pilot.press("a")
        assert rows(screen)[0][0] == "✓ on time"


async def test_a_wrong_action_shows_in_the_summary(training_app):
    async with training_app.run_test(size=(160, 48)) as pilot:
        screen = await start(pilot, "co-second-failure-breach")
        await pilot.press("right_square_bracket")                # Mon 18 Jan: the failure
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")                               # first choice: warning
        await pilot.pause()
        assert isinstance(training_app.screen, TrainingRunScreen)
        for _ in range(6):
            await pilot.press("right_square_bracket")
        await settle(pilot)
        summary = training_app.screen
        assert isinstance(summary, TrainingSummaryScreen)        # shown at the end
        result = text_of(summary.query_one("#result", Static))
        assert "0 of 1 on time, 0 late, 1 missed, 1 wrong action(s)  NOT PASSED" in result
        assert "warning on 2027-01-18 at 'Enforce the order': not what this case needed" in result
        assert [r.status for r in summary.marking.results] == [Mark.MISSED]


async def test_view_case_opens_the_training_case_on_the_simulated_date(training_app):
    async with training_app.run_test(size=(160, 48)) as pilot:
        screen = await start(pilot, "tier4-christmas")
        await pilot.press("n", "n", "v")
        await settle(pilot)
        assert isinstance(training_app.screen, CaseViewScreen)
        assert training_app.screen.crn == "T100001"
        assert training_app.today == date(2026, 12, 29)
        await pilot.press("escape")
        await settle(pilot)
        assert training_app.screen is screen


async def test_a_real_store_is_never_written(fixed_cal, tmp_path):
    class RealStore:
        writes: list = []

        def describe(self):
            return "user db"

        def save_case(self, case):
            self.writes.append(case)

        def add_event(self, crn, event):
            self.writes.append(event)

    real = RealStore()
    app = OmtuiApp(clock=SimulatedClock(date(2026, 11, 23)), calendar=fixed_cal, store=real,
                   training=True)
    scenario = load_scenario("tier4-christmas", calendar=fixed_cal)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.push_screen(TrainingRunScreen(scenario))
        await settle(pilot)
        await pilot.press("a")
        assert real.writes == []
        assert isinstance(app.store, InMemoryStore)


# -- snapshots (plain def: snap_compare runs its own event loop) --------------------------------

def _run_screen(name: str, cal):
    scenario = load_scenario(name, calendar=cal)

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(TrainingRunScreen(scenario))
        await pilot.pause()

    return run_before


def test_snapshot_explanation_panel_overdue_80x24(training_app, fixed_cal, snap_compare):
    assert snap_compare(training_app, run_before=_run_screen("tier4-christmas", fixed_cal),
                        press=["n", "n"], terminal_size=(80, 24))


def test_snapshot_explanation_panel_overdue_160x48(training_app, fixed_cal, snap_compare):
    assert snap_compare(training_app, run_before=_run_screen("tier4-christmas", fixed_cal),
                        press=["n", "n"], terminal_size=(160, 48))


async def test_do_it_today_records_an_explanation_for_the_failure(training_app):
    async with training_app.run_test(size=(160, 48)) as pilot:
        screen = await start(pilot, "woman-female-om")
        await pilot.press("a")                                   # induction with the offer
        await pilot.press("right_square_bracket")                # Mon 15 Mar: its deadline
        assert training_app.today == date(2027, 3, 15)
        await pilot.press("right_square_bracket")                # Wed 17 Mar: the failure
        assert training_app.today == date(2027, 3, 17)
        labels = [r[2] for r in rows(screen)]
        assert labels[1:] == ["explanation (acceptable=true)", "contact (outcome=attended)"]
        await pilot.press("n", "down", "a")                      # Thu 18 Mar: accept it
        assert rows(screen)[1][0] == "✓ on time"
        (explanation,) = [e for e in training_app.store.get_case("T100006").events
                          if e.type.value == "explanation"]
        assert (explanation.for_date, explanation.acceptable) == (date(2027, 3, 17), True)


async def test_narrow_screens_say_what_happened_in_a_notification(training_app):
    async with training_app.run_test(size=(80, 24)) as pilot:
        await start(pilot, "ftc-explanation-day-11")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        messages = [n.message for n in training_app._notifications]
        assert any("Jordan misses Thursday's appointment" in m for m in messages)
