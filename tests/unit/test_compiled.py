"""The compiled rules engine (omtui.compiled): the same answers as the Python source, and a
build older than its source is noticed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from omtui import compiled

ROOT = Path(__file__).resolve().parents[2]

# In a child process: every due item (with its trace), every rule decision and the
# enforcement state of 1,500 synthetic cases (the bench's seeded caseload) as of two days,
# and their events read back from rows as SQLite returns them, as one digest; and which
# modules ran compiled.
_REPORT = r"""
import hashlib, importlib.util, json, sys
from datetime import date
spec = importlib.util.spec_from_file_location("bench_due_list", sys.argv[1])
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)
from omtui.compiled import running_compiled
from omtui.domain.agenda import case_agenda
from omtui.domain.calendar import england_and_wales
from omtui.domain.enforcement import enforcement_state
from omtui.domain.rules.evaluate import explain_rules
from omtui.rulepacks import load_rulebook
cal, book = england_and_wales(), load_rulebook(use_env=False)
policy = book.enforcement
digest = hashlib.sha256()
for today in (date(2026, 11, 23), date(2027, 6, 1)):
    for case in bench.build(1500, 11):
        for item in case_agenda(case, today, cal, book):
            digest.update(json.dumps(item.to_dict(), sort_keys=True).encode())
        for d in explain_rules(case, today, cal, book):
            digest.update(repr((d.rule, d.applies, d.reason)).encode())
        state = enforcement_state(case, today, cal, policy)
        digest.update(repr((state.next_failure_action, state.next_failure_reason,
                            [(f.date, f.status, f.at_deadline, f.flags) for f in state.failures],
                            state.notes)).encode())
from omtui.store.convert import event_values
from omtui.store.event_rows import events_by_case
iso = lambda d: d.isoformat() if d is not None else None
cases = bench.build(1500, 11)
rows = []
for i, case in enumerate(cases):
    for e in case.events:
        v = event_values(e)
        rows.append((i, v["type"], iso(v["date"]), v["outcome"], iso(v["for_date"]),
                     None if v["acceptable"] is None else int(v["acceptable"]), v["reason"],
                     iso(v["until"]), v["note"], v["contact_time"], v["contact_type"],
                     v["outcome_detail"], json.dumps(v["extra"]) if v["extra"] else None))
read = events_by_case(rows)
digest.update(repr(sorted(read.items())).encode())
same = all(read.get(i, []) == list(case.events) for i, case in enumerate(cases))
print(json.dumps({"digest": digest.hexdigest(), "compiled": running_compiled(),
                  "events_read_back": same}))
"""


def _report(pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    if pure:
        env[compiled.PURE_ENV] = "1"
    done = subprocess.run([sys.executable, "-c", _REPORT, str(ROOT / "bench" / "due_list.py")],
                          capture_output=True, text=True, env=env, check=True, timeout=600)
    import json
    return json.loads(done.stdout)


@pytest.mark.slow
def test_compiled_engine_gives_the_answers_of_the_python_source():
    as_python = _report(pure=True)
    assert as_python["compiled"] == []              # OMTUI_PURE_PYTHON ran the .py files
    default = _report(pure=False)
    if all(compiled.extension_path(name) for name in compiled.MODULES):
        assert default["compiled"] == list(compiled.MODULES)     # two engines were compared
    assert default["digest"] == as_python["digest"]
    assert default["events_read_back"] and as_python["events_read_back"]


def test_status_command_names_every_module(capsys):
    assert compiled.main([]) == 0
    head, *out = capsys.readouterr().out.splitlines()
    assert head.startswith("rules engine ")
    assert [line.split(":")[0] for line in out] == list(compiled.MODULES)
    assert all(line.split(": ")[1].startswith(("compiled", "Python")) for line in out)
    assert compiled.main(["--nonsense"]) == 2


def _module_tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    pkg = tmp_path / "omtui" / "domain"
    pkg.mkdir(parents=True)
    source = pkg / "agenda.py"
    source.write_text("X = 1\n")
    ext = pkg / ("agenda" + compiled.importlib.machinery.EXTENSION_SUFFIXES[0])
    ext.write_bytes(b"")
    return tmp_path, source, ext


def test_an_extension_older_than_its_source_is_stale(tmp_path):
    src, source, ext = _module_tree(tmp_path)
    now = time.time()
    os.utime(ext, (now - 60, now - 60))
    os.utime(source, (now, now))
    assert compiled.stale(src, ["omtui.domain.agenda"]) == ["omtui.domain.agenda"]
    os.utime(ext, (now + 1, now + 1))                 # built after the last edit
    assert compiled.stale(src, ["omtui.domain.agenda"]) == []


def test_an_extension_left_from_a_build_of_other_modules_is_stale(tmp_path):
    src, _source, ext = _module_tree(tmp_path)
    left = ext.with_name("case" + ext.name[len("agenda"):])     # built once, then dropped
    left.write_bytes(b"")
    assert compiled.stale(src, ["omtui.domain.agenda"]) == ["omtui.domain.case"]
    assert left in compiled.extensions(src)


def test_no_extension_is_never_stale(tmp_path):
    src, _source, ext = _module_tree(tmp_path)
    ext.unlink()
    assert compiled.extension_path("omtui.domain.agenda", src) is None
    assert compiled.stale(src, ["omtui.domain.agenda"]) == []


def test_pure_python_is_asked_by_any_value_but_empty_or_zero():
    assert compiled.pure_python_asked({compiled.PURE_ENV: "1"})
    assert compiled.pure_python_asked({compiled.PURE_ENV: "yes"})
    assert not compiled.pure_python_asked({compiled.PURE_ENV: "0"})
    assert not compiled.pure_python_asked({compiled.PURE_ENV: ""})
    assert not compiled.pure_python_asked({})


def test_a_failed_build_leaves_the_python_source_running(tmp_path, monkeypatch, capsys):
    src, _source, ext = _module_tree(tmp_path)
    (src / "build").mkdir()

    def failing_mypyc(args, cwd, **kwargs):
        assert cwd == src and args[-1] == "omtui/domain/agenda.py"
        ext.write_bytes(b"")              # half built when the compiler gave up
        return subprocess.CompletedProcess(args, 1)

    monkeypatch.setattr(compiled, "MODULES", ("omtui.domain.agenda",))
    monkeypatch.setattr(compiled.subprocess, "run", failing_mypyc)
    assert compiled.build(src) == 1
    assert compiled.extensions(src) == []              # the .py runs
    assert not (src / "build").exists()
    assert "runs as plain Python" in capsys.readouterr().err


def test_no_mypyc_means_no_build(tmp_path, monkeypatch, capsys):
    src, _source, ext = _module_tree(tmp_path)
    monkeypatch.setattr(compiled.shutil, "which", lambda *a, **k: None)
    assert compiled.build(src) == 1
    assert ext.exists()                                 # nothing touched
    assert "mypyc is not installed" in capsys.readouterr().err
