"""``omtui plan export`` / ``omtui plan check`` as a user runs them."""

from __future__ import annotations

import json
import stat
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from omtui.cli import app
from omtui.domain.caseformat import case_to_dict
from omtui.domain.plan import plan_to_dict
from tests.unit.test_plan import complete_plan, make_case


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def files(tmp_path):
    plan_only = tmp_path / "plan.json"
    plan_only.write_text(json.dumps(plan_to_dict(complete_plan())), encoding="utf-8")
    case = replace(make_case(), name="Zoë <script>x</script> [bold]Ōkubo[/bold]")
    both = tmp_path / "both.json"
    both.write_text(json.dumps({"case": case_to_dict(case),
                                "plan": plan_to_dict(replace(complete_plan(), review_date=None))}),
                    encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return plan_only, both, out


def test_export_writes_all_three_formats_by_default(files):
    plan_only, _, out = files
    result = run("--today", "2026-11-23", "plan", "export", "--plan", str(plan_only), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    names = [line.rsplit("/", 1)[-1] for line in result.stdout.splitlines()]
    assert names == ["A123456-plan.md", "A123456-plan.html", "A123456-plan.pdf"]
    assert (out / "A123456-plan.pdf").read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE((out / "A123456-plan.md").stat().st_mode) == 0o600
    md = (out / "A123456-plan.md").read_text(encoding="utf-8")
    assert "Printed 2026-11-23 by omtui." in md and "- Order: not recorded" in md


def test_export_with_case_facts_names_the_person_literally_and_lists_gaps(files):
    _, both, out = files
    result = run("--today", "2026-11-23", "plan", "export", "A123456", "--plan", str(both),
                 "--out", str(out), "--format", "md", "--format", "html")
    assert result.exit_code == 0, result.stderr
    md = (out / "A123456-plan.md").read_text(encoding="utf-8")
    html = (out / "A123456-plan.html").read_text(encoding="utf-8")
    assert "Zoë \\<script\\>x\\</script\\> \\[bold\\]Ōkubo\\[/bold\\]" in md
    assert "Zoë &lt;script&gt;x&lt;/script&gt; [bold]Ōkubo[/bold]" in html
    assert "The plan has no review date (NS 2e.5; HMIP C.2.1.18)" in md
    assert not (out / "A123456-plan.pdf").exists()


@pytest.mark.parametrize("args, message", [
    (("plan", "export"), "give a CRN"),
    (("plan", "export", "a12", "--plan", "PLAN"), "bad CRN 'a12'"),
    (("plan", "export", "B123456", "--plan", "PLAN"), "is the plan of A123456, not B123456"),
    (("plan", "export", "--plan", "PLAN", "--format", "docx"), "bad --format 'docx'"),
    (("plan", "export", "--plan", "missing.json"), "missing.json"),
    (("plan", "export", "--plan", "PLAN", "--out", "nowhere"), "--out nowhere: not a directory"),
])
def test_errors_are_one_line_and_non_zero(files, args, message):
    plan_only, _, _ = files
    args = tuple(str(plan_only) if a == "PLAN" else a for a in args)
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_bad_plan_file_names_the_field(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"crn": "A123456", "objectives": [{"id": "o", "what": "x", '
                   '"by_when": "2026-02-30"}]}', encoding="utf-8")
    result = run("plan", "export", "--plan", str(bad), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "objectives[0].by_when: '2026-02-30' is not a real date" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"crn": ', encoding="utf-8")
    result = run("plan", "export", "--plan", str(broken))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_database_case_without_a_plan_says_how_to_make_one(tmp_path):
    from omtui.store import open_store

    db = tmp_path / "cases.sqlite"
    store = open_store(str(db), "tester")
    try:
        store.save_case(make_case())
    finally:
        store.close()
    result = run("--db", str(db), "plan", "export", "A123456")
    assert result.exit_code == 2
    assert "A123456 has no sentence plan yet" in result.stderr
    assert "--plan FILE.json" in result.stderr
    missing = run("--db", str(db), "plan", "export", "B999999")
    assert missing.exit_code == 2 and "no case B999999" in missing.stderr


def test_plan_file_with_db_takes_case_facts_from_the_database(tmp_path, files):
    from omtui.store import open_store

    plan_only, _, out = files
    db = tmp_path / "cases.sqlite"
    store = open_store(str(db), "tester")
    try:
        store.save_case(replace(make_case(), name="Ada Lovelace"))
    finally:
        store.close()
    result = run("--db", str(db), "--today", "2026-11-23", "plan", "export", "--plan",
                 str(plan_only), "--out", str(out), "--format", "md")
    assert result.exit_code == 0, result.stderr
    md = (out / "A123456-plan.md").read_text(encoding="utf-8")
    assert md.startswith("# Sentence plan: Ada Lovelace (A123456)")


def test_check_lists_gaps_with_sources(files):
    _, both, _ = files
    result = run("--today", "2026-11-23", "plan", "check", "--plan", str(both))
    assert result.exit_code == 0
    assert result.stdout == "The plan has no review date (NS 2e.5; HMIP C.2.1.18)\n"
    result = run("--today", "2026-11-23", "plan", "check", "--plan", str(both), "--json")
    data = json.loads(result.stdout)
    assert data["case_facts"] is True
    assert [g["code"] for g in data["gaps"]] == ["no-review-date"]


def test_check_without_case_facts_skips_case_checks(files):
    plan_only, _, _ = files
    result = run("--today", "2026-11-23", "plan", "check", "--plan", str(plan_only))
    assert result.exit_code == 0
    assert result.stdout == "A123456: no gaps found\n"
    assert "requirement and RoSH checks skipped" in result.stderr
