"""Reading the office calendar file (extra closures and corrections) into a calendar.

Lives outside ``domain`` because it reads files; the calendar itself stays pure.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from omtui.domain.calendar import OfficeAdjustments, WorkingCalendar, england_and_wales
from omtui.paths import user_config_dir

PACKAGED = "office-closures.toml"


class CalendarFileError(ValueError):
    """A calendar file that cannot be used, with the file and entry named."""


@dataclass(frozen=True)
class CalendarChoice:
    path: str          # where the adjustments came from (for the status line)
    adjustments: OfficeAdjustments


def _entries(doc: dict, key: str, where: str) -> dict[date, str]:
    out: dict[date, str] = {}
    items = doc.get(key, [])
    if not isinstance(items, list):
        raise CalendarFileError(f"{where}: [{key}] must be a list of [[{key}]] entries")
    first_entry: dict[date, int] = {}
    for i, item in enumerate(items, start=1):
        label = f"{where}: [[{key}]] entry {i}"
        if not isinstance(item, dict):
            raise CalendarFileError(f"{label}: must be a table with date and reason")
        day = item.get("date")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise CalendarFileError(f"{label}: date {day!r} is not a real YYYY-MM-DD date") from None
        if not isinstance(day, date):
            raise CalendarFileError(f"{label}: needs a date (YYYY-MM-DD)")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise CalendarFileError(f"{label} ({day.isoformat()}): needs a reason")
        if day in first_entry:
            raise CalendarFileError(f"{label} ({day.isoformat()}): the same date as entry "
                                    f"{first_entry[day]}")
        first_entry[day] = i
        out[day] = reason.strip()
    return out


def parse_adjustments(text: str, where: str) -> OfficeAdjustments:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(f"{where}: not valid TOML: {exc}") from None
    unknown = set(doc) - {"closed", "open"}
    if unknown:
        raise CalendarFileError(f"{where}: unknown section(s) {', '.join(sorted(unknown))} "
                                "(use [[closed]] and [[open]])")
    closed, opened = _entries(doc, "closed", where), _entries(doc, "open", where)
    both = sorted(set(closed) & set(opened))
    if both:
        raise CalendarFileError(f"{where}: {both[0].isoformat()} is both [[closed]] and [[open]]")
    return OfficeAdjustments(closed, opened, where)


def default_user_file() -> Path:
    return user_config_dir() / "calendar.toml"


def choose_calendar_file(explicit: str | os.PathLike | None = None) -> CalendarChoice:
    """The user's file (explicit, $OMTUI_CALENDAR, or the config dir) else the packaged one."""
    candidate = explicit or os.environ.get("OMTUI_CALENDAR")
    if candidate:
        path = Path(candidate)
        if not path.is_file():
            raise CalendarFileError(f"calendar file {str(path)!r} does not exist")
    else:
        path = default_user_file()
    if path.is_file():
        return CalendarChoice(str(path), parse_adjustments(path.read_text("utf-8"), str(path)))
    text = resources.files("omtui.data.calendar").joinpath(PACKAGED).read_text("utf-8")
    return CalendarChoice(f"packaged {PACKAGED}", parse_adjustments(text, PACKAGED))


def load_calendar(explicit: str | os.PathLike | None = None) -> WorkingCalendar:
    """The England & Wales calendar with the office's adjustments applied."""
    return england_and_wales(choose_calendar_file(explicit).adjustments)
