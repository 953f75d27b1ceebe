"""Contact levels (NS 2c.16; HMIP D.2.2.8): the contact schedule of a supervised case.

The schedule is a run of *periods* from commencement (sentence, or release for a licence or
PSS), each needing a number of contacts. The lengths and counts are data
(``data/rules/contact-levels.toml``, passed in as a dict); this module only interprets them.

Suspensions (custody, hospital, certified sickness; and a return to custody until the next
release) pause the schedule: time inside a suspension does not count, so a period that a
suspension falls inside ends that many days later, and the schedule resumes "at the point at
which it was suspended" (NS 2c.16). An open suspension (no end yet) pauses it indefinitely.

Pure domain: no I/O, no ``date.today()``; ``today`` and the calendar are arguments.
See docs/enforcement.md for every decision taken here.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from omtui.domain.calendar import Trace, Unit, WorkingCalendar
from omtui.domain.case import (
    Case,
    ContactOutcome,
    Event,
    EventType,
    OrderType,
    Requirement,
    Rosh,
)
from omtui.domain.due import DueItem, new_item
from omtui.domain.packfields import PackFieldError, PackFields
from omtui.domain.records import fast_frozen_init
from omtui.domain.rules.evaluate import events_by_type, memo_for

ONE_DAY = timedelta(days=1)


class ContactLevelsError(PackFieldError):
    """A contact-levels pack that cannot be used; ``field`` names the offending entry."""


_FIELDS = PackFields(ContactLevelsError)
_table, _str, _date, _posint = _FIELDS.table, _FIELDS.text, _FIELDS.day, _FIELDS.posint


# -- the pack ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Phase:
    every_weeks: int
    contacts: int
    for_weeks: int | None = None          # None: runs to the end of the order

    @property
    def period_days(self) -> int:
        return 7 * self.every_weeks

    @property
    def periods(self) -> int | None:
        return None if self.for_weeks is None else self.for_weeks // self.every_weeks

    def describe(self) -> str:
        return self._description

    @cached_property
    def _description(self) -> str:       # made once: every period of every case shows it
        every = "week" if self.every_weeks == 1 else f"{self.every_weeks} weeks"
        n = "1 contact" if self.contacts == 1 else f"{self.contacts} contacts"
        span = f" for {self.for_weeks} weeks" if self.for_weeks is not None else ""
        return f"{n} every {every}{span}"


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    source: str
    tiers: frozenset[int] | None = None
    roshes: frozenset[Rosh] | None = None
    phases: tuple[Phase, ...] = ()
    total: int | None = None              # at least this many over the whole order

    def matches(self, case: Case) -> bool:
        if self.tiers is not None and case.tier not in self.tiers:
            return False
        return not (self.roshes is not None and case.rosh not in self.roshes)


@dataclass(frozen=True)
class Benchmark:
    id: str
    title: str
    source: str
    every_months: int


@dataclass(frozen=True)
class ContactLevels:
    pack_id: str
    title: str
    effective_from: date
    applies_source: str
    supervised_order_types: frozenset[OrderType]       # need the requirement below
    supervision_requirement: Requirement
    always_order_types: frozenset[OrderType]
    achieved_outcomes: frozenset[ContactOutcome]
    arranged_outcomes: frozenset[ContactOutcome]
    levels: tuple[Level, ...]
    benchmark: Benchmark | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ContactLevels:
        """Validate a parsed contact-levels pack; a problem raises ContactLevelsError naming
        the field (e.g. ``level[2].phases[0].every_weeks``)."""
        if not isinstance(d, Mapping):
            raise ContactLevelsError("(pack)", "must be a table")
        pack = _table(d, "pack")
        pack_id = _str(pack, "id", "pack.id")
        title = _str(pack, "title", "pack.title")
        effective = _date(pack.get("effective_from"), "pack.effective_from")

        applies = _table(d, "applies")
        needs = _table(applies, "needs_requirement", "applies.needs_requirement")
        supervised = _order_types(needs.get("order_types"), "applies.needs_requirement.order_types")
        req_name = _str(needs, "requirement", "applies.needs_requirement.requirement")
        try:
            requirement = Requirement(req_name)
        except ValueError:
            raise ContactLevelsError("applies.needs_requirement.requirement",
                                     f"unknown requirement {req_name!r}") from None
        always = _order_types(applies.get("always"), "applies.always")
        applies_source = _str(applies, "source", "applies.source")

        counting = _table(d, "counting")
        achieved = _outcomes(counting.get("achieved_outcomes"), "counting.achieved_outcomes")
        arranged = _outcomes(counting.get("arranged_outcomes"), "counting.arranged_outcomes")
        if not achieved:
            raise ContactLevelsError("counting.achieved_outcomes", "must name at least one outcome")

        raw_levels = d.get("level")
        if not isinstance(raw_levels, list) or not raw_levels:
            raise ContactLevelsError("level", "must be a non-empty list of [[level]] tables")
        levels: list[Level] = []
        seen: set[str] = set()
        for i, raw in enumerate(raw_levels):
            level = _level(raw, f"level[{i}]")
            if level.id in seen:
                raise ContactLevelsError(f"level[{i}].id", f"duplicate id {level.id!r}")
            seen.add(level.id)
            levels.append(level)

        benchmark = None
        if "benchmark" in d:
            b = _table(d, "benchmark")
            benchmark = Benchmark(_str(b, "id", "benchmark.id"), _str(b, "title", "benchmark.title"),
                                  _str(b, "source", "benchmark.source"),
                                  _posint(b.get("every_months"), "benchmark.every_months"))
        return cls(pack_id, title, effective, applies_source, supervised, requirement, always,
                   achieved, arranged, tuple(levels), benchmark)

    @cached_property
    def achieved_text(self) -> str:
        """The outcomes that count as a contact, e.g. ``attended``, for "satisfied by"."""
        return " or ".join(sorted(o.value for o in self.achieved_outcomes))

    def has_schedule(self, case: Case) -> bool:
        """``applies_to(case)[0]`` without the reason (the due list does not show it)."""
        order = case.order_type
        if order in self.always_order_types:
            return True
        return (order in self.supervised_order_types
                and self.supervision_requirement in case.requirements)

    def level_for(self, case: Case) -> Level | None:
        """The first level, in pack order, whose condition matches the case."""
        for level in self.levels:
            if level.matches(case):
                return level
        return None

    def applies_to(self, case: Case) -> tuple[bool, str]:
        if case.order_type in self.always_order_types:
            return True, f"{case.order_type.label}: supervised ({self.applies_source})"
        if case.order_type in self.supervised_order_types:
            if case.has(self.supervision_requirement):
                return True, (f"{case.order_type.label} with a {self.supervision_requirement.label}"
                              f" requirement ({self.applies_source})")
            return False, (f"{case.order_type.label} without a {self.supervision_requirement.label}"
                           f" requirement: no contact schedule ({self.applies_source})")
        return False, f"{case.order_type.label}: no contact schedule in this pack"


def _order_types(value: Any, name: str) -> frozenset[OrderType]:
    if not isinstance(value, list):
        raise ContactLevelsError(name, "must be a list of order types")
    out = set()
    for i, v in enumerate(value):
        try:
            out.add(OrderType(v))
        except ValueError:
            raise ContactLevelsError(f"{name}[{i}]", f"unknown order type {v!r}") from None
    return frozenset(out)


def _outcomes(value: Any, name: str) -> frozenset[ContactOutcome]:
    if not isinstance(value, list):
        raise ContactLevelsError(name, "must be a list of contact outcomes")
    out = set()
    for i, v in enumerate(value):
        try:
            out.add(ContactOutcome(v))
        except ValueError:
            raise ContactLevelsError(f"{name}[{i}]", f"unknown outcome {v!r}") from None
    return frozenset(out)


def _level(raw: Any, name: str) -> Level:
    if not isinstance(raw, Mapping):
        raise ContactLevelsError(name, "must be a table")
    lid, title, source = (_str(raw, k, f"{name}.{k}") for k in ("id", "title", "source"))
    when = raw.get("when", {})
    if not isinstance(when, Mapping):
        raise ContactLevelsError(f"{name}.when", "must be a table")
    unknown = set(when) - {"tier", "rosh"}
    if unknown:
        raise ContactLevelsError(f"{name}.when.{sorted(unknown)[0]}",
                                 "unknown condition (use tier or rosh)")
    tiers = roshes = None
    if "tier" in when:
        t = when["tier"]
        if not isinstance(t, list) or not t or any(
                isinstance(x, bool) or not isinstance(x, int) or not 1 <= x <= 4 for x in t):
            raise ContactLevelsError(f"{name}.when.tier", "must be a list of tiers 1-4")
        tiers = frozenset(t)
    if "rosh" in when:
        r = when["rosh"]
        if not isinstance(r, list) or not r:
            raise ContactLevelsError(f"{name}.when.rosh", "must be a list of RoSH levels")
        try:
            roshes = frozenset(Rosh(x) for x in r)
        except ValueError:
            raise ContactLevelsError(f"{name}.when.rosh",
                                     f"unknown RoSH level in {r!r}") from None
    has_phases, has_total = "phases" in raw, "total" in raw
    if has_phases == has_total:
        raise ContactLevelsError(name, "give exactly one of phases or total")
    if has_total:
        return Level(lid, title, source, tiers, roshes, (), _posint(raw["total"], f"{name}.total"))
    raw_phases = raw["phases"]
    if not isinstance(raw_phases, list) or not raw_phases:
        raise ContactLevelsError(f"{name}.phases", "must be a non-empty list")
    phases = []
    for j, p in enumerate(raw_phases):
        pname = f"{name}.phases[{j}]"
        if not isinstance(p, Mapping):
            raise ContactLevelsError(pname, "must be a table")
        every = _posint(p.get("every_weeks"), f"{pname}.every_weeks")
        contacts = _posint(p.get("contacts", 1), f"{pname}.contacts")
        for_weeks = p.get("for_weeks")
        last = j == len(raw_phases) - 1
        if for_weeks is None:
            if not last:
                raise ContactLevelsError(f"{pname}.for_weeks",
                                         "only the last phase may run to the end of the order")
        else:
            for_weeks = _posint(for_weeks, f"{pname}.for_weeks")
            if for_weeks % every:
                raise ContactLevelsError(f"{pname}.for_weeks",
                                         f"{for_weeks} weeks is not a whole number of "
                                         f"{every}-week periods")
        phases.append(Phase(every, contacts, for_weeks))
    if phases[-1].for_weeks is not None:
        raise ContactLevelsError(f"{name}.phases[{len(phases) - 1}].for_weeks",
                                 "the last phase must run to the end of the order (no for_weeks)")
    return Level(lid, title, source, tiers, roshes, tuple(phases), None)


# -- the schedule --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suspension:
    """Days when the schedule does not run: ``start`` to ``end`` inclusive (end None: open)."""

    start: date
    end: date | None
    reason: str                           # custody / hospital / sickness / returned to custody

    def covers(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def describe(self) -> str:
        until = self.end.isoformat() if self.end else "(open)"
        return f"{self.reason} {self.start.isoformat()} to {until}"


@dataclass(frozen=True)
class ContactPeriod:
    index: int                            # 1-based
    start: date
    end: date | None                      # last day; None: paused by an open suspension
    required: int
    achieved: int
    arranged: int
    contacts: tuple[date, ...]            # dates of the achieved contacts
    short: bool                           # ended before today with achieved < required
    complete: bool                        # ended before today
    phase: str                            # e.g. "1 contact every week for 16 weeks"
    suspended_days: int = 0               # days of suspension inside the period
    clipped: bool = False                 # the order ended inside the period

    @property
    def met(self) -> bool:
        return self.achieved >= self.required

    @property
    def paused(self) -> bool:
        return self.end is None

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": self.start.isoformat(),
                "end": self.end.isoformat() if self.end else None, "required": self.required,
                "achieved": self.achieved, "arranged": self.arranged,
                "contacts": [c.isoformat() for c in self.contacts], "short": self.short,
                "complete": self.complete, "phase": self.phase,
                "suspended_days": self.suspended_days, "clipped": self.clipped}


# made for every period of every case in a due list: one dict, not a frozen setattr per field
fast_frozen_init(Suspension)
fast_frozen_init(ContactPeriod)


@dataclass(frozen=True)
class BenchmarkCheck:
    rule: str
    title: str
    source: str
    last_contact: date | None             # last achieved contact on or before today
    day0: date                            # last contact, or commencement
    due: date | None                      # next contact by (None while suspended)
    trace: Trace | None


@dataclass(frozen=True)
class ContactSchedule:
    crn: str
    applies: bool
    reason: str                           # why it applies or not
    level_id: str | None = None
    level_title: str | None = None
    source: str | None = None
    start: date | None = None
    start_label: str = ""
    end: date | None = None               # end of the order/licence when known
    periods: tuple[ContactPeriod, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    suspended_now: Suspension | None = None
    next_due: date | None = None          # end of the first unmet period from today on
    next_due_period: ContactPeriod | None = None
    benchmark: BenchmarkCheck | None = None
    achieved_outcomes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def short_periods(self) -> tuple[ContactPeriod, ...]:
        return tuple(p for p in self.periods if p.short)


@dataclass
class _Timeline:
    """Maps 'active days since commencement' to dates, skipping suspended days."""

    start: date
    merged: list[tuple[date, date | None]] = field(default_factory=list)

    def date_at(self, offset: int) -> date | None:
        """The date of active day ``offset`` (0 = start); None if an open suspension comes
        first, or if that day would fall after the last date there is (date.max): the
        schedule never steps past it."""
        cur, rem = self.start, offset
        for s, e in self.merged:
            if e is not None and e < cur:
                continue
            s = max(s, cur)
            gap = (s - cur).days
            if rem < gap:
                break
            rem -= gap
            if e is None or e >= date.max:
                return None
            cur = e + ONE_DAY
        if rem > (date.max - cur).days:
            return None
        return cur + timedelta(days=rem)

    def offset_of(self, d: date) -> int:
        """Active days in [start, d): the offset of ``d`` (of the next active day if suspended)."""
        if d <= self.start:
            return 0
        total = (d - self.start).days
        for s, e in self.merged:
            s = max(s, self.start)
            last = d - ONE_DAY if e is None else min(e, d - ONE_DAY)
            if last >= s:
                total -= (last - s).days + 1
        return total

    def suspended_between(self, a: date, b: date) -> int:
        n = 0
        for s, e in self.merged:
            lo, hi = max(s, a), (b if e is None else min(e, b))
            if hi >= lo:
                n += (hi - lo).days + 1
        return n


def _commencement(case: Case) -> tuple[date, str]:
    if case.order_type.is_post_custody:
        if case.release_date:
            return case.release_date, "release"
        releases = case.events_of(EventType.RELEASE)
        if releases:
            return releases[0].date, "release"
        return case.commencement, "sentence (no release date recorded)"
    return case.commencement, "sentence" if case.start_date is None else "start of order"


def _order_end(case: Case, today: date) -> date | None:
    ends = [case.end_date] if case.end_date else []
    term = case.last_event(EventType.TERMINATION, on_or_before=today)
    if term is not None:
        ends.append(term.date)
    return min(ends) if ends else None


_PAUSE_TYPES = frozenset({EventType.SUSPENSION, EventType.RETURNED_TO_CUSTODY, EventType.RELEASE})


def suspensions_of(case: Case, today: date, start: date | None = None) -> list[Suspension]:
    """Suspension periods from the case's events known by ``today``.

    A ``suspension`` event pauses from its date to ``until`` inclusive (open without until); a
    ``returned_to_custody`` pauses until the day before the next ``release`` (open without one).
    A licence's first release is its commencement, not the end of a suspension.
    """
    out: list[Suspension] = []
    known = sorted((e for e in case.events if e.type in _PAUSE_TYPES and e.date <= today),
                   key=lambda e: e.date)
    if not known:
        return out
    releases = [e.date for e in known if e.type is EventType.RELEASE]
    for e in known:
        if e.type is EventType.SUSPENSION:
            out.append(Suspension(e.date, e.until, str(e.reason or "suspension")))
        elif e.type is EventType.RETURNED_TO_CUSTODY:
            after = [r for r in releases if r > e.date]
            end = after[0] - ONE_DAY if after else None
            out.append(Suspension(e.date, end, "returned to custody"))
    if start is not None:
        out = [s for s in out if s.end is None or s.end >= start]
    return out


def _merge(susps: Sequence[Suspension]) -> list[tuple[date, date | None]]:
    """The suspensions as non-overlapping (start, end) runs in date order; end None: open.

    A suspension running to the last date there is (9999-12-31, typed for "open-ended") is
    open-ended: nothing resumes after it."""
    merged: list[tuple[date, date | None]] = []
    for s in sorted(susps, key=lambda s: s.start):
        end = None if s.end is None or s.end >= date.max else s.end
        if merged:
            ps, pe = merged[-1]
            if pe is None:
                continue
            if s.start <= pe + ONE_DAY:
                merged[-1] = (ps, None if end is None else max(pe, end))
                continue
        merged.append((s.start, end))
    return merged


class _Evaluator:
    """The shared work of contact_schedule and contact_due_items for one case."""

    def __init__(self, case: Case, today: date, levels: ContactLevels,
                 by_type: Mapping[EventType, list[Event]] | None = None,
                 level: Level | None = None):
        """``level``: the case's level, when the caller knows the schedule applies (the due
        list, which has no use for the reason)."""
        self.case, self.today, self.levels = case, today, levels
        self.level: Level | None
        if level is not None:
            self.applies, self.reason, self.level = True, "", level
        else:
            self.applies, self.reason = levels.applies_to(case)
            self.level = levels.level_for(case) if self.applies else None
            if self.applies and self.level is None:
                self.applies = False
                self.reason += "; no contact level in the pack matches this case"
        # the events known by today, by type (in date order): the contacts, and whether any
        # other event the schedule looks at (termination, suspension, custody) is there at all
        if by_type is None:
            by_type = events_by_type(case, today)
        achieved_set, arranged_set = levels.achieved_outcomes, levels.arranged_outcomes
        contacts = by_type.get(EventType.CONTACT, ())
        achieved = [e.date for e in contacts if e.outcome in achieved_set]
        arranged = [e.date for e in contacts if e.outcome in arranged_set]
        self.start, self.start_label = _commencement(case)
        self.end = (_order_end(case, today) if EventType.TERMINATION in by_type
                    else case.end_date or None)
        if self.applies and self.end is not None and self.end < self.start:
            self.applies = False
            self.reason = (f"the order ends on {self.end.isoformat()}, before the schedule starts "
                           f"on {self.start.isoformat()} ({self.start_label}): check the dates")
        self.suspensions = (suspensions_of(case, today, self.start)
                            if not _PAUSE_TYPES.isdisjoint(by_type) else [])
        self.timeline = _Timeline(self.start, _merge(self.suspensions))
        self.achieved, self.arranged = achieved, arranged
        self.suspended_now = next((s for s in self.suspensions if s.covers(today)), None)

    # periods ---------------------------------------------------------------------------------
    def _bounds(self, k: int) -> tuple[int, Phase] | None:
        """Active-day offset where period k (0-based) starts, and its phase."""
        assert self.level is not None
        base, first = 0, 0
        for phase in self.level.phases:
            n = phase.periods
            if n is None or k < first + n:
                return base + (k - first) * phase.period_days, phase
            base += n * phase.period_days
            first += n
        return None

    def index_at(self, offset: int) -> int:
        assert self.level is not None
        base, first = 0, 0
        for phase in self.level.phases:
            n = phase.periods
            if n is None or offset < base + n * phase.period_days:
                return first + (offset - base) // phase.period_days
            base += n * phase.period_days
            first += n
        return first  # unreachable: the last phase is open-ended

    def period(self, k: int) -> ContactPeriod | None:
        """Period k (0-based), or None when it starts after the order ends or after an open
        suspension began."""
        bounds = self._bounds(k)
        if bounds is None:
            return None
        a, phase = bounds
        start = self.timeline.date_at(a)
        if start is None or (self.end is not None and start > self.end):
            return None
        end = self.timeline.date_at(a + phase.period_days - 1)
        clipped = False
        if end is not None and self.end is not None and end > self.end:
            end, clipped = self.end, True
        return self._make(k + 1, start, end, phase.contacts, phase.describe(), clipped)

    def _make(self, index: int, start: date, end: date | None, required: int, phase: str,
              clipped: bool = False) -> ContactPeriod:
        upto = end if end is not None else self.today
        upto = min(upto, self.today)
        lo = bisect_left(self.achieved, start)
        got = tuple(self.achieved[lo:bisect_right(self.achieved, upto)]) if upto >= start else ()
        arr = 0
        if upto >= start:
            arr = bisect_right(self.arranged, upto) - bisect_left(self.arranged, start)
        complete = end is not None and end < self.today
        susp = self.timeline.suspended_between(start, end if end is not None else self.today)
        return ContactPeriod(index, start, end, required, len(got), arr, got,
                             complete and len(got) < required, complete, phase, susp, clipped)

    def total_period(self) -> ContactPeriod:
        assert self.level is not None and self.level.total is not None
        return self._make(1, self.start, self.end, self.level.total,
                          f"at least {self.level.total} contacts over the whole order")

    def all_periods(self) -> list[ContactPeriod]:
        """Every period that has started by today, and the next one."""
        assert self.level is not None
        if self.level.total is not None:
            return [self.total_period()]
        out: list[ContactPeriod] = []
        k = 0
        while True:
            p = self.period(k)
            if p is None:
                break
            out.append(p)
            if p.start > self.today or p.end is None:
                break
            k += 1
        return out

    def around_today(self) -> Iterator[ContactPeriod]:
        """The last complete period, the current one and the next (what the due list needs),
        each worked out when the caller gets to it."""
        assert self.level is not None
        if self.level.total is not None:
            yield self.total_period()
            return
        k = self.index_at(self.timeline.offset_of(self.today)) if self.today >= self.start else 0
        for i in range(max(k - 1, 0), k + 2):
            p = self.period(i)
            if p is not None:
                yield p

    # benchmark -------------------------------------------------------------------------------
    def benchmark(self, calendar: WorkingCalendar) -> BenchmarkCheck | None:
        b = self.levels.benchmark
        if b is None:
            return None
        last = self.achieved[-1] if self.achieved else None
        day0 = max(last, self.start) if last else self.start
        if self.suspended_now is not None:
            return BenchmarkCheck(b.id, b.title, b.source, last, day0, None, None)
        # time suspended since day 0 does not count: move day 0 on by it
        shift = self.timeline.suspended_between(day0, self.today) if self.today >= day0 else 0
        trace = calendar.explain(day0, b.every_months, Unit.MONTHS)
        due = trace.due + timedelta(days=shift)
        if shift:
            trace = dataclasses.replace(trace, due=due, notes=trace.notes + (
                f"schedule suspended for {shift} day(s) since day 0: due moved on by {shift} "
                f"day(s)",))
        return BenchmarkCheck(b.id, b.title, b.source, last, day0, due, trace)


def _first_unmet(periods: Sequence[ContactPeriod], today: date) -> ContactPeriod | None:
    for p in periods:
        if (p.end is None or p.end >= today) and not p.met:
            return p
    return None


def contact_schedule(case: Case, today: date, calendar: WorkingCalendar,
                     levels: ContactLevels) -> ContactSchedule:
    """The full contact schedule as of ``today`` (what the contact log screen shows)."""
    ev = _Evaluator(case, today, levels)
    if not ev.applies or ev.level is None:
        return ContactSchedule(case.crn, False, ev.reason)
    periods = ev.all_periods()
    nxt = _first_unmet(periods, today)
    notes = []
    if ev.level.total is not None and ev.end is None:
        notes.append("no end date recorded: the contacts over the whole order cannot be dated; "
                     "the HMIP monthly benchmark gives the next contact due")
    if ev.suspended_now is not None:
        notes.append(f"schedule suspended now: {ev.suspended_now.describe()}")
    if today < ev.start:
        notes.append(f"the schedule starts on {ev.start.isoformat()} ({ev.start_label})")
    bench = ev.benchmark(calendar)
    next_due = nxt.end if nxt is not None else None
    if ev.level.total is not None and bench is not None and bench.due is not None:
        next_due = bench.due if next_due is None else min(next_due, bench.due)
    return ContactSchedule(
        case.crn, True, ev.reason, ev.level.id, ev.level.title, ev.level.source, ev.start,
        ev.start_label, ev.end, tuple(periods), tuple(ev.suspensions), ev.suspended_now,
        next_due, nxt, bench, tuple(sorted(o.value for o in levels.achieved_outcomes)),
        tuple(notes))


def _period_trace(p: ContactPeriod, calendar: WorkingCalendar) -> Trace:
    assert p.end is not None
    trace = calendar.explain(p.start, (p.end - p.start).days, Unit.DAYS)
    notes = [f"contact period {p.index}: {p.start.isoformat()} to {p.end.isoformat()} "
             f"({p.phase})"]
    if p.suspended_days:
        notes.append(f"schedule suspended {p.suspended_days} day(s) inside this period: its end "
                     f"moved on by as many days (NS 2c.16)")
    if p.clipped:
        notes.append("the order ends inside this period")
    return dataclasses.replace(trace, notes=trace.notes + tuple(notes))


def _period_item(case: Case, ev: _Evaluator, p: ContactPeriod, today: date,
                 calendar: WorkingCalendar) -> DueItem:
    assert ev.level is not None and p.end is not None
    done_on = p.contacts[p.required - 1] if p.met else None
    label = ev.start_label if p.index == 1 else f"start of contact period {p.index}"
    return new_item(
        case.crn, ev.level.id, f"Contact: {ev.level.title}", ev.level.source, p.start, label,
        p.end, memo_for(calendar).status(p.end, done_on, today),
        lambda: _period_trace(p, calendar),     # made when explained (due is p.end)
        (f"{p.required} contact(s) with outcome {ev.levels.achieved_text} "
         f"from {p.start.isoformat()} to {p.end.isoformat()}"),
        done_on, None, "contact", (f"achieved {p.achieved} of {p.required}",))


def contact_due_items(case: Case, today: date, calendar: WorkingCalendar,
                      levels: ContactLevels,
                      by_type: Mapping[EventType, list[Event]] | None = None) -> list[DueItem]:
    """Contact due items (kind="contact"): the last complete period when it fell short
    (overdue), the current period, and the next one when the current is already met.
    Nothing while the schedule is suspended by an open suspension.

    ``by_type``: the case's events on or before today grouped by type (``events_by_type``),
    when the caller has made it already."""
    if not levels.has_schedule(case):
        return []                       # no schedule: nothing more to work out
    level = levels.level_for(case)
    if level is None:
        return []
    ev = _Evaluator(case, today, levels, by_type, level)
    if not ev.applies or ev.level is None:
        return []
    items: list[DueItem] = []
    if ev.level.total is not None:
        p = ev.total_period()
        if p.end is not None:
            items.append(_period_item(case, ev, p, today, calendar))
        bench = ev.benchmark(calendar)
        if bench is not None and bench.due is not None and bench.trace is not None:
            items.append(DueItem(
                crn=case.crn, rule=bench.rule, title=bench.title, source=bench.source,
                day0=bench.day0, day0_label="last contact" if bench.last_contact else ev.start_label,
                due=bench.due, status=memo_for(calendar).status(bench.due, None, today),
                trace=bench.trace, satisfied_by="a contact with outcome attended",
                kind="contact"))
        return items
    for p in ev.around_today():       # the next period is worked out only when needed
        if p.end is None:
            continue
        if p.complete:
            if p.short:
                items.append(_period_item(case, ev, p, today, calendar))
            continue
        items.append(_period_item(case, ev, p, today, calendar))
        if not p.met:
            break
    return items
