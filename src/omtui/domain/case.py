"""The case model: a person on probation, their order and the dated events of supervision.

Pure data. Parsing and writing the JSON interchange format lives in ``caseformat``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from omtui.domain.records import fast_frozen_init


class OrderType(StrEnum):
    CO = "CO"
    SSO = "SSO"
    LICENCE = "licence"
    PSS = "PSS"

    @property
    def is_community(self) -> bool:
        """Community order or suspended sentence order (an SSO is treated as a CO)."""
        return self in (OrderType.CO, OrderType.SSO)

    @property
    def is_post_custody(self) -> bool:
        return self in (OrderType.LICENCE, OrderType.PSS)

    @property
    def label(self) -> str:
        return {"CO": "Community order", "SSO": "Suspended sentence order",
                "licence": "Licence", "PSS": "Post-sentence supervision"}[self.value]


class Rosh(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def is_high(self) -> bool:
        return self in (Rosh.HIGH, Rosh.VERY_HIGH)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_STATED = "not_stated"


class Requirement(StrEnum):
    SUPERVISION = "supervision"
    UNPAID_WORK = "unpaid_work"
    CURFEW = "curfew"
    RESIDENCE = "residence"
    PROHIBITED_ACTIVITY = "prohibited_activity"
    EXCLUSION = "exclusion"
    ATTENDANCE_CENTRE = "attendance_centre"
    ACTIVITY = "activity"
    ACCREDITED_PROGRAMME = "accredited_programme"
    DRR = "drr"
    ATR = "atr"
    MHTR = "mhtr"

    @property
    def label(self) -> str:
        return {"drr": "DRR", "atr": "ATR", "mhtr": "MHTR"}.get(
            self.value, self.value.replace("_", " "))


class EventType(StrEnum):
    ALLOCATED = "allocated"
    INDUCTION_COMPLETED = "induction_completed"
    ASSESSMENT_COMPLETED = "assessment_completed"
    HOME_VISIT = "home_visit"
    PLAN_COMPLETED = "plan_completed"
    PLAN_COPIED = "plan_copied"
    REVIEW = "review"
    CONTACT = "contact"
    EXPLANATION = "explanation"
    WARNING = "warning"
    BREACH_INITIATED = "breach_initiated"
    RECALL_INITIATED = "recall_initiated"
    RETURNED_TO_CUSTODY = "returned_to_custody"
    RELEASE = "release"
    TRANSFER_IN = "transfer_in"
    OM_CHANGED = "om_changed"
    ADDRESS_CHANGE = "address_change"
    SUSPENSION = "suspension"
    TERMINATION = "termination"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ContactOutcome(StrEnum):
    ATTENDED = "attended"
    FTC = "ftc"
    ACCEPTABLE_ABSENCE = "acceptable_absence"
    RESCHEDULED = "rescheduled"

    @property
    def label(self) -> str:
        return {"ftc": "failed to comply"}.get(self.value, self.value.replace("_", " "))


class SuspensionReason(StrEnum):
    CUSTODY = "custody"
    HOSPITAL = "hospital"
    SICKNESS = "sickness"


#: Each event type and contact outcome by its value, as files and the database spell it:
#: one dict look-up where reading a caseload would call ``EventType(value)`` millions of times.
EVENT_TYPE_OF: dict[str, EventType] = {m.value: m for m in EventType}
OUTCOME_OF: dict[str, ContactOutcome] = {m.value: m for m in ContactOutcome}


@dataclass(frozen=True)
class Mappa:
    category: int
    level: int

    def __str__(self) -> str:
        return f"MAPPA C{self.category} L{self.level}"




@dataclass(frozen=True, slots=True)
class Event:
    """One dated thing that happened (or, for a contact without outcome, is arranged).

    Type-specific fields are optional attributes; anything else from the file is kept in
    ``extra`` so that export(import(x)) gives x back.
    """

    type: EventType
    date: date
    outcome: ContactOutcome | None = None        # contact
    # (datetime.date: in this class body, ``date`` names the field above)
    for_date: datetime.date | None = None        # explanation: the failure it explains
    acceptable: bool | None = None               # explanation
    reason: str | None = None                    # explanation reason / suspension reason
    until: datetime.date | None = None           # suspension end (None: open)
    note: str | None = None                      # free text of any length
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_ftc(self) -> bool:
        return self.type is EventType.CONTACT and self.outcome is ContactOutcome.FTC

    def get(self, key: str, default: Any = None) -> Any:
        """A type-specific or extra field by its interchange-format name."""
        if key in _EVENT_FIELDS:
            value = getattr(self, key)
            return default if value is None else value
        return self.extra.get(key, default)


_EVENT_FIELDS = frozenset({"type", "date", "outcome", "for_date", "acceptable", "reason",
                           "until", "note"})
# An office's team list builds a million events from the database: one dict, not nine setattrs.
fast_frozen_init(Event)


@dataclass(frozen=True)
class Case:
    crn: str
    name: str
    order_type: OrderType
    sentence_date: date
    tier: int
    rosh: Rosh
    ppo: bool = False
    requirements: tuple[Requirement, ...] = ()
    events: tuple[Event, ...] = ()
    gender: Gender | None = None
    dob: date | None = None
    mappa: Mappa | None = None
    release_date: date | None = None
    custody_months: int | None = None            # length of the custodial sentence
    time_to_serve_months: int | None = None      # custody still to serve at sentence
    start_date: date | None = None
    end_date: date | None = None
    om: str | None = None                        # allocated offender manager
    flags: tuple[str, ...] = ()                  # e.g. child_concerns, victim_contact
    extra: Mapping[str, Any] = field(default_factory=dict)

    # -- convenient views -------------------------------------------------------------------
    def has(self, requirement: Requirement | str) -> bool:
        return Requirement(requirement) in self.requirements

    def events_of(self, *types: EventType | str) -> list[Event]:
        """Events of the given types, in date order (stable for equal dates)."""
        wanted = {EventType(t) for t in types}
        return sorted((e for e in self.events if e.type in wanted), key=lambda e: e.date)

    def last_event(self, *types: EventType | str, on_or_before: date | None = None) -> Event | None:
        found = [e for e in self.events_of(*types)
                 if on_or_before is None or e.date <= on_or_before]
        return found[-1] if found else None

    @property
    def is_female(self) -> bool:
        return self.gender is Gender.FEMALE

    @property
    def commencement(self) -> date:
        """Day 0 of the order: the start date if given, else the sentence date."""
        return self.start_date or self.sentence_date


# Every case read for a cold team list or a due list is built once: one dict, not twenty
# setattrs.
fast_frozen_init(Case)
