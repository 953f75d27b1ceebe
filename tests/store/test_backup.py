"""omtui backup: a consistent, private copy while the database is in use."""

from __future__ import annotations

import sqlite3
import stat

from omtui.store import open_store
from tests.store.conftest import cli, make_case


def test_backup_while_another_connection_is_mid_write(db_path, tmp_path):
    s = open_store(db_path, officer="t")
    s.save_case(make_case("A000001"))
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE cases SET name = 'uncommitted' WHERE crn = 'A000001'")
    try:
        out = tmp_path / "copy.sqlite"
        r = cli("--db", str(db_path), "backup", str(out))
        assert r.exit_code == 0, r.stderr
        assert f"to {out}" in r.stdout
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with sqlite3.connect(out) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy = open_store(out)
    assert copy.list_cases() == s.list_cases()          # committed data only
    assert copy.verify_audit().ok
    copy.close()
    s.close()


def test_backup_never_overwrites(db_path, tmp_path):
    open_store(db_path).close()
    out = tmp_path / "exists.sqlite"
    out.write_text("precious")
    r = cli("--db", str(db_path), "backup", str(out))
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert out.read_text() == "precious"


def test_backup_into_missing_directory(db_path, tmp_path):
    open_store(db_path).close()
    r = cli("--db", str(db_path), "backup", str(tmp_path / "no" / "such" / "b.sqlite"))
    assert r.exit_code == 2 and "not a directory" in r.stderr
    assert "Traceback" not in r.stderr


def test_backup_of_memory_database_works():
    s = open_store(":memory:")
    s.save_case(make_case())
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        dest = s.backup(str(Path(d) / "m.sqlite"))
        copy = open_store(dest)
        assert copy.crns() == ["A123456"]
        copy.close()
    s.close()
