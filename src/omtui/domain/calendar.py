"""The working-day engine: National Standards Interpretation Note 9, counted in O(1).

Day 0 is the event. "Within N working days" is the N-th working day after day 0; a day 0
that falls on a weekend or a closure is still day 0. Weeks, months and days are calendar
time counted from day 0 (months clipped to the month's end, never chained).

The calendar is pure data: a mapping of closed dates to their reason (bank holidays, office
closures) over a span of years. A cumulative index over the span makes each query a couple
of list look-ups. Dates outside the span extend it (when the calendar knows how to source
more years) or raise :class:`CalendarRangeError`; never a wrong answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The widest span the engine will extend to on demand.
MIN_YEAR = 1900
MAX_YEAR = 2199

#: The largest count (either way) a person may ask for: the CLI and the calculator refuse more.
MAX_COUNT = 100_000


class CalendarError(ValueError):
    """A query the calendar cannot answer (bad unit, absurd count)."""


class CalendarRangeError(CalendarError):
    """A date outside the span the calendar can count over."""


class Unit(StrEnum):
    WORKING_DAYS = "working-days"
    WEEKS = "weeks"
    MONTHS = "months"
    DAYS = "days"

    @classmethod
    def parse(cls, text: str) -> Unit:
        aliases = {
            "working-days": cls.WORKING_DAYS, "working_days": cls.WORKING_DAYS,
            "wd": cls.WORKING_DAYS, "weeks": cls.WEEKS, "week": cls.WEEKS,
            "months": cls.MONTHS, "month": cls.MONTHS, "days": cls.DAYS, "day": cls.DAYS,
            "calendar-days": cls.DAYS, "calendar_days": cls.DAYS,
        }
        try:
            return aliases[text.strip().lower()]
        except KeyError:
            raise CalendarError(
                f"unknown unit {text!r}: use working-days, weeks, months or days"
            ) from None

    @property
    def label(self) -> str:
        return {"working-days": "working days", "weeks": "weeks", "months": "calendar months",
                "days": "calendar days"}[self.value]


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class Trace:
    """How a due date was reached: enough to explain it to a person or a machine."""

    start: date
    n: int
    unit: Unit
    due: date
    counted: tuple[date, ...] = ()
    skipped: tuple[SkippedDay, ...] = ()
    notes: tuple[str, ...] = ()
    calendar: str = ""

    @property
    def start_weekday(self) -> str:
        return WEEKDAYS[self.start.weekday()]

    @property
    def due_weekday(self) -> str:
        return WEEKDAYS[self.due.weekday()]

    def summary(self) -> str:
        if self.unit is Unit.WORKING_DAYS:
            skipped = f", skipping {len(self.skipped)} non-working day(s)" if self.skipped else ""
            days = "day" if abs(self.n) == 1 else "days"
            return (f"day 0 {self.start.isoformat()} ({self.start_weekday}) + {self.n} working "
                    f"{days}{skipped} = {self.due.isoformat()} ({self.due_weekday})")
        return (f"day 0 {self.start.isoformat()} ({self.start_weekday}) + {self.n} "
                f"{self.unit.label} = {self.due.isoformat()} ({self.due_weekday})")

    def lines(self) -> list[str]:
        """The trace as plain text lines (the CLI's --explain and the app's fallback)."""
        out = [f"day 0: {self.start.isoformat()} ({self.start_weekday})"]
        out += [f"note: {note}" for note in self.notes]
        if self.unit is Unit.WORKING_DAYS:
            skipped = {s.day: s.reason for s in self.skipped}
            counted = {d: i for i, d in enumerate(self.counted, start=1)}
            for d in sorted(set(skipped) | set(counted)):
                if d in counted:
                    sign = "-" if self.n < 0 else ""
                    out.append(f"  {d.isoformat()} {WEEKDAYS[d.weekday()][:3]}  "
                               f"working day {sign}{counted[d]}")
                else:
                    out.append(f"  {d.isoformat()} {WEEKDAYS[d.weekday()][:3]}  "
                               f"skipped: {skipped[d]}")
        out.append(f"due: {self.due.isoformat()} ({self.due_weekday})  [{self.summary()}]")
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "start_weekday": self.start_weekday,
            "n": self.n,
            "unit": self.unit.value,
            "due": self.due.isoformat(),
            "due_weekday": self.due_weekday,
            "counted": [d.isoformat() for d in self.counted],
            "skipped": [s.to_dict() for s in self.skipped],
            "notes": list(self.notes),
            "calendar": self.calendar,
            "summary": self.summary(),
        }


ClosureSource = Callable[[int, int], Mapping[date, str]]


@dataclass(slots=True)
class _Index:
    first: date
    last: date
    first_ordinal: int
    size: int                      # days in the span
    upto: list[int]                # upto[i]: working days in [first, first + i] (inclusive)
    before: list[int]              # before[i]: working days in [first, first + i) (exclusive)
    working: list[date]            # every working day in the span, ascending
    count: int                     # len(working)


class WorkingCalendar:
    """Working days in England and Wales (or any set of closures) with O(1) queries.

    ``closures`` maps each closed date to its reason. ``source``, when given, is asked for
    the closures of a wider span of years when a query falls outside the current one.

    A query is a subtraction and two list look-ups: the n-th working day after day 0 is
    ``working[upto[day 0] + n - 1]``, the |n|-th before it ``working[before[day 0] + n]``.
    """

    def __init__(
        self,
        closures: Mapping[date, str],
        *,
        first_year: int = 1990,
        last_year: int = 2060,
        name: str = "custom calendar",
        source: ClosureSource | None = None,
    ) -> None:
        if not MIN_YEAR <= first_year <= last_year <= MAX_YEAR:
            raise CalendarRangeError(f"calendar span {first_year}-{last_year} is not allowed")
        self.name = name
        self._source = source
        self._closures: dict[date, str] = {}
        self._explained: dict[tuple[date, int, str], Trace] = {}
        self._extending = threading.Lock()     # screens query from worker threads
        self._build(first_year, last_year, dict(closures))

    # -- construction -------------------------------------------------------------------
    def _build(self, first_year: int, last_year: int, closures: dict[date, str]) -> None:
        """Index ``closures`` over the span. Readers in other threads see either the old
        calendar or the new one: the new data is built aside, then swapped in."""
        first, last = date(first_year, 1, 1), date(last_year, 12, 31)
        upto: list[int] = []
        before: list[int] = []
        working: list[date] = []
        count = 0
        d = first
        one = timedelta(days=1)
        while d <= last:
            before.append(count)
            if d.weekday() < 5 and d not in closures:
                count += 1
                working.append(d)
            upto.append(count)
            d += one
        self._closures = closures
        self._index = _Index(first, last, first.toordinal(), len(upto), upto, before, working,
                             len(working))
        self._explained = {}

    def _ensure(self, d: date) -> None:
        idx = self._index
        if idx.first <= d <= idx.last:
            return
        if self._source is None:
            raise CalendarRangeError(
                f"{d.isoformat()} is outside this calendar "
                f"({idx.first.isoformat()} to {idx.last.isoformat()})"
            )
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise CalendarRangeError(
                f"{d.isoformat()} is outside the years omtui can count ({MIN_YEAR}-{MAX_YEAR})"
            )
        with self._extending:
            idx = self._index
            if idx.first <= d <= idx.last:       # another thread extended it meanwhile
                return
            first_year = min(idx.first.year, d.year - 5, MAX_YEAR)
            last_year = max(idx.last.year, d.year + 5, MIN_YEAR)
            first_year, last_year = max(first_year, MIN_YEAR), min(last_year, MAX_YEAR)
            closures = {**self._closures, **self._source(first_year, last_year)}
            self._build(first_year, last_year, closures)

    @property
    def span(self) -> tuple[date, date]:
        return self._index.first, self._index.last

    def closures(self) -> dict[date, str]:
        """Every closure in the span, with its reason (a copy)."""
        return dict(sorted(self._closures.items()))

    # -- single-day questions ---------------------------------------------------------------
    def is_working_day(self, d: date) -> bool:
        self._ensure(d)
        return d.weekday() < 5 and d not in self._closures

    def reason_closed(self, d: date) -> str | None:
        """Why ``d`` is not a working day (None when it is one)."""
        self._ensure(d)
        closure = self._closures.get(d)
        if d.weekday() >= 5:
            weekday = WEEKDAYS[d.weekday()]
            return f"{weekday} ({closure})" if closure else weekday
        return closure

    # -- counting ------------------------------------------------------------------------------
    def _offset(self, d: date) -> int:
        """Days from the start of the span to ``d`` (extending the span when it must)."""
        self._ensure(d)
        return d.toordinal() - self._index.first_ordinal

    def _position(self, day0: date, n: int) -> int:
        """Index into the working-day list of the n-th working day from day 0 (n != 0)."""
        off = self._offset(day0)
        idx = self._index
        return idx.upto[off] + n - 1 if n > 0 else idx.before[off] + n

    def add_working_days(self, day0: date, n: int) -> date:
        """The n-th working day after ``day0`` (before it for negative n; day 0 for n = 0)."""
        # Fast path (the common case): day 0 and the answer inside the index. Everything
        # else (n = 0, a bad count, extending the span, errors) goes the careful way.
        idx = self._index
        if n.__class__ is int and n:
            off = day0.toordinal() - idx.first_ordinal
            if 0 <= off < idx.size:
                pos = idx.upto[off] + n - 1 if n > 0 else idx.before[off] + n
                if 0 <= pos < idx.count:
                    return idx.working[pos]
        return self._add_working_days_slowly(day0, n)

    def _add_working_days_slowly(self, day0: date, n: int) -> date:
        if isinstance(n, bool) or not isinstance(n, int):
            raise CalendarError(f"the count must be a whole number, not {n!r}")
        n = int(n)
        self._ensure(day0)
        if n == 0:
            return day0
        pos = self._position(day0, n)
        if not 0 <= pos < self._index.count:
            # Outside the span: extend once towards the answer (7 calendar days hold at
            # least 5 - closures working days; the margin covers a month of closures).
            ordinal = day0.toordinal() + (n * 7) // 5 + (45 if n > 0 else -45)
            if not date(MIN_YEAR, 1, 1).toordinal() <= ordinal <= date(MAX_YEAR, 12, 31).toordinal():
                raise CalendarRangeError(
                    f"{n} working days from {day0.isoformat()} is outside the years omtui "
                    f"can count ({MIN_YEAR}-{MAX_YEAR})")
            self._ensure(date.fromordinal(ordinal))
            pos = self._position(day0, n)
            if not 0 <= pos < self._index.count:
                raise CalendarRangeError(
                    f"{n} working days from {day0.isoformat()} is outside the calendar")
        return self._index.working[pos]

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when b is before a)."""
        self._ensure(a)
        self._ensure(b)                   # both before any offset: either may extend the span
        idx = self._index
        return idx.upto[b.toordinal() - idx.first_ordinal] - idx.upto[a.toordinal() - idx.first_ordinal]

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def add(self, day0: date, n: int, unit: Unit | str) -> date:
        """Day 0 plus n of ``unit``: working days, weeks (7-day steps), months or days."""
        unit = Unit.parse(unit) if isinstance(unit, str) else unit
        if isinstance(n, bool) or not isinstance(n, int):
            raise CalendarError(f"the count must be a whole number, not {n!r}")
        try:
            if unit is Unit.WORKING_DAYS:
                return self.add_working_days(day0, n)
            if unit is Unit.WEEKS:
                due = day0 + timedelta(weeks=n)
            elif unit is Unit.MONTHS:
                due = day0 + relativedelta(months=n)
            else:
                due = day0 + timedelta(days=n)
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, CalendarError):
                raise
            raise CalendarRangeError(f"{n} {unit.label} from {day0.isoformat()} is out of range") from exc
        if not MIN_YEAR <= due.year <= MAX_YEAR:
            raise CalendarRangeError(f"{n} {unit.label} from {day0.isoformat()} is out of range")
        return due

    # -- explanation ---------------------------------------------------------------------------
    def explain(self, day0: date, n: int, unit: Unit | str = Unit.WORKING_DAYS) -> Trace:
        """The due date with every counted and skipped day, for people and for --json.

        Memoised (a Trace is immutable; the memo is cleared when the span changes): a
        caseload asks for the same few thousand (day 0, n, unit) over and over.
        """
        key = (day0, n, unit)
        found = self._explained.get(key)
        if found is None:
            if len(self._explained) >= 200_000:
                self._explained.clear()
            found = self._explained[key] = self._explain(day0, n, unit)
        return found

    def _explain(self, day0: date, n: int, unit: Unit | str) -> Trace:
        unit = Unit.parse(unit) if isinstance(unit, str) else unit
        due = self.add(day0, n, unit)
        notes: list[str] = []
        if unit is not Unit.WORKING_DAYS:
            if unit is Unit.MONTHS and due.day != day0.day:
                notes.append(f"{day0.day} {due.strftime('%B')} does not exist: clipped to the "
                             f"last day of the month")
            if not self.is_working_day(due):
                notes.append(f"the due date is not a working day ({self.reason_closed(due)}): "
                             "calendar time is not moved to a working day")
            return Trace(day0, n, unit, due, notes=tuple(notes), calendar=self.name)
        if not self.is_working_day(day0):
            after = "; the first working day after it is day 1" if n > 0 else ""
            notes.append(f"day 0 is not a working day ({self.reason_closed(day0)}): it is still "
                         f"day 0{after}")
        if n == 0:
            notes.append("n = 0: the due date is day 0 itself")
            return Trace(day0, n, unit, due, notes=tuple(notes), calendar=self.name)
        lo, hi = (day0 + timedelta(days=1), due) if n > 0 else (due, day0 - timedelta(days=1))
        counted: list[date] = []
        skipped: list[SkippedDay] = []
        d = lo
        while d <= hi:
            reason = self.reason_closed(d)
            if reason is None:
                counted.append(d)
            else:
                skipped.append(SkippedDay(d, reason))
            d += timedelta(days=1)
        if n < 0:
            counted.reverse()
            skipped.reverse()
        return Trace(day0, n, unit, due, tuple(counted), tuple(skipped), tuple(notes), self.name)


# -- England and Wales ------------------------------------------------------------------------

def england_and_wales_bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """Statutory bank holidays of England and Wales, observed substitute days included."""
    import holidays  # the data package; imported lazily so tests with fixed sets skip it

    years = range(first_year, last_year + 1)
    found = holidays.country_holidays("GB", subdiv="ENG", years=years)
    return {d: str(name) for d, name in sorted(found.items())}


@dataclass(frozen=True)
class OfficeAdjustments:
    """An office's extra closures and corrections to the bank-holiday list."""

    closed: Mapping[date, str] = field(default_factory=dict)   # extra non-working days
    open: Mapping[date, str] = field(default_factory=dict)     # listed holidays that are worked
    source: str = ""


def england_and_wales(
    adjustments: OfficeAdjustments | None = None,
    *,
    first_year: int = 1990,
    last_year: int = 2060,
) -> WorkingCalendar:
    """The England and Wales calendar, with an office's adjustments applied on top."""
    adj = adjustments or OfficeAdjustments()

    def source(lo: int, hi: int) -> dict[date, str]:
        closures = england_and_wales_bank_holidays(lo, hi)
        for d, reason in adj.closed.items():
            if lo <= d.year <= hi:
                closures[d] = reason
        for d in adj.open:
            closures.pop(d, None)
        return closures

    name = "England & Wales bank holidays"
    if adj.closed or adj.open:
        name += f" + office file ({len(adj.closed)} closure(s), {len(adj.open)} correction(s))"
    return WorkingCalendar(source(first_year, last_year), first_year=first_year,
                           last_year=last_year, name=name, source=source)


def fixed_calendar(closures: Mapping[date, str], name: str = "fixed test calendar",
                   first_year: int = 2015, last_year: int = 2035) -> WorkingCalendar:
    """A calendar from a fixed set of closures (tests, snapshots): no library data involved."""
    return WorkingCalendar(closures, first_year=first_year, last_year=last_year, name=name)

