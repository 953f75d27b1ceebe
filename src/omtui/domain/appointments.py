"""Arranging appointments: one-off or repeating, with warnings, and what is next or overdue.

An appointment is a contact event with no outcome yet; its extra fields are ``time``
(``"HH:MM"``), ``duration_minutes`` and ``contact_type`` (see :mod:`omtui.domain.outcomes`).

* :func:`series_dates` / :func:`plan_appointments`: a series (once, weekly, fortnightly,
  4-weekly; N occurrences or until a date) into dated appointment events, with a warning for each
  that falls on a weekend or bank holiday (the calendar's reason) or overlaps another appointment
  of the case. Warnings never block: the officer decides.
* :func:`next_appointment`: the earliest appointment dated today or later.
* :func:`outcomes_to_record`: appointments in the past still without an outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from omtui.domain.calendar import CalendarError, WorkingCalendar
from omtui.domain.case import Case, ContactOutcome, Event, EventType
from omtui.domain.outcomes import (
    DURATION,
    ContactError,
    OutcomeTaxonomy,
    appointment_time,
    check_duration,
)

#: The length assumed for an appointment whose length was not recorded.
DEFAULT_DURATION_MINUTES = 60
#: The most appointments one series may create (two years of weekly appointments).
MAX_OCCURRENCES = 104

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class AppointmentError(ContactError):
    """A series that cannot be arranged as entered; ``field`` names the field to fix."""


class Frequency(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "4-weekly"

    @property
    def step_days(self) -> int:
        return {"once": 0, "weekly": 7, "fortnightly": 14, "4-weekly": 28}[self.value]

    @classmethod
    def parse(cls, text: str) -> Frequency:
        aliases = {"once": cls.ONCE, "one-off": cls.ONCE, "weekly": cls.WEEKLY,
                   "fortnightly": cls.FORTNIGHTLY, "2-weekly": cls.FORTNIGHTLY,
                   "4-weekly": cls.FOUR_WEEKLY, "four-weekly": cls.FOUR_WEEKLY}
        try:
            return aliases[str(text).strip().lower()]
        except KeyError:
            raise AppointmentError(
                "frequency", f"{text!r} is not a frequency: use once, weekly, fortnightly or "
                "4-weekly") from None


@dataclass(frozen=True)
class AppointmentSeries:
    """What the officer asks for. A repeating series needs ``count`` or ``until`` (not both)."""

    start: date
    at: time | None
    contact_type: str
    duration_minutes: int = DEFAULT_DURATION_MINUTES
    frequency: Frequency = Frequency.ONCE
    count: int | None = None
    until: date | None = None
    note: str | None = None


class WarningKind(StrEnum):
    CLOSED = "closed"          # weekend, bank holiday or office closure
    OVERLAP = "overlap"        # overlaps another appointment of the case
    SAME_DAY = "same_day"      # another appointment that day, one of them has no time
    PAST = "past"              # dated before today
    UNCHECKED = "unchecked"    # the calendar cannot say (outside its years)


@dataclass(frozen=True)
class AppointmentWarning:
    day: date
    kind: WarningKind
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "kind": self.kind.value, "message": self.message}


@dataclass(frozen=True)
class Plan:
    """The appointments a series makes, and everything the officer should look at first."""

    events: tuple[Event, ...]
    warnings: tuple[AppointmentWarning, ...]

    def warnings_for(self, day: date) -> list[AppointmentWarning]:
        return [w for w in self.warnings if w.day == day]


@dataclass(frozen=True)
class Slot:
    """When an appointment is: a date, maybe a time, and a length."""

    day: date
    at: time | None
    duration_minutes: int

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.day, self.at) if self.at is not None else None

    @property
    def end(self) -> datetime | None:
        start = self.start
        return start + timedelta(minutes=self.duration_minutes) if start else None

    def overlaps(self, other: Slot) -> bool:
        if self.day != other.day or self.start is None or other.start is None:
            return False
        return self.start < other.end and other.start < self.end

    def label(self) -> str:
        when = f"{_DAYS[self.day.weekday()]} {self.day.strftime('%d/%m/%Y')}"
        if self.at is None:
            return f"{when} (no time set)"
        return f"{when} {self.at.strftime('%H:%M')}-{self.end.strftime('%H:%M')}"


def slot_of(event: Event) -> Slot:
    """The slot of a contact event (the default length when none was recorded)."""
    minutes = event.extra.get(DURATION)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        minutes = DEFAULT_DURATION_MINUTES
    return Slot(event.date, appointment_time(event), minutes)


def is_appointment(event: Event) -> bool:
    """A meeting with the person that has no outcome yet (arranged, not yet recorded).

    Contacts that record something done rather than a meeting (a letter sent or received, or
    an action with a ``purpose`` such as a PSR sent or a MAPPA referral) never take an outcome,
    so they are not appointments and never wait in "Outcomes to record".
    """
    if event.type is not EventType.CONTACT or event.outcome is not None:
        return False
    if event.extra.get("purpose") or event.extra.get("direction"):
        return False
    return event.extra.get("contact_type") != "letter"


# -- series -------------------------------------------------------------------------------------

def series_dates(series: AppointmentSeries) -> list[date]:
    """The dates of a series, or AppointmentError naming the field to fix."""
    freq = series.frequency if isinstance(series.frequency, Frequency) \
        else Frequency.parse(series.frequency)
    if not isinstance(series.start, date):
        raise AppointmentError("date", f"{series.start!r} is not a date")
    count, until = series.count, series.until
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        raise AppointmentError("count", f"the number of appointments {count!r} must be a whole "
                               "number")
    if freq is Frequency.ONCE:
        if count not in (None, 1) or until is not None:
            raise AppointmentError("frequency", "a one-off appointment has no count or end "
                                   "date: choose weekly, fortnightly or 4-weekly to repeat it")
        return [series.start]
    if count is None and until is None:
        raise AppointmentError("count", f"a {freq.value} series needs how many appointments "
                               "or an end date")
    if count is not None and until is not None:
        raise AppointmentError("count", "give the number of appointments or the end date, "
                               "not both")
    step = timedelta(days=freq.step_days)
    if count is not None:
        if not 1 <= count <= MAX_OCCURRENCES:
            raise AppointmentError("count", f"{count} appointments is outside 1-{MAX_OCCURRENCES}")
        return [series.start + i * step for i in range(count)]
    if until < series.start:
        raise AppointmentError("until", f"the end date {until.isoformat()} is before the first "
                               f"appointment ({series.start.isoformat()})")
    n = (until - series.start).days // freq.step_days + 1
    if n > MAX_OCCURRENCES:
        raise AppointmentError("until", f"{freq.value} until {until.isoformat()} makes {n} "
                               f"appointments (at most {MAX_OCCURRENCES})")
    return [series.start + i * step for i in range(n)]


def plan_appointments(series: AppointmentSeries, taxonomy: OutcomeTaxonomy,
                      calendar: WorkingCalendar, case: Case | None = None,
                      today: date | None = None) -> Plan:
    """The appointment events of a series and their warnings (nothing is saved here)."""
    check_duration(series.duration_minutes)
    events = tuple(
        taxonomy.make_contact_event(day, series.at, series.contact_type, None, None, series.note,
                                    duration_minutes=series.duration_minutes)
        for day in series_dates(series))
    existing = [e for e in case.events if _occupies_time(e)] if case is not None else []
    return Plan(events, tuple(check_appointments(events, existing, calendar, today)))


def _occupies_time(event: Event) -> bool:
    """An existing contact that holds its slot (a rescheduled one gave it up)."""
    return event.type is EventType.CONTACT and event.outcome is not ContactOutcome.RESCHEDULED


def check_appointments(new: Iterable[Event], existing: Iterable[Event],
                       calendar: WorkingCalendar, today: date | None = None,
                       ) -> list[AppointmentWarning]:
    """Warnings for each new appointment: closed days, overlaps, dates before today."""
    warnings: list[AppointmentWarning] = []
    existing = list(existing)
    for event in new:
        slot = slot_of(event)
        day_label = f"{_DAYS[slot.day.weekday()]} {slot.day.strftime('%d/%m/%Y')}"
        if today is not None and slot.day < today:
            warnings.append(AppointmentWarning(slot.day, WarningKind.PAST,
                                               f"{day_label} is before today"))
        try:
            closed = None if calendar.is_working_day(slot.day) else calendar.reason_closed(slot.day)
        except CalendarError as exc:
            warnings.append(AppointmentWarning(slot.day, WarningKind.UNCHECKED,
                                               f"{day_label}: cannot check the calendar ({exc})"))
            closed = None
        if closed:
            warnings.append(AppointmentWarning(
                slot.day, WarningKind.CLOSED, f"{day_label} is not a working day: {closed}"))
        for other in existing:
            if other.date != slot.day or other is event:
                continue
            theirs = slot_of(other)
            what = "appointment" if other.outcome is None else "contact"
            if slot.overlaps(theirs):
                warnings.append(AppointmentWarning(
                    slot.day, WarningKind.OVERLAP,
                    f"{slot.label()} overlaps another {what} ({theirs.label()})"))
            elif slot.at is None or theirs.at is None:
                warnings.append(AppointmentWarning(
                    slot.day, WarningKind.SAME_DAY,
                    f"{day_label}: another {what} is arranged that day ({theirs.label()})"))
    return warnings


# -- what is next, and what is waiting for an outcome --------------------------------------------

def _order(event: Event) -> tuple[date, bool, time]:
    at = appointment_time(event)
    return (event.date, at is None, at or time.min)


def appointments(case: Case) -> list[Event]:
    """Every appointment of the case (contacts without an outcome), earliest first."""
    return sorted((e for e in case.events if is_appointment(e)), key=_order)


def upcoming_appointments(case: Case, today: date) -> list[Event]:
    """Appointments dated today or later, earliest first (untimed ones last in their day)."""
    return [e for e in appointments(case) if e.date >= today]


def next_appointment(case: Case, today: date) -> Event | None:
    """The earliest appointment dated today or later (the whole of today counts)."""
    upcoming = upcoming_appointments(case, today)
    return upcoming[0] if upcoming else None


def outcomes_to_record(case: Case, today: date, now: time | None = None) -> list[Event]:
    """Past appointments with no outcome yet, oldest first.

    Before today always; with ``now`` given, also today's appointments that have ended by then.
    """
    found = []
    for e in appointments(case):
        if e.date < today:
            found.append(e)
        elif e.date == today and now is not None:
            slot = slot_of(e)
            if slot.end is not None and slot.end.time() <= now and slot.end.date() == today:
                found.append(e)
    return found
