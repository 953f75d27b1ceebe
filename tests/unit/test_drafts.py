"""Drafts: never lose what was typed, even when the process is killed mid-save."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime

import pytest

from omtui.drafts import Autosaver, DraftError, DraftKey, DraftStore
from omtui.paths import user_data_dir

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
KEY = DraftKey("jsmith", "plan:A123456")


@pytest.fixture
def store(tmp_path) -> DraftStore:
    return DraftStore(tmp_path / "drafts", clock=lambda: NOW)


def test_save_load_discard(store):
    assert store.load(KEY) is None
    payload = {"what": "Find a tenancy [bold]now[/bold] <script>x</script>", "who": ["Zoë Ōkubo"]}
    store.save(KEY, payload)
    draft = store.load(KEY)
    assert draft.payload == payload and draft.key == KEY
    assert draft.saved_at == "2026-11-23T09:30:00+00:00"
    assert store.discard(KEY) is True
    assert store.load(KEY) is None
    assert store.discard(KEY) is False


def test_later_save_replaces_earlier(store):
    store.save(KEY, {"n": 1})
    store.save(KEY, {"n": 2})
    assert store.load(KEY).payload == {"n": 2}
    assert [d.key for d in store.list()] == [KEY]


def test_private_permissions(store):
    store.save(KEY, {"n": 1})
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path_for(KEY).stat().st_mode) == 0o600


def test_default_directory_is_under_the_user_data_dir():
    store = DraftStore()
    store.save(KEY, {"n": 1})
    assert store.directory == user_data_dir() / "drafts"
    assert store.path_for(KEY).is_file()


def test_drafts_are_per_officer_and_form(store):
    other_officer = DraftKey("akhan", "plan:A123456")
    other_form = DraftKey("jsmith", "induction:A123456")
    store.save(KEY, {"n": 1})
    store.save(other_officer, {"n": 2})
    store.save(other_form, {"n": 3})
    assert store.load(other_officer).payload == {"n": 2}
    assert {d.key for d in store.list("jsmith")} == {KEY, other_form}
    assert len(store.list()) == 3


@pytest.mark.parametrize("officer, form", [
    ("../../etc", "passwd"), ("a/b", "c\\d"), ("ü", "plan:Ж123"), ("x" * 300, "y" * 300),
    (".", ".."), ("a@b", "c@d"),
])
def test_awkward_keys_stay_inside_the_directory_and_stay_distinct(store, officer, form):
    key = DraftKey(officer, form)
    store.save(key, {"k": officer})
    path = store.path_for(key)
    assert path.parent == store.directory and len(path.name) <= 255
    assert store.load(key).key == key
    assert store.load(DraftKey(officer + "x", form)) is None


def test_bad_keys_are_refused():
    with pytest.raises(ValueError):
        DraftKey("", "plan")
    with pytest.raises(ValueError):
        DraftKey("jsmith", "a\x00b")


def test_damaged_draft_is_reported_and_kept(store):
    store.save(KEY, {"n": 1})
    store.path_for(KEY).write_text('{"format": "omtui-draft", "payl', encoding="utf-8")
    with pytest.raises(DraftError, match="damaged"):
        store.load(KEY)
    assert store.path_for(KEY).exists()
    [info] = store.list()
    assert info.key is None and "damaged" in info.problem


def test_unserialisable_payload_leaves_the_old_draft(store):
    store.save(KEY, {"n": 1})
    with pytest.raises(TypeError):
        store.save(KEY, {"n": object()})
    assert store.load(KEY).payload == {"n": 1}
    assert [p.name for p in store.directory.iterdir()] == [store.path_for(KEY).name]


def test_stale_temporary_files_are_swept_fresh_ones_kept(store):
    store.save(KEY, {"n": 1})
    old = store.directory / ".tmp-old.json"
    fresh = store.directory / ".tmp-fresh.json"
    old.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert [d.key for d in store.list()] == [KEY]            # temp files never listed
    assert not old.exists() and fresh.exists()


# -- the debounce helper ----------------------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_autosaver_saves_only_after_the_quiet_period(store):
    clock = FakeClock()
    saver = Autosaver(store, KEY, delay=1.0, clock=clock)
    saver.changed({"text": "F"})
    clock.t += 0.5
    saver.changed({"text": "Fi"})
    clock.t += 0.9
    assert not saver.flush_if_due() and store.load(KEY) is None
    clock.t += 0.1
    assert saver.flush_if_due()
    assert store.load(KEY).payload == {"text": "Fi"}
    assert not saver.flush_if_due() and saver.saves == 1       # nothing new to save


def test_autosaver_flush_now_and_discard(store):
    saver = Autosaver(store, KEY, delay=10, clock=FakeClock())
    assert not saver.flush()
    saver.changed({"text": "x"})
    assert saver.flush() and store.load(KEY).payload == {"text": "x"}
    saver.changed({"text": "xy"})
    saver.discard()
    assert not saver.pending and store.load(KEY) is None


def test_autosaver_keeps_the_edit_when_saving_fails(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    saver = Autosaver(DraftStore(blocker / "drafts"), KEY, delay=0, clock=FakeClock())
    saver.changed({"text": "precious"})
    with pytest.raises(OSError):
        saver.flush()
    assert saver.pending                      # still there to retry


# -- the crash test ------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from omtui.drafts import DraftKey, DraftStore
    store = DraftStore(sys.argv[1])
    key = DraftKey("jsmith", "plan:A123456")
    filler = "objective text with [bold]markup[/bold] and <b>html</b> " * 4000   # ~200 kB
    n = 0
    while True:
        n += 1
        store.save(key, {"n": n, "text": filler, "tail": n})
        print(n, flush=True)
""")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [9, 17, 25])
def test_kill_mid_save_leaves_the_last_complete_draft(tmp_path, kill_after):
    """A writer saving ~200 kB drafts in a loop is SIGKILLed: the draft on disk is whole.

    (Checked against a plain open-and-write: that leaves a torn file in most runs.)
    """
    directory = tmp_path / "drafts"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(directory)],
                            stdout=subprocess.PIPE, text=True)
    try:
        last = 0
        assert proc.stdout is not None
        while last < kill_after:              # let it save a few times, then kill it mid-loop
            line = proc.stdout.readline()
            assert line, "the writer stopped before being killed"
            last = int(line)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    store = DraftStore(directory)
    draft = store.load(KEY)                   # never a torn file
    assert draft is not None
    assert draft.payload["n"] >= last and draft.payload["tail"] == draft.payload["n"]
    assert len(draft.payload["text"]) == len("objective text with [bold]markup[/bold] and <b>html</b> ") * 4000
    # the draft file itself is complete JSON; any left-over temporary file is not listed
    json.loads(store.path_for(KEY).read_text(encoding="utf-8"))
    assert [d.key for d in store.list()] == [KEY]
