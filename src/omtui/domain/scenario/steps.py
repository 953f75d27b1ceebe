"""Training scenarios: the model, parsing and validation, the timeline player and the marker.

Pure: no I/O, no clock. A scenario file (TOML, read by ``omtui.scenarios``) decodes to a dict;
:func:`parse_scenario` turns it into a :class:`Scenario`, resolving every expected date (given
in the file, or derived from the rules engine when the file says ``by = "rule"``).
:func:`parse_answers` reads the trainee's recorded actions; :class:`ScenarioRun` plays the
timeline on a simulated clock (the headless runner and the in-app training mode both use it);
:func:`mark` turns a run into one :class:`CheckpointResult` per expected action.

Everything lives in memory: training never touches a case store. The format is documented in
``docs/scenarios.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from omtui.domain.calendar import Trace, WorkingCalendar
from omtui.domain.case import Case, Event, EventType
from omtui.domain.caseformat import Problem, parse_case, parse_date, parse_event
from omtui.domain.due import DueItem, Status

SCENARIO_KEYS = frozenset({"title", "goal", "start", "end", "cases", "steps", "notes", "format"})
EVENT_STEP_KEYS = frozenset({"date", "crn", "event", "say"})
CHECKPOINT_KEYS = frozenset({"checkpoint", "crn", "say", "by", "expect", "avoid", "from"})
EXPECT_KEYS = frozenset({"action", "rule", "by", "worked", "from", "match", "unless", "crn", "day0",
                         "why", "count", "or"})
ALTERNATIVE_KEYS = frozenset({"action", "match", "unless"})
ANSWER_KEYS = frozenset({"scenario", "trainee", "actions"})


# -- the rules the scenarios lean on ------------------------------------------------------------

@dataclass(frozen=True)
class RuleInfo:
    """What a rule pack says about one rule: enough to explain an expected action."""

    id: str
    title: str
    source: str                  # the section cited, e.g. "NS 2f.4"
    text: str = ""               # the source's own words (or a paraphrase), when the pack has it


@dataclass(frozen=True)
class Rules:
    """The two questions a scenario asks of the rules engine (injected: keeps this module pure).

    ``agenda(case, today)`` is the case's due items as of ``today`` (rules, contact schedule,
    enforcement); ``lookup(rule_id)`` describes a rule, or returns None for an unknown id.
    """

    agenda: Callable[[Case, date], Sequence[DueItem]]
    lookup: Callable[[str], RuleInfo | None]


# -- errors -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioProblem:
    """One thing wrong in a scenario or answers file: the file, the step and the field."""

    file: str
    where: str                   # e.g. "steps[3] (checkpoint 'Issue a warning')" or "actions[2]"
    field: str                   # e.g. "expect[0].rule"
    reason: str

    def __str__(self) -> str:
        place = ": ".join(p for p in (self.file, self.where, self.field) if p)
        return f"{place}: {self.reason}"


class ScenarioError(ValueError):
    """A scenario or answers file that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: Sequence[ScenarioProblem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid scenario"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class _EventProblems:
    """Collects parse_event's problems (the interface caseformat's collector offers)."""

    def __init__(self, crn: str | None):
        self.crn = crn
        self.problems: list[Problem] = []

    def add(self, field_name: str, reason: str) -> None:
        self.problems.append(Problem(None, self.crn, field_name, reason))


class _Faults:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[ScenarioProblem] = []

    def add(self, where: str, field_name: str, reason: str) -> None:
        self.problems.append(ScenarioProblem(self.file, where, field_name, reason))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)


# -- the model ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventStep:
    """Something that happens to a case on a date (a failure to comply, an explanation...)."""

    index: int                   # position in the file's steps
    date: date
    crn: str
    event: Event
    say: str = ""                # what the trainer tells the trainee when it happens

    @property
    def where(self) -> str:
        return f"steps[{self.index}]"


def _norm(value: Any) -> Any:
    if hasattr(value, "value"):          # an enum member: compare its interchange value
        value = value.value
    return value.isoformat() if isinstance(value, date) else value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


@dataclass(frozen=True)
class Expectation:
    """One action the trainee must record, by a date, because a rule requires it."""

    key: str                     # "steps[3].expect[0]": stable within the file
    checkpoint: str              # the checkpoint's name
    action: EventType
    rule: str
    crn: str
    by: date
    derived: bool                # True: ``by`` came from the rules engine (``by = "rule"``)
    after: date                  # the earliest date an action can count
    title: str
    source: str
    source_text: str = ""
    match: Mapping[str, Any] = field(default_factory=dict)
    unless: Mapping[str, Any] = field(default_factory=dict)   # field values it must not have
    #: other (action, match, unless) that satisfy it too, e.g. a contact of type home visit
    alternatives: tuple[tuple[EventType, Mapping[str, Any], Mapping[str, Any]], ...] = ()
    worked: date | None = None   # the date worked by hand in the file (tests compare)
    why: str = ""
    count: int = 1               # how many such actions are needed (the n-th is the one marked)
    item: DueItem | None = None  # the rules engine's due item, when it gives one for this rule
    notes: tuple[str, ...] = ()

    @property
    def trace(self) -> Trace | None:
        return self.item.trace if self.item is not None and self.item.due == self.by else None

    @property
    def label(self) -> str:
        text = " or ".join(_pattern_label(a, m, u) for a, m, u in self.patterns)
        return f"{self.count} x {text}" if self.count > 1 else text

    @property
    def short_label(self) -> str:
        """The main action only (tables): ``label`` adds the alternatives."""
        text = _pattern_label(self.action, self.match, self.unless)
        text += " (or other)" if self.alternatives else ""
        return f"{self.count} x {text}" if self.count > 1 else text

    @property
    def patterns(self) -> list[tuple[EventType, Mapping[str, Any], Mapping[str, Any]]]:
        """The action with its fields, then each alternative that also satisfies it."""
        return [(self.action, self.match, self.unless), *self.alternatives]

    def accepts(self, crn: str, event: Event) -> bool:
        if crn != self.crn or event.date < self.after:
            return False
        return any(_fits(event, a, m, u) for a, m, u in self.patterns)


def _fits(event: Event, action: EventType, match: Mapping[str, Any],
          unless: Mapping[str, Any]) -> bool:
    if event.type is not action:
        return False
    if any(_norm(event.get(k)) != _norm(v) for k, v in match.items()):
        return False
    return not any(_norm(event.get(k)) == _norm(v) for k, v in unless.items())


def _pattern_label(action: EventType, match: Mapping[str, Any], unless: Mapping[str, Any]) -> str:
    extra = ", ".join([f"{k}={_show(v)}" for k, v in match.items()]
                      + [f"{k} not {_show(v)}" for k, v in unless.items()])
    return f"{action.label} ({extra})" if extra else action.label


@dataclass(frozen=True)
class Checkpoint:
    """A point in the timeline where the trainee must have done something."""

    index: int
    name: str
    crn: str
    expectations: tuple[Expectation, ...]
    avoid: tuple[EventType, ...] = ()
    after: date | None = None
    say: str = ""

    @property
    def where(self) -> str:
        return f"steps[{self.index}]"

    @property
    def date(self) -> date:
        """The latest of its expected dates: the checkpoint is over by the end of this day."""
        return max(e.by for e in self.expectations)


Step = EventStep | Checkpoint


@dataclass(frozen=True)
class Scenario:
    name: str                    # file stem, e.g. "tier4-christmas"
    title: str
    goal: str
    start: date
    end: date
    cases: tuple[Case, ...]
    steps: tuple[Step, ...]
    notes: str = ""

    @property
    def events(self) -> list[EventStep]:
        return [s for s in self.steps if isinstance(s, EventStep)]

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return [s for s in self.steps if isinstance(s, Checkpoint)]

    @property
    def expectations(self) -> list[Expectation]:
        return [e for c in self.checkpoints for e in c.expectations]

    def case(self, crn: str) -> Case:
        for c in self.cases:
            if c.crn == crn:
                return c
        raise KeyError(crn)


@dataclass(frozen=True)
class Action:
    """One thing the trainee recorded: an event on a case, on a date."""

    index: int
    crn: str
    event: Event

    @property
    def date(self) -> date:
        return self.event.date


# -- parsing ------------------------------------------------------------------------------------

def _label(raw: Any) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("checkpoint"), str):
        return f" (checkpoint {raw['checkpoint']!r})"
    if isinstance(raw, Mapping) and isinstance(raw.get("event"), Mapping):
        return f" (event {raw['event'].get('type')!r})"
    return ""


def _opt_date(raw: Mapping[str, Any], key: str, where: str, f: _Faults, prefix: str = "") -> date | None:
    if raw.get(key) is None:
        return None
    try:
        return parse_date(raw[key])
    except ValueError as exc:
        f.add(where, prefix + key, str(exc))
        return None


def _text_field(raw: Mapping[str, Any], key: str, where: str, f: _Faults, *, required: bool) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            f.add(where, key, "is missing")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        f.add(where, key, "must be non-empty text")
        return ""
    return value


def _unknown_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str, f: _Faults,
                  prefix: str = "") -> None:
    for key in raw:
        if key not in allowed:
            f.add(where, prefix + str(key), f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _pick_item(items: Sequence[DueItem], rule: str, crn: str, day0: date | None) -> DueItem | None:
    found = [i for i in items if i.rule == rule and i.crn == crn]
    if day0 is not None:
        found = [i for i in found if i.day0 == day0]
    # An item already done belongs to the case's history, not to this checkpoint.
    found = [i for i in found if i.status is not Status.DONE]
    if not found:
        return None
    # The most recent trigger is the one the preceding step just brought about.
    return max(found, key=lambda i: (i.day0, i.due))


#: How many later dates the engine is asked about when a rule's item is not there yet.
MAX_PROBES = 40


def _derive(rules: Rules, case: Case, today: date, rule: str, day0: date | None,
            cache: dict[tuple[str, date, int], list[DueItem]]) -> tuple[DueItem | None, str]:
    """The engine's item for ``rule`` on ``case`` at this point of the timeline.

    Asked as of ``today`` first. Some items only appear once an earlier date passes with
    nothing more happening (a written warning is due only when the 10-day explanation
    window closes without an acceptable explanation), so the engine is then asked as of the
    day after each date still open, earliest first.
    """
    def at(day: date) -> list[DueItem]:
        key = (case.crn, day, len(case.events))
        if key not in cache:
            cache[key] = list(rules.agenda(case, day))
        return cache[key]

    first = at(today)
    item = _pick_item(first, rule, case.crn, day0)
    if item is not None:
        return item, ""
    opens = sorted([i for i in first if i.crn == case.crn and i.status is not Status.DONE
                    and i.due >= today], key=lambda i: (i.due, i.rule))
    tried: set[date] = set()
    for before in opens:
        day = before.due + timedelta(days=1)
        if day in tried:
            continue
        tried.add(day)
        if len(tried) > MAX_PROBES:
            break
        item = _pick_item(at(day), rule, case.crn, day0)
        if item is not None:
            return item, (f"the rules engine gives this item once {before.due.isoformat()} "
                          f"passes with nothing more recorded (the end of: {before.title} "
                          f"[{before.rule}])")
    return None, ""


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


class _StepParser:
    """The steps of one scenario, in file order, with the case as it stands at each point.

    ``state`` is each case with the event steps read so far and (the model path) every
    expected action so far as if done on its date; ``last_event_day`` is the date of the last
    event step. Both feed the rules engine when a date is ``by = "rule"``.
    """

    def __init__(self, f: _Faults, rules: Rules, cases: dict[str, Case], start: date) -> None:
        self.f, self.rules, self.cases, self.start = f, rules, cases, start
        self.only_crn = next(iter(cases)) if len(cases) == 1 else None
        self.state: dict[str, Case] = dict(cases)
        self.steps: list[Step] = []
        self.last_event_day = start
        self.cache: dict[tuple[str, date, int], list[DueItem]] = {}

    def crn_of(self, rs: Mapping[str, Any], where: str) -> str | None:
        crn = rs.get("crn", self.only_crn)
        if crn is None:
            self.f.add(where, "crn", "is missing (the scenario has more than one case)")
            return None
        if crn not in self.cases:
            self.f.add(where, "crn", f"{crn!r} is not one of the scenario's cases "
                                     f"({', '.join(sorted(self.cases))})")
            return None
        return crn

    def step(self, si: int, rs: Any) -> None:
        where = f"steps[{si}]{_label(rs)}"
        if not isinstance(rs, Mapping):
            self.f.add(where, "", "a step must be a table with event = {...} or "
                                  "checkpoint = \"...\"")
            return
        if ("event" in rs) == ("checkpoint" in rs):
            self.f.add(where, "", "a step is either an event (event = {...}) or a checkpoint "
                                  "(checkpoint = \"...\"), not both or neither")
            return
        crn = self.crn_of(rs, where)
        if "event" in rs:
            self.event_step(si, rs, where, crn)
        else:
            self.checkpoint(si, rs, where, crn)

    # -- events --------------------------------------------------------------------------------
    def event_step(self, si: int, rs: Mapping[str, Any], where: str, crn: str | None) -> None:
        f = self.f
        _unknown_keys(rs, EVENT_STEP_KEYS, where, f)
        day = _opt_date(rs, "date", where, f)
        raw_event = rs["event"]
        if not isinstance(raw_event, Mapping):
            f.add(where, "event", "must be a table like {type = \"contact\", outcome = \"ftc\"}")
            return
        if day is None and raw_event.get("date") is None:
            f.add(where, "date", "is missing (the day the event happens)")
            return
        ev_raw = dict(raw_event)
        if day is not None:
            if ev_raw.get("date") is not None and _same_day(ev_raw["date"], day) is False:
                f.add(where, "event.date", "differs from the step's date")
                return
            ev_raw["date"] = day
        coll = _EventProblems(crn)
        event = parse_event(ev_raw, "event", coll)
        for p in coll.problems:
            f.add(where, p.field, p.reason)
        if event is None or crn is None:
            return
        if event.date < self.start:
            f.add(where, "date", f"{event.date.isoformat()} is before the scenario starts "
                                 f"({self.start.isoformat()})")
            return
        if event.date < self.last_event_day:
            f.add(where, "date", f"{event.date.isoformat()} is before the previous event "
                                 f"({self.last_event_day.isoformat()}): list events in date order")
            return
        self.last_event_day = event.date
        self.state[crn] = replace(self.state[crn], events=self.state[crn].events + (event,))
        say = rs.get("say", "")
        self.steps.append(EventStep(si, event.date, crn, event,
                                    say if isinstance(say, str) else ""))

    # -- checkpoints ---------------------------------------------------------------------------
    def checkpoint(self, si: int, rs: Mapping[str, Any], where: str, crn: str | None) -> None:
        f = self.f
        _unknown_keys(rs, CHECKPOINT_KEYS, where, f)
        name = _text_field(rs, "checkpoint", where, f, required=True)
        say = _text_field(rs, "say", where, f, required=False)
        after = _opt_date(rs, "from", where, f)
        avoid: list[EventType] = []
        raw_avoid = rs.get("avoid", [])
        if not isinstance(raw_avoid, list):
            f.add(where, "avoid", "must be a list of action types")
            raw_avoid = []
        for ai, a in enumerate(raw_avoid):
            try:
                avoid.append(EventType(a))
            except ValueError:
                f.add(where, f"avoid[{ai}]", f"{a!r} is not an action type ({_types()})")
        raw_expect = rs.get("expect")
        if not isinstance(raw_expect, list) or not raw_expect:
            f.add(where, "expect", "needs at least one expected action ([[steps.expect]])")
            return
        if crn is None:
            return
        expectations = [e for ei, re_ in enumerate(raw_expect)
                        if (e := self.expectation(si, ei, re_, where, crn, name, rs.get("by"),
                                                  after)) is not None]
        if not expectations:
            return
        self.steps.append(Checkpoint(si, name, crn, tuple(expectations), tuple(avoid), after,
                                     say))
        # Later dates are derived on the model path: as if every expected action so far had
        # been done on its date (so a recall letter follows the recall).
        for e in expectations:
            model = _model_event(e, self.state[e.crn])
            self.state[e.crn] = replace(self.state[e.crn],
                                        events=self.state[e.crn].events + (model,) * e.count)

    def expectation(self, si: int, ei: int, re_: Any, where: str, crn: str, checkpoint: str,
                    cp_by: Any, cp_after: date | None) -> Expectation | None:
        f = self.f
        pre = f"expect[{ei}]."
        if not isinstance(re_, Mapping):
            f.add(where, f"expect[{ei}]", "must be a table with action, rule and by")
            return None
        _unknown_keys(re_, EXPECT_KEYS, where, f, prefix=pre)
        e_crn: str | None = crn
        if "crn" in re_:
            e_crn = self.crn_of(re_, where)
            if e_crn is None:
                return None
        action_raw = re_.get("action")
        try:
            action = EventType(action_raw)
        except ValueError:
            f.add(where, pre + "action", f"{action_raw!r} is not an action type ({_types()})"
                  if action_raw is not None else "is missing")
            return None
        rule = re_.get("rule")
        if not isinstance(rule, str) or not rule.strip():
            f.add(where, pre + "rule", "is missing (the id of the rule that requires it)")
            return None
        info = self.rules.lookup(rule)
        if info is None:
            f.add(where, pre + "rule", f"unknown rule {rule!r}: not in the rule packs")
            return None
        match, unless = re_.get("match", {}), re_.get("unless", {})
        for key, value in (("match", match), ("unless", unless)):
            if not isinstance(value, Mapping):
                f.add(where, pre + key, "must be a table of field = value")
                return None
        day0 = _opt_date(re_, "day0", where, f, prefix=pre)
        worked = _opt_date(re_, "worked", where, f, prefix=pre)
        after = _opt_date(re_, "from", where, f, prefix=pre) or cp_after or self.last_event_day
        today = self.last_event_day
        try:
            item, note = _derive(self.rules, self.state[e_crn], today, rule, day0, self.cache)
        except Exception as exc:   # the engine refusing a case is a scenario fault
            f.add(where, pre + "rule", f"the rules engine failed on this case: {exc}")
            return None
        notes: list[str] = [note] if note else []
        by_raw = re_.get("by", cp_by)
        if by_raw == "rule":
            if item is None:
                f.add(where, pre + "by",
                      f"by = \"rule\", but the rules engine gives no due item for rule "
                      f"{rule!r} on {e_crn} as of {today.isoformat()}: give the date instead")
                return None
            by, derived = item.due, True
        elif by_raw is None:
            f.add(where, pre + "by", "is missing: a date (YYYY-MM-DD) or \"rule\"")
            return None
        else:
            try:
                by = parse_date(by_raw)
            except ValueError as exc:
                f.add(where, pre + "by", f"{exc} (or \"rule\")")
                return None
            derived = False
            if item is not None and item.due != by:
                notes.append(f"the rules engine's date for this rule is "
                             f"{item.due.isoformat()}; this scenario sets {by.isoformat()}")
        if by < after:
            f.add(where, pre + "by", f"{by.isoformat()} is before the action can count "
                                     f"(from {after.isoformat()})")
            return None
        alternatives = self.alternatives(re_.get("or", []), where, pre)
        count = re_.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 50:
            f.add(where, pre + "count", f"must be a whole number from 1 to 50, not {count!r}")
            return None
        why = re_.get("why", "")
        return Expectation(
            key=f"steps[{si}].expect[{ei}]", checkpoint=checkpoint, action=action, rule=rule,
            crn=e_crn, by=by, derived=derived, after=after,
            title=item.title if item is not None else info.title,
            source=item.source if item is not None else info.source,
            source_text=info.text, match=dict(match), unless=dict(unless),
            alternatives=tuple(alternatives), worked=worked,
            why=why if isinstance(why, str) else "", count=count, item=item,
            notes=tuple(notes))

    def alternatives(self, raw_or: Any, where: str, pre: str
                     ) -> list[tuple[EventType, dict[str, Any], dict[str, Any]]]:
        f = self.f
        out: list[tuple[EventType, dict[str, Any], dict[str, Any]]] = []
        if not isinstance(raw_or, list):
            f.add(where, pre + "or", "must be a list of {action, match, unless} tables")
            return out
        for oi, ro in enumerate(raw_or):
            opre = f"{pre}or[{oi}]"
            if not isinstance(ro, Mapping):
                f.add(where, opre, "must be a table with action (and match / unless)")
                continue
            _unknown_keys(ro, ALTERNATIVE_KEYS, where, f, prefix=opre + ".")
            try:
                alt_action = EventType(ro.get("action"))
            except ValueError:
                f.add(where, opre + ".action",
                      f"{ro.get('action')!r} is not an action type ({_types()})")
                continue
            alt_match, alt_unless = ro.get("match", {}), ro.get("unless", {})
            if not isinstance(alt_match, Mapping) or not isinstance(alt_unless, Mapping):
                f.add(where, opre, "match and unless must be tables of field = value")
                continue
            out.append((alt_action, dict(alt_match), dict(alt_unless)))
        return out


def expected_event(e: Expectation, day: date, case: Case | None = None) -> Event:
    """The event that does an expected action on ``day`` (its type and ``match`` fields).

    An explanation needs the failure it explains: with ``case`` given and no ``for_date`` in
    ``match``, it is the latest failure to comply on or before ``day``.
    """
    raw: dict[str, Any] = {**{k: v for k, v in e.match.items() if k not in ("type", "date")},
                           "type": e.action.value, "date": day}
    if e.action is EventType.EXPLANATION and "for_date" not in raw and case is not None:
        failures = [ev.date for ev in case.events if ev.is_ftc and ev.date <= day]
        if failures:
            raw["for_date"] = max(failures)
    event = parse_event(raw, "model", _EventProblems(e.crn))
    return event if event is not None else Event(e.action, day)


def _model_event(e: Expectation, case: Case) -> Event:
    """The event a model answer records for an expectation, on its due date."""
    return expected_event(e, e.by, case)


def _same_day(value: Any, day: date) -> bool | None:
    try:
        return parse_date(value) == day
    except ValueError:
        return None


def _types() -> str:
    return ", ".join(t.value for t in EventType)


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


# -- marking ------------------------------------------------------------------------------------

class Mark(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    OVERDUE = "overdue"          # live run: past its date, not done yet (may still be done late)
    PENDING = "pending"          # live run: not due yet

    @property
    def symbol(self) -> str:
        return {"on_time": "✓", "late": "!", "missed": "✗", "overdue": "✗",
                "pending": "·"}[self.value]

    @property
    def label(self) -> str:
        return {"on_time": "on time", "late": "late", "missed": "MISSED",
                "overdue": "OVERDUE", "pending": "to do"}[self.value]


@dataclass(frozen=True)
class CheckpointResult:
    """The verdict on one expected action."""

    scenario: str
    checkpoint: str
    expectation: Expectation
    status: Mark
    done_on: date | None = None
    late_working_days: int | None = None
    action_index: int | None = None

    @property
    def met(self) -> bool:
        return self.status is Mark.ON_TIME

    def summary(self) -> str:
        e = self.expectation
        if self.status is Mark.ON_TIME:
            return f"done {self.done_on.isoformat()}, on time"
        if self.status is Mark.LATE:
            if not self.late_working_days:
                return (f"done {self.done_on.isoformat()}, late: after the due date "
                        f"{e.by.isoformat()} (0 working days: only non-working days between)")
            return (f"done {self.done_on.isoformat()}, late by {self.late_working_days} "
                    f"working day(s)")
        if self.status is Mark.OVERDUE:
            return f"not done, OVERDUE since {e.by.isoformat()}"
        if self.status is Mark.PENDING:
            return f"not done yet, due by {e.by.isoformat()}"
        return "not done: MISSED"

    def explanation_lines(self) -> list[str]:
        """The rule, the count and the source, as plain text (CLI and explanation panel)."""
        e = self.expectation
        lines = [f"expected: {e.label} on {e.crn} by {e.by.isoformat()}"
                 + (" (date from the rules engine)" if e.derived else " (date set by the scenario)"),
                 f"result: {self.summary()}",
                 f"rule: {e.rule} - {e.title}",
                 f"source: {e.source}"]
        trace = e.trace
        if trace is not None:
            lines.append(f"day 0: {e.item.day0.isoformat()} ({e.item.day0_label})")
            lines.append(f"count: {trace.summary()}")
            skipped = [f"{s.day.isoformat()} {s.reason}" for s in trace.skipped]
            if skipped:
                lines.append("skipped: " + "; ".join(skipped))
        if e.source_text:
            lines.append(f"source text: {e.source_text}")
        if e.why:
            lines.append(f"why: {e.why}")
        lines += [f"note: {n}" for n in e.notes]
        return lines

    def to_dict(self) -> dict[str, Any]:
        e = self.expectation
        trace = e.trace
        return {
            "scenario": self.scenario,
            "checkpoint": self.checkpoint,
            "step": e.key,
            "crn": e.crn,
            "expected": e.action.value,
            "match": {k: _norm(v) for k, v in e.match.items()},
            "unless": {k: _norm(v) for k, v in e.unless.items()},
            "or": [{"action": a.value, "match": {k: _norm(v) for k, v in m.items()},
                    "unless": {k: _norm(v) for k, v in u.items()}} for a, m, u in e.alternatives],
            "rule": e.rule,
            "title": e.title,
            "source": e.source,
            "source_text": e.source_text,
            "by": e.by.isoformat(),
            "by_from_rules": e.derived,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "status": self.status.value,
            "late_working_days": self.late_working_days,
            "explanation": trace.to_dict() if trace is not None else None,
        }


@dataclass(frozen=True)
class WrongAction:
    """An action the checkpoint says not to take (e.g. a warning where breach was due)."""

    checkpoint: str
    crn: str
    action: Action

    def to_dict(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint, "crn": self.crn,
                "type": self.action.event.type.value, "date": self.action.date.isoformat()}


@dataclass(frozen=True)
class Marking:
    scenario: Scenario
    results: tuple[CheckpointResult, ...]
    wrong: tuple[WrongAction, ...]
    unmatched: tuple[Action, ...]        # actions that met no expectation (not penalised)

    @property
    def passed(self) -> bool:
        return all(r.met for r in self.results) and not self.wrong

    def count(self, status: Mark) -> int:
        return sum(1 for r in self.results if r.status is status)


def _assign(expectations: Sequence[Expectation], actions: Sequence[Action]
            ) -> dict[str, tuple[Action, ...]]:
    """Each expectation takes the earliest actions that satisfy it, earliest due first.

    An action is used once per rule: one attended contact can be both the first meeting and
    the week's contact (two rules), but two warnings are needed for two failures (one rule).
    An expectation with ``count = n`` needs n such actions; it is done on the n-th.
    Greedy in due-date order: stable as actions are added in date order (the live run), so an
    earlier verdict never changes when the trainee does something later.
    """
    used: dict[str, set[int]] = {}
    out: dict[str, tuple[Action, ...]] = {}
    for e in sorted(expectations, key=lambda e: (e.by, e.key)):
        taken = used.setdefault(e.rule, set())
        got: list[Action] = []
        for a in actions:
            if a.index not in taken and e.accepts(a.crn, a.event):
                got.append(a)
                if len(got) == e.count:
                    break
        if len(got) == e.count:
            taken.update(a.index for a in got)
            out[e.key] = tuple(got)
    return out


def mark(scenario: Scenario, actions: Sequence[Action], calendar: WorkingCalendar,
         *, as_of: date | None = None) -> Marking:
    """Mark the trainee's actions. ``as_of`` None: the scenario is over (not done = missed)."""
    acts = [a for a in actions if as_of is None or a.date <= as_of]
    assigned = _assign(scenario.expectations, acts)
    results: list[CheckpointResult] = []
    for cp in scenario.checkpoints:
        for e in cp.expectations:
            a = assigned[e.key][-1] if e.key in assigned else None
            if a is not None:
                late = calendar.working_days_between(e.by, a.date)
                if a.date > e.by:      # after the due date, even on a non-working day
                    results.append(CheckpointResult(scenario.name, cp.name, e, Mark.LATE,
                                                    a.date, late, a.index))
                else:
                    results.append(CheckpointResult(scenario.name, cp.name, e, Mark.ON_TIME,
                                                    a.date, 0, a.index))
            elif as_of is None:
                results.append(CheckpointResult(scenario.name, cp.name, e, Mark.MISSED))
            elif as_of > e.by:
                results.append(CheckpointResult(scenario.name, cp.name, e, Mark.OVERDUE,
                                                late_working_days=calendar.working_days_between(
                                                    e.by, as_of)))
            else:
                results.append(CheckpointResult(scenario.name, cp.name, e, Mark.PENDING))
    used = {a.index for got in assigned.values() for a in got}
    wrong: list[WrongAction] = []
    for cp in scenario.checkpoints:
        if not cp.avoid:
            continue
        after = min(e.after for e in cp.expectations)
        for a in acts:
            if (a.index not in used and a.crn == cp.crn and a.event.type in cp.avoid
                    and a.date >= after):
                wrong.append(WrongAction(cp.name, cp.crn, a))
                used.add(a.index)
    unmatched = tuple(a for a in acts if a.index not in used)
    return Marking(scenario, tuple(results), tuple(wrong), unmatched)


# -- the timeline player ----------------------------------------------------------------------

class EntryKind(StrEnum):
    EVENT = "event"              # something the scenario makes happen
    ACTION = "action"            # something the trainee recorded
    DUE = "due"                  # an expected action's date passes
    CHECKPOINT = "checkpoint"    # a checkpoint's expected actions come into view


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    kind: EntryKind
    crn: str
    text: str
    say: str = ""


def _event_text(event: Event) -> str:
    bits = [event.type.label]
    if event.outcome is not None:
        bits.append(f"({event.outcome.label})")
    if event.for_date is not None:
        bits.append(f"for {event.for_date.isoformat()}")
    if event.acceptable is not None:
        bits.append("acceptable" if event.acceptable else "not acceptable")
    if event.reason:
        bits.append(f"- {event.reason}")
    if event.note:
        bits.append(f"- {event.note}")
    return " ".join(bits)


class ScenarioRun:
    """A scenario played on a simulated clock: events happen, the trainee acts, dates pass.

    ``today`` starts at the scenario's start date. :meth:`advance_to` moves the clock forward
    (applying the scenario's events up to and including that day); :meth:`record` adds a
    trainee action dated today (or later: the clock moves to it). All state is in memory.
    """

    def __init__(self, scenario: Scenario, calendar: WorkingCalendar) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.today = scenario.start
        self.cases: dict[str, Case] = {c.crn: c for c in scenario.cases}
        self.actions: list[Action] = []
        self.log: list[TimelineEntry] = []
        self._next_event = 0
        self._events = scenario.events
        self._dues = sorted(scenario.expectations, key=lambda e: (e.by, e.key))
        self._next_due = 0
        self._revealed: set[int] = set()
        self._apply_events_through(self.today)
        self._reveal()

    def _reveal(self) -> None:
        """Log each checkpoint once the events that bring it about have happened."""
        for cp in self.scenario.checkpoints:
            if cp.index in self._revealed or min(e.after for e in cp.expectations) > self.today:
                continue
            self._revealed.add(cp.index)
            wanted = "; ".join(f"{e.label} by {e.by.isoformat()}" for e in cp.expectations)
            self.log.append(TimelineEntry(self.today, EntryKind.CHECKPOINT, cp.crn,
                                          f"{cp.name}: {wanted}", cp.say))

    # -- the clock ---------------------------------------------------------------------------
    def _apply_events_through(self, day: date) -> None:
        while self._next_event < len(self._events) and self._events[self._next_event].date <= day:
            step = self._events[self._next_event]
            case = self.cases[step.crn]
            self.cases[step.crn] = replace(case, events=case.events + (step.event,))
            self.log.append(TimelineEntry(step.date, EntryKind.EVENT, step.crn,
                                          _event_text(step.event), step.say))
            self._next_event += 1

    def _pass_dues_before(self, day: date) -> None:
        """Log each expected date that ended before ``day`` (end of day: after actions)."""
        while self._next_due < len(self._dues) and self._dues[self._next_due].by < day:
            e = self._dues[self._next_due]
            self.log.append(TimelineEntry(e.by, EntryKind.DUE, e.crn,
                                          f"{e.label} was due by the end of this day [{e.rule}]"))
            self._next_due += 1

    def advance_to(self, day: date) -> None:
        if day < self.today:
            raise ValueError(f"the clock cannot go back from {self.today.isoformat()} "
                             f"to {day.isoformat()}")
        # Step through what happens on the way, in date order: a day's events first, then
        # (at the end of that day) its deadlines.
        events = self._events
        while True:
            ev = events[self._next_event].date if (
                self._next_event < len(events) and events[self._next_event].date <= day) else None
            due = self._dues[self._next_due].by if (
                self._next_due < len(self._dues) and self._dues[self._next_due].by < day) else None
            if ev is None and due is None:
                break
            if ev is not None and (due is None or ev <= due):
                self.today = max(self.today, ev)
                self._apply_events_through(ev)
                self._reveal()
            else:
                self.today = max(self.today, due)
                self._pass_dues_before(due + timedelta(days=1))
        self.today = day
        self._reveal()

    def advance_working_days(self, n: int = 1) -> date:
        self.advance_to(self.calendar.add_working_days(self.today, n))
        return self.today

    def next_stop(self) -> date | None:
        """The next date something happens: an event, or an expected date passing."""
        dates = [s.date for s in self._events[self._next_event:] if s.date > self.today]
        dates += [e.by for e in self._dues[self._next_due:] if e.by >= self.today]
        after = [d for d in dates if d > self.today]
        if after:
            return min(after)
        # Then the day after the last deadline: the scenario closes.
        return None if self.finished else self.scenario.end + timedelta(days=1)

    def advance_to_next(self) -> date | None:
        stop = self.next_stop()
        if stop is not None:
            self.advance_to(stop)
        return stop

    @property
    def finished(self) -> bool:
        """Over: the last day of the scenario (its last deadline) has passed."""
        return self.today > self.scenario.end and self._next_event >= len(self._events)

    # -- the trainee ---------------------------------------------------------------------------
    def record(self, crn: str, event: Event) -> Action:
        """A trainee action. Dated after today: the clock moves to it. Dated earlier (a
        back-dated record) is allowed from the scenario's start; it counts from its date."""
        if crn not in self.cases:
            raise ValueError(f"{crn!r} is not a case in this scenario")
        if event.date < self.scenario.start:
            raise ValueError(f"{event.date.isoformat()} is before the scenario starts "
                             f"({self.scenario.start.isoformat()})")
        if event.date > self.today:
            self.advance_to(event.date)
        action = Action(len(self.actions), crn, event)
        self._add(action)
        return action

    def _add(self, action: Action) -> None:
        self.actions.append(action)
        case = self.cases[action.crn]
        self.cases[action.crn] = replace(case, events=case.events + (action.event,))
        self.log.append(TimelineEntry(action.date, EntryKind.ACTION, action.crn,
                                      _event_text(action.event)))

    def play(self, actions: Sequence[Action]) -> Marking:
        """Headless: merge the scenario's events and the trainee's actions by date, to the end."""
        for action in sorted(actions, key=lambda a: (a.date, a.index)):
            if action.date > self.today:
                self.advance_to(action.date)
            self._add(action)
        self.advance_to(max(self.today, self.scenario.end))
        self._pass_dues_before(date.max)
        return self.final()

    # -- what the trainee sees -----------------------------------------------------------------
    def visible(self, e: Expectation) -> bool:
        """An expected action shows once what brings it about has happened."""
        return e.after <= self.today

    def checkpoint_of(self, e: Expectation) -> Checkpoint:
        return next(c for c in self.scenario.checkpoints if e in c.expectations)

    # -- the marks ---------------------------------------------------------------------------
    def status(self) -> Marking:
        """The marks as of the simulated date (pending / overdue for what is not done)."""
        return mark(self.scenario, self.actions, self.calendar, as_of=self.today)

    def final(self) -> Marking:
        return mark(self.scenario, self.actions, self.calendar)

    def agenda(self, rules: Rules, crn: str) -> list[DueItem]:
        """The rules engine's view of a case as of the simulated date (the in-app mode)."""
        return list(rules.agenda(self.cases[crn], self.today))


def play(scenario: Scenario, actions: Sequence[Action], calendar: WorkingCalendar) -> tuple[ScenarioRun, Marking]:
    run = ScenarioRun(scenario, calendar)
    return run, run.play(actions)
