"""The sentence plan: objectives linked to needs, requirements and risks, and what it lacks.

``plan_gaps`` lists what the standards expect and the plan does not have. Every gap cites its
source and is a warning: it never stops the officer saving or completing the plan.

Plans and objectives go to and from JSON-able dicts (the store, drafts, ``omtui plan export``).
Reading them never raises on bad data: problems are returned with the field they belong to.

Pure: no file reading, no ``date.today()``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta

from omtui.domain.case import Case, Event, EventType, Requirement
from omtui.domain.caseformat import parse_date

#: The owner that means the person on probation (NS 2b.5 "including the offender").
PERSON = "person on probation"
_PERSON_ALIASES = {"person on probation", "pop", "offender", "service user", "the person",
                   "person", "self"}
MAX_TEXT = 20_000
#: HMIP T23 / C.2.1.19: reviews at least annually.
MAX_REVIEW_MONTHS = 12


class PlanError(ValueError):
    """A need-area file or plan that cannot be used, with every problem listed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__("; ".join(problems[:5]) + more)


# -- need areas (the OASys sections) --------------------------------------------------------------

@dataclass(frozen=True)
class NeedArea:
    id: str
    label: str
    oasys_section: int


def parse_need_areas(text: str, where: str = "need areas") -> tuple[NeedArea, ...]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError([f"{where}: not valid TOML: {exc}"]) from None
    raw = doc.get("area")
    if not isinstance(raw, list) or not raw:
        raise PlanError([f"{where}: no [[area]] entries"])
    problems, areas, seen = [], [], set()
    for n, a in enumerate(raw, start=1):
        label = f"{where}: area {n}"
        if not isinstance(a, dict):
            problems.append(f"{label}: must be a table")
            continue
        aid, name, section = a.get("id"), a.get("label"), a.get("oasys_section")
        bad = len(problems)
        if not isinstance(aid, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", aid):
            problems.append(f"{label}: id: must be lower-case letters, digits, '-' or '_' (got {aid!r})")
        elif aid in seen:
            problems.append(f"{label}: id: {aid!r} is used twice")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{label}: label: is missing")
        if not isinstance(section, int) or isinstance(section, bool) or section < 1:
            problems.append(f"{label}: oasys_section: must be a whole number")
        if len(problems) == bad:
            seen.add(aid)
            areas.append(NeedArea(aid, name.strip(), section))
    if problems:
        raise PlanError(problems)
    return tuple(areas)


# -- objectives and plans ---------------------------------------------------------------------

class ObjectiveStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def is_open(self) -> bool:
        return self in (ObjectiveStatus.NOT_STARTED, ObjectiveStatus.IN_PROGRESS)


def is_person(owner: str) -> bool:
    """Whether an owner names the person on probation themselves."""
    return owner.strip().lower() in _PERSON_ALIASES


@dataclass(frozen=True)
class Objective:
    id: str
    what: str                                      # the objective, in plain words
    need_area: str | None = None                   # a NeedArea id
    requirements: tuple[Requirement, ...] = ()     # order requirements it delivers
    risks: tuple[str, ...] = ()                    # assessed risks it manages (free text)
    risk_management: bool = False                  # part of the risk management plan
    who: tuple[str, ...] = ()                      # owners; PERSON for the person on probation
    by_when: date | None = None                    # target date
    measure: str = ""                              # how progress is measured
    status: ObjectiveStatus = ObjectiveStatus.NOT_STARTED
    review_date: date | None = None
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def manages_risk(self) -> bool:
        """Flagged as risk management, or linked to an assessed risk."""
        return self.risk_management or bool(self.risks)

    @property
    def owned_by_person(self) -> bool:
        return any(is_person(w) for w in self.who)


@dataclass(frozen=True)
class SentencePlan:
    crn: str
    objectives: tuple[Objective, ...] = ()
    review_date: date | None = None
    review_reason: str = ""
    contact_pattern: str = ""                      # planned level and pattern of contact + why
    completed_on: date | None = None
    interim: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def objective(self, objective_id: str) -> Objective | None:
        return next((o for o in self.objectives if o.id == objective_id), None)

    def with_objective(self, objective: Objective) -> SentencePlan:
        """The plan with ``objective`` replacing the one of the same id, or added at the end."""
        if self.objective(objective.id) is None:
            return replace(self, objectives=self.objectives + (objective,))
        return replace(self, objectives=tuple(objective if o.id == objective.id else o
                                              for o in self.objectives))

    def without_objective(self, objective_id: str) -> SentencePlan:
        return replace(self, objectives=tuple(o for o in self.objectives if o.id != objective_id))

    def next_objective_id(self) -> str:
        used = {o.id for o in self.objectives}
        n = len(self.objectives) + 1
        while f"obj-{n}" in used:
            n += 1
        return f"obj-{n}"


def plan_completed_event(plan: SentencePlan) -> Event | None:
    """The ``plan_completed`` event that completes the plan due item and starts the copy item."""
    if plan.completed_on is None:
        return None
    return Event(EventType.PLAN_COMPLETED, plan.completed_on,
                 note=f"sentence plan with {len(plan.objectives)} objective(s)"
                      + (" (interim)" if plan.interim else ""))


# -- plan gaps ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanGap:
    """Something the standards expect that the plan lacks. Always a warning, never a block."""

    code: str
    message: str
    source: str
    objective_id: str | None = None
    field: str | None = None          # the form field to show it at (e.g. "by_when")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "source": self.source,
                "objective": self.objective_id, "field": self.field, "severity": "warning"}

    def __str__(self) -> str:
        return f"{self.message} ({self.source})"


#: Every gap check: code -> (title, source). Shown in docs/plan.md and the builder's help.
GAP_CHECKS: dict[str, tuple[str, str]] = {
    "no-objectives": ("The plan has no objectives", "NS 2b.4; HMIP C.2.1.14"),
    "requirement-without-objective": ("A requirement of the order has no objective",
                                      "NS 2b.4; HMIP C.2.1.14"),
    "no-risk-objective": ("High or very high RoSH and no risk-management objective",
                          "NS 2b.4, 2b.5; HMIP C.2.1.14, B.4.1.11"),
    "no-review-date": ("No review date", "NS 2e.5; HMIP C.2.1.18"),
    "no-review-reason": ("Review date with no reason", "HMIP C.2.1.18, C.2.1.19"),
    "review-too-far": ("Review date more than 12 months ahead", "HMIP C.2.1.19 (T23: at least annually)"),
    "no-contact-pattern": ("No planned level and pattern of contact", "NS 2b.4; HMIP C.2.1.17"),
    "objective-no-date": ("Objective with no target date", "NS 2b.4, 2b.5; HMIP C.2.1.15"),
    "objective-no-owner": ("Objective with no owner", "NS 2b.5; HMIP C.2.1.15, C.2.1.20"),
    "objective-no-measure": ("Objective with no measure of progress", "NS 2b.4; HMIP C.2.1.15"),
    "objective-unlinked": ("Objective linked to no need, requirement or risk", "HMIP C.2.1.14"),
    "objective-unknown-requirement": ("Objective linked to a requirement the order does not have",
                                      "HMIP C.2.1.14"),
    "objective-unknown-need": ("Objective linked to an unknown need area", "NS 2b.4"),
    "objective-overdue": ("Objective past its target date and not achieved",
                          "NS 2b.4; HMIP D.2.2.21"),
    "objective-after-end": ("Objective target date after the order ends", "NS 2b.4"),
    "no-person-objective": ("No objective owned by the person on probation",
                            "NS 2b.5; HMIP C.2.1.16"),
}


def _gap(code: str, message: str, objective_id: str | None = None,
         field_name: str | None = None) -> PlanGap:
    return PlanGap(code, message, GAP_CHECKS[code][1], objective_id, field_name)


def _add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)        # clipped to the month's end


def plan_gaps(case: Case, plan: SentencePlan, today: date,
              need_areas: Iterable[NeedArea] | None = None) -> list[PlanGap]:
    """What the plan lacks, each gap citing its source (warnings only; order is stable)."""
    gaps: list[PlanGap] = []
    objectives = plan.objectives
    known_needs = {a.id for a in need_areas} if need_areas is not None else None
    if not objectives:
        gaps.append(_gap("no-objectives", "The plan has no objectives yet"))
    for req in case.requirements:
        if not any(req in o.requirements for o in objectives):
            gaps.append(_gap("requirement-without-objective",
                             f"No objective says how the {req.label} requirement will be met",
                             field_name="requirements"))
    if case.rosh.is_high and not any(o.manages_risk for o in objectives):
        gaps.append(_gap("no-risk-objective",
                         f"RoSH is {case.rosh.label} and no objective manages a risk "
                         "(flag one as risk management or link an assessed risk)"))
    if plan.review_date is None:
        gaps.append(_gap("no-review-date", "The plan has no review date", field_name="review_date"))
    else:
        if not plan.review_reason.strip():
            gaps.append(_gap("no-review-reason", "The review date has no reason",
                             field_name="review_reason"))
        if plan.review_date > _add_months(today, MAX_REVIEW_MONTHS):
            gaps.append(_gap("review-too-far",
                             f"The review date {plan.review_date.isoformat()} is more than "
                             f"{MAX_REVIEW_MONTHS} months ahead", field_name="review_date"))
    if not plan.contact_pattern.strip():
        gaps.append(_gap("no-contact-pattern",
                         "The plan does not say the planned level and pattern of contact",
                         field_name="contact_pattern"))
    for o in objectives:
        name = f"Objective {o.id}"
        if not (o.need_area or o.requirements or o.risks):
            gaps.append(_gap("objective-unlinked",
                             f"{name} is not linked to a need area, a requirement or a risk",
                             o.id, "need_area"))
        if o.need_area and known_needs is not None and o.need_area not in known_needs:
            gaps.append(_gap("objective-unknown-need",
                             f"{name} is linked to an unknown need area {o.need_area!r}",
                             o.id, "need_area"))
        for req in o.requirements:
            if req not in case.requirements:
                gaps.append(_gap("objective-unknown-requirement",
                                 f"{name} is linked to {req.label}, which the order does not have",
                                 o.id, "requirements"))
        if not o.status.is_open:
            continue                  # achieved or abandoned: its SMART fields no longer matter
        if o.by_when is None:
            gaps.append(_gap("objective-no-date", f"{name} has no target date", o.id, "by_when"))
        elif o.by_when < today:
            gaps.append(_gap("objective-overdue",
                             f"{name} was due by {o.by_when.isoformat()} and is {o.status.label}: "
                             "review it", o.id, "by_when"))
        elif case.end_date is not None and o.by_when > case.end_date:
            gaps.append(_gap("objective-after-end",
                             f"{name} is due {o.by_when.isoformat()}, after the order ends "
                             f"({case.end_date.isoformat()})", o.id, "by_when"))
        if not any(w.strip() for w in o.who):
            gaps.append(_gap("objective-no-owner", f"{name} has no owner (who will do it)",
                             o.id, "who"))
        if not o.measure.strip():
            gaps.append(_gap("objective-no-measure", f"{name} does not say how progress is measured",
                             o.id, "measure"))
    if objectives and not any(o.owned_by_person for o in objectives if o.status is not ObjectiveStatus.ABANDONED):
        gaps.append(_gap("no-person-objective",
                         f"No objective is owned by the {PERSON} (add \"{PERSON}\" to who)",
                         field_name="who"))
    return gaps


# -- JSON shape ----------------------------------------------------------------------------------

PLAN_FORMAT = "omtui-plan"
_OBJECTIVE_KEYS = ("id", "what", "need_area", "requirements", "risks", "risk_management", "who",
                   "by_when", "measure", "status", "review_date", "notes")
_PLAN_KEYS = ("format", "version", "crn", "objectives", "review_date", "review_reason",
              "contact_pattern", "completed_on", "interim")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def objective_to_dict(o: Objective) -> dict[str, Any]:
    return {"id": o.id, "what": o.what, "need_area": o.need_area,
            "requirements": [r.value for r in o.requirements], "risks": list(o.risks),
            "risk_management": o.risk_management, "who": list(o.who), "by_when": _iso(o.by_when),
            "measure": o.measure, "status": o.status.value, "review_date": _iso(o.review_date),
            "notes": o.notes, **dict(o.extra)}


def plan_to_dict(plan: SentencePlan) -> dict[str, Any]:
    return {"format": PLAN_FORMAT, "version": 1, "crn": plan.crn,
            "objectives": [objective_to_dict(o) for o in plan.objectives],
            "review_date": _iso(plan.review_date), "review_reason": plan.review_reason,
            "contact_pattern": plan.contact_pattern, "completed_on": _iso(plan.completed_on),
            "interim": plan.interim, **dict(plan.extra)}


class _Problems:
    def __init__(self, prefix: str = ""):
        self.prefix, self.items = prefix, []

    def add(self, name: str, reason: str) -> None:
        self.items.append(f"{self.prefix}{name}: {reason}")


def _text(raw: Mapping[str, Any], key: str, p: _Problems, *, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            p.add(key, "is missing")
        return ""
    if not isinstance(value, str):
        p.add(key, f"must be text, not {type(value).__name__}")
        return ""
    if "\x00" in value:
        p.add(key, "contains a NUL character")
        return ""
    if len(value) > MAX_TEXT:
        p.add(key, f"is {len(value)} characters long (at most {MAX_TEXT})")
        return ""
    if required and not value.strip():
        p.add(key, "is empty")
    return value


def _opt_date(raw: Mapping[str, Any], key: str, p: _Problems) -> date | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        p.add(key, str(exc))
        return None


def _text_list(raw: Mapping[str, Any], key: str, p: _Problems, *,
               owners: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):                       # a form field: comma-separated
        value = value.split(",")
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        p.add(key, "must be a list of text")
        return ()
    out = []
    for v in value:
        v = v.strip()
        if len(v) > MAX_TEXT:
            p.add(key, f"an entry is {len(v)} characters long (at most {MAX_TEXT})")
            return ()
        if v:
            out.append(PERSON if owners and is_person(v) else v)
    return tuple(dict.fromkeys(out))


def objective_from_dict(raw: Any, need_areas: Iterable[NeedArea] | None = None,
                        prefix: str = "") -> tuple[Objective | None, list[str]]:
    """An objective from its JSON shape (or a form's values); problems read ``field: reason``."""
    p = _Problems(prefix)
    if not isinstance(raw, Mapping):
        p.add("objective", "must be an object")
        return None, p.items
    oid = _text(raw, "id", p, required=True).strip()
    what = _text(raw, "what", p, required=True)
    need = _text(raw, "need_area", p).strip() or None
    if need and need_areas is not None:
        ids = [a.id for a in need_areas]
        if need not in ids:
            p.add("need_area", f"{need!r} is not a need area (use one of: {', '.join(ids)})")
    reqs: list[Requirement] = []
    for r in _text_list(raw, "requirements", p):
        try:
            reqs.append(Requirement(r))
        except ValueError:
            p.add("requirements", f"unknown requirement {r!r} "
                                  f"(use one of: {', '.join(m.value for m in Requirement)})")
    rm = raw.get("risk_management", False)
    if not isinstance(rm, bool):
        p.add("risk_management", "must be true or false")
        rm = False
    status_raw = raw.get("status") or ObjectiveStatus.NOT_STARTED.value
    try:
        status = ObjectiveStatus(str(status_raw).strip().replace(" ", "_"))
    except ValueError:
        p.add("status", f"{status_raw!r} is not a status "
                        f"(use one of: {', '.join(s.value for s in ObjectiveStatus)})")
        status = ObjectiveStatus.NOT_STARTED
    obj = Objective(
        id=oid, what=what, need_area=need, requirements=tuple(dict.fromkeys(reqs)),
        risks=_text_list(raw, "risks", p), risk_management=rm, who=_text_list(raw, "who", p, owners=True),
        by_when=_opt_date(raw, "by_when", p), measure=_text(raw, "measure", p), status=status,
        review_date=_opt_date(raw, "review_date", p), notes=_text(raw, "notes", p),
        extra={k: v for k, v in raw.items() if k not in _OBJECTIVE_KEYS})
    return (None, p.items) if p.items else (obj, [])


def plan_from_dict(raw: Any, need_areas: Iterable[NeedArea] | None = None
                   ) -> tuple[SentencePlan | None, list[str]]:
    """A plan from its JSON shape, or ``None`` and every problem (``objectives[2].by_when: ...``)."""
    p = _Problems()
    if not isinstance(raw, Mapping):
        return None, ["plan: must be an object"]
    if raw.get("format", PLAN_FORMAT) != PLAN_FORMAT:
        p.add("format", f"expected {PLAN_FORMAT!r}, got {raw.get('format')!r}")
    crn = _text(raw, "crn", p, required=True).strip()
    areas = list(need_areas) if need_areas is not None else None
    objectives: list[Objective] = []
    raw_objs = raw.get("objectives", [])
    if not isinstance(raw_objs, list):
        p.add("objectives", "must be a list")
        raw_objs = []
    seen: set[str] = set()
    for i, ro in enumerate(raw_objs):
        obj, problems = objective_from_dict(ro, areas, prefix=f"objectives[{i}].")
        p.items.extend(problems)
        if obj is not None:
            if obj.id in seen:
                p.add(f"objectives[{i}].id", f"{obj.id!r} is used twice")
            seen.add(obj.id)
            objectives.append(obj)
    interim = raw.get("interim", False)
    if not isinstance(interim, bool):
        p.add("interim", "must be true or false")
        interim = False
    plan = SentencePlan(
        crn=crn, objectives=tuple(objectives), review_date=_opt_date(raw, "review_date", p),
        review_reason=_text(raw, "review_reason", p), contact_pattern=_text(raw, "contact_pattern", p),
        completed_on=_opt_date(raw, "completed_on", p), interim=interim,
        extra={k: v for k, v in raw.items() if k not in _PLAN_KEYS})
    return (None, p.items) if p.items else (plan, [])
