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
from omtui.services import NotFound, StoreError
from omtui.store.tables import (
    CaseRow,
    InductionItemRow,
    InductionRecordRow,
    PlanObjectiveRow,
    SentencePlanRow,
)

T = TypeVar("T")

#: Objective keys kept in their own columns (the rest go to ``extra``).
_COLUMN_KEYS = {"what": "text", "need_area": "need", "by_when": "target_date", "status": "status"}


class InvalidPlan(StoreError):
    """A plan or induction record that would not read back; every problem is listed."""

    def __init__(self, what: str, problems: list[str]):
        self.problems = problems
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{what} not saved: " + "; ".join(problems[:3]) + more)


def _case_id(s: Session, crn: str) -> int:
    case_id = s.execute(sa.select(CaseRow.id).where(CaseRow.crn == crn)
                        .order_by(CaseRow.id)).scalar_one_or_none()
    if case_id is None:
        raise NotFound(f"no case {crn}")
    return case_id


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

    # -- sentence plan -------------------------------------------------------------------------
    def get_plan(self, crn: str) -> SentencePlan | None:
        """The case's sentence plan, or None if none was saved (raises NotFound for no case)."""
        with self.reading() as s:
            case_id = _case_id(s, crn)
            head = s.execute(sa.select(SentencePlanRow).where(SentencePlanRow.case_id == case_id)
                             .order_by(SentencePlanRow.id)).scalar_one_or_none()
            rows = list(s.execute(sa.select(PlanObjectiveRow)
                                  .where(PlanObjectiveRow.case_id == case_id)
                                  .order_by(PlanObjectiveRow.position, PlanObjectiveRow.id))
                        .scalars())
        if head is None and not rows:
            return None
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
        return plan

    def save_plan(self, plan: SentencePlan) -> None:
        """Replace the case's plan with ``plan`` (audited; objectives matched by id)."""
        data = plan_to_dict(plan)
        checked, problems = plan_from_dict(data)
        if checked is None:
            raise InvalidPlan(f"the plan of {plan.crn}", problems)

        def work(s: Session) -> None:
            case_id = _case_id(s, plan.crn)
            head = s.execute(sa.select(SentencePlanRow).where(SentencePlanRow.case_id == case_id)
                             .order_by(SentencePlanRow.id)).scalar_one_or_none()
            extra = {k: v for k, v in data.items()
                     if k not in ("format", "version", "crn", "objectives", "review_date",
                                  "review_reason", "contact_pattern", "completed_on", "interim")}
            values = {"review_date": plan.review_date, "review_reason": plan.review_reason or None,
                      "contact_pattern": plan.contact_pattern or None,
                      "completed_on": plan.completed_on, "interim": plan.interim,
                      "extra": extra or None}
            if head is None:
                s.add(SentencePlanRow(case_id=case_id, **values))
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

        self.writing(work)

    # -- induction -----------------------------------------------------------------------------
    def get_induction(self, crn: str) -> InductionRecord | None:
        """The case's induction record, or None if none was saved (NotFound for no case)."""
        with self.reading() as s:
            case_id = _case_id(s, crn)
            head = s.execute(sa.select(InductionRecordRow)
                             .where(InductionRecordRow.case_id == case_id)
                             .order_by(InductionRecordRow.id)).scalar_one_or_none()
            items = list(s.execute(sa.select(InductionItemRow)
                                   .where(InductionItemRow.case_id == case_id)
                                   .order_by(InductionItemRow.item_key)).scalars())
        if head is None and not items:
            return None
        return InductionRecord(
            crn=crn, entries={i.item_key: ItemEntry(bool(i.ticked), i.note or "") for i in items},
            date_recorded=head.date_recorded if head is not None else None,
            recorded_by=head.recorded_by if head is not None else None)

    def save_induction(self, record: InductionRecord) -> None:
        """Replace the case's induction record with ``record`` (audited, item by item)."""
        checked, problems = record_from_dict(record.to_dict())
        if checked is None:
            raise InvalidPlan(f"the induction of {record.crn}", problems)

        def work(s: Session) -> None:
            case_id = _case_id(s, record.crn)
            head = s.execute(sa.select(InductionRecordRow)
                             .where(InductionRecordRow.case_id == case_id)
                             .order_by(InductionRecordRow.id)).scalar_one_or_none()
            values = {"date_recorded": record.date_recorded, "recorded_by": record.recorded_by}
            if head is None:
                s.add(InductionRecordRow(case_id=case_id, **values))
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

        self.writing(work)


__all__ = ["PlanStoreMixin", "InvalidPlan"]
