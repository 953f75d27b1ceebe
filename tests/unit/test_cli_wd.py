"""``omtui wd`` / ``omtui wd-count`` / ``omtui calendar`` as a user runs them.

These use the real England & Wales calendar (the pinned holidays package) because that is
what a user gets; test_calendar.py checks it agrees with the committed holiday set.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omtui.cli import app


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_christmas_2020():
    # Thu 24 Dec 2020: Fri 25, Sat 26, Sun 27, Mon 28 (Boxing Day observed) skipped.
    result = run("wd", "2020-12-24", "1")
    assert result.exit_code == 0
    assert result.stdout == "2020-12-29\n"


def test_months_clip_to_leap_day():
    # 31 Oct 2023 + 4 calendar months: February 2024 has 29 days.
    result = run("wd", "2023-10-31", "4", "--unit", "months")
    assert result.stdout == "2024-02-29\n"


@pytest.mark.parametrize(("args", "due"), [
    (("2026-11-23", "8", "--unit", "weeks"), "2027-01-18"),      # + 56 days
    (("2026-12-20", "5", "-u", "days"), "2026-12-25"),           # calendar days, not moved
    (("2021-01-04", "-1"), "2020-12-31"),                        # back over New Year's Day
    (("2026-12-25", "0"), "2026-12-25"),                         # n = 0 on a bank holiday
])
def test_other_units_and_counts(args, due):
    result = run("wd", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{due}\n"


def test_explain_shows_every_day():
    result = run("wd", "2020-12-24", "1", "--explain")
    lines = result.stdout.splitlines()
    assert lines[0] == "2020-12-29"          # the due date stays on the first line
    assert lines[1] == "day 0: 2020-12-24 (Thursday)"
    assert lines[2:6] == [
        "  2020-12-25 Fri  skipped: Christmas Day",
        "  2020-12-26 Sat  skipped: Saturday (Boxing Day)",
        "  2020-12-27 Sun  skipped: Sunday",
        "  2020-12-28 Mon  skipped: Boxing Day (observed)",
    ]
    assert lines[6] == "  2020-12-29 Tue  working day 1"
    assert lines[7].startswith("due: 2020-12-29 (Tuesday)")
    assert lines[-1] == "calendar: England & Wales bank holidays"


def test_json_keys():
    result = run("wd", "2026-12-24", "3", "--json")
    data = json.loads(result.stdout)
    assert {"start", "n", "unit", "due", "skipped"} <= set(data)
    assert (data["start"], data["n"], data["unit"], data["due"]) == (
        "2026-12-24", 3, "working-days", "2026-12-31")
    # Fri 25 Christmas, Sat 26 Boxing Day, Sun 27, Mon 28 Boxing Day (observed).
    assert data["skipped"] == [
        {"date": "2026-12-25", "reason": "Christmas Day"},
        {"date": "2026-12-26", "reason": "Saturday (Boxing Day)"},
        {"date": "2026-12-27", "reason": "Sunday"},
        {"date": "2026-12-28", "reason": "Boxing Day (observed)"},
    ]
    assert data["counted"] == ["2026-12-29", "2026-12-30", "2026-12-31"]


def test_wd_count():
    # After Thu 24 Dec 2020 up to Mon 4 Jan 2021: Tue 29, Wed 30, Thu 31 Dec, Mon 4 Jan.
    result = run("wd-count", "2020-12-24", "2021-01-04")
    assert result.stdout == "4\n"
    data = json.loads(run("wd-count", "2020-12-24", "2021-01-04", "--json").stdout)
    assert data["working_days"] == 4 and data["from"] == "2020-12-24"


@pytest.mark.parametrize(("args", "named"), [
    (("wd", "2026-02-30", "1"), "2026-02-30"),
    (("wd", "tomorrow", "1"), "tomorrow"),
    (("wd", "abc", "1"), "abc"),
    (("wd", "2026-01-01", "abc"), "abc"),
    (("wd", "2026-01-01", "1.5"), "1.5"),
    (("wd", "2026-01-01", "999999999999"), "999999999999"),
    (("wd", "2026-01-01", "99999"), "99999"),              # lands after 2199
    (("wd", "1800-01-01", "1"), "1800-01-01"),
    (("wd", "2026-01-01", "1", "--unit", "fortnights"), "fortnights"),
    (("wd", "2026-01-01", "100000", "--unit", "months"), "100000"),
    (("wd-count", "2026-01-01", "3000-01-01"), "3000-01-01"),
    (("wd-count", "2026-13-01", "2026-01-01"), "2026-13-01"),
    (("calendar", "20x6"), "20x6"),
])
def test_bad_input_one_line_no_traceback(args, named):
    result = run(*args)
    assert result.exit_code != 0
    assert result.stdout == ""
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert named in err
    assert "Traceback" not in err
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_calendar_lists_the_year():
    result = run("calendar", "2022")
    assert result.exit_code == 0
    assert "2022-09-19 Mon  State Funeral of Queen Elizabeth II" in result.stdout
    assert "2022-12-25 Sun  Christmas Day  (a weekend day anyway)" in result.stdout
    assert "2022-12-27 Tue  Christmas Day (observed)" in result.stdout
    assert "office file: packaged office-closures.toml" in result.stdout


@pytest.mark.slow
def test_real_subprocess():
    exe = Path(sys.executable).parent / "omtui"
    ok = subprocess.run([str(exe), "wd", "2020-12-24", "1"], capture_output=True, text=True,
                        timeout=60)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "2020-12-29\n", "")
    bad = subprocess.run([str(exe), "wd", "2026-02-30", "1"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode != 0 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == ["omtui: bad START: '2026-02-30' is not a real date"]


def test_readme_and_docs_examples_are_what_the_command_prints():
    root = Path(__file__).resolve().parents[2]
    for doc, command in (("README.md", "wd 2020-12-24 1 --explain"),
                         ("docs/calendar.md", "wd 2026-12-24 5 --explain")):
        lines = (root / doc).read_text("utf-8").splitlines()
        start = lines.index(f"$ omtui {command}") + 1
        end = next(i for i in range(start, len(lines)) if lines[i].startswith(("$", "```")))
        assert run(*command.split()).stdout.splitlines() == lines[start:end], doc
