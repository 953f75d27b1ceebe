"""SqlStore as the app sees it: the CaseStore protocol, exact storage, versions, drafts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from omtui.domain.case import ContactOutcome, Event, EventType, Requirement
from omtui.services import CaseStore, ConflictError, NotFound
from omtui.store import open_store
from omtui.store.repository import InvalidRecord
from tests.store.conftest import make_case


def test_is_a_case_store(store):
    assert isinstance(store, CaseStore)
    assert store.describe() == "store.sqlite"


def test_list_cases_is_ordered_by_crn_with_events_in_order(store):
    for crn in ("C000003", "A000001", "B000002"):
        store.save_case(make_case(crn))
    cases = store.list_cases()
    assert [c.crn for c in cases] == ["A000001", "B000002", "C000003"]
    assert [e.type for e in cases[0].events] == [EventType.ALLOCATED, EventType.CONTACT]


def test_get_case_round_trips_exactly(store):
    case = make_case(name="[bold]Lee 李 Ωμέγα يوسف", flags=["child_concerns", "victim_contact"],
                     mappa={"category": 2, "level": 3}, dob="1990-02-28", gender="female",
                     custom_field={"nested": [1, 2.5, "x", None, True]})
    store.save_case(case)
    assert store.get_case("A123456") == case


def test_get_case_unknown_crn(store):
    with pytest.raises(NotFound, match="Z999999"):
        store.get_case("Z999999")


def test_contact_time_type_and_detail_have_columns(store):
    store.save_case(make_case())
    ev = Event(EventType.CONTACT, date(2026, 12, 1), extra={
        "time": "14:30", "contact_type": "home_visit", "outcome_detail": "n/a", "room": 4})
    store.add_event("A123456", ev)
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT contact_time, contact_type, outcome_detail, extra FROM events "
            "ORDER BY seq DESC LIMIT 1").one()
    assert row[:3] == ("14:30", "home_visit", "n/a")
    assert store.get_case("A123456").events[-1] == ev


def test_save_case_updates_facts_not_events(store):
    case = make_case()
    store.save_case(case)
    changed = replace(case, tier=4, requirements=(Requirement.CURFEW, Requirement.SUPERVISION),
                      events=())
    store.save_case(changed)
    got = store.get_case(case.crn)
    assert got.tier == 4
    assert got.requirements == (Requirement.CURFEW, Requirement.SUPERVISION)
    assert got.events == case.events


def test_add_event_appends(store):
    store.save_case(make_case())
    ftc = Event(EventType.CONTACT, date(2026, 6, 10), outcome=ContactOutcome.FTC)
    store.add_event("A123456", ftc)
    assert store.get_case("A123456").events[-1] == ftc
    with pytest.raises(NotFound):
        store.add_event("Z999999", ftc)


def test_long_note_and_non_latin_text_stored_exactly(store):
    note = ("Ünïcødé — 中文 — العربية — " * 4000)[:100_000]
    store.save_case(make_case())
    store.add_event("A123456", Event(EventType.CONTACT, date(2026, 6, 10),
                                     outcome=ContactOutcome.ATTENDED, note=note))
    assert store.get_case("A123456").events[-1].note == note
    assert len(note) == 100_000


@pytest.mark.parametrize("bad", [
    dict(name="Nul\x00Byte"),
    dict(crn="12345"),
    dict(name=""),
    dict(name="x" * 201),
])
def test_invalid_case_is_refused_with_a_reason_and_nothing_written(store, bad):
    case = replace(make_case(), **bad)
    with pytest.raises(InvalidRecord) as info:
        store.save_case(case)
    assert info.value.problems
    assert store.list_cases() == []


def test_invalid_event_is_refused(store):
    store.save_case(make_case())
    with pytest.raises(InvalidRecord, match="note"):
        store.add_event("A123456", Event(EventType.CONTACT, date(2026, 6, 10), note="a\x00b"))
    with pytest.raises(InvalidRecord, match="outcome"):
        store.add_event("A123456", Event(EventType.WARNING, date(2026, 6, 10),
                                         outcome=ContactOutcome.FTC))
    assert len(store.get_case("A123456").events) == 2


def test_end_before_start_refused(store):
    case = replace(make_case(), end_date=date(2026, 1, 1))
    with pytest.raises(InvalidRecord, match="end_date"):
        store.save_case(case)


def test_version_goes_up_on_each_real_change_only(store):
    case = make_case()
    store.save_case(case)
    assert store.case_version(case.crn) == 1
    store.save_case(case)                       # nothing changed
    assert store.case_version(case.crn) == 1
    store.save_case(replace(case, tier=3))
    assert store.case_version(case.crn) == 2


def test_stale_version_is_a_conflict_naming_who(db_path):
    a = open_store(db_path, officer="alice")
    b = open_store(db_path, officer="bob")
    case = make_case()
    a.save_case(case)
    seen = a.case_version(case.crn)
    b.save_case(replace(case, tier=4), expected_version=seen)
    with pytest.raises(ConflictError) as info:
        a.save_case(replace(case, tier=1), expected_version=seen)
    assert info.value.changed_by == "bob"
    assert a.get_case(case.crn).tier == 4       # bob's change was not overwritten
    a.close()
    b.close()


def test_counts_and_crns(store):
    store.save_case(make_case("B000002"))
    store.save_case(make_case("A000001"))
    assert store.crns() == ["A000001", "B000002"]
    counts = store.counts()
    assert counts["cases"] == 2 and counts["events"] == 4 and counts["requirements"] == 2
    assert counts["officers"] == 1


def test_export_cases_subset_and_missing(store):
    store.save_case(make_case("B000002"))
    store.save_case(make_case("A000001"))
    assert [c.crn for c in store.export_cases(["B000002"])] == ["B000002"]
    with pytest.raises(NotFound, match="C000003"):
        store.export_cases(["B000002", "C000003"])


def test_many_cases_load_with_a_fixed_number_of_queries(store):
    """No N+1: reading 300 cases issues the same handful of statements as reading 3."""
    from sqlalchemy import event

    from omtui.store.demo import generate

    store.import_cases(generate(300, seed=1))
    statements = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda *a: statements.append(a[2]))
    cases = store.list_cases()
    assert len(cases) == 300
    assert len(statements) <= 5, statements
