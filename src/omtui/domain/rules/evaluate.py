"""Evaluating compiled rules against one case: due items, and the reason for every decision.

For each rule: is it applicable (its ``when`` condition over the case's facts)? What is day 0
(the latest of its trigger dates that has happened)? When is it due (day 0 + offset on the
working-day calendar)? Has an event satisfied it (the earliest matching event on or after
day 0, up to today)? The answer is a :class:`DueItem` carrying the working-day trace, or a
:class:`RuleDecision` saying why there is none.

Per case, events are indexed by type once and the facts are computed once; per rule, the
condition is a compiled closure and due dates and traces are memoised per calendar.
Evaluation never raises on a valid :class:`Case`: a date the calendar cannot count is
reported as a decision, not an exception.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from omtui.domain.calendar import CalendarError, Trace, Unit, WorkingCalendar
from omtui.domain.case import Case, Event, EventType
from omtui.domain.due import DueItem, status_for
from omtui.domain.rules.model import Anchor, EventPattern, Rule, RuleBook, RuleVersions


@dataclass(frozen=True)
class RuleDecision:
    """What one rule made of one case: applied (with its item) or not, and why."""

    rule: str
    title: str
    source: str
    applies: bool
    reason: str
    item: DueItem | None = None
    pack: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "source": self.source,
                "applies": self.applies, "reason": self.reason, "pack": self.pack,
                "item": self.item.to_dict() if self.item else None}


# -- per-case view -------------------------------------------------------------------------------

class CaseView:
    """A case as of today: events indexed by type (only those on or before today), facts."""

    __slots__ = ("case", "today", "by_type", "facts", "terminated_on", "release_day")

    def __init__(self, case: Case, today: date):
        self.case, self.today = case, today
        by_type: dict[EventType, list[Event]] = {}
        for e in sorted(case.events, key=_event_date):
            if e.date <= today:
                by_type.setdefault(e.type, []).append(e)
        self.by_type = by_type
        releases = by_type.get(EventType.RELEASE)
        last_release = releases[-1].date if releases else None
        if last_release is None and case.release_date is not None and case.release_date <= today:
            last_release = case.release_date
        self.release_day = last_release
        returns = by_type.get(EventType.RETURNED_TO_CUSTODY)
        recalled = bool(returns) and (last_release is None or returns[-1].date >= last_release)
        terms = by_type.get(EventType.TERMINATION)
        self.terminated_on = terms[-1].date if terms else None
        post = case.order_type.is_post_custody
        released = last_release is not None
        start = case.commencement
        self.facts: dict[str, Any] = {
            "order": case.order_type.value,
            "community": case.order_type.is_community,
            "post_custody": post,
            "tier": case.tier,
            "rosh": case.rosh.value,
            "ppo": case.ppo,
            "mappa": case.mappa is not None,
            "mappa.category": case.mappa.category if case.mappa else None,
            "mappa.level": case.mappa.level if case.mappa else None,
            "requirements": frozenset(r.value for r in case.requirements),
            "flags": frozenset(case.flags),
            "gender": case.gender.value if case.gender else None,
            "custody_months": case.custody_months,
            "time_to_serve_months": case.time_to_serve_months,
            "released": released,
            "recalled": recalled,
            "in_custody": post and (not released or recalled),
            "has_release_date": case.release_date is not None,
            "has_end_date": case.end_date is not None,
            "terminated": self.terminated_on is not None,
            "weeks_since_commencement": max(0, (today - start).days // 7),
        }

    def latest(self, pattern: EventPattern) -> Event | None:
        events = self.by_type.get(pattern.type)
        if not events:
            return None
        if not pattern.fields:
            return events[-1]
        for e in reversed(events):
            if pattern.matches(e):
                return e
        return None

    def all_matching(self, pattern: EventPattern) -> Iterator[Event]:
        for e in self.by_type.get(pattern.type, ()):
            if pattern.matches(e):
                yield e

    def anchor(self, anchor: Anchor) -> tuple[date, str, Event | None] | None:
        """Day-0 candidate for an anchor: (date, label, the event) or None if not yet."""
        if anchor.pattern is not None:
            e = self.latest(anchor.pattern)
            return (e.date, anchor.label, e) if e else None
        case = self.case
        name = anchor.name
        if name == "sentence":
            return case.sentence_date, "sentence", None
        if name == "commencement":
            return case.commencement, "commencement", None
        if name == "release":
            releases = self.by_type.get(EventType.RELEASE)
            if releases:
                return releases[-1].date, "release", releases[-1]
            if case.release_date is not None and case.release_date <= self.today:
                return case.release_date, "release (release date)", None
            return None
        if name == "release_date":
            return (case.release_date, "release date", None) if case.release_date else None
        if name == "end_date":
            return (case.end_date, "end date", None) if case.end_date else None
        return None


def _event_date(e: Event) -> date:
    return e.date


# -- memoised calendar arithmetic -----------------------------------------------------------------

_TRACES: "weakref.WeakKeyDictionary[WorkingCalendar, dict[tuple[date, int, Unit], Trace]]" = (
    weakref.WeakKeyDictionary())
_MAX_MEMO = 250_000


def _trace(calendar: WorkingCalendar, day0: date, n: int, unit: Unit) -> Trace:
    memo = _TRACES.get(calendar)
    if memo is None:
        memo = _TRACES[calendar] = {}
    key = (day0, n, unit)
    found = memo.get(key)
    if found is None:
        if len(memo) >= _MAX_MEMO:
            memo.clear()
        found = memo[key] = calendar.explain(day0, n, unit)
    return found


# -- one rule --------------------------------------------------------------------------------------

def _version_for(group: RuleVersions, view: CaseView) -> Rule:
    """The version in force for this case's day 0 (newest whose effective date has come)."""
    if len(group.versions) == 1:
        return group.versions[0]
    for rule in group.versions:
        first = _day0(rule, view)
        if first is None or rule.effective_from is None or first[0] >= rule.effective_from:
            return rule
    return group.versions[-1]


def _day0(rule: Rule, view: CaseView) -> tuple[date, str, Event | None] | None:
    best = None
    for anchor in rule.trigger:
        found = view.anchor(anchor)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    if rule.recurring:
        for pattern in rule.satisfied_by:
            e = view.latest(pattern)
            if e is not None and (best is None or e.date >= best[0]):
                best = (e.date, f"last {pattern.type.label}", e)
    return best


def _satisfied(rule: Rule, view: CaseView, lower: date, exclude: Event | None) -> Event | None:
    """The event that satisfies the rule: the count-th matching one on or after ``lower``."""
    if rule.count == 1:
        best = None
        for pattern in rule.satisfied_by:
            for e in view.all_matching(pattern):
                if e.date >= lower and e is not exclude:
                    if best is None or e.date < best.date:
                        best = e
                    break                   # events are in date order: the first is earliest
        return best
    found = {id(e): e for pattern in rule.satisfied_by for e in view.all_matching(pattern)
             if e.date >= lower and e is not exclude}
    ordered = sorted(found.values(), key=_event_date)
    return ordered[rule.count - 1] if len(ordered) >= rule.count else None


def _item(rule: Rule, view: CaseView, calendar: WorkingCalendar, day0: date, label: str,
          anchor_event: Event | None) -> tuple[DueItem | None, str]:
    case, today = view.case, view.today
    off = rule.offset
    try:
        trace = _trace(calendar, day0, off.n, off.unit)
        window_day = (calendar.add(day0, rule.window_start.n, rule.window_start.unit)
                      if rule.window_start else None)
    except CalendarError as exc:
        return None, f"cannot count from day 0 {day0.isoformat()}: {exc}"
    due = trace.due
    try:
        if rule.phase_until is not None:
            end = calendar.add(case.commencement, rule.phase_until.n, rule.phase_until.unit)
            if day0 >= end:
                return None, (f"outside its phase: day 0 {day0.isoformat()} is not before "
                              f"commencement + {rule.phase_until} ({end.isoformat()})")
        if rule.phase_from is not None:
            begin = calendar.add(case.commencement, rule.phase_from.n, rule.phase_from.unit)
            if day0 < begin:
                return None, (f"outside its phase: day 0 {day0.isoformat()} is before "
                              f"commencement + {rule.phase_from} ({begin.isoformat()})")
    except CalendarError as exc:
        return None, f"cannot count the phase: {exc}"
    # The earliest date a satisfying event counts from: day 0 (or the window's start when
    # that is earlier, e.g. up to 8 weeks before an end date); for a deadline before day 0
    # (before release), anything since the sentence.
    if window_day is not None:
        lower = min(day0, window_day)
    elif off.n >= 0:
        lower = day0
    else:
        lower = case.sentence_date
    done = _satisfied(rule, view, lower, anchor_event)
    done_on = done.date if done is not None else None
    if done_on is None and view.terminated_on is not None and _is_termination(rule):
        done_on = view.terminated_on     # the case ended early: termination closes the rule
    notes: list[str] = []
    if rule.text:
        notes.append(rule.text)
    if window_day is not None:
        notes.append(f"window: from {window_day.isoformat()} ({rule.window_start} from day 0) "
                     f"to {due.isoformat()}")
    if rule.recurring:
        notes.append("recurring: day 0 is the last satisfying event; this is the next occurrence")
    if view.terminated_on is not None and done_on is None and not _is_termination(rule):
        return None, (f"the case was terminated on {view.terminated_on.isoformat()}; "
                      "nothing is due after that")
    late_by = None
    if done_on is not None and done_on > due:
        try:
            late_by = calendar.working_days_between(due, done_on) or None
        except CalendarError:
            late_by = None
    status = status_for(due, done_on, today, calendar)
    item = DueItem(
        crn=case.crn, rule=rule.id, title=rule.title, source=rule.source, day0=day0,
        day0_label=label, due=due, status=status, trace=trace,
        satisfied_by=rule.satisfied_text, done_on=done_on, late_by=late_by,
        kind=rule.kind, notes=tuple(notes),
    )
    return item, ""


def _is_termination(rule: Rule) -> bool:
    return any(p.type is EventType.TERMINATION for p in rule.satisfied_by)


def _rule_items(rule: Rule, view: CaseView, calendar: WorkingCalendar
                ) -> tuple[list[DueItem], str]:
    """The items of an applicable rule, or none and the reason."""
    if rule.per_event:
        pattern = rule.trigger[0].pattern
        assert pattern is not None
        items, reasons = [], []
        for e in view.all_matching(pattern):
            item, why = _item(rule, view, calendar, e.date, rule.trigger[0].label, e)
            if item is not None:
                items.append(item)
            else:
                reasons.append(why)
        if not items:
            return [], reasons[0] if reasons else f"no {pattern} event recorded (day 0)"
        return items, ""
    found = _day0(rule, view)
    if found is None:
        names = ", ".join(a.label for a in rule.trigger)
        return [], f"day 0 has not happened: no {names} recorded"
    day0, label, anchor_event = found
    item, why = _item(rule, view, calendar, day0, label, anchor_event)
    return ([item], "") if item is not None else ([], why)


# -- the whole book ----------------------------------------------------------------------------------

def evaluate_rules(case: Case, today: date, calendar: WorkingCalendar, book: RuleBook,
                   view: CaseView | None = None) -> list[DueItem]:
    """Every due item the rule book makes of this case (not sorted)."""
    view = view or CaseView(case, today)
    facts = view.facts
    out: list[DueItem] = []
    for group in book.rules:
        rule = _version_for(group, view)
        if not rule.when.test(facts):
            continue
        items, _ = _rule_items(rule, view, calendar)
        out.extend(items)
    return out


def explain_rules(case: Case, today: date, calendar: WorkingCalendar, book: RuleBook,
                  view: CaseView | None = None) -> list[RuleDecision]:
    """One decision per rule (per trigger event for per-event rules), in pack order."""
    view = view or CaseView(case, today)
    facts = view.facts
    out: list[RuleDecision] = []
    for group in book.rules:
        rule = _version_for(group, view)
        holds, why = rule.when.explain(facts)
        if not holds:
            out.append(RuleDecision(rule.id, rule.title, rule.source, False,
                                    f"not applicable: {why} (when: {rule.when.text})",
                                    None, rule.pack))
            continue
        items, reason = _rule_items(rule, view, calendar)
        if not items:
            out.append(RuleDecision(rule.id, rule.title, rule.source, False,
                                    f"applicable ({why}) but no item: {reason}", None, rule.pack))
            continue
        for item in items:
            state = item.status.label
            if item.done_on:
                state += f" on {item.done_on.isoformat()}"
            out.append(RuleDecision(
                rule.id, rule.title, rule.source, True,
                f"applies ({why}); day 0 {item.day0.isoformat()} ({item.day0_label}) + "
                f"{rule.offset} = {item.due.isoformat()}: {state}", item, rule.pack))
    return out
