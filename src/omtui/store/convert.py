"""Between domain dataclasses (``omtui.domain.case``) and table rows.

Exact both ways: reading back the row written from ``case_values(c)`` gives ``c`` for every valid case, including
unknown extra fields (kept as JSON), names in any script and notes of any length.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from omtui.domain.case import (
    EVENT_TYPE_OF,
    OUTCOME_OF,
    Case,
    Event,
    Gender,
    Mappa,
    OrderType,
    Requirement,
    Rosh,
)
from omtui.store.event_rows import contact_columns

#: Extra event keys kept in their own columns when they are text (contacts and appointments).
LIFTED_EVENT_KEYS = {"time": "contact_time", "contact_type": "contact_type",
                     "outcome_detail": "outcome_detail"}


def case_values(case: Case) -> dict[str, Any]:
    """The ``cases`` row for ``case`` (not its requirements or events)."""
    return {
        "crn": case.crn,
        "name": case.name,
        "order_type": case.order_type.value,
        "sentence_date": case.sentence_date,
        "tier": case.tier,
        "rosh": case.rosh.value,
        "ppo": case.ppo,
        "gender": case.gender.value if case.gender is not None else None,
        "dob": case.dob,
        "mappa_category": case.mappa.category if case.mappa is not None else None,
        "mappa_level": case.mappa.level if case.mappa is not None else None,
        "release_date": case.release_date,
        "custody_months": case.custody_months,
        "time_to_serve_months": case.time_to_serve_months,
        "start_date": case.start_date,
        "end_date": case.end_date,
        "om": case.om,
        "flags": list(case.flags) or None,
        "extra": dict(case.extra) or None,
    }


def event_values(event: Event) -> dict[str, Any]:
    """The ``events`` row for ``event`` (without case_id and seq)."""
    extra = dict(event.extra)
    lifted: dict[str, Any] = {}
    for key, column in LIFTED_EVENT_KEYS.items():
        value = extra.get(key)
        if isinstance(value, str):
            lifted[column] = extra.pop(key)
        else:
            lifted[column] = None
    return {
        "type": event.type.value,
        "date": event.date,
        "outcome": event.outcome.value if event.outcome is not None else None,
        "for_date": event.for_date,
        "acceptable": event.acceptable,
        "reason": event.reason,
        "until": event.until,
        "note": event.note,
        **lifted,
        "extra": extra or None,
    }


# -- reading: rows come back as plain tuples (see ``plain_columns``) ---------------------------

EVENT_COLUMNS = ("case_id", "type", "date", "outcome", "for_date", "acceptable", "reason",
                 "until", "note", "contact_time", "contact_type", "outcome_detail", "extra")
CASE_COLUMNS = ("id", "crn", "name", "order_type", "sentence_date", "tier", "rosh", "ppo",
                "gender", "dob", "mappa_category", "mappa_level", "release_date",
                "custody_months", "time_to_serve_months", "start_date", "end_date", "om",
                "flags", "extra")

_ORDERS = {o.value: o for o in OrderType}
_ROSH = {r.value: r for r in Rosh}
_GENDERS = {g.value: g for g in Gender}
_REQUIREMENTS = {r.value: r for r in Requirement}


def plain_columns(table: sa.Table, names: Sequence[str]) -> list[Any]:
    """``table``'s columns without SQLAlchemy's per-value result processing.

    Reading a whole caseload is dominated by per-value conversion; dates and JSON come back as
    the driver gives them (text on SQLite; date / parsed JSON on PostgreSQL) and are converted
    by :func:`_date` and :func:`_json`, which accept both.
    """
    out = []
    for name in names:
        col = table.c[name]
        if isinstance(col.type, sa.Date):
            out.append(sa.type_coerce(col, sa.String).label(name))
        elif isinstance(col.type, sa.JSON):
            out.append(sa.type_coerce(col, sa.Text).label(name))
        elif isinstance(col.type, sa.Boolean):
            out.append(sa.type_coerce(col, sa.Integer).label(name))
        else:
            out.append(col)
    return out


def _date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(v)


def _json(v: Any) -> Any:
    return json.loads(v) if isinstance(v, str) else v


def event_from_tuple(t: Sequence[Any]) -> Event:
    """An Event from a row of ``EVENT_COLUMNS``."""
    (_, etype, day, outcome, for_date, acceptable, reason, until, note, c_time, c_type,
     c_detail, extra) = t
    ex = contact_columns(_json(extra) if extra is not None else {}, c_time, c_type, c_detail)
    return Event(EVENT_TYPE_OF[etype], _date(day),
                 OUTCOME_OF[outcome] if outcome is not None else None, _date(for_date),
                 None if acceptable is None else bool(acceptable), reason, _date(until), note,
                 ex)


def case_from_tuple(t: Sequence[Any], requirements: Sequence[str] = (),
                    events: Sequence[Event] = ()) -> Case:
    """A Case from a row of ``CASE_COLUMNS`` plus its requirements and events."""
    (_, crn, name, order_type, sentence_date, tier, rosh, ppo, gender, dob, m_cat, m_lvl,
     release_date, custody_months, time_to_serve, start_date, end_date, om, flags, extra) = t
    flags = _json(flags)
    extra = _json(extra)
    return Case(
        crn=crn,
        name=name,
        order_type=_ORDERS[order_type],
        sentence_date=_date(sentence_date),
        tier=tier,
        rosh=_ROSH[rosh],
        ppo=bool(ppo),
        requirements=tuple(_REQUIREMENTS[k] for k in requirements),
        events=tuple(events),
        gender=_GENDERS[gender] if gender is not None else None,
        dob=_date(dob),
        mappa=Mappa(m_cat, m_lvl) if m_cat is not None and m_lvl is not None else None,
        release_date=_date(release_date),
        custody_months=custody_months,
        time_to_serve_months=time_to_serve,
        start_date=_date(start_date),
        end_date=_date(end_date),
        om=om,
        flags=tuple(flags) if flags else (),
        extra=extra if extra else {},
    )


# -- reading many cases at once (the cold team due list) ---------------------------------------

def driver_columns(conn: sa.Connection, table: sa.Table, names: Sequence[str]) -> list[Any]:
    """``plain_columns``, but JSON read as text on every database: PostgreSQL's driver would
    parse each value itself; ``event_rows.events_by_case`` parses each distinct text once."""
    cols = plain_columns(table, names)
    if conn.dialect.name == "sqlite":
        return cols
    return [sa.cast(table.c[n], sa.Text).label(n) if isinstance(table.c[n].type, sa.JSON)
            else c for n, c in zip(names, cols, strict=True)]


def id_in(conn: sa.Connection, column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids`` for :func:`driver_rows`: on PostgreSQL ``column = ANY(array)``, one
    parameter (the driver rewrites a statement of hundreds of parameters at every execution,
    milliseconds each), elsewhere an ordinary IN list."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(f"ids_{column.name}", list(ids),
                                              type_=ARRAY(sa.Integer)))
    return column.in_(list(ids))


def driver_rows(conn: sa.Connection, stmt: sa.Select) -> list[tuple]:
    """The rows of a Core select as the driver returns them (plain tuples), inside ``conn``'s
    transaction, without SQLAlchemy's result objects (a Row per row costs about as much as
    the driver's own fetch). The SQL is compiled for ``conn``'s dialect, so it is the same
    statement ``conn.execute(stmt)`` would send; its parameters must need no conversion
    (integers and text: ids and CRNs; a list of ids, :func:`id_in`)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    for value in params.values():
        if not (value is None or isinstance(value, (int, str)) or (
                isinstance(value, list) and all(type(v) is int for v in value))):
            raise TypeError(f"driver_rows: parameter {value!r} would need conversion")
    args: Any = (tuple(params[k] for k in compiled.positiontup or ()) if compiled.positional
                 else params)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.driver == "psycopg":
            # binary results: integers and dates decoded without text parsing
            cursor.execute(str(compiled), args, binary=True)
        else:
            cursor.execute(str(compiled), args)
        return cursor.fetchall()
    finally:
        cursor.close()


def changed_values(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``wanted`` that differ from ``current``."""
    return {k: v for k, v in wanted.items() if current.get(k) != v}
