"""omtui import / export: validate first, report every bad row, one transaction."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from omtui.domain.caseformat import case_to_dict, parse_caseload
from omtui.store import open_store
from omtui.store.demo import generate
from tests.store.conftest import cli, make_case

TODAY = "2026-11-23"


def write_json(path: Path, cases: list) -> Path:
    path.write_text(json.dumps({"cases": cases}, ensure_ascii=False), encoding="utf-8")
    return path


def good(crn: str, **over) -> dict:
    return {**case_to_dict(make_case(crn)), **over}


def count(db: Path) -> int:
    s = open_store(db)
    try:
        return len(s.crns())
    finally:
        s.close()


def test_valid_file_is_imported(tmp_path, db_path):
    f = write_json(tmp_path / "in.json", [good("A000001"), good("B000002")])
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    assert "imported 2 case(s)" in r.stdout and "4 event(s)" in r.stdout
    assert count(db_path) == 2


BAD_CASES = [
    ({**good("A000009"), "crn": "A00001"}, "crn", "is not a CRN"),
    (good("B000002", sentence_date="2026-02-30"), "sentence_date", "not a real date"),
    (good("C000003", sentence_date="2027-01-04"), "sentence_date", "in the future"),
    (good("D000004", end_date="2026-01-01"), "end_date", "before the start"),
    (good("E000005", name="Nul\u0000Byte"), "name", "NUL"),
    (good("F000006", events=[{"type": "contact", "date": "2026-13-01"}]), "events[0].date",
     "not a"),
    (good("G000007", tier=7), "tier", "outside 1-4"),
]


def test_bad_rows_all_reported_and_nothing_written(tmp_path, db_path):
    cases = [good("Z000001")] + [c for c, _, _ in BAD_CASES] + [good("Z000002")]
    f = write_json(tmp_path / "in.json", cases)
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    for i, (_, field, reason) in enumerate(BAD_CASES, start=1):
        hit = [ln for ln in lines if f"case {i}," in ln and f": {field}:" in ln]
        assert hit and reason in hit[0], (i, field, lines)
    assert lines[-1].startswith("omtui: nothing imported: ")
    assert "Traceback" not in r.stderr
    assert count(db_path) == 0


def test_skip_bad_imports_only_the_good_ones_with_a_report(tmp_path, db_path):
    cases = [good("Z000001")] + [c for c, _, _ in BAD_CASES] + [good("Z000002")]
    f = write_json(tmp_path / "in.json", cases)
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY, "--skip-bad")
    assert r.exit_code == 0, r.stderr
    assert f"skipped {len(BAD_CASES)} bad case(s)" in r.stdout
    assert len(r.stderr.strip().splitlines()) >= len(BAD_CASES)
    s = open_store(db_path)
    assert s.crns() == ["Z000001", "Z000002"]
    s.close()


def test_future_sentence_date_uses_global_today_too(tmp_path, db_path):
    f = write_json(tmp_path / "in.json", [good("A000001", sentence_date="2026-11-24")])
    r = cli("--db", str(db_path), "--today", TODAY, "import", str(f))
    assert r.exit_code == 1 and "in the future (today is 2026-11-23)" in r.stderr


def test_existing_crn_rejected_unless_replace(tmp_path, db_path):
    f = write_json(tmp_path / "in.json", [good("A000001")])
    assert cli("--db", str(db_path), "import", str(f), "--today", TODAY).exit_code == 0
    f2 = write_json(tmp_path / "in2.json", [good("A000001", name="New Name"), good("B000002")])
    again = cli("--db", str(db_path), "import", str(f2), "--today", TODAY)
    assert again.exit_code == 1
    assert "A000001: crn: already in the database (use --replace" in again.stderr
    assert count(db_path) == 1
    rep = cli("--db", str(db_path), "import", str(f2), "--today", TODAY, "--replace")
    assert rep.exit_code == 0, rep.stderr
    assert "imported 1 case(s), replaced 1" in rep.stdout
    s = open_store(db_path)
    assert s.get_case("A000001").name == "New Name"
    s.close()


def test_duplicate_crn_within_a_file(tmp_path, db_path):
    f = write_json(tmp_path / "in.json", [good("A000001"), good("A000001")])
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code == 1 and "duplicate of case 0" in r.stderr


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"people": []}', 'needs a "cases" list'),
    (b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_unreadable_files_are_one_line_errors(tmp_path, db_path, content, message):
    f = tmp_path / "in.json"
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code != 0
    assert message in r.stderr and "Traceback" not in r.stderr
    assert count(db_path) == 0


def test_missing_file(tmp_path, db_path):
    r = cli("--db", str(db_path), "import", str(tmp_path / "nope.json"))
    assert r.exit_code == 2 and "no such file" in r.stderr


def test_long_notes_and_scripts_stored_exactly(tmp_path, db_path):
    note = "x" * 100_000
    case = good("A000001", name="Дмитрий [bold]Соколов[/bold] 王伟",
                events=[{"type": "contact", "date": "2026-06-03", "outcome": "attended",
                         "note": note, "unknown_field": {"kept": ["as", "is"]}}])
    f = write_json(tmp_path / "in.json", [case])
    assert cli("--db", str(db_path), "import", str(f), "--today", TODAY).exit_code == 0
    out = tmp_path / "out.json"
    assert cli("--db", str(db_path), "export", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == {"cases": [case]}


def test_export_is_private_and_round_trips(tmp_path, db_path):
    cases = generate(25, seed=9)
    s = open_store(db_path)
    s.import_cases(cases)
    s.close()
    out = tmp_path / "export.json"
    r = cli("--db", str(db_path), "export", str(out))
    assert r.exit_code == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    parsed = parse_caseload(json.loads(out.read_text(encoding="utf-8")))
    assert parsed.problems == [] and parsed.cases == cases


def test_export_selected_crns_and_unknown(tmp_path, db_path):
    cases = generate(5, seed=9)
    s = open_store(db_path)
    s.import_cases(cases)
    s.close()
    out = tmp_path / "one.json"
    r = cli("--db", str(db_path), "export", "--crn", cases[2].crn, str(out))
    assert r.exit_code == 0
    assert [c["crn"] for c in json.loads(out.read_text())["cases"]] == [cases[2].crn]
    bad = cli("--db", str(db_path), "export", "--crn", "Q999999", str(out))
    assert bad.exit_code == 2 and "no case Q999999" in bad.stderr


# -- CSV -----------------------------------------------------------------------------------

CSV_HEADER = ("crn,name,order_type,sentence_date,tier,rosh,ppo,requirements,gender,dob,"
              "mappa_category,mappa_level,release_date,custody_months,time_to_serve_months,"
              "start_date,end_date,om,flags")


def test_csv_caseload_imported(tmp_path, db_path):
    f = tmp_path / "list.csv"
    f.write_text(CSV_HEADER + "\n"
                 'A000001,"Lee, [bold]Harrison",CO,2026-03-02,2,medium,no,supervision;unpaid_work,'
                 "male,1990-05-01,,,,,,,2027-03-01,Tom Evans,child_concerns\n"
                 "B000002,王伟,licence,2024-01-08,4,high,yes,,,,1,2,2026-06-01,36,18,2026-06-01,"
                 "2027-01-08,,victim_contact;domestic_abuse\n", encoding="utf-8")
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code == 0, r.stderr
    s = open_store(db_path)
    a, b = s.list_cases()
    s.close()
    assert a.name == "Lee, [bold]Harrison" and [r.value for r in a.requirements] == [
        "supervision", "unpaid_work"]
    assert a.flags == ("child_concerns",) and a.events == ()
    assert b.ppo and str(b.mappa) == "MAPPA C1 L2" and b.custody_months == 36
    assert b.flags == ("victim_contact", "domestic_abuse")


def test_csv_problems_name_the_line(tmp_path, db_path):
    f = tmp_path / "list.csv"
    f.write_text("crn,name,order_type,sentence_date,tier,rosh\n"
                 "A000001,Good Person,CO,2026-03-02,2,medium\n"
                 "bad,Bad Crn,CO,2026-03-02,2,medium\n"
                 '"C000003","Multi\nLine Name",CO,2026-02-31,two,medium\n'
                 "D000004,Future,CO,2027-03-02,2,medium\n", encoding="utf-8")
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code == 1
    err = r.stderr
    assert "line 3, bad: crn:" in err
    assert "line 4, C000003: sentence_date:" in err and "line 4, C000003: tier:" in err
    assert "line 6, D000004: sentence_date:" in err and "in the future" in err
    assert count(db_path) == 0


def test_csv_bad_header(tmp_path, db_path):
    f = tmp_path / "list.csv"
    f.write_text("crn,name,teir\nA000001,X,2\n", encoding="utf-8")
    r = cli("--db", str(db_path), "import", str(f))
    assert r.exit_code == 2
    assert "unknown column(s) teir" in r.stderr and "missing column(s)" in r.stderr


def test_csv_with_nul_byte_is_a_clear_error(tmp_path, db_path):
    f = tmp_path / "list.csv"
    f.write_bytes(b"crn,name,order_type,sentence_date,tier,rosh\nA000001,Nul\x00,CO,2026-03-02,2,low\n")
    r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    assert r.exit_code != 0 and "NUL" in r.stderr.upper()
    assert "Traceback" not in r.stderr
    assert count(db_path) == 0


def test_export_to_stdout(db_path):
    s = open_store(db_path)
    s.import_cases([make_case()])
    s.close()
    r = cli("--db", str(db_path), "export", "-")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["cases"][0]["crn"] == "A123456"


def test_import_into_a_busy_database_is_a_clear_try_again(tmp_path, db_path, monkeypatch):
    import sqlite3

    import omtui.store.engine as engine

    open_store(db_path).close()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_SECONDS", 0.05)
    f = write_json(tmp_path / "in.json", [good("A000001")])
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = cli("--db", str(db_path), "import", str(f), "--today", TODAY)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.exit_code == 2
    assert "busy" in r.stderr and "try again" in r.stderr and "Traceback" not in r.stderr
    assert count(db_path) == 0


def test_read_only_commands_do_not_create_a_database(tmp_path):
    missing = tmp_path / "typo.sqlite"
    for args in (["export", str(tmp_path / "x.json")], ["audit", "verify"],
                 ["audit", "show", "A123456"], ["backup", str(tmp_path / "b.sqlite")]):
        r = cli("--db", str(missing), *args)
        assert r.exit_code == 2, args
        assert "no database at" in r.stderr
    assert not missing.exists()
