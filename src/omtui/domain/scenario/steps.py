"""The step parser: reads a scenario's [[steps]] in file order, keeping each case as it stands
at that point, and resolves every expected date (given in the file, or asked of the rules engine
when the file says ``by = "rule"``). Also the event that does an expected action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from omtui.domain.case import Case, Event, EventType
from omtui.domain.caseformat import parse_date, parse_event
from omtui.domain.due import DueItem, Status
from omtui.domain.scenario.fields import (
    _EventProblems,
    _Faults,
    _label,
    _opt_date,
    _same_day,
    _text_field,
    _types,
    _unknown_keys,
)
from omtui.domain.scenario.model import Checkpoint, EventStep, Expectation, Rules, Step

EVENT_STEP_KEYS = frozenset({"date", "crn", "event", "say"})
CHECKPOINT_KEYS = frozenset({"checkpoint", "crn", "say", "by", "expect", "avoid", "from"})
EXPECT_KEYS = frozenset({"action", "rule", "by", "worked", "from", "match", "unless", "crn", "day0",
                         "why", "count", "or"})
ALTERNATIVE_KEYS = frozenset({"action", "match", "unless"})


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
