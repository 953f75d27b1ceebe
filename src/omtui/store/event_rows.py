"""Rows of the ``events`` table, and event packs, as :class:`~omtui.domain.case.Event`
objects, in bulk.

A cold team due list reads about 40 events a case, a million at 30,000 cases, and building
them is half its reading. This module is compiled with the rules engine (``omtui.compiled``)
and sets each event's slots directly: 152-157 instead of 166-181 us a case read (SQLite,
measured alternately). It imports no database library: rows come in as the driver returns them.

An **event pack** is one case's events as one JSON text (the ``event_packs`` table, migration
0006): a list of ``[type, date, outcome, for_date, acceptable, reason, until, note, extra]``,
dates in ISO form, ``extra`` with the contact's own columns in it, ``null`` for a value not
given. Reading one text a case instead of forty rows is what makes the cold list's reading
cheap (``store/summary.py``); :func:`pack_events` and :func:`events_from_pack` are exact
inverses (tests/store/test_bulk_read.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from omtui.domain.case import EVENT_TYPE_OF, OUTCOME_OF, Event
from omtui.domain.records import slot_setters

_FIELDS = ("type", "date", "outcome", "for_date", "acceptable", "reason", "until", "note",
           "extra")
if tuple(f.name for f in fields(Event)) != _FIELDS:      # pragma: no cover - a field changed
    raise RuntimeError("Event's fields changed: update store/event_rows.py to match")
_SETTERS = slot_setters(Event)          # in field order
_new = object.__new__
_OUTCOMES: dict[Any, Any] = {None: None, **OUTCOME_OF}


def _event(etype: Any, day: Any, outcome: Any, for_date: Any, acceptable: Any, reason: Any,
           until: Any, note: Any, extra: dict[str, Any]) -> Event:
    """An Event with these fields, set through their slots as ``Event(...)`` would set them,
    without a call into its ``__init__``."""
    (set_type, set_date, set_outcome, set_for_date, set_acceptable, set_reason, set_until,
     set_note, set_extra) = _SETTERS
    e = _new(Event)
    set_type(e, etype)
    set_date(e, day)
    set_outcome(e, outcome)
    set_for_date(e, for_date)
    set_acceptable(e, acceptable)
    set_reason(e, reason)
    set_until(e, until)
    set_note(e, note)
    set_extra(e, extra)
    return e


def contact_columns(ex: dict[str, Any], c_time: Any, c_type: Any, c_detail: Any
                    ) -> dict[str, Any]:
    """An event's ``extra`` with the contact's own columns put back (time, type, detail)."""
    if c_time is not None:
        ex["time"] = c_time
    if c_type is not None:
        ex["contact_type"] = c_type
    if c_detail is not None:
        ex["outcome_detail"] = c_detail
    return ex


class Dates(dict):
    """ISO text (SQLite, packs) or a date (PostgreSQL) -> date, each distinct text parsed once
    and its date object shared; None -> None. One per read."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, key: Any) -> date:
        value = self[key] = key if isinstance(key, date) else date.fromisoformat(key)
        return value


#: The shape of a pack's text; a pack of another format is read from the rows instead.
PACK_FORMAT = 1


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def pack_events(events: Sequence[Event]) -> str:
    """One case's events as pack text (see the module's doc)."""
    return json.dumps([[e.type.value, e.date.isoformat(),
                        None if e.outcome is None else e.outcome.value, _iso(e.for_date),
                        e.acceptable, e.reason, _iso(e.until), e.note, dict(e.extra) or None]
                       for e in events], ensure_ascii=False, separators=(",", ":"))


class PackError(ValueError):
    """A pack's text is not a list of events in the pack format (never written by omtui:
    the events are read from their rows instead)."""


def events_from_pack(text: str, dates: dict[Any, Any]) -> list[Event]:
    """The events of one pack's text, equal to those :func:`events_by_case` builds from the
    case's rows. ``dates``: a :class:`Dates` shared by the packs of one read."""
    types = EVENT_TYPE_OF
    outcomes = _OUTCOMES
    out: list[Event] = []
    try:
        raw = json.loads(text)
        if raw.__class__ is not list:
            raise PackError("not a list of events")
        for row in raw:
            if row.__class__ is not list:
                raise PackError("an event is not a list")
            etype, day, outcome, for_date, acceptable, reason, until, note, extra = row
            if day is None or not (acceptable is None or acceptable is True
                                   or acceptable is False):
                raise PackError("a date or a true/false value is missing")
            if extra is None:
                extra = {}
            elif extra.__class__ is not dict:
                raise PackError("an event's extra is not an object")
            # extra: a new dict from json.loads, the event's own
            out.append(_event(types[etype], dates[day], outcomes[outcome], dates[for_date],
                              acceptable, reason, dates[until], note, extra))
    except PackError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise PackError(str(exc)) from exc
    return out


def events_by_case(rows: Sequence[Sequence[Any]]) -> dict[int, list[Event]]:
    """Each case's events (case id -> events in row order) from rows of ``EVENT_COLUMNS``
    as the driver returns them (``convert.driver_rows`` of ``convert.driver_columns``): the same
    events as ``convert.event_from_tuple``, with each distinct date and extra text parsed once
    (every event still owns its ``extra`` dict), each made by :func:`_event`."""
    dates = Dates()
    types = EVENT_TYPE_OF
    outcomes = _OUTCOMES
    extras: dict[str, Any] = {}
    out: dict[int, list[Event]] = {}
    last_id: Any = object()
    current: list[Event] = []
    for (case_id, etype, day, outcome, for_date, acceptable, reason, until, note, c_time,
         c_type, c_detail, extra) in rows:
        if extra is None:
            ex: dict[str, Any] = {}
        else:
            if isinstance(extra, str):
                parsed = extras.get(extra, extras)
                if parsed is extras:
                    parsed = extras[extra] = json.loads(extra)
            else:
                parsed = extra
            ex = dict(parsed) if parsed else {}
        if c_time is not None or c_type is not None or c_detail is not None:
            contact_columns(ex, c_time, c_type, c_detail)
        e = _event(types[etype], dates[day], outcomes[outcome], dates[for_date],
                   None if acceptable is None else bool(acceptable), reason, dates[until], note,
                   ex)
        if case_id != last_id:
            current = out.setdefault(case_id, [])
            last_id = case_id
        current.append(e)
    return out
