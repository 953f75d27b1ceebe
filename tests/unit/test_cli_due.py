"""``omtui due``, ``omtui explain``, ``omtui rules list|check`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omtui.cli import app
from omtui.rulepacks import ENV_VAR

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
MIXED, BAD = str(CASES / "mixed.json"), str(CASES / "bad.json")
PACK = Path(__file__).resolve().parents[2] / "src" / "omtui" / "data" / "rules" / "national-standards-2007.toml"


@pytest.fixture(autouse=True)
def no_local_packs(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result


def test_due_json_contract():
    r = run("due", "--cases", MIXED, "--today", "2026-11-23", "--json")
    assert r.exit_code == 0, r.output
    items = json.loads(r.stdout)
    assert items
    for item in items:
        assert {"crn", "rule", "title", "source", "day0", "due", "status",
                "explanation"} <= set(item)
        assert item["status"] in {"done", "due", "due_soon", "overdue"}
    by = {(i["crn"], i["rule"]): i for i in items}
    # A100001: sentence Mon 2 Nov 2026, tier 4; plan due 5 wd = Mon 9 Nov, done Thu 12 Nov
    # (Tue 10, Wed 11, Thu 12: 3 working days late).
    plan = by[("A100001", "ns-2b3-plan-tier4-ppo")]
    assert (plan["day0"], plan["due"], plan["status"], plan["done_on"], plan["late_by"]) == (
        "2026-11-02", "2026-11-09", "done", "2026-11-12", 3)
    assert plan["source"] == "NS 2b.3"
    assert plan["explanation"]["counted"] == ["2026-11-03", "2026-11-04", "2026-11-05",
                                              "2026-11-06", "2026-11-09"]
    assert plan["explanation"]["skipped"] == [{"date": "2026-11-07", "reason": "Saturday"},
                                              {"date": "2026-11-08", "reason": "Sunday"}]
    # B200001 released Thu 12 Nov, tier 3: review within 15 wd -> Thu 3 Dec, not yet done.
    review = by[("B200001", "ns-2e5-review-release")]
    assert (review["due"], review["status"]) == ("2026-12-03", "due")
    # Overdue first, then by due date.
    order = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}
    keys = [(order[i["status"]], i["due"]) for i in items]
    assert keys == sorted(keys)
    # Contact levels and enforcement are in the list too.
    assert {i["kind"] for i in items} >= {"rule", "contact", "enforcement"}


def test_due_text_table_shows_names_literally():
    r = run("due", "--cases", MIXED, "--today", "2026-11-23")
    assert r.exit_code == 0, r.output
    assert "[bold]Tom[/bold] Rix" in r.stdout
    assert "李雷" in r.stdout and "Мария Иванова" in r.stdout
    assert "OVERDUE" in r.stdout and "NS 2b.3" in r.stdout
    lines = r.stdout.splitlines()
    first_overdue = next(i for i, l in enumerate(lines) if "OVERDUE" in l)
    first_due = next(i for i, l in enumerate(lines) if "· due" in l)
    assert first_overdue < first_due
    assert "across 8 case(s)" in r.stdout


def test_due_open_leaves_out_done_and_crn_filters():
    r = run("due", "--cases", MIXED, "--today", "2026-11-23", "--json", "--open",
            "--crn", "A100001")
    items = json.loads(r.stdout)
    assert items and all(i["status"] != "done" and i["crn"] == "A100001" for i in items)


def test_malformed_cases_reported_and_skipped():
    r = run("due", "--cases", BAD, "--today", "2026-11-23", "--json")
    assert r.exit_code == 0
    crns = {i["crn"] for i in json.loads(r.stdout)}
    assert crns == {"E500001", "E500006"}
    err = r.stderr
    assert "case 1, e5000O2: crn: 'e5000O2' is not a CRN" in err
    assert "case 2, E500003: sentence_date: '2026-02-30' is not a real date (case skipped)" in err
    assert "case 3, E500004: sentence_date: 2027-06-01 is in the future" in err
    assert "case 4, E500005: events[0].outcome: 'no_show' is not one of" in err
    assert "4 case(s) skipped, 2 evaluated" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["due", "--cases", "/nonexistent/x.json", "--today", "2026-11-23"], "no such file"),
    (["due", "--cases", MIXED, "--today", "2026-02-30"], "bad --today"),
    (["due", "--cases", MIXED, "--today", "23/11/2026"], "bad --today"),
    (["due", "--today", "2026-11-23"], "say where the cases are"),
    (["explain", "Z999999", "--cases", MIXED, "--today", "2026-11-23"], "no case Z999999"),
])
def test_errors_are_one_line(args, message):
    r = run(*args)
    assert r.exit_code != 0
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_not_json_is_one_line(tmp_path):
    f = tmp_path / "cases.json"
    f.write_text("{\"cases\": [", "utf-8")
    r = run("due", "--cases", str(f), "--today", "2026-11-23")
    assert r.exit_code != 0 and "not valid JSON" in r.stderr
    f.write_text('{"people": []}', "utf-8")
    r = run("due", "--cases", str(f), "--today", "2026-11-23")
    assert r.exit_code != 0 and 'the file needs a "cases" list' in r.stderr


def test_explain_shows_every_rule_and_why():
    r = run("explain", "A100001", "--cases", MIXED, "--today", "2026-11-23")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "[APPLIES] ns-2b3-plan-tier4-ppo" in out
    assert "[not applied] ns-2b3-plan:" in out
    assert "not applicable: tier is 4, so tier < 4 is no (when: community and tier < 4 and not ppo)" in out
    assert "[not applied] ns-4-2-victim-contact" in out
    assert "skipped: Saturday" in out           # the trace of a working-day count
    r = run("explain", "A100001", "--cases", MIXED, "--today", "2026-11-23", "--json")
    decisions = json.loads(r.stdout)
    rules = {d["rule"] for d in decisions}
    assert "ns-2c13-licence-first-contact" in rules and "ns-1-1-allocate" in rules
    assert all({"rule", "applies", "reason", "source"} <= set(d) for d in decisions)


def test_rules_list_and_check(tmp_path):
    r = run("rules", "list")
    assert r.exit_code == 0
    assert "ns-2b3-plan-tier4-ppo" in r.stdout and "national-standards-2007" in r.stdout
    r = run("rules", "list", "--json")
    rules = json.loads(r.stdout)
    assert {"id", "source", "offset", "when", "trigger", "satisfied_by"} <= set(rules[0])
    r = run("rules", "check", str(PACK))
    assert r.exit_code == 0 and "ok: pack national-standards-2007" in r.stdout
    bad = tmp_path / "office.toml"
    bad.write_text('[pack]\nid = "office"\ntitle = "Office"\neffective_from = 2027-01-01\n'
                   '[[rule]]\nid = "office-x"\ntitle = "x"\nsource = "NS 1.1"\ntext = "x"\n'
                   'trigger = "sentence"\noffset = "2 fortnights"\nsatisfied_by = "allocated"\n'
                   'when = "tier >= 5 and rosh == hi"\n', "utf-8")
    r = run("rules", "check", str(bad))
    assert r.exit_code == 1
    assert f"{bad}: rule office-x: offset: unknown unit 'fortnights'" in r.stderr
    assert f"{bad}: rule office-x: when: 'hi' is not a value of rosh" in r.stderr
    assert "at position 23" in r.stderr          # 1-based: "tier >= 5 and rosh == " is 22


def test_local_pack_option_and_bad_pack_is_one_error(tmp_path):
    local = tmp_path / "office.toml"
    local.write_text('[pack]\nid = "office"\ntitle = "Office"\neffective_from = 2020-01-01\n'
                     '[[rule]]\nid = "ns-2b3-plan-tier4-ppo"\ndisabled = true\n', "utf-8")
    r = run("due", "--cases", MIXED, "--today", "2026-11-23", "--json", "--rules", str(local))
    assert r.exit_code == 0
    assert "ns-2b3-plan-tier4-ppo" not in {i["rule"] for i in json.loads(r.stdout)}
    local.write_text("[pack]\n", "utf-8")
    r = run("due", "--cases", MIXED, "--today", "2026-11-23", "--rules", str(local))
    assert r.exit_code != 0 and "bad rule pack" in r.stderr and "Traceback" not in r.output


def test_due_from_the_store(tmp_path):
    from omtui.domain.caseformat import parse_caseload
    from omtui.store import open_store

    db = tmp_path / "cases.sqlite"
    store = open_store(str(db), "tester")
    for case in parse_caseload(json.loads(Path(MIXED).read_text("utf-8"))).cases:
        store.save_case(case)
    getattr(store, "close", lambda: None)()
    r = run("due", "--db", str(db), "--today", "2026-11-23", "--json")
    assert r.exit_code == 0, r.output
    from_db = json.loads(r.stdout)
    from_file = json.loads(run("due", "--cases", MIXED, "--today", "2026-11-23", "--json").stdout)
    assert [(i["crn"], i["rule"], i["due"], i["status"]) for i in from_db] == \
        [(i["crn"], i["rule"], i["due"], i["status"]) for i in from_file]
    r = run("--db", str(db), "due", "--today", "2026-11-23", "--json")     # the global --db
    assert r.exit_code == 0 and json.loads(r.stdout)


def test_parallel_workers_give_the_same_list():
    one = run("due", "--cases", MIXED, "--today", "2026-11-23", "--json", "--jobs", "1")
    two = run("due", "--cases", MIXED, "--today", "2026-11-23", "--json", "--jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert run("due", "--cases", MIXED, "--jobs", "0").exit_code != 0


def test_fast_json_is_exactly_item_json(fixed_cal):
    from omtui.cmd.due_list import JsonWriter, item_json
    from omtui.domain.agenda import case_agenda
    from omtui.domain.caseformat import parse_caseload
    from omtui.rulepacks import default_packs
    from datetime import date

    writer = JsonWriter()
    cases = parse_caseload(json.loads(Path(MIXED).read_text("utf-8"))).cases
    n = 0
    for case in cases:
        for item in case_agenda(case, date(2026, 11, 23), fixed_cal, default_packs()):
            assert json.loads(writer.text(item)) == item_json(item)
            n += 1
    assert n > 20


def test_due_never_creates_a_database(tmp_path):
    missing = tmp_path / "nothing-here.sqlite"
    r = run("due", "--db", str(missing), "--today", "2026-11-23")
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1
    assert not missing.exists()


def test_table_rows_are_one_string_per_row_and_split_back_into_seven_cells():
    from omtui.cmd.due_list import _table_row, table_cells

    cells = ("overdue", "2026-11-20", "X123456", "[bold]Anna[/bold] Ñúñez", "Plan", "NS 2b.3",
             "2026-11-01 sentence")
    assert table_cells(_table_row(*cells)) == list(cells)
    # text with the separator in it cannot shift the columns: it is shown as U+FFFD
    odd = ("due", "2026-12-01", "X123456", "Nul\x00Name", "Plan", "NS", "2026-11-01 sentence")
    got = table_cells(_table_row(*odd))
    assert len(got) == 7 and got[3] == "Nul\ufffdName" and got[4:] == list(odd[4:])


def test_plain_rows_from_workers_match_one_process_row_for_row(fixed_cal):
    from datetime import date

    from omtui.cmd.due_list import due_rows, table_cells
    from omtui.domain.agenda import case_agenda
    from omtui.domain.caseformat import parse_caseload
    from omtui.rulepacks import default_packs

    cases = parse_caseload(json.loads(Path(MIXED).read_text("utf-8"))).cases
    today, book = date(2026, 11, 23), default_packs()
    one = due_rows(cases, today, fixed_cal, book, as_json=False, jobs=1)
    two = due_rows(cases, today, fixed_cal, book, as_json=False, jobs=2)
    assert one == two and len(one) > 20
    # every item of every case, overdue first then by due date; the cells say what the item says
    items = sorted((i for c in cases for i in case_agenda(c, today, fixed_cal, book)),
                   key=lambda i: i.sort_key())
    assert [table_cells(p)[:3] for _, p in one] == [
        [i.status.value, i.due.isoformat(), i.crn] for i in items]


def test_worker_rows_with_the_join_separator_in_a_name_come_back_whole(fixed_cal):
    """Workers send rows back joined by one control character; a name holding it (the case
    format does not refuse it) must not split or shift a row."""
    from dataclasses import replace
    from datetime import date

    from omtui.cmd.due_list import due_rows, table_cells
    from omtui.domain.caseformat import parse_caseload
    from omtui.rulepacks import default_packs

    cases = parse_caseload(json.loads(Path(MIXED).read_text("utf-8"))).cases
    cases[0] = replace(cases[0], name="Odd\x1eName [bold]")
    today, book = date(2026, 11, 23), default_packs()
    one = due_rows(cases, today, fixed_cal, book, as_json=False, jobs=1)
    two = due_rows(cases, today, fixed_cal, book, as_json=False, jobs=2)
    assert one == two
    mine = [table_cells(p) for _, p in two if table_cells(p)[2] == cases[0].crn]
    assert mine and all(len(cells) == 7 and cells[3] == "Odd\x1eName [bold]" for cells in mine)


def test_big_due_list_is_a_plain_table_streamed_in_the_same_order(monkeypatch):
    from omtui.cmd import rules as due_cmd

    small = run("due", "--cases", MIXED, "--today", "2026-11-23")
    items = json.loads(run("due", "--cases", MIXED, "--today", "2026-11-23", "--json").stdout)
    monkeypatch.setattr(due_cmd, "PLAIN_TABLE_FROM", 0)      # mixed.json counts as big
    r = run("due", "--cases", MIXED, "--today", "2026-11-23")
    assert r.exit_code == 0, r.output
    assert r.stdout != small.stdout                          # not the Rich table
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Status", "Due", "CRN", "Name", "What", "Source", "Day", "0"]
    body, summary = lines[2:-1], lines[-1]
    # one line per item, in the --json order (overdue first), each column where the heading is
    assert len(body) == len(items)
    due_at, crn_at = lines[0].index("Due"), lines[0].index("CRN")
    for line, item in zip(body, items):
        assert line[due_at:due_at + 10] == item["due"]
        assert line[crn_at:crn_at + 7] == item["crn"]
        assert ("OVERDUE" in line) == (item["status"] == "overdue")
    # names literally (markup is not interpreted), non-Latin names too
    assert "[bold]Tom[/bold] Rix" in r.stdout
    assert "李雷" in r.stdout and "Мария Иванова" in r.stdout
    assert summary == small.stdout.splitlines()[-1]          # the same count line


def test_plain_table_cells_stay_on_one_line_and_in_their_column():
    from omtui.cmd.due_list import _plain_cell

    assert _plain_cell("Ann\nLee\t[red]x", 24) == "Ann\ufffdLee\ufffd[red]x".ljust(24)
    assert _plain_cell("A" * 30, 24) == "A" * 23 + "…"
    assert _plain_cell("李雷", 6) == "李雷  "                 # two cells per character
    assert _plain_cell("李" * 20, 7) == "李李李…"
    assert _plain_cell("the last column is not cut " * 3, 0).endswith("cut ")


def _awkward_file(tmp_path, copies: int = 1) -> str:
    """mixed.json's cases, bad.json's (refused and late ones among them) and one the
    calendar cannot count, interleaved and repeated with fresh CRNs: a file whose cases the
    workers check and evaluate in several chunks."""
    mixed = json.loads(Path(MIXED).read_text("utf-8"))["cases"]
    bad = json.loads(Path(BAD).read_text("utf-8"))["cases"]
    uncountable = {**mixed[0], "order_type": "licence", "sentence_date": "2026-01-01",
                   "end_date": "9999-12-31", "release_date": "9999-12-20", "events": []}
    out = []
    for n in range(copies):
        for i, raw in enumerate([*mixed, *bad, uncountable]):
            raw = dict(raw)
            crn = raw.get("crn")
            if isinstance(crn, str) and len(crn) == 7:
                raw["crn"] = crn[0] + f"{(n * 20 + i) % 1_000_000:06d}"
            out.append(raw)
    path = tmp_path / "awkward.json"
    path.write_text(json.dumps({"cases": out}, ensure_ascii=False), "utf-8")
    return str(path)


@pytest.mark.parametrize("as_json", [False, True])
def test_a_file_checked_in_the_workers_reports_and_lists_as_one_process(tmp_path, as_json):
    path = _awkward_file(tmp_path, copies=30)
    args = ["due", "--cases", path, "--today", "2026-11-23", *(["--json"] if as_json else [])]
    one, two = run(*args, "--jobs", "1"), run(*args, "--jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert two.stdout == one.stdout and two.stderr == one.stderr
    # the problems first, case by case in file order, then how many were left out
    err = one.stderr.splitlines()
    assert err[0].startswith(f"omtui: {path}: case 9, e000009: crn: 'e000009' is not a CRN")
    assert sum("(case skipped)" in line and ": case " in line for line in err) == 4 * 30
    assert f"omtui: {4 * 30} case(s) skipped, {30 * 11} evaluated" in err
    assert sum("cannot evaluate" in line for line in err) == 30
    assert err.index(f"omtui: {4 * 30} case(s) skipped, {30 * 11} evaluated") < next(
        i for i, line in enumerate(err) if "cannot evaluate" in line)
    if not as_json:
        assert one.stdout.splitlines()[-1].startswith(f"{len(one.stdout.splitlines()) - 3} "
                                                      f"item(s) across {30 * 10} case(s)")


def test_checking_in_the_workers_gives_what_checking_the_whole_file_gives(tmp_path, fixed_cal):
    """The same rows as parse_caseload in this process followed by the due list."""
    from datetime import date

    from omtui.cmd.due_list import due_rows, take_reports
    from omtui.domain.caseformat import check_against_today, parse_caseload
    from omtui.rulepacks import default_packs

    entries = json.loads(Path(_awkward_file(tmp_path, copies=5)).read_text("utf-8"))["cases"]
    today, book = date(2026, 11, 23), default_packs()
    result = parse_caseload(entries)
    cases = [c for c in result.cases if not check_against_today(c, today)]
    whole = due_rows(cases, today, fixed_cal, book, as_json=False, jobs=1)
    for jobs in (1, 3):
        reports, rows = take_reports(due_rows(entries, today, fixed_cal, book, as_json=False,
                                              jobs=jobs, entries=True))
        assert rows == take_reports(whole)[1]
        assert reports.refused == [str(p) for p in result.problems]
        assert reports.skipped == len(entries) - len(cases)
        assert len(reports.unevaluated) == 5


def test_plain_lines_made_by_the_workers_are_the_plain_table_made_here(tmp_path, fixed_cal):
    import io
    from datetime import date

    from omtui.cmd.due_list import due_rows, print_plain_table, take_reports
    from omtui.rulepacks import default_packs

    entries = json.loads(Path(_awkward_file(tmp_path, copies=3)).read_text("utf-8"))["cases"]
    entries[0]["name"] = "Anna\tLee " + "Ñ" * 30          # a control character, cut to 24 cells
    entries[1]["name"] = "李" * 20                         # two cells per character
    today, book = date(2026, 11, 23), default_packs()
    tables = []
    for plain, jobs in ((False, 1), (True, 1), (True, 2)):
        rows = take_reports(due_rows(entries, today, fixed_cal, book, as_json=False, jobs=jobs,
                                     entries=True, plain=plain))[1]
        out = io.StringIO()
        print_plain_table(rows, 30, out, lines=plain)
        tables.append(out.getvalue())
    assert tables[0] == tables[1] == tables[2]
    assert "Anna\ufffdLee ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ…" in tables[0] and "李李李李李李李李李李李 … " in tables[0]
    assert "[bold]Tom[/bold] Rix" in tables[0]


@pytest.fixture
def parts_for_any_file(monkeypatch):
    """Every file counts as big: cut into parts of ~2 kB that the workers decode, and a
    plain table from 10 cases (so that the small test files take the path a big one does)."""
    from omtui.cmd import due_list, rules

    monkeypatch.setattr(rules, "PARTS_FROM", 0)
    monkeypatch.setattr(due_list, "PART_SIZE", 2000)
    monkeypatch.setattr(rules, "PLAIN_TABLE_CASES", 10)
    return rules


@pytest.mark.parametrize("as_json", [False, True])
def test_a_file_decoded_in_parts_by_the_workers_gives_what_one_process_gives(
        tmp_path, monkeypatch, parts_for_any_file, as_json):
    path = _awkward_file(tmp_path, copies=12)
    args = ["due", "--cases", path, "--today", "2026-11-23", *(["--json"] if as_json else [])]
    one = run(*args, "--jobs", "1")                 # decoded whole, in this process
    real_due_rows = parts_for_any_file.due_rows
    monkeypatch.setattr(parts_for_any_file, "due_rows", None)   # the parts path, or it fails
    two = run(*args, "--jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert two.stdout == one.stdout and two.stderr == one.stderr
    assert "case 9, e000009: crn: 'e000009' is not a CRN" in one.stderr
    assert f"{4 * 12} case(s) skipped, {11 * 12} evaluated" in one.stderr
    monkeypatch.setattr(parts_for_any_file, "due_rows", real_due_rows)


def test_a_file_the_parts_cannot_take_is_decoded_whole_with_the_same_result(
        tmp_path, parts_for_any_file):
    path = Path(_awkward_file(tmp_path, copies=12))
    cases = json.loads(path.read_text("utf-8"))["cases"]
    # a CRN given twice: the second is a duplicate, judged against the whole file
    path.write_text(json.dumps({"cases": [*cases, cases[3]]}), "utf-8")
    args = ["due", "--cases", str(path), "--today", "2026-11-23"]
    one, two = run(*args, "--jobs", "1"), run(*args, "--jobs", "2")
    assert two.stdout == one.stdout and two.stderr == one.stderr
    assert f"case {len(cases)}, {cases[3]['crn']}: crn: duplicate of case 3" in two.stderr
    # bad JSON far into the file: the message json.loads gives, line and column
    text = json.dumps({"cases": cases}, indent=1)
    at = text.rindex('"events"')
    path.write_text(text[:at] + "'events'" + text[at + 8:], "utf-8")
    one, two = run(*args, "--jobs", "1"), run(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code != 0 and two.stderr == one.stderr
    assert "not valid JSON: Expecting property name enclosed in double quotes at line" in two.stderr


def test_workers_report_progress_up_to_every_case(fixed_cal, tmp_path, parts_for_any_file):
    from datetime import date

    from omtui.cmd.due_list import due_rows, due_rows_from_text
    from omtui.domain.caseformat import parse_caseload
    from omtui.rulepacks import default_packs

    today, book = date(2026, 11, 23), default_packs()
    text = Path(_awkward_file(tmp_path, copies=6)).read_text("utf-8")
    cases = parse_caseload(json.loads(text)).cases
    seen: list[tuple[int, int]] = []
    due_rows(cases, today, fixed_cal, book, as_json=False, jobs=2,
             progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 1 and seen[-1] == (len(cases), len(cases))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    seen.clear()
    due_rows_from_text(text, today, fixed_cal, book, as_json=False, jobs=2,
                       progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 1 and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_is_one_line_on_a_terminal_and_nothing_in_a_pipe(monkeypatch):
    import io
    import sys

    from omtui.cmd.common import stderr_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, expected in ((Terminal(), "\r5/5 cases evaluated\n"), (io.StringIO(), "")):
        monkeypatch.setattr(sys, "stderr", stream)
        progress = stderr_progress(lambda done, total: f"{done}/{total} cases evaluated")
        progress(0, 5)
        for done in (1, 2, 3, 4):
            progress(done, 5)            # within half a second of the first: not shown
        progress(5, 5)
        shown = stream.getvalue()
        assert shown.endswith(expected) and shown.count("\n") == (1 if expected else 0)
        if expected:
            assert shown.startswith("\r0/5 cases evaluated") and "4/5" not in shown
