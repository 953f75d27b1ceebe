"""Reading a scenario or answers file: the collectors every fault is reported to, and the
small readers that check one field each (shared by the scenario, step and answers parsers).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from omtui.domain.case import EventType
from omtui.domain.caseformat import Problem, parse_date
from omtui.domain.scenario.model import ScenarioError, ScenarioProblem


class _EventProblems:
    """Collects parse_event's problems (the interface caseformat's collector offers)."""

    def __init__(self, crn: str | None):
        self.crn = crn
        self.problems: list[Problem] = []

    def add(self, field_name: str, reason: str) -> None:
        self.problems.append(Problem(None, self.crn, field_name, reason))


class _Faults:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[ScenarioProblem] = []

    def add(self, where: str, field_name: str, reason: str) -> None:
        self.problems.append(ScenarioProblem(self.file, where, field_name, reason))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)


def _label(raw: Any) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("checkpoint"), str):
        return f" (checkpoint {raw['checkpoint']!r})"
    if isinstance(raw, Mapping) and isinstance(raw.get("event"), Mapping):
        return f" (event {raw['event'].get('type')!r})"
    return ""


def _opt_date(raw: Mapping[str, Any], key: str, where: str, f: _Faults, prefix: str = "") -> date | None:
    if raw.get(key) is None:
        return None
    try:
        return parse_date(raw[key])
    except ValueError as exc:
        f.add(where, prefix + key, str(exc))
        return None


def _text_field(raw: Mapping[str, Any], key: str, where: str, f: _Faults, *, required: bool) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            f.add(where, key, "is missing")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        f.add(where, key, "must be non-empty text")
        return ""
    return value


def _unknown_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str, f: _Faults,
                  prefix: str = "") -> None:
    for key in raw:
        if key not in allowed:
            f.add(where, prefix + str(key), f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _same_day(value: Any, day: date) -> bool | None:
    try:
        return parse_date(value) == day
    except ValueError:
        return None


def _types() -> str:
    return ", ".join(t.value for t in EventType)
