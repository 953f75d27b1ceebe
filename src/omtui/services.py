"""What the app asks of a store, and an in-memory store for tests and training.

The real store (``omtui.store``) implements :class:`CaseStore` over SQLite or PostgreSQL.
Screens call these methods from thread workers only; every method may block.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol, runtime_checkable

from omtui.domain.case import Case, Event
from omtui.domain.induction import InductionRecord
from omtui.domain.plan import SentencePlan


class StoreError(Exception):
    """A store operation that failed in a way the user should be told about."""


class NotFound(StoreError):
    pass


class ConflictError(StoreError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(self, message: str, changed_by: str | None = None, changed_at: str | None = None):
        super().__init__(message)
        self.changed_by, self.changed_at = changed_by, changed_at


@runtime_checkable
class CaseStore(Protocol):
    """The operations the screens need. Implementations audit every change."""

    def describe(self) -> str:
        """A short label for the status line, e.g. the database file name."""

    def list_cases(self) -> list[Case]:
        """Every case visible to the current officer, ordered by CRN."""

    def get_case(self, crn: str) -> Case:
        """One case with all its events (raises NotFound)."""

    def save_case(self, case: Case) -> None:
        """Insert or replace a case's facts (not its events)."""

    def add_event(self, crn: str, event: Event) -> None:
        """Record one event on a case (a contact, an explanation, a warning...)."""

    def replace_event(self, crn: str, old: Event, new: Event) -> None:
        """Replace one recorded event in place (an appointment's outcome, a court outcome on a
        breach); NotFound when the case has no event equal to ``old``."""

    def get_plan(self, crn: str) -> SentencePlan | None:
        """The case's sentence plan, or None if none was saved (raises NotFound)."""

    def save_plan(self, plan: SentencePlan) -> None:
        """Replace the case's sentence plan (audited)."""

    def get_induction(self, crn: str) -> InductionRecord | None:
        """The case's induction record, or None if none was saved (raises NotFound)."""

    def save_induction(self, record: InductionRecord) -> None:
        """Replace the case's induction record (audited)."""


class InMemoryStore:
    """A :class:`CaseStore` over a dict: tests, snapshots and training runs."""

    def __init__(self, cases: Iterable[Case] = (), label: str = "in-memory") -> None:
        self._cases = {c.crn: c for c in cases}
        self._plans: dict[str, SentencePlan] = {}
        self._inductions: dict[str, InductionRecord] = {}
        self._lock = threading.Lock()
        self.label = label

    def describe(self) -> str:
        return self.label

    def list_cases(self) -> list[Case]:
        with self._lock:
            return [self._cases[k] for k in sorted(self._cases)]

    def get_case(self, crn: str) -> Case:
        with self._lock:
            try:
                return self._cases[crn]
            except KeyError:
                raise NotFound(f"no case {crn}") from None

    def save_case(self, case: Case) -> None:
        with self._lock:
            old = self._cases.get(case.crn)
            self._cases[case.crn] = replace(case, events=old.events) if old else case

    def add_event(self, crn: str, event: Event) -> None:
        with self._lock:
            try:
                case = self._cases[crn]
            except KeyError:
                raise NotFound(f"no case {crn}") from None
            self._cases[crn] = replace(case, events=case.events + (event,))

    def replace_event(self, crn: str, old: Event, new: Event) -> None:
        """Replace one recorded event (recording an appointment's outcome); NotFound if absent."""
        with self._lock:
            case = self._cases.get(crn)
            if case is None:
                raise NotFound(f"no case {crn}")
            events = list(case.events)
            try:
                i = events.index(old)
            except ValueError:
                raise NotFound(f"{crn}: the {old.type.label} of {old.date.isoformat()} is no "
                               "longer recorded") from None
            events[i] = new
            self._cases[crn] = replace(case, events=tuple(events))

    def _known(self, crn: str) -> None:
        if crn not in self._cases:
            raise NotFound(f"no case {crn}")

    def get_plan(self, crn: str) -> SentencePlan | None:
        with self._lock:
            self._known(crn)
            return self._plans.get(crn)

    def save_plan(self, plan: SentencePlan) -> None:
        with self._lock:
            self._known(plan.crn)
            self._plans[plan.crn] = plan

    def get_induction(self, crn: str) -> InductionRecord | None:
        with self._lock:
            self._known(crn)
            return self._inductions.get(crn)

    def save_induction(self, record: InductionRecord) -> None:
        with self._lock:
            self._known(record.crn)
            self._inductions[record.crn] = record
