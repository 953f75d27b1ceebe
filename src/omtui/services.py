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
    """Someone else changed the record since it was read (optimistic locking).

    ``changed_by`` / ``changed_at`` (ISO 8601, UTC) name the last change; ``version`` is the
    version now stored: saving again with ``expected_version=version, keep_mine=True`` is the
    officer's explicit "keep yours".
    """

    def __init__(self, message: str, changed_by: str | None = None,
                 changed_at: str | None = None, version: int | None = None):
        super().__init__(message)
        self.changed_by, self.changed_at, self.version = changed_by, changed_at, version


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

    def get_plan_versioned(self, crn: str) -> tuple[SentencePlan | None, int]:
        """The plan (or None) and its version (0 while none is saved), read together."""

    def save_plan(self, plan: SentencePlan, *, expected_version: int | None = None,
                  keep_mine: bool = False) -> int:
        """Replace the case's sentence plan (audited); returns its new version.

        With ``expected_version`` (the version read), a plan changed since raises
        :class:`ConflictError` and nothing is saved. ``keep_mine=True``: the officer chose to
        save over the version ``expected_version`` names (recorded as such)."""

    def get_induction(self, crn: str) -> InductionRecord | None:
        """The case's induction record, or None if none was saved (raises NotFound)."""

    def get_induction_versioned(self, crn: str) -> tuple[InductionRecord | None, int]:
        """The induction record (or None) and its version (0 while none is saved)."""

    def save_induction(self, record: InductionRecord, *, expected_version: int | None = None,
                       keep_mine: bool = False) -> int:
        """Replace the case's induction record (audited); versions as :meth:`save_plan`."""


class InMemoryStore:
    """A :class:`CaseStore` over a dict: tests, snapshots and training runs."""

    def __init__(self, cases: Iterable[Case] = (), label: str = "in-memory",
                 officer: str = "you") -> None:
        self._cases = {c.crn: c for c in cases}
        self._plans: dict[str, SentencePlan] = {}
        self._inductions: dict[str, InductionRecord] = {}
        #: (kind, crn) -> (version, changed_by, changed_at) of saved plans and inductions
        self._versions: dict[tuple[str, str], tuple[int, str, str]] = {}
        self._lock = threading.Lock()
        self.label = label
        self.officer = officer

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

    def _bump(self, kind: str, what: str, crn: str, changed: bool,
              expected_version: int | None) -> int:
        """Check the version (caller holds the lock) and raise it when something changed."""
        version, by, at = self._versions.get((kind, crn), (0, "", ""))
        if expected_version is not None and expected_version != version:
            raise ConflictError(f"{what} was changed by {by or 'someone'} at {at[11:16]} UTC "
                                "since you opened it: reload, or keep yours", by or None,
                                at or None, version)
        if changed:
            from datetime import datetime, timezone

            version += 1
            self._versions[(kind, crn)] = (version, self.officer,
                                           datetime.now(timezone.utc).isoformat())
        return version

    def get_plan(self, crn: str) -> SentencePlan | None:
        return self.get_plan_versioned(crn)[0]

    def get_plan_versioned(self, crn: str) -> tuple[SentencePlan | None, int]:
        with self._lock:
            self._known(crn)
            return self._plans.get(crn), self._versions.get(("plan", crn), (0,))[0]

    def save_plan(self, plan: SentencePlan, *, expected_version: int | None = None,
                  keep_mine: bool = False) -> int:
        with self._lock:
            self._known(plan.crn)
            version = self._bump("plan", f"the sentence plan of {plan.crn}", plan.crn,
                                 self._plans.get(plan.crn) != plan, expected_version)
            self._plans[plan.crn] = plan
            return version

    def get_induction(self, crn: str) -> InductionRecord | None:
        return self.get_induction_versioned(crn)[0]

    def get_induction_versioned(self, crn: str) -> tuple[InductionRecord | None, int]:
        with self._lock:
            self._known(crn)
            return self._inductions.get(crn), self._versions.get(("induction", crn), (0,))[0]

    def save_induction(self, record: InductionRecord, *, expected_version: int | None = None,
                       keep_mine: bool = False) -> int:
        with self._lock:
            self._known(record.crn)
            version = self._bump("induction", f"the induction of {record.crn}", record.crn,
                                 self._inductions.get(record.crn) != record, expected_version)
            self._inductions[record.crn] = record
            return version
