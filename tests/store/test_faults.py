"""Faults with real processes: a writer killed mid-import, two writers at once, a held lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from omtui.store import open_store
from omtui.store.repository import StoreBusy
from tests.store.conftest import ROOT, make_case

ENV = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            cwd=ROOT)


IMPORTER = """
    import sys
    from omtui.store import open_store
    from omtui.store.demo import generate
    cases = generate(int(sys.argv[2]), seed=7)
    store = open_store(sys.argv[1], officer="killed")
    print("ready", flush=True)
    store.import_cases(cases)
    print("done", flush=True)
"""


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_import_leaves_all_or_nothing(db_path):
    open_store(db_path).close()            # schema in place; no WAL left behind
    wal = Path(f"{db_path}-wal")
    child = spawn(IMPORTER, str(db_path), "2500")
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 512 * 1024:   # mid-transaction pages
            break
        if child.poll() is not None:
            break
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store = open_store(db_path)
    try:
        assert store.crns() == []                         # none of the import
        assert store.counts()["events"] == 0
        assert store.verify_audit().ok
        store.import_cases([make_case()])                 # and it still works
        assert store.crns() == ["A123456"]
    finally:
        store.close()


WRITER = """
    import sys
    from dataclasses import replace
    from datetime import date, timedelta
    from pathlib import Path
    from omtui.domain.case import ContactOutcome, Event, EventType
    from omtui.store import open_store
    from tests.store.conftest import make_case
    db, prefix, go, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    store = open_store(db, officer=f"officer-{prefix}")
    print("ready", flush=True)
    import time
    while not go.exists():        # start together
        time.sleep(0.001)
    for i in range(n):
        store.save_case(make_case(f"{prefix}{i:06d}"))
        store.add_event("S000001", Event(EventType.CONTACT, date(2026, 7, 1) + timedelta(days=i),
                                         outcome=ContactOutcome.ATTENDED,
                                         note=f"{prefix} contact {i}"))
    print("done", flush=True)
"""


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(db_path, tmp_path):
    seed = open_store(db_path)
    seed.save_case(make_case("S000001"))
    seed.close()
    go = tmp_path / "go"
    n = 15
    writers = [spawn(WRITER, str(db_path), p, str(go), str(n)) for p in ("A", "B")]
    for w in writers:
        assert w.stdout.readline().strip() == "ready", w.stderr.read()
    go.touch()
    for w in writers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        assert out.strip() == "done"
    store = open_store(db_path)
    try:
        crns = store.crns()
        assert len(crns) == 1 + 2 * n
        shared = store.get_case("S000001")
        notes = sorted(e.note for e in shared.events if e.note and "contact" in e.note)
        assert notes == sorted([f"A contact {i}" for i in range(n)]
                               + [f"B contact {i}" for i in range(n)])
        assert store.verify_audit().ok
        officers = {e.officer for e in store.audit_history("S000001")}
        assert {"officer-A", "officer-B"} <= officers
    finally:
        store.close()


def test_a_lock_held_too_long_is_a_clear_try_again(db_path):
    open_store(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        store = open_store(db_path, busy_timeout=0.1)
        with pytest.raises(StoreBusy, match="try again"):
            store.save_case(make_case())
        assert store.list_cases() == []          # reading still works while locked (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.save_case(make_case())                 # and writing works once the lock is gone
    assert store.crns() == ["A123456"]
    store.close()
