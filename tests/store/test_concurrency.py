"""Two officers on one database: optimistic locking and no lost update, with real connections
(separate engines, threads and processes) on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest

from omtui.domain.case import Event, EventType
from omtui.services import ConflictError
from omtui.store import open_store
from omtui.store.roles import Role
from tests.store.conftest import ROOT, make_case


def test_second_save_of_the_same_version_is_a_conflict_naming_who_and_when(store_url):
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case("B000001", om="Ann Smith")])
    first = open_store(store_url, officer="ann")
    second = open_store(store_url, officer="mo")
    try:
        seen_by_ann = first.get_case("B000001"), first.case_version("B000001")
        seen_by_mo = second.get_case("B000001"), second.case_version("B000001")
        first.save_case(replace(seen_by_ann[0], tier=4), expected_version=seen_by_ann[1])
        with pytest.raises(ConflictError) as err:
            second.save_case(replace(seen_by_mo[0], tier=1, name="Mo's edit"),
                             expected_version=seen_by_mo[1])
        assert err.value.changed_by == "ann"
        hhmm = err.value.changed_at[11:16]
        assert f"changed by ann at {hhmm}" in str(err.value)
        assert "reload, or keep yours" in str(err.value)
        # Nothing overwritten: Ann's edit stands, Mo's is not there.
        stored = second.get_case("B000001")
        assert (stored.tier, stored.name) == (4, "Test Person")
        # "Keep yours": save again against the version now stored.
        second.save_case(replace(stored, tier=1, name="Mo's edit"),
                         expected_version=second.case_version("B000001"))
        assert first.get_case("B000001").name == "Mo's edit"
        assert first.verify_audit().ok
    finally:
        first.close()
        second.close()


def test_conflict_in_office_mode_is_not_blamed_on_a_reader(store_url):
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case("B000002", om="Ann Smith")])
        s.add_officer("mo", Role.TEAM_MANAGER, team="north")
    with open_store(store_url, officer="mo") as s:
        s.add_officer("ann", Role.OFFENDER_MANAGER, team="north", display_name="Ann Smith")
        s.add_officer("dee", Role.DUTY_OFFICER)
    ann, mo, dee = (open_store(store_url, officer=n) for n in ("ann", "mo", "dee"))
    try:
        version = ann.case_version("B000002")
        mine = ann.get_case("B000002")
        mo.save_case(replace(mo.get_case("B000002"), tier=3), expected_version=version)
        dee.get_case("B000002")                 # a later look-up (audited) is not a change
        with pytest.raises(ConflictError) as err:
            ann.save_case(replace(mine, tier=1), expected_version=version)
        assert err.value.changed_by == "mo"
    finally:
        for s in (ann, mo, dee):
            s.close()


def test_racing_saves_exactly_one_wins(store_url):
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case("B000003")])
    stores = [open_store(store_url, officer=f"officer{i}") for i in range(2)]
    try:
        for round_ in range(3):
            version = stores[0].case_version("B000003")
            case = stores[0].get_case("B000003")
            barrier = threading.Barrier(2)
            outcomes: list[str] = []

            def save(i: int) -> None:
                barrier.wait()
                try:
                    stores[i].save_case(replace(case, tier=1 + (round_ + i) % 4,
                                                name=f"edit {round_} by {i}"),
                                        expected_version=version)
                    outcomes.append(f"saved {i}")
                except ConflictError:
                    outcomes.append("conflict")

            threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(outcomes)[0] == "conflict" and len(outcomes) == 2, outcomes
            winner = next(o for o in outcomes if o.startswith("saved")).split()[-1]
            assert stores[1].get_case("B000003").name == f"edit {round_} by {winner}"
            assert stores[1].case_version("B000003") == version + 1
    finally:
        for s in stores:
            s.close()


def test_eight_concurrent_writers_lose_nothing(store_url):
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case("B000004", events=[])])
    writers, each = 8, 6
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            with open_store(store_url, officer=f"w{i}") as s:
                for n in range(each):
                    s.add_event("B000004", Event(EventType.CONTACT,
                                                 date(2026, 1, 1) + timedelta(days=n),
                                                 note=f"writer {i} contact {n}"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(store_url, officer="check") as s:
        notes = sorted(e.note for e in s.get_case("B000004").events)
        assert notes == sorted(f"writer {i} contact {n}" for i in range(writers)
                               for n in range(each))
        assert s.verify_audit().ok


WRITER = """
import sys
from datetime import date
from omtui.domain.case import Event, EventType
from omtui.store import open_store
url, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open_store(url, officer=name) as s:
    for i in range(n):
        s.add_event("B000005", Event(EventType.CONTACT, date(2026, 2, 1), note=f"{name} {i}"))
"""


def test_two_processes_writing_at_once_lose_nothing(store_url, tmp_path):
    with open_store(store_url, officer="setup") as s:
        s.import_cases([make_case("B000005", events=[])])
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {"PYTHONPATH": str(ROOT / "src")}
    import os

    procs = [subprocess.Popen([sys.executable, str(script), store_url, f"p{i}", "15"],
                              env={**os.environ, **env}, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with open_store(store_url, officer="check") as s:
        notes = sorted(e.note for e in s.get_case("B000005").events)
        assert notes == sorted(f"p{i} {n}" for i in range(2) for n in range(15))
        assert s.verify_audit().ok
