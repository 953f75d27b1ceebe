"""Sentence plans and induction records in the SQL store: exact round trips, audited changes,
and the same behaviour from the in-memory store the screens are tested with."""

from __future__ import annotations

from datetime import date

import pytest

from omtui.domain.case import Requirement
from omtui.domain.induction import InductionRecord, ItemEntry
from omtui.domain.plan import Objective, ObjectiveStatus, SentencePlan, PERSON
from omtui.services import CaseStore, InMemoryStore, NotFound
from omtui.store.plans import InvalidPlan

from tests.store.conftest import cli, make_case


def _plan(crn: str = "A123456") -> SentencePlan:
    return SentencePlan(
        crn=crn,
        objectives=(
            Objective("obj-1", "Complete [bold]unpaid[/bold] work", need_area="ete",
                      requirements=(Requirement.SUPERVISION,), who=(PERSON, "UPW supervisor"),
                      by_when=date(2027, 3, 1), measure="Hours on the UPW record",
                      status=ObjectiveStatus.IN_PROGRESS, notes="Ваня — 王小明",
                      extra={"custom": {"kept": [1, 2]}}),
            Objective("obj-2", "Keep away from the victim's address", risks=("DA to ex-partner",),
                      risk_management=True, who=("OM",), review_date=date(2027, 1, 5)),
        ),
        review_date=date(2027, 3, 23), review_reason="4 months after sentence (NS 2e.5)",
        contact_pattern="Weekly while RoSH is high", completed_on=date(2026, 11, 20),
        interim=True, extra={"office_field": "x"})


@pytest.fixture
def sql(store):
    store.save_case(make_case())
    return store


@pytest.fixture
def memory():
    return InMemoryStore([make_case()])


@pytest.fixture(params=["sql", "memory"])
def any_store(request, sql, memory):
    return sql if request.param == "sql" else memory


def test_both_stores_satisfy_the_protocol(sql, memory):
    assert isinstance(sql, CaseStore) and isinstance(memory, CaseStore)


def test_no_plan_or_induction_yet_is_none_and_unknown_case_is_not_found(any_store):
    assert any_store.get_plan("A123456") is None
    assert any_store.get_induction("A123456") is None
    with pytest.raises(NotFound):
        any_store.get_plan("B999999")
    with pytest.raises(NotFound):
        any_store.save_induction(InductionRecord("B999999"))


def test_plan_round_trip_is_exact(any_store):
    plan = _plan()
    any_store.save_plan(plan)
    assert any_store.get_plan("A123456") == plan


def test_editing_removing_and_reordering_objectives(any_store):
    plan = _plan()
    any_store.save_plan(plan)
    edited = plan.with_objective(Objective("obj-2", "Changed", who=(PERSON,)))
    edited = edited.with_objective(Objective("obj-3", "New one", need_area="finance"))
    edited = edited.without_objective("obj-1")
    any_store.save_plan(edited)
    got = any_store.get_plan("A123456")
    assert got == edited
    assert [o.id for o in got.objectives] == ["obj-2", "obj-3"]


def test_plan_changes_are_audited_row_by_row(sql):
    sql.save_plan(_plan())
    first = sql.audit_history("A123456")
    inserts = [(e.table_name, e.action) for e in first if e.table_name in
               ("sentence_plans", "plan_objectives")]
    assert inserts == [("sentence_plans", "insert"), ("plan_objectives", "insert"),
                       ("plan_objectives", "insert")]
    assert [e.new["text"] for e in first if e.table_name == "plan_objectives"] == [
        "Complete [bold]unpaid[/bold] work", "Keep away from the victim's address"]
    plan = sql.get_plan("A123456")
    sql.save_plan(plan.with_objective(Objective("obj-2", "Keep away (edited)",
                                                risks=("DA to ex-partner",),
                                                risk_management=True, who=("OM",),
                                                review_date=date(2027, 1, 5))))
    after = sql.audit_history("A123456")[len(first):]
    assert [(e.table_name, e.action) for e in after] == [("plan_objectives", "update")]
    assert after[0].old == {"text": "Keep away from the victim's address", "version": 1}
    assert after[0].new == {"text": "Keep away (edited)", "version": 2}
    assert after[0].officer == "tester"
    sql.save_plan(sql.get_plan("A123456").without_objective("obj-1"))
    last = sql.audit_history("A123456")[-1]
    assert (last.table_name, last.action) == ("plan_objectives", "delete")
    assert last.old["text"] == "Complete [bold]unpaid[/bold] work"
    assert sql.verify_audit().ok


def test_saving_the_same_plan_again_changes_nothing(sql):
    sql.save_plan(_plan())
    before = len(sql.audit_history("A123456"))
    sql.save_plan(sql.get_plan("A123456"))
    assert len(sql.audit_history("A123456")) == before


def test_a_plan_that_would_not_read_back_is_refused_and_nothing_is_written(sql):
    bad = SentencePlan("A123456", objectives=(Objective("obj-1", ""),))
    with pytest.raises(InvalidPlan, match="what: is empty"):
        sql.save_plan(bad)
    assert sql.get_plan("A123456") is None


def test_induction_round_trip_and_audit(any_store):
    record = InductionRecord(
        "A123456",
        entries={"rights-and-complaints": ItemEntry(True, "Leaflet given [link=x]"),
                 "barrier-childcare": ItemEntry(False, "Asked; none"),
                 "no-longer-in-checklist": ItemEntry(True, "")},
        date_recorded=date(2026, 11, 20), recorded_by="tester")
    any_store.save_induction(record)
    assert any_store.get_induction("A123456") == record
    changed = record.toggled("barrier-childcare").with_note("rights-and-complaints", "")
    changed = InductionRecord(changed.crn, {k: v for k, v in changed.entries.items()
                                            if k != "no-longer-in-checklist"},
                              changed.date_recorded, changed.recorded_by)
    any_store.save_induction(changed)
    assert any_store.get_induction("A123456") == changed


def test_induction_audit_names_the_items(sql):
    sql.save_induction(InductionRecord("A123456", {"what-to-expect": ItemEntry(True, "ok")},
                                       date(2026, 11, 20), "tester"))
    entries = [e for e in sql.audit_history("A123456")
               if e.table_name in ("induction_records", "induction_items")]
    assert {e.table_name for e in entries} == {"induction_records", "induction_items"}
    item = next(e for e in entries if e.table_name == "induction_items")
    assert item.new["item_key"] == "what-to-expect" and item.new["ticked"] is True
    assert item.new["done_on"] == "2026-11-20"
    sql.save_induction(InductionRecord("A123456", {"what-to-expect": ItemEntry(False, "ok")},
                                       date(2026, 11, 20), "tester"))
    last = sql.audit_history("A123456")[-1]
    assert last.action == "update" and last.new["ticked"] is False and last.new["done_on"] is None
    assert sql.verify_audit().ok


def test_plans_survive_reopening_the_file(db_path):
    from omtui.store import open_store

    s = open_store(db_path, officer="tester")
    s.save_case(make_case())
    s.save_plan(_plan())
    s.close()
    again = open_store(db_path, officer="someone")
    try:
        assert again.get_plan("A123456") == _plan()
    finally:
        again.close()


def test_cli_plan_export_reads_the_stored_plan(sql, db_path, tmp_path):
    sql.save_plan(_plan())
    out = tmp_path / "out"
    out.mkdir()
    result = cli("--db", str(db_path), "--today", "2026-11-23", "plan", "export", "A123456",
                 "--out", str(out), "--format", "md")
    assert result.exit_code == 0, result.stderr
    md = (out / "A123456-plan.md").read_text(encoding="utf-8")
    assert "Keep away from the victim's address" in md
    assert "Hours on the UPW record" in md
