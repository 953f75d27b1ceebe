"""omtui demo: a deterministic, realistic, fictional caseload, and --ensure for `make run`."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from omtui.domain.case import ContactOutcome, EventType
from omtui.domain.caseformat import check_against_today, parse_caseload
from omtui.store import demo, open_store
from omtui.store.exporter import caseload_json
from tests.store.conftest import ROOT, cli

DEMO_FILE = ROOT / "data" / "demo" / "caseload.json"


def scripts(text: str) -> set[str]:
    return {unicodedata.name(ch, "?").split()[0] for ch in text if ch.isalpha()}


def test_same_seed_same_caseload_other_seed_differs():
    assert demo.generate(30, seed=5) == demo.generate(30, seed=5)
    assert demo.generate(30, seed=5) != demo.generate(30, seed=6)


def test_committed_demo_file_is_the_default_generation():
    """data/demo/caseload.json is exactly `omtui demo` with the defaults (regenerate it with
    `omtui demo --out data/demo/caseload.json` after changing the generator)."""
    assert DEMO_FILE.read_text(encoding="utf-8") == caseload_json(demo.generate())


def test_default_demo_has_everything_a_demo_should_show():
    cases = parse_caseload(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    assert cases.problems == []
    cs = cases.cases
    assert len(cs) == 40
    assert len({c.crn for c in cs}) == 40
    names = [c.name for c in cs]
    assert "[bold]Lee Harrison" in names
    found = set().union(*(scripts(n) for n in names))
    assert {"ARABIC", "CJK", "CYRILLIC", "GREEK", "DEVANAGARI", "LATIN"} <= found
    assert {c.order_type.value for c in cs} == {"CO", "SSO", "licence", "PSS"}
    assert {c.tier for c in cs} == {1, 2, 3, 4}
    assert {c.rosh.value for c in cs} == {"low", "medium", "high", "very_high"}
    assert any(c.mappa for c in cs) and any(c.ppo for c in cs)
    flags = {f for c in cs for f in c.flags}
    assert {"child_concerns", "victim_contact", "domestic_abuse"} <= flags
    assert len({c.om for c in cs}) >= 4
    events = [e for c in cs for e in c.events]
    kinds = [e.type for e in events]
    assert kinds.count(EventType.BREACH_INITIATED) == 1
    assert kinds.count(EventType.RECALL_INITIATED) == 1
    assert EventType.WARNING in kinds
    today = demo.DEMO_TODAY
    ftcs = [(c, e) for c in cs for e in c.events if e.is_ftc]
    explained = {(c.crn, e.for_date) for c in cs for e in c.events
                 if e.type is EventType.EXPLANATION}
    assert any((c.crn, e.date) in explained for c, e in ftcs)
    assert any((c.crn, e.date) not in explained for c, e in ftcs)
    future = [e for e in events if e.date > today]
    assert future and all(e.type is EventType.CONTACT and e.outcome is None for e in future)
    assert all(e.get("time") and e.get("contact_type") for e in future)
    assert {e.get("outcome_detail") for e in events if e.outcome} <= {
        "attended_complied", "failed_to_attend", "acceptable_absence", "to_be_rescheduled"}
    # Before today every contact with the person has an outcome (today's appointments may
    # not have happened yet; a contact with the prison or police has none).
    past_contacts = [e for e in events if e.type is EventType.CONTACT and e.date < today
                     and e.get("with") is None and e.get("purpose") is None]
    assert all(e.outcome is not None for e in past_contacts)
    assert {ContactOutcome.ATTENDED, ContactOutcome.FTC} <= {e.outcome for e in past_contacts}
    assert all(check_against_today(c, today) == [] for c in cs)


def test_demo_items_are_overdue_as_of_demo_today():
    """Uses the rules engine when it is there (H2's omtui.domain.agenda)."""
    agenda = pytest.importorskip("omtui.domain.agenda")
    from omtui.domain.calendar import england_and_wales

    cases = demo.generate()
    items = agenda.caseload_agenda(cases, demo.DEMO_TODAY, england_and_wales())
    overdue = {i.crn for i in items if i.status.value == "overdue"}
    # Some cases have overdue items, most do not (a caseload in reasonable shape).
    assert 3 <= len(overdue) <= len(cases) // 2, overdue


def test_cli_demo_writes_json_and_loads(tmp_path):
    out = tmp_path / "d.json"
    r = cli("demo", "--cases", "12", "--seed", "4", "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert out.read_text(encoding="utf-8") == caseload_json(demo.generate(12, 4))
    db = tmp_path / "d.sqlite"
    loaded = cli("--db", str(db), "demo", "--cases", "12", "--seed", "4", "--load")
    assert loaded.exit_code == 0, loaded.stderr
    s = open_store(db)
    assert s.list_cases() == demo.generate(12, 4)
    s.close()


def test_cli_demo_other_today_moves_the_dates(tmp_path):
    r = cli("demo", "--cases", "3", "--today", "2030-01-07")
    assert r.exit_code == 0
    latest = max(e["date"] for c in json.loads(r.stdout)["cases"] for e in c["events"])
    assert latest > "2030-01-07"
    bad = cli("demo", "--today", "2030-02-30")
    assert bad.exit_code == 2 and "not a real date" in bad.stderr


def test_ensure_loads_once_then_is_a_no_op(tmp_path):
    db = tmp_path / ".demo" / "omtui-demo.sqlite"
    first = cli("--db", str(db), "demo", "--ensure")
    assert first.exit_code == 0, first.stderr
    assert "imported 40 case(s)" in first.stdout
    s = open_store(db)
    assert s.list_cases() == demo.generate()
    s.close()
    again = cli("--db", str(db), "demo", "--ensure")
    assert again.exit_code == 0 and "ready (40 cases)" in again.stdout
    assert (db.parent.stat().st_mode & 0o777) == 0o700


def test_ensure_generates_when_the_file_is_absent(tmp_path, monkeypatch):
    """An installed wheel has no data/demo: generate the same caseload instead."""
    monkeypatch.setattr("omtui.paths.repo_root", lambda: None)
    db = tmp_path / "w.sqlite"
    r = cli("--db", str(db), "demo", "--ensure")
    assert r.exit_code == 0, r.stderr
    s = open_store(db)
    assert s.list_cases() == demo.generate()
    s.close()


def test_large_generation_is_valid():
    cs = demo.generate(400, seed=11)
    assert len({c.crn for c in cs}) == 400
    result = parse_caseload(json.loads(caseload_json(cs)))
    assert result.problems == [] and result.cases == cs
