"""Where the database lives and how SQLite is set up: WAL, FULL sync, FKs, 0600/0700."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from omtui.store import open_store
from omtui.store.engine import make_engine, resolve


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_resolve_default_path_url_and_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("OMTUI_DATA_DIR", str(tmp_path / "data"))
    assert resolve(None).file == tmp_path / "data" / "omtui.sqlite"
    assert resolve("x.sqlite").file == Path("x.sqlite").absolute()
    assert resolve(f"sqlite:///{tmp_path}/y.db").file == tmp_path / "y.db"
    assert resolve(":memory:").is_memory and resolve("sqlite://").is_memory
    pg = resolve("postgresql+psycopg://u:secret@host/db")
    assert pg.file is None and not pg.is_sqlite
    assert "secret" not in pg.describe()


def test_no_engine_or_file_at_import_time(tmp_path, monkeypatch):
    import importlib

    monkeypatch.setenv("OMTUI_DATA_DIR", str(tmp_path / "data"))
    import omtui.store
    import omtui.store.repository

    importlib.reload(omtui.store)
    assert not (tmp_path / "data").exists()


def test_default_location_dir_0700_file_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("OMTUI_DATA_DIR", str(tmp_path / "deep" / "data"))
    s = open_store(officer="t")
    try:
        f = tmp_path / "deep" / "data" / "omtui.sqlite"
        assert f.is_file()
        assert mode(f.parent) == 0o700
        assert mode(f) == 0o600
    finally:
        s.close()


def test_wal_and_shm_files_are_0600_while_open(db_path):
    old = os.umask(0o022)       # a typical, permissive umask
    try:
        s = open_store(db_path, officer="t")
        from tests.store.conftest import make_case

        s.save_case(make_case())
        with s.engine.connect() as conn:       # hold a connection: -wal/-shm stay on disk
            conn.exec_driver_sql("SELECT 1").all()
            wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
            assert wal.exists() and shm.exists()
            assert (mode(db_path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        s.close()
    finally:
        os.umask(old)


def test_existing_loose_permissions_are_tightened(db_path):
    db_path.touch()
    os.chmod(db_path, 0o644)
    s = open_store(db_path)
    s.close()
    assert mode(db_path) == 0o600


def test_new_parent_directory_is_private(tmp_path):
    s = open_store(tmp_path / "new" / "dir" / "db.sqlite")
    s.close()
    assert mode(tmp_path / "new" / "dir") == 0o700


def test_pragmas_on_every_connection(db_path):
    e = make_engine(db_path)
    with e.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2      # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    e.dispose()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception):
        with store.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO requirements (case_id, position, kind, version) "
                                 "VALUES (999, 0, 'curfew', 1)")


def test_in_memory_store_is_shared_across_threads():
    from tests.store.conftest import make_case

    s = open_store(":memory:", officer="t")
    s.save_case(make_case("B000001"))
    seen = []
    t = threading.Thread(target=lambda: seen.append([c.crn for c in s.list_cases()]))
    t.start()
    t.join()
    assert seen == [["B000001"]]
    assert s.describe() == "in-memory database"


def test_unopenable_path_is_a_clear_error(tmp_path):
    from omtui.services import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        open_store(blocker / "db.sqlite")


def test_not_a_database_is_a_clear_error(tmp_path):
    from omtui.services import StoreError

    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="junk.sqlite"):
        open_store(junk)


def test_bad_url_is_a_store_error():
    from omtui.services import StoreError

    with pytest.raises(StoreError, match="nosuchdialect"):
        open_store("nosuchdialect+x://host/db")


def test_in_memory_store_takes_turns_across_threads():
    """Workers in several threads reading and writing one in-memory store at once."""
    from datetime import date, timedelta

    from omtui.domain.case import ContactOutcome, Event, EventType
    from tests.store.conftest import make_case

    s = open_store(":memory:", officer="t")
    s.save_case(make_case("B000001"))
    errors = []

    def worker(k: int) -> None:
        try:
            for i in range(15):
                s.add_event("B000001", Event(EventType.CONTACT, date(2026, 7, 1) + timedelta(i),
                                             outcome=ContactOutcome.ATTENDED, note=f"{k}-{i}"))
                s.list_cases()
        except Exception as exc:  # collected: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(s.get_case("B000001").events) == 2 + 4 * 15
    assert s.verify_audit().ok
