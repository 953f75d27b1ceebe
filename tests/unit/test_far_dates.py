"""9999-12-31 typed for "open-ended" (a common habit of case systems) must not crash anything:
the case gets one clear error, the others are evaluated (domain, ``omtui due``)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from typer.testing import CliRunner

from omtui.cli import app
from omtui.domain.agenda import case_agenda, explain_case
from omtui.domain.calendar import CalendarRangeError
from omtui.domain.caseformat import parse_caseload
from omtui.rulepacks import ENV_VAR, default_packs

TODAY = date(2026, 11, 23)
GOOD = {"crn": "A123456", "name": "T", "order_type": "licence", "sentence_date": "2026-01-01",
        "release_date": "2026-02-01", "tier": 4, "rosh": "high", "ppo": True,
        "requirements": ["supervision", "unpaid_work"], "events": []}
OPEN_ENDED = {"type": "suspension", "date": "2026-03-01", "until": "9999-12-31",
              "reason": "hospital"}


@pytest.fixture(autouse=True)
def no_local_packs(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def one(raw: dict):
    return parse_caseload({"cases": [raw]}).cases[0]


@pytest.mark.parametrize("change", [
    {"events": [OPEN_ENDED]},
    {"release_date": "9999-12-31"},
    {"sentence_date": "2026-01-01", "end_date": "9999-12-31", "release_date": "9999-12-20"},
])
def test_a_date_at_the_end_of_time_is_a_clear_error_for_that_case(fixed_cal, change):
    case = one({**GOOD, **change})
    with pytest.raises(CalendarRangeError, match="a date near 9999-12-31"):
        case_agenda(case, TODAY, fixed_cal, default_packs())
    with pytest.raises(CalendarRangeError, match="no room to count past it"):
        explain_case(case, TODAY, fixed_cal, default_packs())


def test_an_ordinary_case_is_unaffected(fixed_cal):
    case = one(GOOD)
    assert case_agenda(case, TODAY, fixed_cal, default_packs())
    assert case_agenda(replace(case, end_date=date(2199, 1, 1)), TODAY, fixed_cal,
                       default_packs())


def test_omtui_due_skips_the_case_with_a_message_and_lists_the_others(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [GOOD, {**GOOD, "crn": "A123457",
                                                 "events": [OPEN_ENDED]}]}), "utf-8")
    r = CliRunner().invoke(app, ["due", "--cases", str(path), "--today", "2026-11-23", "--json"])
    assert r.exit_code == 0, r.output
    assert "A123457: cannot evaluate: a date near 9999-12-31" in r.stderr
    crns = {i["crn"] for i in json.loads(r.stdout)}
    assert crns == {"A123456"}
