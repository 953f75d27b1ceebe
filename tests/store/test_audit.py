"""The audit trail: every change recorded with officer, old and new values; hash-chained;
tampering is found; nothing can update or delete an audit row."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from omtui.domain.case import ContactOutcome, Event, EventType
from omtui.store import open_store
from tests.store.conftest import cli, make_case

SRC = Path(__file__).resolve().parents[2] / "src" / "omtui"


def test_every_change_is_audited_with_officer_and_values(db_path):
    s = open_store(db_path, officer="alice")
    case = make_case()
    s.save_case(case)
    s.save_case(replace(case, tier=4))
    s.add_event(case.crn, Event(EventType.CONTACT, date(2026, 6, 9), outcome=ContactOutcome.FTC))
    entries = s.audit_history(case.crn)
    assert {e.officer for e in entries} == {"alice"}
    actions = [(e.action, e.table_name) for e in entries]
    assert actions[:4] == [("insert", "cases"), ("insert", "requirements"),
                           ("insert", "events"), ("insert", "events")]
    update = next(e for e in entries if e.action == "update")
    assert (update.table_name, update.old["tier"], update.new["tier"]) == ("cases", 2, 4)
    assert entries[-1].new["outcome"] == "ftc" and entries[-1].new["type"] == "contact"
    assert s.verify_audit().ok
    s.close()


def test_audit_row_is_in_the_same_transaction(store):
    """A save that fails leaves neither the change nor its audit row."""
    store.save_case(make_case())
    before = store.counts()["audit_log"]

    def work(session):
        from omtui.store.tables import CaseRow
        import sqlalchemy as sa

        row = session.execute(sa.select(CaseRow)).scalar_one()
        row.tier = 1
        session.flush()                       # audit row written...
        raise RuntimeError("power cut")       # ...then the unit of work fails

    with pytest.raises(RuntimeError):
        store.writing(work)
    assert store.counts()["audit_log"] == before
    assert store.get_case("A123456").tier == 2


def test_import_records_each_whole_case(store):
    from omtui.store.demo import generate

    cases = generate(12, seed=3)
    store.import_cases(cases)
    entry = store.audit_history(cases[0].crn)[0]
    assert entry.action == "import"
    assert len(entry.new["events"]) == len(cases[0].events)
    assert store.verify_audit().ok


def test_replace_keeps_the_old_case_in_the_audit(store):
    case = make_case()
    store.import_cases([case])
    store.import_cases([replace(case, name="Changed Name")], replace=True)
    last = store.audit_history(case.crn)[-1]
    assert last.action == "replace"
    assert (last.old["name"], last.new["name"]) == ("Test Person", "Changed Name")
    assert store.get_case(case.crn).name == "Changed Name"
    assert store.case_version(case.crn) == 2


def _seed(db_path: Path) -> None:
    s = open_store(db_path, officer="alice")
    for crn in ("A000001", "B000002", "C000003"):
        s.save_case(make_case(crn))
    s.close()


def test_database_refuses_update_and_delete_of_audit_rows(db_path):
    _seed(db_path)
    with sqlite3.connect(db_path) as raw:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE audit_log SET officer = 'mallory' WHERE seq = 2")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM audit_log WHERE seq = 2")


def _tamper(db_path: Path, sql: str) -> None:
    """What someone with the file and the sqlite3 tool could do: drop the guard and edit."""
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("DROP TRIGGER audit_log_no_delete")
        raw.execute(sql)


@pytest.mark.parametrize("sql, bad_row", [
    ("UPDATE audit_log SET officer = 'mallory' WHERE seq = 3", 3),
    ("UPDATE audit_log SET new = replace(new, 'Test Person', 'Someone Else') WHERE seq = 6", 6),
    ("DELETE FROM audit_log WHERE seq = 4", 4),
    ("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", None),
])
def test_verify_names_the_first_tampered_row(db_path, sql, bad_row):
    _seed(db_path)
    ok = cli("--db", str(db_path), "audit", "verify")
    assert ok.exit_code == 0 and "intact" in ok.stdout
    _tamper(db_path, sql)
    bad = cli("--db", str(db_path), "audit", "verify")
    assert bad.exit_code == 1
    assert "BROKEN" in bad.stderr
    if bad_row is not None:
        assert f"row {bad_row}" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout


def test_verify_finds_a_rehashed_row_by_its_link(db_path):
    """Recomputing an edited row's own hash is not enough: the next row's link breaks."""
    from omtui.store import audit

    _seed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        r = raw.execute("SELECT seq, at, officer, action, table_name, record_key, crn, old, new, "
                        "prev_hash FROM audit_log WHERE seq = 3").fetchone()
        h = audit.row_hash(seq=r[0], at=r[1], officer="mallory", action=r[3], table_name=r[4],
                           record_key=r[5], crn=r[6], old=r[7], new=r[8], prev_hash=r[9])
        raw.execute("UPDATE audit_log SET officer = 'mallory', hash = ? WHERE seq = 3", (h,))
    s = open_store(db_path)
    result = s.verify_audit()
    s.close()
    assert not result.ok and result.first_bad == 4


def test_audit_show_prints_a_case_history(db_path):
    s = open_store(db_path, officer="alice")
    case = make_case()
    s.save_case(case)
    s.save_case(replace(case, tier=4))
    s.close()
    out = cli("--db", str(db_path), "--officer", "bob", "audit", "show", "A123456")
    assert out.exit_code == 0, out.stderr
    assert "alice insert cases A123456" in out.stdout
    assert "tier: 2 -> 4" in out.stdout
    as_json = cli("--db", str(db_path), "audit", "show", "A123456", "--json")
    assert '"action": "update"' in as_json.stdout
    none = cli("--db", str(db_path), "audit", "show", "Z999999")
    assert none.exit_code == 1 and "no audit entries" in none.stderr


def test_no_code_path_updates_or_deletes_audit_rows():
    """The only writes to audit_log in the source are inserts (and the head pointer moves)."""
    offenders = []
    pattern = re.compile(r"(update|delete)\s*\(\s*(AUDIT\b|AuditRow)|"
                         r"(UPDATE|DELETE\s+FROM)\s+audit_log", re.IGNORECASE)
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if pattern.search(line) and "RAISE" not in line and "TRIGGER" not in line:
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert offenders == []
