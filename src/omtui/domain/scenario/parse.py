"""Parsing a scenario file (:func:`parse_scenario`) and a trainee's answers file
(:func:`parse_answers`) into the model; both raise ScenarioError listing every fault found.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case
from omtui.domain.caseformat import parse_case, parse_event
from omtui.domain.scenario.fields import (
    _EventProblems,
    _Faults,
    _opt_date,
    _text_field,
    _unknown_keys,
)
from omtui.domain.scenario.model import Action, Rules, Scenario
from omtui.domain.scenario.steps import _StepParser

SCENARIO_KEYS = frozenset({"title", "goal", "start", "end", "cases", "steps", "notes", "format"})
ANSWER_KEYS = frozenset({"scenario", "trainee", "actions"})


def parse_scenario(raw: Any, *, name: str, rules: Rules, calendar: WorkingCalendar,
                   file: str | None = None) -> Scenario:
    """A scenario from its decoded file, every expected date resolved; raises ScenarioError.

    ``file`` names the file in error messages (defaults to ``name``).
    """
    f = _Faults(file or name)
    if not isinstance(raw, Mapping):
        f.add("", "", "a scenario file must be a table of fields")
        f.raise_if_any()
    _unknown_keys(raw, SCENARIO_KEYS, "", f)
    title = _text_field(raw, "title", "", f, required=True)
    goal = _text_field(raw, "goal", "", f, required=True)
    notes = _text_field(raw, "notes", "", f, required=False)
    start = _opt_date(raw, "start", "", f)
    if raw.get("start") is None:
        f.add("", "start", "is missing (the simulated date the scenario opens on)")
    end = _opt_date(raw, "end", "", f)
    cases = _parse_cases(raw.get("cases"), start, f)
    raw_steps = raw.get("steps")
    if raw_steps is None:
        raw_steps = []
    if not isinstance(raw_steps, list):
        f.add("", "steps", "must be a list of [[steps]] tables")
        raw_steps = []
    if not any(isinstance(s, Mapping) and "checkpoint" in s for s in raw_steps):
        f.add("", "steps", "needs at least one checkpoint (a step with checkpoint = \"...\")")
    f.raise_if_any()   # cases and dates must be sound before the steps can be evaluated
    assert start is not None

    parser = _StepParser(f, rules, cases, start)
    for si, rs in enumerate(raw_steps):
        parser.step(si, rs)
    f.raise_if_any()

    steps = parser.steps
    last = max([s.date for s in steps] + [start])
    if end is None:
        end = last
    elif end < last:
        f.add("", "end", f"{end.isoformat()} is before the last step ({last.isoformat()})")
        f.raise_if_any()
    return Scenario(name=name, title=title, goal=goal, start=start, end=end,
                    cases=tuple(cases.values()), steps=tuple(steps), notes=notes)


def _parse_cases(raw_cases: Any, start: date | None, f: _Faults) -> dict[str, Case]:
    """The starting cases (JSON case format), by CRN."""
    cases: dict[str, Case] = {}
    if not isinstance(raw_cases, list) or not raw_cases:
        f.add("", "cases", "needs at least one case ([[cases]] tables in the JSON case format)")
        return cases
    for i, rc in enumerate(raw_cases):
        case, problems = parse_case(rc, i)
        for p in problems:
            f.add(f"cases[{i}]", p.field, p.reason)
        if case is None:
            continue
        if case.crn in cases:
            f.add(f"cases[{i}]", "crn", f"{case.crn} is already used by another case")
        elif start is not None and case.sentence_date > start:
            f.add(f"cases[{i}]", "sentence_date",
                  f"{case.sentence_date.isoformat()} is after the scenario starts "
                  f"({start.isoformat()})")
        else:
            cases[case.crn] = case
    return cases


#: An answer dated later than this after the scenario's end is a typing mistake, not an action.
MAX_YEARS_AFTER_END = 5


def parse_answers(raw: Any, scenario: Scenario, *, file: str = "answers") -> list[Action]:
    """The trainee's recorded actions, checked against the scenario; raises ScenarioError."""
    f = _Faults(file)
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        f.add("", "", "an answers file must be a table with an actions list")
        f.raise_if_any()
    _unknown_keys(raw, ANSWER_KEYS, "", f)
    named = raw.get("scenario")
    if named is not None and named != scenario.name:
        f.add("", "scenario", f"these answers are for {named!r}, not {scenario.name!r}")
    raw_actions = raw.get("actions", [])
    if not isinstance(raw_actions, list):
        f.add("", "actions", "must be a list of [[actions]] tables")
        raw_actions = []
    crns = [c.crn for c in scenario.cases]
    actions: list[Action] = []
    for i, ra in enumerate(raw_actions):
        where = f"actions[{i}]"
        if not isinstance(ra, Mapping):
            f.add(where, "", "must be a table with type and date")
            continue
        crn = ra.get("crn", crns[0] if len(crns) == 1 else None)
        if crn is None:
            f.add(where, "crn", "is missing (the scenario has more than one case)")
            continue
        if crn not in crns:
            f.add(where, "crn", f"{crn!r} is not one of the scenario's cases ({', '.join(crns)})")
            continue
        coll = _EventProblems(crn)
        event = parse_event({k: v for k, v in ra.items() if k != "crn"}, "", coll)
        for p in coll.problems:
            f.add(where, p.field.lstrip("."), p.reason)
        if event is None:
            continue
        if event.date < scenario.start:
            f.add(where, "date", f"{event.date.isoformat()} is before the scenario starts "
                                 f"({scenario.start.isoformat()})")
            continue
        if (event.date - scenario.end).days > MAX_YEARS_AFTER_END * 366:
            f.add(where, "date", f"{event.date.isoformat()} is more than "
                                 f"{MAX_YEARS_AFTER_END} years after the scenario ends "
                                 f"({scenario.end.isoformat()})")
            continue
        actions.append(Action(i, crn, event))
    f.raise_if_any()
    return sorted(actions, key=lambda a: (a.date, a.index))
