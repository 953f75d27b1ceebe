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
            assert (r.status is Mark.ON_TIME) == (r.done_on <= e.by)
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


# -- bad input never crashes ------------------------------------------------------------------

import tomllib  # noqa: E402

from omtui.domain.scenario import ScenarioError, parse_answers, parse_scenario  # noqa: E402
from omtui.scenarios import default_rules, scenarios_dir  # noqa: E402

RULES = default_rules(CAL)
BASE = tomllib.loads((scenarios_dir() / "licence-third-failure-recall.toml").read_text("utf-8"))

junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=12),
                 st.dates(date(1899, 1, 1), date(2300, 1, 1)), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


PATHS = list(_paths(BASE))


def _set(doc, path, value):
    import copy

    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


@settings(max_examples=120)
@given(st.lists(st.tuples(st.sampled_from(PATHS), junk), min_size=1, max_size=3))
def test_a_damaged_scenario_is_refused_with_reasons_never_a_crash(changes):
    doc = BASE
    for path, value in changes:
        try:
            doc = _set(doc, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        scenario = parse_scenario(doc, name="damaged", rules=RULES, calendar=CAL, file="d.toml")
    except ScenarioError as exc:
        assert exc.problems and all(str(p).startswith("d.toml") for p in exc.problems)
        return
    # Still valid: it must also play.
    ScenarioRun(scenario, CAL).play(parse_answers({}, scenario))


row = st.fixed_dictionaries(
    {"type": st.sampled_from([t.value for t in EventType] + ["nonsense"]),
     "date": st.one_of(st.dates(date(2020, 1, 1), date(2300, 12, 31)), st.text(max_size=10))},
    optional={"crn": st.sampled_from(["T100004", "X999999", "bad"]),
              "outcome": st.sampled_from(["ftc", "attended", "maybe"]),
              "for_date": st.dates(date(2026, 1, 1), date(2028, 1, 1)),
              "acceptable": junk, "purpose": st.text(max_size=8)})


@settings(max_examples=150)
@given(st.lists(st.one_of(row, st.dictionaries(st.text(max_size=6), junk, max_size=4)),
                max_size=5))
def test_damaged_answers_are_refused_with_reasons_never_a_crash(rows):
    scenario = parse_scenario(BASE, name="licence-third-failure-recall", rules=RULES,
                              calendar=CAL, file="s.toml")
    try:
        acts = parse_answers({"actions": rows}, scenario, file="a.toml")
    except ScenarioError as exc:
        assert exc.problems and all(str(p).startswith("a.toml") for p in exc.problems)
        return
    ScenarioRun(scenario, CAL).play(acts)
