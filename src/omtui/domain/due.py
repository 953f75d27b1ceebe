"""Due items: what must happen, by when, under which rule, and how we know.

Produced by the rules engine, the contact schedule and the enforcement functions; shown by the
CLI and the app. Every due item carries the trace that explains its date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from enum import StrEnum

from omtui.domain.calendar import Trace, WorkingCalendar
from omtui.domain.records import fast_frozen_init

#: "Due soon" means due within this many working days of today (caseload warning colour).
DUE_SOON_WORKING_DAYS = 2


class Status(StrEnum):
    DONE = "done"
    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _LABELS[self._value_]

    @property
    def symbol(self) -> str:
        """Meaning never by colour alone: a symbol that reads in monochrome."""
        return _SYMBOLS[self._value_]

    @property
    def urgency(self) -> int:
        """Sort key: overdue first, then due soon, due, done."""
        return _URGENCY[self]


_URGENCY = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}   # Status is a str: keys match
_LABELS = {"done": "done", "due": "due", "due_soon": "due soon", "overdue": "OVERDUE"}
_SYMBOLS = {"done": "✓", "due": "·", "due_soon": "!", "overdue": "✗"}


def status_for(due: date, done_on: date | None, today: date, calendar: WorkingCalendar,
               soon: int = DUE_SOON_WORKING_DAYS) -> Status:
    """The status of a deadline as of ``today``."""
    if done_on is not None and done_on <= today:
        return Status.DONE
    if today > due:
        return Status.OVERDUE
    if calendar.working_days_between(today, due) <= soon:
        return Status.DUE_SOON
    return Status.DUE


@dataclass(frozen=True)
class DueItem:
    crn: str
    rule: str                      # stable id, e.g. "ns-2b3-plan-tier4"
    title: str
    source: str                    # section cited, e.g. "NS 2b.3"
    day0: date
    day0_label: str                # what day 0 was, e.g. "sentence"
    due: date
    status: Status
    trace: Trace                   # or a zero-argument callable making it (made on first use)
    satisfied_by: str              # what will satisfy it, in words
    done_on: date | None = None
    late_by: int | None = None     # working days late, when done after the due date
    kind: str = "rule"             # rule | contact | enforcement
    notes: tuple[str, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.status is not Status.DONE

    def sort_key(self) -> tuple[int, date, str]:
        return (_URGENCY[self.status], self.due, self.rule)

    def explanation_lines(self) -> list[str]:
        lines = [f"{self.title} [{self.rule}]", f"source: {self.source}",
                 f"day 0: {self.day0.isoformat()} ({self.day0_label})"]
        lines += self.trace.lines()
        lines.append(f"satisfied by: {self.satisfied_by}")
        if self.done_on:
            late = f", {self.late_by} working day(s) late" if self.late_by else ""
            lines.append(f"done: {self.done_on.isoformat()}{late}")
        lines += [f"note: {n}" for n in self.notes]
        return lines

    def __getstate__(self) -> dict[str, object]:
        self.trace                      # a deferred trace is made before pickling or copying
        return self.__dict__.copy()

    def to_dict(self) -> dict[str, object]:
        return {
            "crn": self.crn,
            "rule": self.rule,
            "title": self.title,
            "source": self.source,
            "day0": self.day0.isoformat(),
            "day0_event": self.day0_label,
            "due": self.due.isoformat(),
            "status": self.status.value,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "late_by": self.late_by,
            "kind": self.kind,
            "satisfied_by": self.satisfied_by,
            "notes": list(self.notes),
            "explanation": self.trace.to_dict(),
        }


class _DeferredTrace:
    """``DueItem.trace``: a :class:`Trace`, or a zero-argument callable that makes it, called
    on first access and kept. A due list needs the due date, not the day-by-day trace; the
    trace is made when an item is explained or written as JSON."""

    __slots__ = ()

    def __get__(self, obj: DueItem | None, objtype: type | None = None) -> Trace:
        if obj is None:
            return self  # type: ignore[return-value]
        found = obj.__dict__["trace"]
        if not isinstance(found, Trace) and callable(found):
            found = obj.__dict__["trace"] = found()
        return found

    def __set__(self, obj: DueItem, value: Trace) -> None:   # the dataclass __init__ only
        obj.__dict__["trace"] = value


DueItem.trace = _DeferredTrace()  # type: ignore[assignment]


fast_frozen_init(DueItem)
_set_dict = object.__setattr__
_new = object.__new__


def new_item(crn: str, rule: str, title: str, source: str, day0: date, day0_label: str,
             due: date, status: Status, trace: Trace | Callable[[], Trace], satisfied_by: str,
             done_on: date | None, late_by: int | None, kind: str,
             notes: tuple[str, ...]) -> DueItem:
    """``DueItem(...)`` with every field given in order, for the engine's hot paths (no
    keyword matching, no __init__ call)."""
    item = _new(DueItem)
    _set_dict(item, "__dict__", {
        "crn": crn, "rule": rule, "title": title, "source": source, "day0": day0,
        "day0_label": day0_label, "due": due, "status": status, "trace": trace,
        "satisfied_by": satisfied_by, "done_on": done_on, "late_by": late_by, "kind": kind,
        "notes": notes})
    return item


if tuple((f.name, f.default) for f in fields(DueItem)) != (
        ("crn", MISSING), ("rule", MISSING), ("title", MISSING), ("source", MISSING),
        ("day0", MISSING), ("day0_label", MISSING), ("due", MISSING), ("status", MISSING),
        ("trace", MISSING), ("satisfied_by", MISSING), ("done_on", None), ("late_by", None),
        ("kind", "rule"), ("notes", ())):      # pragma: no cover - a field was changed
    raise RuntimeError("DueItem's fields changed: update due.new_item to match")
