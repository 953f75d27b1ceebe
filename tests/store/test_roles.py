"""Office mode: roles enforced by the store itself, reads and look-ups audited.

Each test runs against a SQLite file and a real PostgreSQL database (``store_url``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from omtui.domain.case import Event, EventType
from omtui.services import NotFound
from omtui.store import open_store
from omtui.store.roles import PermissionDenied, Role
from tests.store.conftest import make_case

CONTACT = Event(EventType.CONTACT, date(2026, 11, 20), note="Seen at the office.")


def _office(url: str):
    """Two teams and a training team; cases for Ann (north), Bob (north), Cat (south), a
    training case and an unallocated one."""
    with open_store(url, officer="setup") as s:
        s.import_cases([make_case("A000001", om="Ann Smith"), make_case("A000002", om="bob"),
                        make_case("A000003", om="Cat Jones"), make_case("A000004", om="Tia"),
                        make_case("A000005", om=None)])
        s.add_officer("mo", Role.TEAM_MANAGER, team="north", display_name="Mo Khan")
    with open_store(url, officer="mo") as s:
        s.add_officer("ann", "offender_manager", team="north", display_name="Ann Smith")
        s.add_officer("bob", "om", team="north")
        s.add_officer("cat", "om", team="south", display_name="Cat Jones")
        s.add_officer("dee", "duty_officer")
        s.add_team("academy", training=True)
        s.add_officer("tia", "trainer", team="academy", display_name="Tia")


def _raw_history(store, crn: str) -> list[tuple[str, str]]:
    from omtui.store import audit

    with store.reading() as session:
        return [(e.officer, e.action) for e in audit.history(session.connection(), crn)]


def test_sole_officer_mode_needs_no_setup_and_writes_no_read_audit(tmp_path):
    path = tmp_path / "mine.sqlite"
    with open_store(path, officer="me") as s:
        s.import_cases([make_case("A000001", om="Someone Else")])
        assert not s.office_mode
        s.add_event("A000001", CONTACT)
        s.save_case(replace(s.get_case("A000001"), tier=3))
        assert [c.crn for c in s.list_cases()] == ["A000001"]
        assert [a for _, a in _raw_history(s, "A000001")] == ["import", "insert", "update"]


def test_offender_manager_edits_own_caseload_only(store_url):
    _office(store_url)
    with open_store(store_url, officer="ann") as s:
        assert s.office_mode
        assert [c.crn for c in s.list_cases()] == ["A000001"]
        s.add_event("A000001", CONTACT)
        # Bob's case is in Ann's team: she may open it, not change it.
        assert s.get_case("A000002").crn == "A000002"
        with pytest.raises(PermissionDenied, match="not on your caseload"):
            s.add_event("A000002", CONTACT)
        with pytest.raises(PermissionDenied, match="not on your caseload"):
            s.save_case(replace(s.get_case("A000002"), tier=4))
        with pytest.raises(PermissionDenied, match="only a team manager reallocates"):
            s.save_case(replace(s.get_case("A000001"), om="bob"))
        # Cat's case is in another team: no open, only the audited look-up.
        with pytest.raises(PermissionDenied, match="outside your team.*duty look-up"):
            s.get_case("A000003")
        assert s.lookup_case("A000003").crn == "A000003"
        with pytest.raises(PermissionDenied):
            s.get_plan("A000003")
    with open_store(store_url, officer="bob") as s:
        assert len(s.get_case("A000002").events) == 2          # Ann's refused write left nothing
    history = _raw_history(open_store(store_url, officer="setup"), "A000003")
    assert ("ann", "lookup") in history
    assert ("ann", "read") not in history


def test_every_open_and_lookup_is_audited_and_the_chain_holds(store_url):
    _office(store_url)
    with open_store(store_url, officer="ann") as s:
        s.get_case("A000001")
        s.lookup_case("A000003")
    with open_store(store_url, officer="dee") as s:
        s.get_case("A000002")                # a duty officer's open is a look-up
    with open_store(store_url, officer="setup") as s:
        assert ("ann", "read") in _raw_history(s, "A000001")
        assert ("ann", "lookup") in _raw_history(s, "A000003")
        assert ("dee", "lookup") in _raw_history(s, "A000002")
        assert s.verify_audit().ok


def test_duty_officer_reads_anything_changes_nothing(store_url):
    _office(store_url)
    with open_store(store_url, officer="dee") as s:
        assert s.list_cases() == []                   # no caseload: the look-up is theirs
        assert {c.crn for c in s.lookup_cases()} == {"A000001", "A000002", "A000003",
                                                     "A000005"}   # not the training case
        assert all(not c.events for c in s.lookup_cases())       # the index: facts only
        case = s.get_case("A000003")
        with pytest.raises(PermissionDenied, match="duty officer has a read-only view"):
            s.add_event("A000003", CONTACT)
        with pytest.raises(PermissionDenied, match="read-only"):
            s.save_case(replace(case, tier=1))
        with pytest.raises(PermissionDenied, match="training data"):
            s.lookup_case("A000004")
        with pytest.raises(PermissionDenied, match="team manager"):
            s.add_officer("eve", "om", team="north")


def test_team_manager_reallocates_and_sees_the_team(store_url):
    _office(store_url)
    with open_store(store_url, officer="mo") as s:
        assert [c.crn for c in s.list_cases()] == ["A000001", "A000002", "A000005"]
        assert s.reallocate("A000005", "ann") == "Ann Smith"
        s.add_event("A000002", CONTACT)                      # the team's caseloads: edit
        with pytest.raises(PermissionDenied, match="another team"):
            s.reallocate("A000003", "ann")
        with pytest.raises(PermissionDenied, match="another team"):
            s.get_case("A000003")
    with open_store(store_url, officer="ann") as s:
        assert [c.crn for c in s.list_cases()] == ["A000001", "A000005"]
        s.add_event("A000005", CONTACT)                      # now hers
    with open_store(store_url, officer="setup") as s:
        assert ("mo", "update") in _raw_history(s, "A000005")


def test_trainer_sees_training_data_only(store_url):
    _office(store_url)
    with open_store(store_url, officer="tia") as s:
        assert [c.crn for c in s.list_cases()] == ["A000004"]
        assert [c.crn for c in s.lookup_cases()] == ["A000004"]
        s.add_event("A000004", CONTACT)
        with pytest.raises(PermissionDenied, match="training data only"):
            s.get_case("A000001")
        with pytest.raises(PermissionDenied, match="training data only"):
            s.lookup_case("A000001")
    with open_store(store_url, officer="ann") as s:
        with pytest.raises(PermissionDenied, match="training data"):
            s.lookup_case("A000004")


def test_unregistered_officer_is_refused_with_the_way_in(store_url):
    _office(store_url)
    with open_store(store_url, officer="stranger") as s:
        assert s.list_cases() == []
        with pytest.raises(PermissionDenied, match="not registered.*omtui officer add"):
            s.get_case("A000001")
        with pytest.raises(PermissionDenied, match="not registered"):
            s.add_event("A000001", CONTACT)
        with pytest.raises(PermissionDenied, match="not registered"):
            s.import_cases([make_case("A000009", om="stranger")])
        with pytest.raises(NotFound):
            s.get_case("Z999999")


def test_import_is_checked_case_by_case_all_or_nothing(store_url):
    _office(store_url)
    with open_store(store_url, officer="ann") as s:
        s.import_cases([make_case("A000010", om="Ann Smith")])
        with pytest.raises(PermissionDenied, match="A000012"):
            s.import_cases([make_case("A000011", om="ann"), make_case("A000012", om="bob")])
        assert s.existing_crns(["A000010", "A000011", "A000012"]) == ["A000010"]


def test_team_due_counts_overdue_per_officer(store_url):
    from omtui.domain.agenda import case_agenda
    from omtui.domain.calendar import england_and_wales
    from omtui.domain.due import Status

    _office(store_url)
    cal = england_and_wales()
    today = date(2026, 11, 23)
    with open_store(store_url, officer="mo") as s:
        due = s.team_due(today, cal)
        expected = {}
        for c in s.list_cases():
            owner = {"Ann Smith": "Ann Smith", "bob": "bob"}.get(c.om, "(not allocated)")
            n = sum(1 for i in case_agenda(c, today, cal) if i.status is Status.OVERDUE)
            expected[owner] = expected.get(owner, 0) + n
    got = {o.officer: o.overdue for o in due.officers}
    assert got["Ann Smith"] == expected["Ann Smith"] and got["bob"] == expected["bob"]
    assert got["(not allocated)"] == expected["(not allocated)"]
    assert "Mo Khan" in got and got["Mo Khan"] == 0
    assert due.total.overdue == sum(expected.values()) > 0
    assert len(due.overdue_items) == due.total.overdue
    with open_store(store_url, officer="ann") as s:
        with pytest.raises(PermissionDenied, match="only a team manager"):
            s.team_due(today, cal)


def test_a_small_team_due_list_reads_only_its_cases(store_url):
    from omtui.domain.calendar import england_and_wales

    _office(store_url)
    with open_store(store_url, officer="mo") as s:
        s.add_officer("sue", Role.TEAM_MANAGER, team="south", display_name="Sue Park")
    with open_store(store_url, officer="sue") as s:
        team, grouped = s.team_cases()
        due = s.team_due(date(2026, 11, 23), england_and_wales())
    assert team == "south"
    assert {k: [c.crn for c in v] for k, v in grouped.items()} == {
        "Cat Jones": ["A000003"], "Sue Park": [], "(not allocated)": ["A000005"]}
    assert [(o.officer, o.cases) for o in due.officers] == [
        ("Cat Jones", 1), ("Sue Park", 0), ("(not allocated)", 1)]
