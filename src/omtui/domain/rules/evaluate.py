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
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, cast

from omtui.domain.calendar import CalendarError, Trace, Unit, WorkingCalendar
from omtui.domain.case import Case, ContactOutcome, Event, EventType, OrderType
from omtui.domain.due import DueItem, Status, new_item, status_for
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

def events_by_type(case: Case, today: date) -> dict[EventType, list[Event]]:
    """The case's events on or before ``today`` grouped by type, each list in date order
    (events of one date in the order recorded). Made once per case (:class:`CaseView`) and
    shared by the rules, the contact schedule and enforcement."""
    by_type: dict[EventType, list[Event]] = {}
    events: Sequence[Event] = case.events
    if len(events) > 1:
        events = sorted(events, key=_event_date)
        if events[-1].date > today:       # the events on or before today: a prefix
            events = events[:bisect_right(events, today, key=_event_date)]
    elif events and events[0].date > today:
        return by_type
    get = by_type.get
    for e in events:
        found = get(e.type)
        if found is None:
            by_type[e.type] = [e]
        else:
            found.append(e)
    return by_type


class CaseView:
    """A case as of today: events indexed by type (only those on or before today), facts."""

    __slots__ = ("case", "today", "by_type", "dates", "facts", "terminated_on", "release_day",
                 "_matching", "_keys", "_case_anchors", "_searchable", "_outcomes")

    def __init__(self, case: Case, today: date):
        self.case, self.today = case, today
        self.by_type = by_type = events_by_type(case, today)
        self.dates: dict[Any, list[date]] = {}
        self._outcomes: dict[EventType, dict[ContactOutcome | None, list[Event]]] = {}
        self._matching: dict[int, list[Event]] = {}
        self._keys: dict[EventType, frozenset[str]] = {}
        self._case_anchors: dict[str, tuple[date, str, Event | None] | None] | None = None
        self._searchable: dict[int, tuple[list[Event], list[date], Any] | None] = {}
        releases = by_type.get(EventType.RELEASE)
        last_release = releases[-1].date if releases else None
        release_date = case.release_date
        if last_release is None and release_date is not None and release_date <= today:
            last_release = release_date
        self.release_day = last_release
        returns = by_type.get(EventType.RETURNED_TO_CUSTODY)
        recalled = returns is not None and (last_release is None or returns[-1].date >= last_release)
        terms = by_type.get(EventType.TERMINATION)
        self.terminated_on = terms[-1].date if terms else None
        order = case.order_type
        post = order is OrderType.LICENCE or order is OrderType.PSS
        released = last_release is not None
        mappa = case.mappa
        gender = case.gender
        start = case.start_date or case.sentence_date
        self.facts: dict[str, Any] = {
            "order": order._value_,
            "community": not post,
            "post_custody": post,
            "tier": case.tier,
            "rosh": case.rosh._value_,
            "ppo": case.ppo,
            "mappa": mappa is not None,
            "mappa.category": mappa.category if mappa is not None else None,
            "mappa.level": mappa.level if mappa is not None else None,
            "requirements": frozenset([r._value_ for r in case.requirements]),
            "flags": frozenset(case.flags),
            "gender": gender._value_ if gender is not None else None,
            "custody_months": case.custody_months,
            "time_to_serve_months": case.time_to_serve_months,
            "released": released,
            "recalled": recalled,
            "in_custody": post and (not released or recalled),
            "has_release_date": release_date is not None,
            "has_end_date": case.end_date is not None,
            "terminated": terms is not None,
            "weeks_since_commencement": max(0, (today - start).days // 7),
        }

    def _by_outcome(self, events: list[Event], outcome: ContactOutcome) -> list[Event]:
        """``events`` (one type's) with that outcome, in date order; grouped once per case."""
        groups = self._outcomes.get(events[0].type)
        if groups is None:     # the loop of events_by_type, inline: a shared helper taking a
            groups = {}        # key function costs a due list 3% (measured)
            get = groups.get
            for e in events:
                found = get(e.outcome)
                if found is None:
                    groups[e.outcome] = [e]
                else:
                    found.append(e)
            self._outcomes[events[0].type] = groups
        return groups.get(outcome, _NONE)

    def with_outcome(self, etype: EventType, outcome: ContactOutcome) -> list[Event]:
        """The events of that type (on or before today) with that outcome, in date order."""
        events = self.by_type.get(etype)
        return self._by_outcome(events, outcome) if events else _NONE

    def _candidates(self, pattern: EventPattern) -> list[Event] | None:
        """The events of the pattern's type (and outcome, when it names one), or None when
        none can match (a needed extra field appears on no event of that type in this case)."""
        events = self.by_type.get(pattern.type)
        if not events:
            return None
        if pattern.outcome is not None:
            narrowed = self._by_outcome(events, pattern.outcome)
            if not narrowed:
                return None
        else:
            narrowed = events
        if pattern.needs_extra:       # the extra fields found on any event of the type
            keys = self._keys.get(pattern.type)
            if keys is None:
                found: set[str] = set()
                for e in events:
                    if e.extra:
                        found.update(e.extra)
                keys = self._keys[pattern.type] = frozenset(found)
            if not pattern.needs_extra <= keys:
                return None
        return narrowed

    def matching(self, pattern: EventPattern) -> list[Event]:
        """Events (on or before today) matching the pattern, in date order; cached per case."""
        key = id(pattern)
        found = self._matching.get(key)
        if found is None:
            events = self._candidates(pattern)
            test = pattern.rest_match
            if events is None:
                found = []
            elif test is None:
                found = events
            else:
                found = [e for e in events if test(e)]
            self._matching[key] = found
        return found

    def latest(self, pattern: EventPattern) -> Event | None:
        events = self._candidates(pattern)
        if events is None:
            return None
        test = pattern.rest_match
        if test is None:
            return events[-1]
        for i in range(len(events) - 1, -1, -1):
            if test(events[i]):
                return events[i]
        return None

    def _search(self, pattern: EventPattern) -> tuple[list[Event], list[date], Any] | None:
        """The pattern's candidate events, their dates and its field test (None: no test),
        or None when none can match; made once per pattern per case."""
        events = self._candidates(pattern)
        if events is None:
            found = None
        else:
            group = (pattern.type, pattern.outcome)
            dates = self.dates.get(group)
            if dates is None:
                dates = self.dates[group] = [e.date for e in events]
            found = (events, dates, pattern.rest_match)
        self._searchable[pattern.key] = found
        return found

    def first_from(self, pattern: EventPattern, lower: date, exclude: Event | None) -> Event | None:
        """The earliest matching event on or after ``lower`` (not ``exclude``)."""
        found = self._searchable.get(pattern.key, _UNSET)
        if found is _UNSET:
            found = self._search(pattern)
        if found is None:
            return None
        events, dates, test = found
        i = bisect_left(dates, lower)
        n = len(events)
        if test is None:
            if i < n and events[i] is not exclude:
                return events[i]
            for k in range(i + 1, n):
                if events[k] is not exclude:
                    return events[k]
            return None
        for k in range(i, n):
            e = events[k]
            if e is not exclude and test(e):
                return e
        return None

    def all_matching(self, pattern: EventPattern) -> list[Event]:
        return self.matching(pattern)

    def anchor(self, anchor: Anchor) -> tuple[date, str, Event | None] | None:
        """Day-0 candidate for an anchor: (date, label, the event) or None if not yet."""
        if anchor.pattern is not None:
            e = self.latest(anchor.pattern)
            return (e.date, anchor.label, e) if e else None
        found = self._case_anchors
        if found is None:
            found = self._case_anchors = self._compute_case_anchors()
        return found.get(anchor.name)

    def _compute_case_anchors(self) -> dict[str, tuple[date, str, Event | None] | None]:
        case = self.case
        release: tuple[date, str, Event | None] | None
        releases = self.by_type.get(EventType.RELEASE)
        if releases:
            release = (releases[-1].date, "release", releases[-1])
        elif case.release_date is not None and case.release_date <= self.today:
            release = (case.release_date, "release (release date)", None)
        else:
            release = None
        return {
            "sentence": (case.sentence_date, "sentence", None),
            "commencement": (case.start_date or case.sentence_date, "commencement", None),
            "release": release,
            "release_date": ((case.release_date, "release date", None)
                             if case.release_date else None),
            "end_date": (case.end_date, "end date", None) if case.end_date else None,
        }


_event_date = attrgetter("date")
_WORKING_DAYS = Unit.WORKING_DAYS
_UNSET: Any = object()
_NONE: list[Event] = []
_DONE = Status.DONE


# -- memoised calendar arithmetic -----------------------------------------------------------------

class _Memo:
    """Due dates and traces of one calendar, shared by every case (dates repeat a lot)."""

    __slots__ = ("calendar", "traces", "dates", "checked", "statuses")

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.traces: dict[tuple[date, int, Unit], Trace] = {}
        self.dates: dict[tuple[date, int, Unit], date] = {}
        self.checked: dict[tuple[date, int, Unit], date] = {}
        self.statuses: dict[tuple[date, date], Status] = {}

    def trace(self, day0: date, n: int, unit: Unit) -> Trace:
        key = (day0, n, unit)
        found = self.traces.get(key)
        if found is None:
            if len(self.traces) >= _MAX_MEMO:
                self.traces.clear()
            found = self.traces[key] = self.calendar.explain(day0, n, unit)
        return found

    def add(self, day0: date, n: int, unit: Unit) -> date:
        key = (day0, n, unit)
        found = self.dates.get(key)
        if found is None:
            if len(self.dates) >= _MAX_MEMO:
                self.dates.clear()
            found = self.dates[key] = self.calendar.add(day0, n, unit)
        return found


    def due(self, day0: date, n: int, unit: Unit) -> date:
        """``add``, with the check ``calendar.explain`` makes after the count (day 0, or a
        calendar-time due date, inside the calendar), so that what raises is unchanged."""
        key = (day0, n, unit)
        found = self.checked.get(key)
        if found is None:
            found = self.add(day0, n, unit)
            self.calendar.is_working_day(day0 if unit is _WORKING_DAYS else found)
            if len(self.checked) >= _MAX_MEMO:
                self.checked.clear()
            self.checked[key] = found
        return found

    def status(self, due: date, done_on: date | None, today: date) -> Status:
        """``status_for(due, done_on, today, calendar)``; the working-day count to an open
        item's due date is the same for every case with that due date."""
        if done_on is not None and done_on <= today:
            return Status.DONE
        key = (due, today)
        found = self.statuses.get(key)
        if found is None:
            if len(self.statuses) >= _MAX_MEMO:
                self.statuses.clear()
            found = self.statuses[key] = status_for(due, None, today, self.calendar)
        return found


_MEMOS: "weakref.WeakKeyDictionary[WorkingCalendar, _Memo]" = weakref.WeakKeyDictionary()
_MAX_MEMO = 250_000
#: (weak reference to the calendar, its memo) of the last call: a due list asks several times
#: per case for the same calendar's memo (a WeakKeyDictionary look-up makes a weakref)
_last_memo: tuple[Any, _Memo | None] = (lambda: None, None)


def memo_for(calendar: WorkingCalendar) -> _Memo:
    global _last_memo
    ref, memo = _last_memo
    if ref() is calendar and memo is not None:
        return memo
    memo = _MEMOS.get(calendar)
    if memo is None:
        memo = _MEMOS[calendar] = _Memo(calendar)
    _last_memo = (weakref.ref(calendar), memo)
    return memo


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
                best = (e.date, "last " + pattern.type.value.replace("_", " "), e)
    return best


def _satisfied(rule: Rule, view: CaseView, lower: date, exclude: Event | None) -> Event | None:
    """The event that satisfies the rule: the count-th matching one on or after ``lower``."""
    if rule.count == 1:
        patterns = rule.satisfied_by
        if len(patterns) == 1:
            return view.first_from(patterns[0], lower, exclude)
        best = None
        for pattern in patterns:
            e = view.first_from(pattern, lower, exclude)
            if e is not None and (best is None or e.date < best.date):
                best = e
        return best
    found = {id(e): e for pattern in rule.satisfied_by for e in view.matching(pattern)
             if e.date >= lower and e is not exclude}
    ordered = sorted(found.values(), key=_event_date)
    return ordered[rule.count - 1] if len(ordered) >= rule.count else None


def _item(rule: Rule, view: CaseView, memo: _Memo, day0: date, label: str,
          anchor_event: Event | None) -> tuple[DueItem | None, str]:
    case = view.case
    off = rule.offset
    n, unit = off.n, off.unit
    key = (day0, n, unit)
    window_start = rule.window_start
    due = memo.checked.get(key)
    window_day = None
    if due is None or window_start is not None:
        try:
            # the due date now; the day-by-day trace when the item is explained. The checks
            # are the ones calendar.explain makes after the count, so what raises is unchanged.
            due = memo.due(day0, n, unit)
            if window_start is not None:
                window_day = memo.add(day0, window_start.n, window_start.unit)
        except CalendarError as exc:
            return None, f"cannot count from day 0 {day0.isoformat()}: {exc}"
    trace = memo.traces.get(key) or (lambda: memo.trace(day0, n, unit))
    if rule.phase_until is not None or rule.phase_from is not None:
        why = _outside_phase(rule, case, memo, day0)
        if why:
            return None, why
    # The earliest date a satisfying event counts from: day 0 (or the window's start when
    # that is earlier, e.g. up to 8 weeks before an end date); for a deadline before day 0
    # (before release), anything since the sentence.
    if window_day is not None:
        lower = min(day0, window_day)
    elif n >= 0:
        lower = day0
    else:
        lower = case.sentence_date
    patterns = rule.satisfied_by
    if len(patterns) == 1 and rule.count == 1:
        done = view.first_from(patterns[0], lower, anchor_event)
    else:
        done = _satisfied(rule, view, lower, anchor_event)
    done_on = done.date if done is not None else None
    terminated_on = view.terminated_on
    if terminated_on is not None and done_on is None:
        if not rule.closed_by_termination:
            return None, (f"the case was terminated on {terminated_on.isoformat()}; "
                          "nothing is due after that")
        done_on = terminated_on          # the case ended early: termination closes the rule
    notes = rule.static_notes
    if window_day is not None:
        notes = notes + (f"window: from {window_day.isoformat()} ({rule.window_text} from "
                         f"day 0) to {due.isoformat()}",)
    late_by = None
    today = view.today
    if done_on is not None:
        if done_on > due:
            try:
                late_by = memo.calendar.working_days_between(due, done_on) or None
            except CalendarError:
                late_by = None
        status = _DONE if done_on <= today else memo.status(due, done_on, today)
    else:
        status = memo.statuses.get((due, today)) or memo.status(due, None, today)
    return new_item(case.crn, rule.id, rule.title, rule.source, day0, label, due, status, trace,
                    rule.satisfied_text, done_on, late_by, rule.kind, notes), ""


def _outside_phase(rule: Rule, case: Case, memo: _Memo, day0: date) -> str:
    """Why day 0 falls outside the rule's phase ("" when inside)."""
    try:
        if rule.phase_until is not None:
            end = memo.add(case.commencement, rule.phase_until.n, rule.phase_until.unit)
            if day0 >= end:
                return (f"outside its phase: day 0 {day0.isoformat()} is not before "
                        f"commencement + {rule.phase_until} ({end.isoformat()})")
        if rule.phase_from is not None:
            begin = memo.add(case.commencement, rule.phase_from.n, rule.phase_from.unit)
            if day0 < begin:
                return (f"outside its phase: day 0 {day0.isoformat()} is before "
                        f"commencement + {rule.phase_from} ({begin.isoformat()})")
    except CalendarError as exc:
        return f"cannot count the phase: {exc}"
    return ""


def _rule_items(rule: Rule, view: CaseView, memo: _Memo) -> tuple[list[DueItem], str]:
    """The items of an applicable rule, or none and the reason."""
    if rule.per_event:
        pattern = rule.trigger[0].pattern
        assert pattern is not None
        items, reasons = [], []
        for e in view.all_matching(pattern):
            item, why = _item(rule, view, memo, e.date, rule.trigger[0].label, e)
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
    item, why = _item(rule, view, memo, day0, label, anchor_event)
    return ([item], "") if item is not None else ([], why)


# -- the whole book ----------------------------------------------------------------------------------

def evaluate_rules(case: Case, today: date, calendar: WorkingCalendar, book: RuleBook,
                   view: CaseView | None = None) -> list[DueItem]:
    """Every due item the rule book makes of this case (not sorted)."""
    view = view or CaseView(case, today)
    memo = memo_for(calendar)
    out: list[DueItem] = []
    for rule in _applicable(book, view):
        if rule.per_event:                 # as _rule_items, without the reasons
            anchor = rule.trigger[0]
            assert anchor.pattern is not None
            for e in view.all_matching(anchor.pattern):
                item = _item(rule, view, memo, e.date, anchor.label, e)[0]
                if item is not None:
                    out.append(item)
            continue
        found = _day0(rule, view)
        if found is not None:
            item = _item(rule, view, memo, found[0], found[1], found[2])[0]
            if item is not None:
                out.append(item)
    return out


_MAX_APPLICABLE = 20_000


def _applicable(book: RuleBook, view: CaseView) -> Sequence[Rule]:
    """The rules whose condition holds for this case, in book order. Cases with the same
    condition facts share the answer (cached on the book); a rule with several versions is
    chosen per case (its version depends on day 0)."""
    facts = view.facts
    key = tuple([facts[name] for name in book.condition_facts])
    cache = book.applicable_cache
    found = cache.get(key)
    if found is None:
        if len(cache) >= _MAX_APPLICABLE:
            cache.clear()
        chosen = tuple(group.versions[0] if len(group.versions) == 1 else group
                       for group in book.rules
                       if len(group.versions) > 1 or group.versions[0].when.test(facts))
        dynamic = any(isinstance(r, RuleVersions) for r in chosen)
        found = cache[key] = (chosen, dynamic)
    chosen, dynamic = found
    if not dynamic:
        return cast("tuple[Rule, ...]", chosen)   # no RuleVersions among them
    out = []
    for r in chosen:
        if isinstance(r, RuleVersions):
            r = _version_for(r, view)
            if not r.when.test(facts):
                continue
        out.append(r)
    return out


def explain_rules(case: Case, today: date, calendar: WorkingCalendar, book: RuleBook,
                  view: CaseView | None = None) -> list[RuleDecision]:
    """One decision per rule (per trigger event for per-event rules), in pack order."""
    view = view or CaseView(case, today)
    facts = view.facts
    memo = memo_for(calendar)
    out: list[RuleDecision] = []
    for group in book.rules:
        rule = _version_for(group, view)
        holds, why = rule.when.explain(facts)
        if not holds:
            out.append(RuleDecision(rule.id, rule.title, rule.source, False,
                                    f"not applicable: {why} (when: {rule.when.text})",
                                    None, rule.pack))
            continue
        items, reason = _rule_items(rule, view, memo)
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
