"""Sentence plans and induction records in the SQL store (mixed into ``SqlStore``).

Storage shape (tables in ``store/tables.py``, migration 0002):

* ``sentence_plans``: one row per case: review date and reason, contact pattern, completed on,
  interim, unknown plan keys (``extra``);
* ``plan_objectives``: one row per objective, in plan order (``position``): ``text`` is the
  objective (``what``), ``need`` its need area, ``target_date`` its ``by_when``, ``status``;
  everything else (id, requirements, risks, owners, measure, review date, notes, unknown keys)
  is kept in ``extra`` exactly as the plan's JSON shape has it;
* ``induction_records``: one row per case: the induction date and who recorded it;
* ``induction_items``: one row per checklist item the officer touched: ``ticked``, ``note`` and
  ``done_on`` (the induction date when the item was first saved ticked).

Saving replaces the case's plan (or induction) with the one given, row by row through the ORM
session, so every insert, update and delete is audited by the session hook
(``omtui.store.audit``) in the same transaction. Objectives are matched by their id, so
editing one objective audits an update of that row only.

Optimistic locking: the plan's version is its ``sentence_plans`` row's ``version`` (0 while no
plan is saved), raised by every save that changes anything in the plan, objectives included;
the induction's is its ``induction_records`` row's. ``get_plan_versioned`` reads a plan and its
version in one transaction; ``save_plan(plan, expected_version=v)`` raises
:class:`~omtui.services.ConflictError` (who changed it and when, and the version now stored)
if the plan is no longer at ``v``; nothing is written. ``keep_mine=True`` is the officer's
explicit choice to save over that newer version: the save still states the version it
overrides (so a third officer's change in between is again a conflict) and the audit trail
records a ``keep_mine`` row naming whose change was overridden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from omtui.domain.induction import InductionRecord, ItemEntry, record_from_dict
from omtui.domain.plan import (
    SentencePlan,
    objective_to_dict,
    plan_from_dict,
    plan_to_dict,
)
from omtui.services import ConflictError, NotFound, StoreError
from omtui.store import audit
from omtui.store.tables import (
    CaseRow,
    InductionItemRow,
    InductionRecordRow,
    PlanObjectiveRow,
    SentencePlanRow,
)

T = TypeVar("T")

#: The tables of a plan and of an induction record (the first holds the version).
_PLAN_TABLES = ("sentence_plans", "plan_objectives")
_INDUCTION_TABLES = ("induction_records", "induction_items")

#: Objective keys kept in their own columns (the rest go to ``extra``).
_COLUMN_KEYS = {"what": "text", "need_area": "need", "by_when": "target_date", "status": "status"}


class InvalidPlan(StoreError):
    """A plan or induction record that would not read back; every problem is listed."""

    def __init__(self, what: str, problems: list[str]):
        self.problems = problems
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{what} not saved: " + "; ".join(problems[:3]) + more)


def _case_id(s: Session, crn: str, lock: bool = False) -> int:
    query = sa.select(CaseRow.id).where(CaseRow.crn == crn).order_by(CaseRow.id)
    if lock:              # PostgreSQL: two saves of one case's plan take turns on the case row
        query = query.with_for_update()
    case_id = s.execute(query).scalar_one_or_none()
    if case_id is None:
        raise NotFound(f"no case {crn}")
    return case_id


def _raise_version(s: Session, head: Any, created: bool) -> int:
    """The head row's version after this save: the audit hook raises it when the head row
    itself changed; when only objectives (items) changed it is raised here, as bookkeeping
    (not an audit row of its own: the changed rows are audited)."""
    others = bool(s.new or s.deleted or any(s.is_modified(o) for o in s.dirty if o is not head))
    head_changed = s.is_modified(head)
    s.flush()
    if created or head_changed or not others:
        return head.version
    table = type(head).__table__
    s.execute(sa.update(table).where(table.c.id == head.id).values(version=head.version + 1))
    return head.version + 1


def _objective_extra(obj_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj_dict.items() if k not in _COLUMN_KEYS}


def _objective_raw(row: PlanObjectiveRow) -> dict[str, Any]:
    raw = dict(row.extra or {})
    raw.update({"what": row.text, "need_area": row.need, "status": row.status,
                "by_when": row.target_date.isoformat() if row.target_date else None})
    return raw


def _set(row: Any, values: dict[str, Any]) -> None:
    """Assign only what changed, so the audit records real changes only."""
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)


class PlanStoreMixin:
    """``get_plan`` / ``save_plan`` / ``get_induction`` / ``save_induction`` for ``SqlStore``.

    Relies on ``SqlStore.reading()`` (a read session) and ``SqlStore.writing(work)`` (one
    audited write transaction with retries on a busy database).
    """

    reading: Callable[..., Any]
    writing: Callable[..., Any]
    officer: str

    def _check_open(self, crns: Any) -> None:
        """Refuse a read the officer may not make (``OfficeStore`` overrides this)."""

    def _versioned_conflict(self, s: Session, crn: str, what: str, tables: tuple[str, ...],
                            version: int) -> ConflictError:
        """Who changed ``tables`` of ``crn`` last (from the audit trail) and when."""
        AUDIT = audit.AUDIT
        last = s.execute(sa.select(AUDIT.c.officer, AUDIT.c.at).where(
            AUDIT.c.crn == crn, AUDIT.c.table_name.in_(tables),
            AUDIT.c.action.not_in(("read", "lookup"))).order_by(AUDIT.c.seq.desc())
            .limit(1)).first()
        who, when = (last.officer, last.at) if last else (None, None)
        hhmm = when[11:16] if when else "?"
        return ConflictError(f"{what} was changed by {who or 'someone'} at {hhmm} UTC since "
                             "you opened it: reload, or keep yours", who, when, version)

    def _check_version(self, s: Session, crn: str, what: str, tables: tuple[str, ...],
                       stored: int, expected: int | None, keep_mine: bool) -> None:
        if expected is None or stored == expected:
            if keep_mine and expected is not None:
                conflict = self._versioned_conflict(s, crn, what, tables, stored)
                audit.append(s.connection(), [audit.Change(
                    "keep_mine", tables[0], crn, crn,
                    {"version": stored, "changed_by": conflict.changed_by,
                     "changed_at": conflict.changed_at},
                    {"kept": self.officer})], self.officer)
            return
        raise self._versioned_conflict(s, crn, what, tables, stored)

    # -- sentence plan -------------------------------------------------------------------------
    def get_plan(self, crn: str) -> SentencePlan | None:
        """The case's sentence plan, or None if none was saved (raises NotFound for no case)."""
        return self._plan_and_version(crn)[0]

    def get_plan_versioned(self, crn: str) -> tuple[SentencePlan | None, int]:
        """The plan (or None) and its version (0: none saved), read in one transaction."""
        self._check_open([crn])
        return self._plan_and_version(crn)

    def _plan_and_version(self, crn: str) -> tuple[SentencePlan | None, int]:
        with self.reading() as s:
            case_id = _case_id(s, crn)
            head = s.execute(sa.select(SentencePlanRow).where(SentencePlanRow.case_id == case_id)
                             .order_by(SentencePlanRow.id)).scalar_one_or_none()
            rows = list(s.execute(sa.select(PlanObjectiveRow)
                                  .where(PlanObjectiveRow.case_id == case_id)
                                  .order_by(PlanObjectiveRow.position, PlanObjectiveRow.id))
                        .scalars())
        version = head.version if head is not None else 0
        if head is None and not rows:
            return None, version
        raw: dict[str, Any] = dict(head.extra or {}) if head is not None else {}
        raw.update({"format": "omtui-plan", "version": 1, "crn": crn,
                    "objectives": [_objective_raw(r) for r in rows]})
        if head is not None:
            raw.update({
                "review_date": head.review_date.isoformat() if head.review_date else None,
                "review_reason": head.review_reason or "",
                "contact_pattern": head.contact_pattern or "",
                "completed_on": head.completed_on.isoformat() if head.completed_on else None,
                "interim": bool(head.interim)})
        plan, problems = plan_from_dict(raw)
        if plan is None:
            raise StoreError(f"the stored plan of {crn} cannot be read: {problems[0]}")
        return plan, version

    def save_plan(self, plan: SentencePlan, *, expected_version: int | None = None,
                  keep_mine: bool = False) -> int:
        """Replace the case's plan with ``plan`` (audited; objectives matched by id).

        ``expected_version``: the version read with the plan (``get_plan_versioned``); if the
        plan changed since, :class:`ConflictError` and nothing is written. ``keep_mine``: the
        officer chose to save over the version named by ``expected_version`` (audited).
        Returns the plan's version after the save.
        """
        data = plan_to_dict(plan)
        checked, problems = plan_from_dict(data)
        if checked is None:
            raise InvalidPlan(f"the plan of {plan.crn}", problems)

        def work(s: Session) -> int:
            case_id = _case_id(s, plan.crn, lock=True)
            head = s.execute(sa.select(SentencePlanRow).where(SentencePlanRow.case_id == case_id)
                             .order_by(SentencePlanRow.id)).scalar_one_or_none()
            self._check_version(s, plan.crn, f"the sentence plan of {plan.crn}", _PLAN_TABLES,
                                head.version if head is not None else 0, expected_version,
                                keep_mine)
            extra = {k: v for k, v in data.items()
                     if k not in ("format", "version", "crn", "objectives", "review_date",
                                  "review_reason", "contact_pattern", "completed_on", "interim")}
            values = {"review_date": plan.review_date, "review_reason": plan.review_reason or None,
                      "contact_pattern": plan.contact_pattern or None,
                      "completed_on": plan.completed_on, "interim": plan.interim,
                      "extra": extra or None}
            created = head is None
            if head is None:
                head = SentencePlanRow(case_id=case_id, **values)
                s.add(head)
            else:
                _set(head, values)
            existing = list(s.execute(sa.select(PlanObjectiveRow)
                                      .where(PlanObjectiveRow.case_id == case_id)
                                      .order_by(PlanObjectiveRow.position, PlanObjectiveRow.id))
                            .scalars())
            by_id: dict[str, PlanObjectiveRow] = {}
            for row in existing:
                oid = (row.extra or {}).get("id")
                if isinstance(oid, str) and oid not in by_id:
                    by_id[oid] = row
                else:
                    s.delete(row)                  # a duplicate or id-less row: not ours
            for position, obj in enumerate(plan.objectives):
                od = objective_to_dict(obj)
                values = {"position": position, "text": obj.what, "need": obj.need_area,
                          "target_date": obj.by_when, "status": obj.status.value,
                          "extra": _objective_extra(od)}
                row = by_id.pop(obj.id, None)
                if row is None:
                    s.add(PlanObjectiveRow(case_id=case_id, **values))
                else:
                    _set(row, values)
            for row in by_id.values():
                s.delete(row)
            return _raise_version(s, head, created)

        return self.writing(work)

    # -- induction -----------------------------------------------------------------------------
    def get_induction(self, crn: str) -> InductionRecord | None:
        """The case's induction record, or None if none was saved (NotFound for no case)."""
        return self._induction_and_version(crn)[0]

    def get_induction_versioned(self, crn: str) -> tuple[InductionRecord | None, int]:
        """The induction record (or None) and its version (0: none saved), one transaction."""
        self._check_open([crn])
        return self._induction_and_version(crn)

    def _induction_and_version(self, crn: str) -> tuple[InductionRecord | None, int]:
        with self.reading() as s:
            case_id = _case_id(s, crn)
            head = s.execute(sa.select(InductionRecordRow)
                             .where(InductionRecordRow.case_id == case_id)
                             .order_by(InductionRecordRow.id)).scalar_one_or_none()
            items = list(s.execute(sa.select(InductionItemRow)
                                   .where(InductionItemRow.case_id == case_id)
                                   .order_by(InductionItemRow.item_key)).scalars())
        version = head.version if head is not None else 0
        if head is None and not items:
            return None, version
        return InductionRecord(
            crn=crn, entries={i.item_key: ItemEntry(bool(i.ticked), i.note or "") for i in items},
            date_recorded=head.date_recorded if head is not None else None,
            recorded_by=head.recorded_by if head is not None else None), version

    def save_induction(self, record: InductionRecord, *, expected_version: int | None = None,
                       keep_mine: bool = False) -> int:
        """Replace the case's induction record with ``record`` (audited, item by item).

        ``expected_version`` / ``keep_mine`` as in :meth:`save_plan`; returns the version.
        """
        checked, problems = record_from_dict(record.to_dict())
        if checked is None:
            raise InvalidPlan(f"the induction of {record.crn}", problems)

        def work(s: Session) -> int:
            case_id = _case_id(s, record.crn, lock=True)
            head = s.execute(sa.select(InductionRecordRow)
                             .where(InductionRecordRow.case_id == case_id)
                             .order_by(InductionRecordRow.id)).scalar_one_or_none()
            self._check_version(s, record.crn, f"the induction of {record.crn}",
                                _INDUCTION_TABLES, head.version if head is not None else 0,
                                expected_version, keep_mine)
            values = {"date_recorded": record.date_recorded, "recorded_by": record.recorded_by}
            created = head is None
            if head is None:
                head = InductionRecordRow(case_id=case_id, **values)
                s.add(head)
            else:
                _set(head, values)
            existing = {r.item_key: r for r in s.execute(
                sa.select(InductionItemRow).where(InductionItemRow.case_id == case_id)
                .order_by(InductionItemRow.item_key)).scalars()}
            for key in sorted(record.entries):
                entry = record.entries[key]
                row = existing.pop(key, None)
                if row is None:
                    s.add(InductionItemRow(case_id=case_id, item_key=key, ticked=entry.ticked,
                                           note=entry.note or None,
                                           done_on=record.date_recorded if entry.ticked else None))
                    continue
                done_on = row.done_on if row.ticked and entry.ticked else (
                    record.date_recorded if entry.ticked else None)
                if entry.ticked and done_on is None:
                    done_on = record.date_recorded
                _set(row, {"ticked": entry.ticked, "note": entry.note or None, "done_on": done_on})
            for row in existing.values():
                s.delete(row)
            return _raise_version(s, head, created)

        return self.writing(work)


__all__ = ["PlanStoreMixin", "InvalidPlan"]
