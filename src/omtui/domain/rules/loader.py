"""Checking a rule pack (already decoded from TOML) and building the rule book.

Pure: takes dicts, returns compiled objects or raises :class:`PackError` listing every
problem with the file, the rule id and the field (and, for a condition, the position).
Reading files is :mod:`omtui.rulepacks`' business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from omtui.domain.calendar import CalendarError, Unit
from omtui.domain.case import EventType
from omtui.domain.packfields import as_date
from omtui.domain.rules.conditions import ConditionError, parse_condition
from omtui.domain.rules.model import (
    CASE_ANCHORS,
    Anchor,
    EventPattern,
    Offset,
    Pack,
    PackInfo,
    Rule,
    RuleBook,
    RuleVersions,
)

RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,79}")
RULE_FIELDS = ("id", "title", "source", "text", "trigger", "offset", "satisfied_by", "when",
               "window_start", "count", "phase", "recurring", "per_event", "kind",
               "effective_from", "disabled")
PACK_FIELDS = ("id", "title", "effective_from", "sources", "description")
KINDS = ("rule", "contact", "enforcement")
MAX_OFFSET = 3000
_PATTERN = re.compile(r"\s*([a-z_]+)\s*(?:\((.*)\))?\s*\Z", re.S)
_OFFSET_TEXT = re.compile(r"\s*(-?\d+)\s+([a-z_-]+)\s*\Z")


@dataclass(frozen=True)
class PackProblem:
    file: str
    rule: str | None       # rule id (or "[[rule]] #N" when it has none); None: the pack itself
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file or "<pack>"
        if self.rule:
            where += f": rule {self.rule}"
        return f"{where}: {self.field}: {self.message}"


class PackError(ValueError):
    def __init__(self, problems: list[PackProblem]):
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(head + more)


class _Problems:
    def __init__(self, file: str):
        self.file = file
        self.items: list[PackProblem] = []

    def add(self, rule: str | None, field: str, message: str) -> None:
        self.items.append(PackProblem(self.file, rule, field, message))


# -- pieces -----------------------------------------------------------------------------------

def parse_pattern(text: Any) -> EventPattern:
    """``"contact(outcome=attended, with=police)"`` or a table ``{event=..., field=...}``."""
    if isinstance(text, Mapping):
        raw = dict(text)
        name = raw.pop("event", None)
        if not isinstance(name, str):
            raise ValueError("a table pattern needs event = \"<event type>\"")
        fields = raw
    elif isinstance(text, str):
        m = _PATTERN.match(text)
        if m is None:
            raise ValueError(f"{text!r} is not an event pattern like contact(outcome=attended)")
        name, inside = m.group(1), m.group(2)
        fields = {}
        if inside is not None and inside.strip():
            for part in inside.split(","):
                key, eq, value = part.partition("=")
                key = key.strip()
                negated = key.endswith("!")
                key = key.rstrip("!").strip()
                if not eq or not key or not value.strip():
                    raise ValueError(f"{part.strip()!r} in {text!r} is not field=value "
                                     "or field!=value")
                fields[("!" if negated else "") + key] = value.strip().strip('"')
    else:
        raise ValueError(f"an event pattern is text, not {type(text).__name__}")
    try:
        etype = EventType(name)
    except ValueError:
        raise ValueError(f"{name!r} is not an event type (one of: "
                         f"{', '.join(e.value for e in EventType)})") from None
    norm: list[tuple[str, str, str]] = []
    for key, value in fields.items():
        op = "="
        if isinstance(key, str) and key.startswith("!"):
            key, op = key[1:], "!="
        if key in ("type", "date"):
            raise ValueError(f"{key} cannot be constrained in a pattern")
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, (str, int)):
            raise ValueError(f"{key}: a pattern value is text, true/false or a number")
        norm.append((str(key), op, str(value)))
    return EventPattern(etype, tuple(norm))


def parse_anchor(text: Any) -> Anchor:
    if isinstance(text, str) and text.strip() in CASE_ANCHORS:
        return Anchor(text.strip())
    try:
        pattern = parse_pattern(text)
    except ValueError as exc:
        raise ValueError(f"{exc}; or a case date: {', '.join(CASE_ANCHORS)}") from None
    return Anchor(str(pattern), pattern)


def parse_offset(value: Any) -> Offset:
    """``{n = 5, unit = "working-days"}`` or ``"5 working-days"``."""
    if isinstance(value, str):
        m = _OFFSET_TEXT.match(value)
        if m is None:
            raise ValueError(f"{value!r} is not like \"5 working-days\"")
        n, unit_text = int(m.group(1)), m.group(2)
    elif isinstance(value, Mapping):
        unknown = set(value) - {"n", "unit"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))} (use n and unit)")
        n, unit_text = value.get("n"), value.get("unit")
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValueError(f"n must be a whole number, not {n!r}")
        if not isinstance(unit_text, str):
            raise ValueError("unit is missing (working-days, weeks, months or days)")
    else:
        raise ValueError("must be a table {n = ..., unit = ...} or text like \"5 working-days\"")
    if abs(n) > MAX_OFFSET:
        raise ValueError(f"n = {n} is too large (at most {MAX_OFFSET} either way)")
    try:
        unit = Unit.parse(unit_text)
    except CalendarError as exc:
        raise ValueError(str(exc)) from None
    return Offset(n, unit)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _date_value(value: Any) -> date:
    found = as_date(value)
    if found is None:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    return found


# -- a rule ---------------------------------------------------------------------------------------

def parse_rule(raw: Any, position: int, pack_id: str, problems: _Problems) -> Rule | str | None:
    """A compiled rule; the id alone when it only disables a rule; None after problems."""
    label = f"[[rule]] #{position + 1}"
    if not isinstance(raw, Mapping):
        problems.add(label, "rule", "must be a table")
        return None
    rid = raw.get("id")
    if not isinstance(rid, str) or not RULE_ID.fullmatch(rid):
        problems.add(label, "id", f"{rid!r} is not a rule id (lower case letters, digits and "
                     "hyphens, e.g. ns-2b3-plan-tier4)")
        return None
    before = len(problems.items)
    for key in raw:
        if key not in RULE_FIELDS:
            problems.add(rid, key, f"unknown field (known: {', '.join(RULE_FIELDS)})")
    disabled = raw.get("disabled", False)
    if not isinstance(disabled, bool):
        problems.add(rid, "disabled", "must be true or false")
    elif disabled:
        return rid if len(problems.items) == before else None

    def text(key: str, required: bool = True) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                problems.add(rid, key, "is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            problems.add(rid, key, "must be non-empty text")
            return ""
        return value.strip()

    title, source, body = text("title"), text("source"), text("text")

    trigger: list[Anchor] = []
    if "trigger" not in raw:
        problems.add(rid, "trigger", "is missing (day 0: e.g. \"sentence\" or \"release\")")
    else:
        for i, t in enumerate(_as_list(raw["trigger"])):
            try:
                trigger.append(parse_anchor(t))
            except ValueError as exc:
                where = "trigger" if not isinstance(raw["trigger"], list) else f"trigger[{i}]"
                problems.add(rid, where, str(exc))
        if isinstance(raw["trigger"], list) and not raw["trigger"]:
            problems.add(rid, "trigger", "is empty")

    offset = None
    if "offset" not in raw:
        problems.add(rid, "offset", "is missing (e.g. {n = 5, unit = \"working-days\"})")
    else:
        try:
            offset = parse_offset(raw["offset"])
        except ValueError as exc:
            problems.add(rid, "offset", str(exc))

    window = None
    if raw.get("window_start") is not None:
        try:
            window = parse_offset(raw["window_start"])
        except ValueError as exc:
            problems.add(rid, "window_start", str(exc))
        if window and offset and window.unit is offset.unit and window.n > offset.n:
            problems.add(rid, "window_start", f"starts after the due date ({window} > {offset})")

    satisfied: list[EventPattern] = []
    if "satisfied_by" not in raw:
        problems.add(rid, "satisfied_by", "is missing (the event that meets the rule)")
    else:
        for i, s in enumerate(_as_list(raw["satisfied_by"])):
            try:
                satisfied.append(parse_pattern(s))
            except ValueError as exc:
                where = ("satisfied_by" if not isinstance(raw["satisfied_by"], list)
                         else f"satisfied_by[{i}]")
                problems.add(rid, where, str(exc))
        if isinstance(raw["satisfied_by"], list) and not raw["satisfied_by"]:
            problems.add(rid, "satisfied_by", "is empty")

    when = None
    when_text = raw.get("when", "true")
    try:
        when = parse_condition(when_text)
    except ConditionError as exc:
        problems.add(rid, "when", f"{exc.message} at position {exc.position + 1}: "
                     f"{exc.text!r}")

    count = raw.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
        problems.add(rid, "count", f"must be a whole number 1-100, not {count!r}")
        count = 1

    phase_from = phase_until = None
    phase = raw.get("phase")
    if phase is not None:
        if not isinstance(phase, Mapping) or not phase or set(phase) - {"from", "until"}:
            problems.add(rid, "phase", "must be a table with from and/or until "
                         "(offsets from commencement)")
        else:
            for key in ("from", "until"):
                if key in phase:
                    try:
                        value = parse_offset(phase[key])
                    except ValueError as exc:
                        problems.add(rid, f"phase.{key}", str(exc))
                        continue
                    if key == "from":
                        phase_from = value
                    else:
                        phase_until = value

    flags = {}
    for key in ("recurring", "per_event"):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            problems.add(rid, key, "must be true or false")
        flags[key] = value is True
    if flags["recurring"] and count != 1:
        problems.add(rid, "count", "a recurring rule is satisfied by one event (count = 1)")
    if flags["recurring"] and flags["per_event"]:
        problems.add(rid, "per_event", "a rule cannot be both recurring and per_event")
    if flags["per_event"] and (len(trigger) != 1 or trigger[0].pattern is None):
        problems.add(rid, "per_event", "needs exactly one event trigger")

    kind = raw.get("kind", "rule")
    if kind not in KINDS:
        problems.add(rid, "kind", f"{kind!r} is not one of: {', '.join(KINDS)}")

    effective = None
    if raw.get("effective_from") is not None:
        try:
            effective = _date_value(raw["effective_from"])
        except ValueError as exc:
            problems.add(rid, "effective_from", str(exc))

    if len(problems.items) > before or offset is None or when is None:
        return None
    return Rule(
        id=rid, title=title, source=source, text=body, trigger=tuple(trigger), offset=offset,
        satisfied_by=tuple(satisfied), when=when, window_start=window, count=count,
        phase_from=phase_from, phase_until=phase_until, recurring=flags["recurring"], per_event=flags["per_event"], kind=kind,
        effective_from=effective, pack=pack_id, origin=problems.file,
    )


# -- a pack ---------------------------------------------------------------------------------------

def load_pack(data: Mapping[str, Any], origin: str = "<pack>") -> Pack:
    """Check and compile one pack (a decoded TOML document). Raises :class:`PackError`."""
    problems = _Problems(origin)
    if not isinstance(data, Mapping):
        problems.add(None, "pack", "the file is not a TOML table")
        raise PackError(problems.items)
    for key in data:
        if key not in ("pack", "rule"):
            problems.add(None, key, "unknown top-level key (use [pack] and [[rule]])")
    head = data.get("pack")
    info = None
    if not isinstance(head, Mapping):
        problems.add(None, "pack", "the [pack] table is missing (id, title, effective_from)")
    else:
        for key in head:
            if key not in PACK_FIELDS:
                problems.add(None, f"pack.{key}", f"unknown field (known: {', '.join(PACK_FIELDS)})")
        pid, title = head.get("id"), head.get("title")
        if not isinstance(pid, str) or not RULE_ID.fullmatch(pid):
            problems.add(None, "pack.id", f"{pid!r} is not a pack id (lower case, digits, hyphens)")
        if not isinstance(title, str) or not title.strip():
            problems.add(None, "pack.title", "is missing")
        effective = None
        try:
            effective = _date_value(head.get("effective_from"))
        except ValueError as exc:
            problems.add(None, "pack.effective_from", str(exc))
        sources = head.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            problems.add(None, "pack.sources", "must be a list of text")
            sources = []
        if isinstance(pid, str) and isinstance(title, str) and effective is not None:
            info = PackInfo(pid, title.strip(), effective, tuple(sources), origin)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        problems.add(None, "rule", "must be an array of tables ([[rule]])")
        raw_rules = []
    rules: list[Rule] = []
    disabled: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules):
        rule = parse_rule(raw, i, info.id if info else "", problems)
        rid = rule if isinstance(rule, str) else (rule.id if rule else None)
        if rid is not None:
            if rid in seen:
                problems.add(rid, "id", f"duplicate: rule #{seen[rid] + 1} has the same id")
                continue
            seen[rid] = i
        if isinstance(rule, str):
            disabled.append(rule)
        elif rule is not None:
            rules.append(rule)
    if problems.items or info is None:
        raise PackError(problems.items)
    info = PackInfo(info.id, info.title, info.effective_from, info.sources, origin, len(rules))
    return Pack(info, tuple(rules), tuple(disabled))


def build_rulebook(packs: Sequence[Pack], *, contact_levels: Any = None,
                   enforcement: Any = None) -> RuleBook:
    """The rule book from packs in order: a later pack overrides rules of the same id.

    An overriding rule applies to deadlines whose day 0 is on or after its effective date
    (the rule's, else its pack's); earlier day 0s keep the version it replaced. A rule with
    ``disabled = true`` removes every version of that id (listed in ``RuleBook.disabled``).
    """
    versions: dict[str, list[Rule]] = {}
    order: list[str] = []
    switched_off: list[tuple[str, str]] = []
    for pack in packs:
        for rule in pack.rules:
            if rule.effective_from is None:
                rule = _with_effective(rule, pack.info.effective_from)
            if rule.id not in versions:
                versions[rule.id] = []
                order.append(rule.id)
            versions[rule.id].append(rule)
        for rid in pack.disabled:
            if rid in versions:
                del versions[rid]
                order.remove(rid)
            switched_off.append((rid, pack.info.id))
    groups = []
    for rid in order:
        vs = sorted(versions[rid], key=lambda r: r.effective_from or date.min, reverse=True)
        groups.append(RuleVersions(rid, tuple(vs)))
    return RuleBook(tuple(p.info for p in packs), tuple(groups), tuple(switched_off),
                    contact_levels, enforcement)


def _with_effective(rule: Rule, day: date) -> Rule:
    from dataclasses import replace

    return replace(rule, effective_from=day)


def check_packs(packs: Iterable[tuple[Mapping[str, Any], str]]) -> list[PackProblem]:
    """Every problem in these (data, origin) packs; empty when all are good."""
    found: list[PackProblem] = []
    for data, origin in packs:
        try:
            load_pack(data, origin)
        except PackError as exc:
            found.extend(exc.problems)
    return found
