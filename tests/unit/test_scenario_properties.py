"""Properties of the marker and the player, over random answers to a shipped scenario."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import json
from pathlib import Path

from omtui.domain.calendar import fixed_calendar
from omtui.domain.case import Event, EventType
from omtui.domain.scenario import Action, Mark, ScenarioRun, mark
from omtui.scenarios import load_scenario

# The committed England & Wales holidays (the same data as the ``fixed_cal`` fixture; a module
# level calendar because hypothesis tests share it across examples).
_HOLIDAYS = json.loads((Path(__file__).parents[1] / "data" / "bank-holidays-2015-2035.json")
                       .read_text("utf-8"))["holidays"]
CAL = fixed_calendar({date.fromisoformat(d): n for d, n in _HOLIDAYS.items()})
SCENARIO = load_scenario("tier4-christmas", calendar=CAL)
START = SCENARIO.start
KINDS = [EventType.ALLOCATED, EventType.ASSESSMENT_COMPLETED, EventType.PLAN_COMPLETED,
         EventType.HOME_VISIT, EventType.WARNING]

actions_strategy = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=40)),
    max_size=8)


def _actions(raw) -> list[Action]:
    acts = [Action(i, "T100001", Event(kind, START + timedelta(days=offset)))
            for i, (kind, offset) in enumerate(raw)]
    return sorted(acts, key=lambda a: (a.date, a.index))


@settings(max_examples=80)
@given(actions_strategy)
def test_marks_follow_the_working_day_count(raw):
    marking = ScenarioRun(SCENARIO, CAL).play(_actions(raw))
    for r in marking.results:
        e = r.expectation
        if r.status is Mark.MISSED:
            assert r.done_on is None
            assert not any(a.event.type is e.action for a in _actions(raw)
                           if e.accepts(a.crn, a.event))
        else:
            assert r.done_on is not None and r.done_on >= e.after
            late = CAL.working_days_between(e.by, r.done_on)
            assert (r.status is Mark.ON_TIME) == (late <= 0)
            assert r.late_working_days == max(late, 0)
    assert marking.passed == all(r.status is Mark.ON_TIME for r in marking.results)


@settings(max_examples=60)
@given(actions_strategy, st.integers(min_value=0, max_value=40))
def test_live_marks_never_change_once_settled(raw, cut):
    """What the trainee did before a day keeps its mark whatever they do afterwards."""
    acts = _actions(raw)
    day = START + timedelta(days=cut)
    early = mark(SCENARIO, [a for a in acts if a.date <= day], CAL, as_of=day)
    later = mark(SCENARIO, acts, CAL)
    for before, after in zip(early.results, later.results, strict=True):
        if before.status in (Mark.ON_TIME, Mark.LATE):
            assert (after.status, after.done_on) == (before.status, before.done_on)
        if before.status is Mark.OVERDUE:
            assert after.status in (Mark.LATE, Mark.MISSED)


@settings(max_examples=40)
@given(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=25))
def test_the_clock_only_moves_forward_and_logs_in_date_order(steps):
    run = ScenarioRun(SCENARIO, CAL)
    seen = [run.today]
    for n in steps:
        run.advance_working_days(n)
        seen.append(run.today)
    assert seen == sorted(seen)
    assert all(CAL.is_working_day(d) for d in seen[1:])
    dates = [e.date for e in run.log]
    assert dates == sorted(dates)
    assert run.today >= date(2026, 12, 24)
