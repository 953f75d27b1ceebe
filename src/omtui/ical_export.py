"""Appointments as an iCalendar file for the officer's own calendar (no network, ever).

What goes into the officer's calendar, and what does not (see docs/contacts.md):

* SUMMARY is the CRN and the contact type only, e.g. ``X123456 – Office appointment``. No name,
  no offence, no risk level, no notes: a calendar is synced to phones and shared with
  colleagues and assistants, and a CRN means nothing without access to the case record.
* DESCRIPTION says only where to look: ``Probation appointment arranged in omtui (CRN X123456).
  Record the outcome in omtui.``
* CLASS:PRIVATE asks calendar servers not to show even that to people the calendar is shared with.
* UID is stable (CRN + date + time), so importing the file again updates the same entries
  instead of doubling them.
* Times are Europe/London (a VTIMEZONE is included); an appointment with no time is an all-day
  entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as VEvent

from omtui.domain.appointments import is_appointment, slot_of
from omtui.domain.case import Case, Event
from omtui.domain.outcomes import CONTACT_TYPE, OutcomeTaxonomy

LONDON = ZoneInfo("Europe/London")
PRODID = "-//omtui//probation appointments//EN"
UID_DOMAIN = "omtui.invalid"


@dataclass(frozen=True)
class CaseAppointment:
    """One appointment with the little of its case that may go into a calendar."""

    crn: str
    event: Event


def case_appointments(cases: Iterable[Case], *, from_date=None, officer: str | None = None,
                      ) -> list[CaseAppointment]:
    """The appointments (contacts with no outcome) of the cases, earliest first.

    ``from_date`` leaves out earlier ones; ``officer`` keeps only cases allocated to that
    offender manager (compared ignoring case and surrounding spaces).
    """
    wanted = officer.strip().casefold() if officer else None
    found = []
    for case in cases:
        if wanted is not None and (case.om or "").strip().casefold() != wanted:
            continue
        for e in case.events:
            if is_appointment(e) and (from_date is None or e.date >= from_date):
                found.append(CaseAppointment(case.crn, e))
    found.sort(key=lambda a: (a.event.date, slot_of(a.event).at is None,
                              slot_of(a.event).at or datetime.min.time(), a.crn))
    return found


def _type_label(event: Event, taxonomy: OutcomeTaxonomy | None) -> str:
    code = str(event.extra.get(CONTACT_TYPE) or "")
    if taxonomy is not None:
        for c in taxonomy.contact_types:
            if c.code == code:
                return c.label
    return code.replace("_", " ").capitalize() if code else "Contact"


def summary_for(crn: str, event: Event, taxonomy: OutcomeTaxonomy | None = None) -> str:
    return f"{crn} – {_type_label(event, taxonomy)} appointment"


def appointments_to_ics(appointments: Iterable[CaseAppointment | tuple[str, Event]], *,
                        stamp: datetime, taxonomy: OutcomeTaxonomy | None = None,
                        name: str = "omtui appointments") -> bytes:
    """An iCalendar file (bytes) with one VEVENT per appointment.

    ``stamp`` is the DTSTAMP (when the file was made): pass it in so that the same input gives
    the same bytes.
    """
    if stamp.tzinfo is None:
        raise ValueError("the file's time stamp needs a time zone")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    seen: dict[str, int] = {}
    days: list[date] = []
    for item in appointments:
        crn, event = (item.crn, item.event) if isinstance(item, CaseAppointment) else item
        slot = slot_of(event)
        days.append(slot.day)
        when = slot.at.strftime("%H%M") if slot.at is not None else "allday"
        uid = f"{crn}-{slot.day.strftime('%Y%m%d')}-{when}"
        seen[uid] = seen.get(uid, 0) + 1
        if seen[uid] > 1:
            uid += f"-{seen[uid]}"
        v = VEvent()
        v.add("uid", f"{uid}@{UID_DOMAIN}")
        v.add("dtstamp", stamp.astimezone(timezone.utc))
        if slot.start is not None:
            v.add("dtstart", slot.start.replace(tzinfo=LONDON))
            v.add("dtend", slot.end.replace(tzinfo=LONDON))
        else:
            v.add("dtstart", slot.day)
            v.add("dtend", slot.day + timedelta(days=1))
        v.add("summary", summary_for(crn, event, taxonomy))
        v.add("description", f"Probation appointment arranged in omtui (CRN {crn}). "
                             "Record the outcome in omtui.")
        v.add("class", "PRIVATE")
        v.add("transp", "OPAQUE")
        v.add("categories", ["omtui"])
        cal.add_component(v)
    if days:  # the time zone's rules over the span of the file only (keeps it small)
        cal.add_missing_timezones(date(min(days).year - 1, 1, 1), date(max(days).year + 2, 1, 1))
    return cal.to_ical()
