"""The office calendar file: extra closures and corrections, without a code change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omtui.calendar_file import (
    CalendarFileError,
    choose_calendar_file,
    default_user_file,
    load_calendar,
    parse_adjustments,
)
from omtui.cli import app

ROYAL = """
[[closed]]
date = 2027-06-07
reason = "Bank holiday for a Royal event"
"""

OPEN_BOXING = """
[[open]]
date = 2026-12-28
reason = "Office decision: Boxing Day substitute is worked"
"""


def wd(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "office.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_packaged_default_loads_and_adds_nothing():
    choice = choose_calendar_file()
    assert choice.path == "packaged office-closures.toml"
    assert dict(choice.adjustments.closed) == {} and dict(choice.adjustments.open) == {}
    cal = load_calendar()
    # Thu 24 Dec 2020 + 1 skips Christmas, the weekend and Boxing Day (observed): Tue 29.
    assert cal.add_working_days(date(2020, 12, 24), 1) == date(2020, 12, 29)


def test_royal_event_closure_changes_wd_via_env(tmp_path, monkeypatch):
    # Fri 4 Jun 2027 + 1 is normally Mon 7 Jun.
    assert wd("wd", "2027-06-04", "1")[1] == "2027-06-07\n"
    monkeypatch.setenv("OMTUI_CALENDAR", str(write(tmp_path, ROYAL)))
    # With Mon 7 Jun closed for the Royal event, day 1 is Tue 8 Jun.
    code, out, _ = wd("wd", "2027-06-04", "1", "--explain")
    assert code == 0
    assert out.splitlines()[0] == "2027-06-08"
    assert "2027-06-07 Mon  skipped: Bank holiday for a Royal event" in out
    assert "office file (1 closure(s), 0 correction(s))" in out


def test_calendar_option_names_the_file(tmp_path):
    path = write(tmp_path, ROYAL)
    assert wd("--calendar", str(path), "wd", "2027-06-04", "1")[1] == "2027-06-08\n"
    code, out, _ = wd("--calendar", str(path), "calendar", "2027")
    assert code == 0
    assert f"office file: {path}" in out
    assert "2027-06-07 Mon  Bank holiday for a Royal event" in out


def test_user_file_in_config_dir_is_picked_up():
    path = default_user_file()
    path.parent.mkdir(parents=True)
    path.write_text(ROYAL, "utf-8")
    assert choose_calendar_file().path == str(path)
    assert wd("wd", "2027-06-04", "1")[1] == "2027-06-08\n"


def test_open_correction_makes_a_bank_holiday_a_working_day(tmp_path):
    # Thu 24 Dec 2026 + 1 is normally Tue 29 Dec (Fri 25, Sat 26, Sun 27, Mon 28 closed).
    assert wd("wd", "2026-12-24", "1")[1] == "2026-12-29\n"
    path = write(tmp_path, OPEN_BOXING)
    # With Mon 28 Dec worked, it is day 1.
    assert wd("--calendar", str(path), "wd", "2026-12-24", "1")[1] == "2026-12-28\n"
    code, out, _ = wd("--calendar", str(path), "calendar", "2026")
    assert "2026-12-28 Mon  counted as a working day (office file)" in out
    assert "Boxing Day (observed)" not in out


@pytest.mark.parametrize(("text", "expect"), [
    ("[[closed]]\ndate = 2026-02-30\nreason = 'x'\n", "not valid TOML"),
    ("[[closed]]\ndate = '2026-02-30'\nreason = 'x'\n", "[[closed]] entry 1: date '2026-02-30'"),
    ("[[closed]]\ndate = 2026-12-24\nreason = 'ok'\n[[closed]]\ndate = 2026-12-31\n",
     "[[closed]] entry 2 (2026-12-31): needs a reason"),
    ("[[open]]\nreason = 'no date'\n", "[[open]] entry 1: needs a date"),
    ("[[holiday]]\ndate = 2026-12-24\nreason = 'x'\n", "unknown section(s) holiday"),
    ("closed = 3\n", "[closed] must be a list"),
    ("closed = [1]\n", "[[closed]] entry 1: must be a table"),
    ("[[closed]]\ndate = 2027-06-07\nreason = 'a'\n[[closed]]\ndate = 2027-06-07\nreason = 'b'\n",
     "[[closed]] entry 2 (2027-06-07): the same date as entry 1"),
    (ROYAL + "[[open]]\ndate = 2027-06-07\nreason = 'worked'\n",
     "2027-06-07 is both [[closed]] and [[open]]"),
])
def test_bad_files_give_one_line_errors_naming_file_and_entry(tmp_path, text, expect):
    path = write(tmp_path, text, "bad.toml")
    with pytest.raises(CalendarFileError) as info:
        load_calendar(path)
    message = str(info.value)
    assert str(path) in message and expect in message
    code, out, err = wd("--calendar", str(path), "wd", "2026-12-24", "1")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(path) in err and "Traceback" not in err


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.toml"
    code, _, err = wd("--calendar", str(missing), "wd", "2026-12-24", "1")
    assert code != 0 and str(missing) in err and "does not exist" in err


def test_parse_adjustments_reads_dates_and_reasons():
    adj = parse_adjustments(ROYAL + OPEN_BOXING, "mine.toml")
    assert dict(adj.closed) == {date(2027, 6, 7): "Bank holiday for a Royal event"}
    assert dict(adj.open) == {date(2026, 12, 28): "Office decision: Boxing Day substitute is worked"}
    assert adj.source == "mine.toml"
