"""Between domain dataclasses (``omtui.domain.case``) and table rows.

Exact both ways: ``case_from_row(case_values(c), ...) == c`` for every valid case, including
unknown extra fields (kept as JSON), names in any script and notes of any length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from omtui.domain.case import (
    Case,
    ContactOutcome,
    Event,
    EventType,
    Gender,
    Mappa,
    OrderType,
    Requirement,
    Rosh,
)

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


def event_from_row(r: Any) -> Event:
    extra = dict(r.extra) if r.extra else {}
    for key, column in LIFTED_EVENT_KEYS.items():
        value = getattr(r, column)
        if value is not None:
            extra[key] = value
    return Event(
        type=EventType(r.type),
        date=r.date,
        outcome=ContactOutcome(r.outcome) if r.outcome is not None else None,
        for_date=r.for_date,
        acceptable=r.acceptable,
        reason=r.reason,
        until=r.until,
        note=r.note,
        extra=extra,
    )


def case_from_row(r: Any, requirements: Sequence[str] = (), events: Sequence[Event] = ()) -> Case:
    mappa = (Mappa(r.mappa_category, r.mappa_level)
             if r.mappa_category is not None and r.mappa_level is not None else None)
    return Case(
        crn=r.crn,
        name=r.name,
        order_type=OrderType(r.order_type),
        sentence_date=r.sentence_date,
        tier=r.tier,
        rosh=Rosh(r.rosh),
        ppo=bool(r.ppo),
        requirements=tuple(Requirement(k) for k in requirements),
        events=tuple(events),
        gender=Gender(r.gender) if r.gender is not None else None,
        dob=r.dob,
        mappa=mappa,
        release_date=r.release_date,
        custody_months=r.custody_months,
        time_to_serve_months=r.time_to_serve_months,
        start_date=r.start_date,
        end_date=r.end_date,
        om=r.om,
        flags=tuple(r.flags) if r.flags else (),
        extra=dict(r.extra) if r.extra else {},
    )


def changed_values(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``wanted`` that differ from ``current``."""
    return {k: v for k, v in wanted.items() if current.get(k) != v}
