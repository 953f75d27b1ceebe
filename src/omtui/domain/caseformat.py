"""The JSON case format: the one language of import, export, tests and training scenarios.

Documented in ``docs/case-format.md``. This module works on already-decoded JSON values
(dicts, lists, strings); reading and writing files is the caller's business.

Validation never raises on bad data: every problem is collected with the case's index, CRN,
field and a reason a person can act on. A case with any problem is rejected as a whole (it is
skipped and reported); the good cases are returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from omtui.domain.case import (
    EVENT_TYPE_OF,
    OUTCOME_OF,
    Case,
    ContactOutcome,
    Event,
    EventType,
    Gender,
    Mappa,
    OrderType,
    Requirement,
    Rosh,
    SuspensionReason,
)

CRN_PATTERN = re.compile(r"[A-Z][0-9]{6}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_NAME_LENGTH = 200

CASE_FIELDS = ("crn", "name", "order_type", "sentence_date", "tier", "rosh", "ppo",
               "requirements", "gender", "dob", "mappa", "release_date", "custody_months",
               "time_to_serve_months", "start_date", "end_date", "om", "flags", "events")
REQUIRED_FIELDS = ("crn", "name", "order_type", "sentence_date", "tier", "rosh", "ppo",
                   "requirements", "events")
EVENT_FIELDS = ("type", "date", "outcome", "for_date", "acceptable", "reason", "until", "note")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one case, precise enough to fix."""

    index: int | None          # position in the file's "cases" list (0-based)
    crn: str | None
    field: str                 # e.g. "sentence_date" or "events[3].outcome"
    reason: str
    line: int | None = None    # for CSV: the line in the file

    def __str__(self) -> str:
        where = [f"line {self.line}" if self.line is not None else None,
                 f"case {self.index}" if self.index is not None and self.line is None else None,
                 self.crn or None]
        place = ", ".join(p for p in where if p)
        return f"{place}: {self.field}: {self.reason}" if place else f"{self.field}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "line": self.line, "crn": self.crn, "field": self.field,
                "reason": self.reason}


@dataclass
class ParseResult:
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)     # indexes of cases left out

    @property
    def ok(self) -> bool:
        return not self.problems


class CaseFormatError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5])
                         + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))


# -- reading ---------------------------------------------------------------------------------

class _Collector:
    def __init__(self, index: int | None, crn: str | None):
        self.index, self.crn = index, crn
        self.problems: list[Problem] = []

    def add(self, field_name: str, reason: str) -> None:
        self.problems.append(Problem(self.index, self.crn, field_name, reason))


def _text(value: Any, name: str, c: _Collector, *, required: bool = True,
          max_length: int | None = None) -> str | None:
    if value is None:
        if required:
            c.add(name, "is missing")
        return None
    if not isinstance(value, str):
        c.add(name, f"must be text, not {type(value).__name__}")
        return None
    if "\x00" in value:
        c.add(name, "contains a NUL character")
        return None
    if required and not value.strip():
        c.add(name, "is empty")
        return None
    if max_length is not None and len(value) > max_length:
        c.add(name, f"is {len(value)} characters long (at most {max_length})")
        return None
    return value


def parse_date(value: Any) -> date:
    """A strict ISO date (YYYY-MM-DD). Raises ValueError with a message naming the value."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def _date(value: Any, name: str, c: _Collector, *, required: bool = True) -> date | None:
    if value is None:
        if required:
            c.add(name, "is missing")
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        c.add(name, str(exc))
        return None


def _enum(enum: type, value: Any, name: str, c: _Collector, *, required: bool = True):
    if value is None:
        if required:
            c.add(name, "is missing")
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        c.add(name, f"{value!r} is not one of: {allowed}")
        return None


def _int(value: Any, name: str, c: _Collector, lo: int, hi: int, *, required: bool = True) -> int | None:
    if value is None:
        if required:
            c.add(name, "is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(name, f"must be a whole number, not {value!r}")
        return None
    if not lo <= value <= hi:
        c.add(name, f"{value} is outside {lo}-{hi}")
        return None
    return value


def _bool(value: Any, name: str, c: _Collector, *, required: bool = True) -> bool | None:
    if value is None:
        if required:
            c.add(name, "is missing")
        return None
    if not isinstance(value, bool):
        c.add(name, f"must be true or false, not {value!r}")
        return None
    return value


def parse_event(raw: Any, name: str, c: _Collector) -> Event | None:
    if not isinstance(raw, Mapping):
        c.add(name, "must be an object with at least type and date")
        return None
    before = len(c.problems)
    etype = _enum(EventType, raw.get("type"), f"{name}.type", c)
    day = _date(raw.get("date"), f"{name}.date", c)
    outcome = _enum(ContactOutcome, raw.get("outcome"), f"{name}.outcome", c, required=False)
    for_date = _date(raw.get("for_date"), f"{name}.for_date", c, required=False)
    acceptable = _bool(raw.get("acceptable"), f"{name}.acceptable", c, required=False)
    reason = _text(raw.get("reason"), f"{name}.reason", c, required=False, max_length=2000)
    until = _date(raw.get("until"), f"{name}.until", c, required=False)
    note = _text(raw.get("note"), f"{name}.note", c, required=False)
    if etype is EventType.EXPLANATION:
        if raw.get("for_date") is None:
            c.add(f"{name}.for_date", "an explanation needs the date of the failure it explains")
        if raw.get("acceptable") is None:
            c.add(f"{name}.acceptable", "an explanation needs acceptable: true or false")
    if etype is EventType.SUSPENSION:
        _enum(SuspensionReason, raw.get("reason"), f"{name}.reason", c)
        if day and until and until < day:
            c.add(f"{name}.until", f"{until.isoformat()} is before the suspension starts")
    if outcome is not None and etype is not EventType.CONTACT:
        c.add(f"{name}.outcome", "only a contact has an outcome")
    if len(c.problems) > before or etype is None or day is None:
        return None
    extra = {k: v for k, v in raw.items() if k not in EVENT_FIELDS}
    return Event(etype, day, outcome, for_date, acceptable, reason, until, note,
                 dict(extra))


class _DateMemo(dict):
    """ISO date text -> date, each distinct text checked once by :func:`parse_date` (a
    caseload repeats a few thousand dates across millions of events). Only exact
    ``YYYY-MM-DD`` text is remembered; anything else is a KeyError, for the full check."""

    def __missing__(self, text: Any) -> date:
        if type(text) is not str or len(text) != 10:
            raise KeyError(text)
        try:
            value = parse_date(text)
        except ValueError:
            raise KeyError(text) from None
        if len(self) >= 100_000:        # bounded: a memo, not a copy of every file read
            self.clear()
        self[text] = value
        return value


_DATES = _DateMemo()
_SUSPENSION_REASONS = frozenset(m.value for m in SuspensionReason)
_EVENT_KEYS = frozenset(EVENT_FIELDS)
#: Event types that are not whole with a type and a date alone.
_NEEDS_MORE = frozenset({EventType.EXPLANATION, EventType.SUSPENSION})


def _quick_event(raw: Any) -> Event | None:
    """The event of a well-formed entry (the format's own fields each of the right type and
    value; any other field kept in ``extra``), made without the full check; None for
    anything else, which :func:`parse_event` then checks: it gives the same event, or names
    every problem."""
    if type(raw) is not dict:
        return None
    dates, get = _DATES, raw.get
    try:
        etype = EVENT_TYPE_OF[raw["type"]]
        day = dates[raw["date"]]
        outcome = get("outcome")
        if outcome is not None:
            if etype is not EventType.CONTACT:
                return None
            outcome = OUTCOME_OF[outcome]
            if len(raw) == 3:           # type, date, outcome: most of a caseload's events
                return Event(etype, day, outcome, None, None, None, None, None, {})
        elif len(raw) == 2 and etype not in _NEEDS_MORE:     # type and date
            return Event(etype, day, None, None, None, None, None, None, {})
        for_date = get("for_date")
        if for_date is not None:
            for_date = dates[for_date]
        until = get("until")
        if until is not None:
            until = dates[until]
    except (KeyError, TypeError):       # missing, unknown, unhashable, not an exact date
        return None
    acceptable, reason, note = get("acceptable"), get("reason"), get("note")
    if acceptable is not None and type(acceptable) is not bool:
        return None
    if reason is not None and (type(reason) is not str or len(reason) > 2000
                               or "\x00" in reason):
        return None
    if note is not None and (type(note) is not str or "\x00" in note):
        return None
    if etype is EventType.EXPLANATION and (for_date is None or acceptable is None):
        return None
    if etype is EventType.SUSPENSION and (reason not in _SUSPENSION_REASONS
                                          or (until is not None and until < day)):
        return None
    extra = ({} if _EVENT_KEYS.issuperset(raw)
             else {k: v for k, v in raw.items() if k not in _EVENT_KEYS})
    return Event(etype, day, outcome, for_date, acceptable, reason, until, note, extra)


def parse_case(raw: Any, index: int | None = None) -> tuple[Case | None, list[Problem]]:
    """One case from its JSON object: the case, or None and every problem found."""
    crn_guess = raw.get("crn") if isinstance(raw, Mapping) and isinstance(raw.get("crn"), str) else None
    c = _Collector(index, crn_guess)
    if not isinstance(raw, Mapping):
        c.add("case", "must be an object")
        return None, c.problems
    crn = _text(raw.get("crn"), "crn", c)
    if crn is not None and not CRN_PATTERN.fullmatch(crn):
        c.add("crn", f"{crn!r} is not a CRN (one capital letter and six digits, e.g. X123456)")
    name = _text(raw.get("name"), "name", c, max_length=MAX_NAME_LENGTH)
    order_type = _enum(OrderType, raw.get("order_type"), "order_type", c)
    sentence_date = _date(raw.get("sentence_date"), "sentence_date", c)
    tier = _int(raw.get("tier"), "tier", c, 1, 4)
    rosh = _enum(Rosh, raw.get("rosh"), "rosh", c)
    ppo = _bool(raw.get("ppo"), "ppo", c)
    requirements: list[Requirement] = []
    reqs = raw.get("requirements")
    if reqs is None:
        c.add("requirements", "is missing (use [] for none)")
    elif not isinstance(reqs, list):
        c.add("requirements", "must be a list of requirement names")
    else:
        for i, r in enumerate(reqs):
            req = _enum(Requirement, r, f"requirements[{i}]", c)
            if req is not None and req not in requirements:
                requirements.append(req)
    gender = _enum(Gender, raw.get("gender"), "gender", c, required=False)
    dob = _date(raw.get("dob"), "dob", c, required=False)
    mappa = None
    if raw.get("mappa") is not None:
        m = raw["mappa"]
        if not isinstance(m, Mapping):
            c.add("mappa", "must be an object with category and level")
        else:
            cat = _int(m.get("category"), "mappa.category", c, 1, 3)
            lvl = _int(m.get("level"), "mappa.level", c, 1, 3)
            if cat is not None and lvl is not None:
                mappa = Mappa(cat, lvl)
    release_date = _date(raw.get("release_date"), "release_date", c, required=False)
    custody_months = _int(raw.get("custody_months"), "custody_months", c, 0, 1200, required=False)
    time_to_serve = _int(raw.get("time_to_serve_months"), "time_to_serve_months", c, 0, 1200,
                         required=False)
    start_date = _date(raw.get("start_date"), "start_date", c, required=False)
    end_date = _date(raw.get("end_date"), "end_date", c, required=False)
    om = _text(raw.get("om"), "om", c, required=False, max_length=MAX_NAME_LENGTH)
    flags: list[str] = []
    if raw.get("flags") is not None:
        if not isinstance(raw["flags"], list) or not all(isinstance(f, str) and f for f in raw["flags"]):
            c.add("flags", "must be a list of flag names")
        else:
            flags = list(dict.fromkeys(raw["flags"]))
    events: list[Event] = []
    raw_events = raw.get("events")
    if raw_events is None:
        c.add("events", "is missing (use [] for none)")
    elif not isinstance(raw_events, list):
        c.add("events", "must be a list")
    else:
        append = events.append
        for i, e in enumerate(raw_events):
            ev = _quick_event(e)
            if ev is None:
                ev = parse_event(e, f"events[{i}]", c)
                if ev is None:
                    continue
            append(ev)
    if dob and sentence_date and dob >= sentence_date:
        c.add("dob", f"{dob.isoformat()} is not before the sentence date")
    start = start_date or sentence_date
    if end_date and start and end_date < start:
        c.add("end_date", f"{end_date.isoformat()} is before the start ({start.isoformat()})")
    if c.problems:
        return None, c.problems
    extra = {k: v for k, v in raw.items() if k not in CASE_FIELDS}
    case = Case(
        crn=crn, name=name, order_type=order_type, sentence_date=sentence_date, tier=tier,
        rosh=rosh, ppo=ppo, requirements=tuple(requirements), events=tuple(events),
        gender=gender, dob=dob, mappa=mappa, release_date=release_date,
        custody_months=custody_months, time_to_serve_months=time_to_serve,
        start_date=start_date, end_date=end_date, om=om, flags=tuple(flags),
        extra=dict(extra),
    )
    return case, []


#: What is wrong with a file that has no list of cases at all.
NO_CASES_LIST = Problem(None, None, "cases", 'the file needs a "cases" list')


def caseload_entries(data: Any) -> list | None:
    """The entries (one JSON value per case, not yet checked) of ``{"cases": [...]}`` or of a
    bare list; None when ``data`` has no list of cases (:data:`NO_CASES_LIST`)."""
    if isinstance(data, Mapping):
        items = data.get("cases")
        return items if isinstance(items, list) else None
    return data if isinstance(data, list) else None


def crn_texts(entries: Iterable[Any]) -> list[str]:
    """The CRN text of each entry that gives one, in order (checked or not)."""
    return [crn for raw in entries
            if isinstance(raw, Mapping) and isinstance(crn := raw.get("crn"), str)]


def repeats_a_crn(crns: Sequence[str]) -> bool:
    """Whether a CRN text (:func:`crn_texts`) comes twice: only then can
    :func:`parse_caseload` refuse a case as a duplicate (a caller checking cases one by one,
    or in parts, needs to know)."""
    return len(set(crns)) < len(crns)


def parse_caseload(data: Any) -> ParseResult:
    """``{"cases": [...]}`` (or a bare list) into cases; bad cases are skipped and reported."""
    result = ParseResult()
    items = caseload_entries(data)
    if items is None:
        result.problems.append(NO_CASES_LIST)
        return result
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        case, problems = parse_case(raw, i)
        if case is not None and case.crn in seen:
            problems = [Problem(i, case.crn, "crn", f"duplicate of case {seen[case.crn]}")]
            case = None
        if case is None:
            result.problems.extend(problems)
            result.rejected.append(i)
        else:
            seen[case.crn] = i
            result.cases.append(case)
    return result


def check_against_today(case: Case, today: date, index: int | None = None) -> list[Problem]:
    """Facts that cannot be true as of ``today`` (a sentence date in the future)."""
    problems = []
    if case.sentence_date > today:
        problems.append(Problem(index, case.crn, "sentence_date",
                                f"{case.sentence_date.isoformat()} is in the future "
                                f"(today is {today.isoformat()})"))
    if case.dob and case.dob > today:
        problems.append(Problem(index, case.crn, "dob", f"{case.dob.isoformat()} is in the future"))
    return problems


# -- writing -------------------------------------------------------------------------------

def event_to_dict(e: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"type": e.type.value, "date": e.date.isoformat()}
    if e.outcome is not None:
        out["outcome"] = e.outcome.value
    if e.for_date is not None:
        out["for_date"] = e.for_date.isoformat()
    if e.acceptable is not None:
        out["acceptable"] = e.acceptable
    for key in ("reason", "note"):
        if getattr(e, key) is not None:
            out[key] = getattr(e, key)
    if e.until is not None:
        out["until"] = e.until.isoformat()
    out.update(e.extra)
    return out


def case_to_dict(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {
        "crn": case.crn,
        "name": case.name,
        "order_type": case.order_type.value,
        "sentence_date": case.sentence_date.isoformat(),
        "tier": case.tier,
        "rosh": case.rosh.value,
        "ppo": case.ppo,
        "requirements": [r.value for r in case.requirements],
    }
    if case.gender is not None:
        out["gender"] = case.gender.value
    for key in ("dob", "release_date", "start_date", "end_date"):
        value = getattr(case, key)
        if value is not None:
            out[key] = value.isoformat()
    if case.mappa is not None:
        out["mappa"] = {"category": case.mappa.category, "level": case.mappa.level}
    for key in ("custody_months", "time_to_serve_months", "om"):
        if getattr(case, key) is not None:
            out[key] = getattr(case, key)
    if case.flags:
        out["flags"] = list(case.flags)
    out["events"] = [event_to_dict(e) for e in case.events]
    out.update(case.extra)
    return out


def caseload_to_dict(cases: Iterable[Case]) -> dict[str, Any]:
    return {"cases": [case_to_dict(c) for c in cases]}
