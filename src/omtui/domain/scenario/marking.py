"""Marking: the trainee's actions against each expected action (on time, late, missed; pending
or overdue while a run is live), and actions a checkpoint says not to take.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from omtui.domain.calendar import WorkingCalendar
from omtui.domain.scenario.model import Action, Expectation, Scenario, _norm


class Mark(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    OVERDUE = "overdue"          # live run: past its date, not done yet (may still be done late)
    PENDING = "pending"          # live run: not due yet

    @property
    def symbol(self) -> str:
        return {"on_time": "✓", "late": "!", "missed": "✗", "overdue": "✗",
                "pending": "·"}[self.value]

    @property
    def label(self) -> str:
        return {"on_time": "on time", "late": "late", "missed": "MISSED",
                "overdue": "OVERDUE", "pending": "to do"}[self.value]


@dataclass(frozen=True)
class CheckpointResult:
    """The verdict on one expected action."""

    scenario: str
    checkpoint: str
    expectation: Expectation
    status: Mark
    done_on: date | None = None
    late_working_days: int | None = None
    action_index: int | None = None

    @property
    def met(self) -> bool:
        return self.status is Mark.ON_TIME

    def summary(self) -> str:
        e = self.expectation
        if self.status is Mark.ON_TIME:
            return f"done {self.done_on.isoformat()}, on time"
        if self.status is Mark.LATE:
            if not self.late_working_days:
                return (f"done {self.done_on.isoformat()}, late: after the due date "
                        f"{e.by.isoformat()} (0 working days: only non-working days between)")
            return (f"done {self.done_on.isoformat()}, late by {self.late_working_days} "
                    f"working day(s)")
        if self.status is Mark.OVERDUE:
            return f"not done, OVERDUE since {e.by.isoformat()}"
        if self.status is Mark.PENDING:
            return f"not done yet, due by {e.by.isoformat()}"
        return "not done: MISSED"

    def explanation_lines(self) -> list[str]:
        """The rule, the count and the source, as plain text (CLI and explanation panel)."""
        e = self.expectation
        lines = [f"expected: {e.label} on {e.crn} by {e.by.isoformat()}"
                 + (" (date from the rules engine)" if e.derived else " (date set by the scenario)"),
                 f"result: {self.summary()}",
                 f"rule: {e.rule} - {e.title}",
                 f"source: {e.source}"]
        trace = e.trace
        if trace is not None:
            lines.append(f"day 0: {e.item.day0.isoformat()} ({e.item.day0_label})")
            lines.append(f"count: {trace.summary()}")
            skipped = [f"{s.day.isoformat()} {s.reason}" for s in trace.skipped]
            if skipped:
                lines.append("skipped: " + "; ".join(skipped))
        if e.source_text:
            lines.append(f"source text: {e.source_text}")
        if e.why:
            lines.append(f"why: {e.why}")
        lines += [f"note: {n}" for n in e.notes]
        return lines

    def to_dict(self) -> dict[str, Any]:
        e = self.expectation
        trace = e.trace
        return {
            "scenario": self.scenario,
            "checkpoint": self.checkpoint,
            "step": e.key,
            "crn": e.crn,
            "expected": e.action.value,
            "match": {k: _norm(v) for k, v in e.match.items()},
            "unless": {k: _norm(v) for k, v in e.unless.items()},
            "or": [{"action": a.value, "match": {k: _norm(v) for k, v in m.items()},
                    "unless": {k: _norm(v) for k, v in u.items()}} for a, m, u in e.alternatives],
            "rule": e.rule,
            "title": e.title,
            "source": e.source,
            "source_text": e.source_text,
            "by": e.by.isoformat(),
            "by_from_rules": e.derived,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "status": self.status.value,
            "late_working_days": self.late_working_days,
            "explanation": trace.to_dict() if trace is not None else None,
        }


@dataclass(frozen=True)
class WrongAction:
    """An action the checkpoint says not to take (e.g. a warning where breach was due)."""

    checkpoint: str
    crn: str
    action: Action

    def to_dict(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint, "crn": self.crn,
                "type": self.action.event.type.value, "date": self.action.date.isoformat()}


@dataclass(frozen=True)
class Marking:
    scenario: Scenario
    results: tuple[CheckpointResult, ...]
    wrong: tuple[WrongAction, ...]
    unmatched: tuple[Action, ...]        # actions that met no expectation (not penalised)

    @property
    def passed(self) -> bool:
        return all(r.met for r in self.results) and not self.wrong

    def count(self, status: Mark) -> int:
        return sum(1 for r in self.results if r.status is status)


def _assign(expectations: Sequence[Expectation], actions: Sequence[Action]
            ) -> dict[str, tuple[Action, ...]]:
    """Each expectation takes the earliest actions that satisfy it, earliest due first.

    An action is used once per rule: one attended contact can be both the first meeting and
    the week's contact (two rules), but two warnings are needed for two failures (one rule).
    An expectation with ``count = n`` needs n such actions; it is done on the n-th.
    Greedy in due-date order: stable as actions are added in date order (the live run), so an
    earlier verdict never changes when the trainee does something later.
    """
    used: dict[str, set[int]] = {}
    out: dict[str, tuple[Action, ...]] = {}
    for e in sorted(expectations, key=lambda e: (e.by, e.key)):
        taken = used.setdefault(e.rule, set())
        got: list[Action] = []
        for a in actions:
            if a.index not in taken and e.accepts(a.crn, a.event):
                got.append(a)
                if len(got) == e.count:
                    break
        if len(got) == e.count:
            taken.update(a.index for a in got)
            out[e.key] = tuple(got)
    return out


def mark(scenario: Scenario, actions: Sequence[Action], calendar: WorkingCalendar,
         *, as_of: date | None = None) -> Marking:
    """Mark the trainee's actions. ``as_of`` None: the scenario is over (not done = missed)."""
    acts = [a for a in actions if as_of is None or a.date <= as_of]
    assigned = _assign(scenario.expectations, acts)
    results: list[CheckpointResult] = []
    for cp in scenario.checkpoints:
        for e in cp.expectations:
            a = assigned[e.key][-1] if e.key in assigned else None
            if a is not None:
                late = calendar.working_days_between(e.by, a.date)
                if a.date > e.by:      # after the due date, even on a non-working day
                    results.append(CheckpointResult(scenario.name, cp.name, e, Mark.LATE,
                                                    a.date, late, a.index))
                else:
                    results.append(CheckpointResult(scenario.name, cp.name, e, Mark.ON_TIME,
                                                    a.date, 0, a.index))
            elif as_of is None:
                results.append(CheckpointResult(scenario.name, cp.name, e, Mark.MISSED))
            elif as_of > e.by:
                results.append(CheckpointResult(scenario.name, cp.name, e, Mark.OVERDUE,
                                                late_working_days=calendar.working_days_between(
                                                    e.by, as_of)))
            else:
                results.append(CheckpointResult(scenario.name, cp.name, e, Mark.PENDING))
    used = {a.index for got in assigned.values() for a in got}
    wrong: list[WrongAction] = []
    for cp in scenario.checkpoints:
        if not cp.avoid:
            continue
        after = min(e.after for e in cp.expectations)
        for a in acts:
            if (a.index not in used and a.crn == cp.crn and a.event.type in cp.avoid
                    and a.date >= after):
                wrong.append(WrongAction(cp.name, cp.crn, a))
                used.add(a.index)
    unmatched = tuple(a for a in acts if a.index not in used)
    return Marking(scenario, tuple(results), tuple(wrong), unmatched)
