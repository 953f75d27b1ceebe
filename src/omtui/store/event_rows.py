"""Rows of the ``events`` table as :class:`~omtui.domain.case.Event` objects, in bulk.

A cold team due list reads about 40 events a case, a million at 30,000 cases, and building
them is half its reading. This module is compiled with the rules engine (``omtui.compiled``)
and sets each event's slots directly: 152-157 instead of 166-181 us a case read (SQLite,
measured alternately). It imports no database library: rows come in as the driver returns them.
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



class _Dates(dict):
    """ISO text (SQLite) or a date (PostgreSQL) -> date, each distinct text parsed once and
    its date object shared; None -> None."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, key: Any) -> date:
        value = self[key] = key if isinstance(key, date) else date.fromisoformat(key)
        return value


def events_by_case(rows: Sequence[Sequence[Any]]) -> dict[int, list[Event]]:
    """Each case's events (case id -> events in row order) from rows of ``EVENT_COLUMNS``
    as the driver returns them (``convert.driver_rows`` of ``convert.driver_columns``): the same
    events as ``convert.event_from_tuple``, with each distinct date and extra text parsed once
    (every event still owns its ``extra`` dict). Each event's fields are set through their
    slots, as ``Event(...)`` would set them, without a call into its ``__init__``."""
    (set_type, set_date, set_outcome, set_for_date, set_acceptable, set_reason, set_until,
     set_note, set_extra) = _SETTERS
    dates = _Dates()
    types = EVENT_TYPE_OF
    outcomes: dict[Any, Any] = {None: None, **OUTCOME_OF}
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
        e = _new(Event)
        set_type(e, types[etype])
        set_date(e, dates[day])
        set_outcome(e, outcomes[outcome])
        set_for_date(e, dates[for_date])
        set_acceptable(e, None if acceptable is None else bool(acceptable))
        set_reason(e, reason)
        set_until(e, dates[until])
        set_note(e, note)
        set_extra(e, ex)
        if case_id != last_id:
            current = out.setdefault(case_id, [])
            last_id = case_id
        current.append(e)
    return out
