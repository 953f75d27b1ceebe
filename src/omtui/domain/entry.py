"""What an officer types into a date or time field, read the way a person means it.

Dates are day first (UK order). ``today`` is always an argument: nothing here reads a clock.

Accepted dates (case-insensitive, surrounding spaces ignored):

* ``today``, ``yesterday``, ``tomorrow``;
* day and month with the year left out: ``12/03``, ``12/3``, ``1.3`` (see ``no_year``);
* day, month, year: ``12/3/26``, ``12.3.2026``, ``12-03-2026``, ``12 3 2026``;
* ISO, year first: ``2026-03-12``, ``2026/3/12``.

Any of ``/ . -`` or spaces separates the parts; leading zeros are optional.

Two-digit years use a sliding window anchored on ``today``: ``yy`` is the year in today's
century unless that is more than 20 years ahead of today, in which case it is the year in the
century before. With today in 2026, ``00``-``46`` mean 2000-2046 and ``47``-``99`` mean
1947-1999, so ``3/4/85`` (a date of birth) is 1985 and ``3/4/27`` (an appointment) is 2027.

Accepted times: ``9`` (09:00), ``14``, ``9:30``, ``9.30``, ``9 30``, ``0930``, ``930``,
``14:05``, ``2pm``, ``2.30pm``, ``2:30 pm``, ``12am`` (00:00), ``12pm`` / ``noon`` / ``midday``
(12:00), ``midnight`` (00:00).

Every rejection is an :class:`EntryError` whose message names the value typed and says what
would be accepted, ready to show beside the field.
"""

from __future__ import annotations

import calendar as _stdcal
import re
from datetime import date, time, timedelta
from typing import Literal

#: The years a typed date may fall in (the working-day engine's span).
MIN_YEAR = 1900
MAX_YEAR = 2199

#: A two-digit year more than this many years after today's year is read as last century.
TWO_DIGIT_YEAR_AHEAD = 20

DURATION_EXAMPLES = "45, 45m, 1h, 1h30 or 1:30"
DATE_EXAMPLES = "today, yesterday, 12/03, 12/3/26, 12.3.2026 or 2026-03-12"
TIME_EXAMPLES = "9, 9:30, 0930, 14:05, 2pm or 2.30pm"

NoYear = Literal["this", "past", "future"]

_SEP = r"(?:\s*[/.\-]\s*|\s+)"
_DMY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}})(?:{_SEP}(\d+))?")
_YMD = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})")
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}

_TIME_SEP = r"(?:\s*[:.]\s*|\s+)"
_HM = re.compile(rf"(\d{{1,2}})(?:{_TIME_SEP}(\d{{1,2}}))?\s*(am|pm|a\.m\.|p\.m\.)?")
_COMPACT = re.compile(r"(\d{3,4})\s*(am|pm|a\.m\.|p\.m\.)?")
_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


class EntryError(ValueError):
    """Typed input that is not a date or time; the message is for the person who typed it."""


# -- dates ----------------------------------------------------------------------------------

def expand_two_digit_year(yy: int, today: date) -> int:
    """The full year meant by ``yy`` (0-99), by the sliding window described above."""
    if not 0 <= yy <= 99:
        raise EntryError(f"{yy} is not a two-digit year")
    century = today.year - today.year % 100
    year = century + yy
    if year > today.year + TWO_DIGIT_YEAR_AHEAD:
        year -= 100
    return year


def _real_date(year: int, month: int, day: int, typed: str) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise EntryError(f"{typed!r}: the year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
    if not 1 <= month <= 12:
        raise EntryError(f"{typed!r} is not a date: there is no month {month} "
                         "(dates are day/month/year)")
    last = _stdcal.monthrange(year, month)[1]
    if not 1 <= day <= last:
        month_name = _stdcal.month_name[month]
        raise EntryError(f"{typed!r} is not a real date: {month_name} {year} has {last} days")
    return date(year, month, day)


def parse_entry_date(text: str, today: date, *, no_year: NoYear = "this") -> date:
    """The date an officer typed (see the module text for every accepted form).

    ``no_year`` says which year ``12/03`` means: ``"this"`` (today's year, the default),
    ``"past"`` (the latest such date on or before today: for recording what happened) or
    ``"future"`` (the earliest on or after today: for arranging appointments).
    """
    if not isinstance(text, str):
        raise EntryError(f"{text!r} is not a date: type e.g. {DATE_EXAMPLES}")
    typed = text.strip()
    if not typed:
        raise EntryError(f"enter a date, e.g. {DATE_EXAMPLES}")
    word = typed.lower()
    if word in _WORDS:
        return today + timedelta(days=_WORDS[word])
    m = _YMD.fullmatch(typed)
    if m:
        year, month, day = (int(g) for g in m.groups())
        return _real_date(year, month, day, typed)
    m = _DMY.fullmatch(typed)
    if not m:
        raise EntryError(f"{typed!r} is not a date: type e.g. {DATE_EXAMPLES}")
    day, month = int(m.group(1)), int(m.group(2))
    year_text = m.group(3)
    if year_text is None:
        found = _real_date(today.year, month, day, typed) if not (month == 2 and day == 29) \
            else _leap_day(today, typed, no_year)
        if no_year == "past" and found > today:
            found = _real_date(found.year - 1, month, day, typed)
        elif no_year == "future" and found < today:
            found = _real_date(found.year + 1, month, day, typed)
        return found
    if len(year_text) == 2:
        year = expand_two_digit_year(int(year_text), today)
    elif len(year_text) == 4:
        year = int(year_text)
    else:
        raise EntryError(f"{typed!r}: the year {year_text!r} must have 2 or 4 digits")
    return _real_date(year, month, day, typed)


def _leap_day(today: date, typed: str, no_year: NoYear) -> date:
    """29/02 with no year: the nearest leap year in the direction asked for."""
    year = today.year
    if no_year == "this":
        return _real_date(year, 2, 29, typed)
    step = -1 if no_year == "past" else 1
    while True:
        if _stdcal.isleap(year):
            found = date(year, 2, 29)
            if (no_year == "past" and found <= today) or (no_year == "future" and found >= today):
                return found
        year += step


def format_entry_date(d: date) -> str:
    """How omtui shows a date in an entry field: ``12/03/2026`` (parses back to ``d``)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


# -- times ----------------------------------------------------------------------------------

def _meridiem(hour: int, suffix: str, typed: str) -> int:
    if not 1 <= hour <= 12:
        raise EntryError(f"{typed!r} is not a time: with am/pm the hour goes from 1 to 12")
    pm = suffix.startswith("p")
    if hour == 12:
        return 12 if pm else 0
    return hour + 12 if pm else hour


def _checked(hour: int, minute: int, typed: str) -> time:
    if not 0 <= hour <= 23:
        raise EntryError(f"{typed!r} is not a time: hours go from 0 to 23")
    if not 0 <= minute <= 59:
        raise EntryError(f"{typed!r} is not a time: minutes go from 00 to 59")
    return time(hour, minute)


def parse_entry_time(text: str) -> time:
    """The time of day an officer typed (see the module text for every accepted form)."""
    if not isinstance(text, str):
        raise EntryError(f"{text!r} is not a time: type e.g. {TIME_EXAMPLES}")
    typed = text.strip()
    if not typed:
        raise EntryError(f"enter a time, e.g. {TIME_EXAMPLES}")
    word = typed.lower()
    if word in _TIME_WORDS:
        return _TIME_WORDS[word]
    m = _COMPACT.fullmatch(word)
    if m:
        digits, suffix = m.group(1), m.group(2)
        hour, minute = int(digits[:-2]), int(digits[-2:])
    else:
        m = _HM.fullmatch(word)
        if not m:
            raise EntryError(f"{typed!r} is not a time: type e.g. {TIME_EXAMPLES}")
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.group(2) is not None else 0
        suffix = m.group(3)
        if m.group(2) is not None and len(m.group(2)) != 2:
            raise EntryError(f"{typed!r} is not a time: minutes need two digits (e.g. 9:05)")
    if suffix:
        if not 0 <= minute <= 59:
            raise EntryError(f"{typed!r} is not a time: minutes go from 00 to 59")
        hour = _meridiem(hour, suffix, typed)
    return _checked(hour, minute, typed)


def format_entry_time(t: time) -> str:
    """How omtui shows and stores a time: 24-hour ``HH:MM``."""
    return f"{t.hour:02d}:{t.minute:02d}"


def parse_stored_time(value: object) -> time:
    """A time as kept in the case format (``"HH:MM"``); raises EntryError naming the value."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise EntryError(f"{value!r} is not a time in the form HH:MM")
    return _checked(int(value[:2]), int(value[3:]), value)


# -- lengths of appointments ----------------------------------------------------------------------

_DURATION = re.compile(
    r"(?:(\d{1,2})\s*(?:h|hr|hrs|hour|hours)\s*(?:(\d{1,3})\s*(?:m|min|mins|minutes?)?)?"
    r"|(\d{1,2}):(\d{2})"
    r"|(\d{1,4})\s*(?:m|min|mins|minutes?)?)")


def parse_entry_duration(text: str, *, max_minutes: int = 12 * 60) -> int:
    """An appointment's length in minutes: ``45``, ``45m``, ``45 mins``, ``1h``, ``1h30``,
    ``1 hour 30``, ``1:30``. A bare number is minutes."""
    if not isinstance(text, str):
        raise EntryError(f"{text!r} is not a length: type e.g. {DURATION_EXAMPLES}")
    typed = text.strip()
    if not typed:
        raise EntryError(f"enter a length, e.g. {DURATION_EXAMPLES}")
    m = _DURATION.fullmatch(typed.lower())
    if not m:
        raise EntryError(f"{typed!r} is not a length: type e.g. {DURATION_EXAMPLES}")
    hours, minutes, colon_h, colon_m, bare = m.groups()
    if hours is not None:
        total = int(hours) * 60 + int(minutes or 0)
        if minutes is not None and int(minutes) > 59:
            raise EntryError(f"{typed!r}: after the hours, minutes go from 0 to 59")
    elif colon_h is not None:
        if int(colon_m) > 59:
            raise EntryError(f"{typed!r}: after the hours, minutes go from 0 to 59")
        total = int(colon_h) * 60 + int(colon_m)
    else:
        total = int(bare)
    if not 1 <= total <= max_minutes:
        raise EntryError(f"{typed!r} is {total} minutes: a length is 1 to {max_minutes} minutes")
    return total
