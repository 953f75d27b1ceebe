"""Two officers editing one case's sentence plan or induction record: optimistic locking with
real connections (two stores, each with its own engine) on a SQLite file and on a real
PostgreSQL server. The second save is refused naming who changed it and when; nothing is
overwritten until the officer explicitly keeps theirs, which the audit trail records."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from omtui.domain.case import ContactOutcome, Event, EventType
from omtui.domain.induction import InductionRecord, ItemEntry
from omtui.domain.plan import Objective, SentencePlan
from omtui.services import ConflictError, InMemoryStore, NotFound
from omtui.store import open_store
from tests.store.conftest import make_case

CRN = "C000001"


def _plan(*whats: str) -> SentencePlan:
    return SentencePlan(CRN, objectives=tuple(
        Objective(f"obj-{i}", w, need_area="accommodation", by_when=date(2027, 3, 1))
        for i, w in enumerate(whats, start=1)))


@pytest.fixture
def two(store_url):
    """Ann's and Mo's stores: two engines, two connections, one database."""
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case(CRN, om="Ann Smith")])
    ann, mo = open_store(store_url, officer="ann"), open_store(store_url, officer="mo")
    yield ann, mo
    ann.close()
    mo.close()


def test_a_plan_changed_since_it_was_read_is_not_overwritten(two):
    ann, mo = two
    ann.save_plan(_plan("Find settled housing"))
    plan_a, v_a = ann.get_plan_versioned(CRN)
    plan_m, v_m = mo.get_plan_versioned(CRN)
    assert v_a == v_m >= 1
    new_v = ann.save_plan(plan_a.with_objective(Objective("obj-2", "Ann's objective")),
                          expected_version=v_a)
    assert new_v > v_a
    with pytest.raises(ConflictError) as err:
        mo.save_plan(plan_m.with_objective(Objective("obj-2", "Mo's objective")),
                     expected_version=v_m)
    conflict = err.value
    assert conflict.changed_by == "ann"
    assert f"changed by ann at {conflict.changed_at[11:16]} UTC" in str(conflict)
    assert conflict.version == new_v
    # Nothing of Mo's was written: Ann's objective stands.
    assert [o.what for o in mo.get_plan(CRN).objectives] == ["Find settled housing",
                                                            "Ann's objective"]


def test_editing_one_objective_raises_the_plan_version(two):
    ann, mo = two
    v1 = ann.save_plan(_plan("Find settled housing", "Stop drinking"))
    plan, v = mo.get_plan_versioned(CRN)
    assert v == v1
    v2 = mo.save_plan(plan.with_objective(Objective("obj-2", "Cut down drinking")),
                      expected_version=v)
    assert v2 == v1 + 1 == ann.get_plan_versioned(CRN)[1]
    # A save that changes nothing leaves the version alone.
    assert mo.save_plan(mo.get_plan(CRN), expected_version=v2) == v2


def test_two_officers_starting_a_plan_at_once_the_second_is_told(two):
    ann, mo = two
    assert ann.get_plan_versioned(CRN) == (None, 0)
    assert mo.get_plan_versioned(CRN) == (None, 0)
    ann.save_plan(_plan("Ann's first objective"), expected_version=0)
    with pytest.raises(ConflictError) as err:
        mo.save_plan(_plan("Mo's first objective"), expected_version=0)
    assert err.value.changed_by == "ann"
    assert mo.get_plan(CRN).objectives[0].what == "Ann's first objective"


def test_keep_yours_saves_over_the_newer_version_and_is_audited_as_such(two):
    ann, mo = two
    ann.save_plan(_plan("Original"))
    _, v = mo.get_plan_versioned(CRN)
    ann.save_plan(_plan("Ann's edit"), expected_version=v)
    with pytest.raises(ConflictError) as err:
        mo.save_plan(_plan("Mo's edit"), expected_version=v)
    mo.save_plan(_plan("Mo's edit"), expected_version=err.value.version, keep_mine=True)
    assert ann.get_plan(CRN).objectives[0].what == "Mo's edit"
    history = ann.audit_history(CRN)
    kept = [e for e in history if e.action == "keep_mine"]
    assert len(kept) == 1
    assert kept[0].officer == "mo"
    assert kept[0].table_name == "sentence_plans"
    assert kept[0].old["changed_by"] == "ann"
    assert kept[0].old["changed_at"] == err.value.changed_at
    # Ann's overridden edit is still in the audit trail.
    assert any(e.officer == "ann" and (e.new or {}).get("text") == "Ann's edit"
               for e in history)
    assert ann.verify_audit().ok


def test_keep_yours_against_a_version_that_moved_on_again_is_a_new_conflict(two):
    ann, mo = two
    ann.save_plan(_plan("Original"))
    _, v = mo.get_plan_versioned(CRN)
    ann.save_plan(_plan("Ann's edit"), expected_version=v)
    with pytest.raises(ConflictError) as err:
        mo.save_plan(_plan("Mo's edit"), expected_version=v)
    ann.save_plan(_plan("Ann again"))                 # while Mo was deciding
    with pytest.raises(ConflictError):
        mo.save_plan(_plan("Mo's edit"), expected_version=err.value.version, keep_mine=True)
    assert mo.get_plan(CRN).objectives[0].what == "Ann again"
    assert not [e for e in mo.audit_history(CRN) if e.action == "keep_mine"]


def test_racing_plan_saves_on_one_version_exactly_one_wins(store_url):
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case(CRN)])
        s.save_plan(_plan("Original"))
        _, version = s.get_plan_versioned(CRN)
    stores = [open_store(store_url, officer=f"officer{i}") for i in range(4)]
    results: list[str] = []
    barrier = threading.Barrier(len(stores))

    def save(i: int) -> None:
        barrier.wait()
        try:
            stores[i].save_plan(_plan(f"Edit {i}"), expected_version=version)
            results.append(f"saved {i}")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(stores))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        winners = [r for r in results if r.startswith("saved")]
        assert len(winners) == 1 and results.count("conflict") == len(stores) - 1
        assert stores[0].get_plan(CRN).objectives[0].what == f"Edit {winners[0][-1]}"
    finally:
        for s in stores:
            s.close()


def test_an_induction_changed_since_it_was_read_is_not_overwritten(two):
    ann, mo = two
    rec_a, v_a = ann.get_induction_versioned(CRN)
    rec_m, v_m = mo.get_induction_versioned(CRN)
    assert rec_a is rec_m is None and v_a == v_m == 0
    ann_rec = InductionRecord(CRN, {"what-to-expect": ItemEntry(True, "Ann")},
                              date(2026, 11, 20), "ann")
    v1 = ann.save_induction(ann_rec, expected_version=0)
    mo_rec = InductionRecord(CRN, {"what-to-expect": ItemEntry(True, "Mo")},
                             date(2026, 11, 21), "mo")
    with pytest.raises(ConflictError) as err:
        mo.save_induction(mo_rec, expected_version=0)
    assert (err.value.changed_by, err.value.version) == ("ann", v1)
    assert "the induction of C000001 was changed by ann" in str(err.value)
    assert mo.get_induction(CRN) == ann_rec
    # Ticking one more item raises the record's version.
    v2 = ann.save_induction(ann_rec.toggled("rights-and-complaints"), expected_version=v1)
    assert v2 == v1 + 1
    mo.save_induction(mo_rec, expected_version=v2, keep_mine=True)
    assert ann.get_induction(CRN) == mo_rec
    kept = [e for e in ann.audit_history(CRN) if e.action == "keep_mine"]
    assert [(k.officer, k.table_name, k.old["changed_by"]) for k in kept] == [
        ("mo", "induction_records", "ann")]


def test_recording_an_outcome_someone_else_already_changed_overwrites_nothing(two):
    """replace_event swaps a row only while it is exactly what the officer read."""
    ann, mo = two
    appt = Event(EventType.CONTACT, date(2026, 11, 25), note="Arranged")
    ann.add_event(CRN, appt)
    ann_done = Event(EventType.CONTACT, date(2026, 11, 25), ContactOutcome.ATTENDED,
                     note="Ann's note")
    mo_done = Event(EventType.CONTACT, date(2026, 11, 25), ContactOutcome.ATTENDED,
                    note="Mo's note")
    ann.replace_event(CRN, appt, ann_done)
    with pytest.raises(NotFound, match="no longer recorded"):
        mo.replace_event(CRN, appt, mo_done)
    notes = [e.note for e in mo.get_case(CRN).events if e.date == date(2026, 11, 25)]
    assert notes == ["Ann's note"]


def test_in_memory_store_keeps_the_same_promise():
    store = InMemoryStore([make_case(CRN)], officer="ann")
    assert store.get_plan_versioned(CRN) == (None, 0)
    v1 = store.save_plan(_plan("First"), expected_version=0)
    assert v1 == 1
    with pytest.raises(ConflictError) as err:
        store.save_plan(_plan("Stale"), expected_version=0)
    assert (err.value.changed_by, err.value.version) == ("ann", 1)
    assert store.save_plan(_plan("Stale"), expected_version=1, keep_mine=True) == 2
    assert store.save_plan(_plan("Stale"), expected_version=2) == 2       # unchanged
