"""9999-12-31 typed for "open-ended" (a common habit of case systems) must not crash anything.

A suspension running to the last date there is pauses the contact schedule like one with no
``until``; a date the working-day calendar cannot count gives that case one clear error and
the other cases are evaluated (domain, ``omtui due``)."""

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
from omtui.domain.schedule import contact_schedule
from omtui.rulepacks import ENV_VAR, default_packs

TODAY = date(2026, 11, 23)
GOOD = {"crn": "A123456", "name": "T", "order_type": "licence", "sentence_date": "2026-01-01",
        "release_date": "2026-02-01", "tier": 4, "rosh": "high", "ppo": True,
        "requirements": ["supervision", "unpaid_work"], "events": []}
SUSPENDED = {"type": "suspension", "date": "2026-03-01", "reason": "hospital"}
OPEN_ENDED = {**SUSPENDED, "until": "9999-12-31"}
NEVER_COUNTABLE = {"sentence_date": "2026-01-01", "end_date": "9999-12-31",
                   "release_date": "9999-12-20"}


@pytest.fixture(autouse=True)
def no_local_packs(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def one(raw: dict):
    return parse_caseload({"cases": [raw]}).cases[0]


def dicts(items) -> list[dict]:
    return [i.to_dict() for i in items]


def test_a_suspension_until_9999_12_31_is_open_ended(fixed_cal):
    """The same due items, with the same explanations, as a suspension with no end."""
    typed = one({**GOOD, "events": [OPEN_ENDED]})
    open_ = one({**GOOD, "events": [SUSPENDED]})
    got = case_agenda(typed, TODAY, fixed_cal, default_packs())
    assert dicts(got) == dicts(case_agenda(open_, TODAY, fixed_cal, default_packs()))
    # the schedule stopped when the suspension began: nothing is due after it
    contacts = [i for i in got if i.kind == "contact"]
    assert contacts and all(i.due < date(2026, 3, 1) for i in contacts)
    assert [d.to_dict() for d in explain_case(typed, TODAY, fixed_cal, default_packs())] == [
        d.to_dict() for d in explain_case(open_, TODAY, fixed_cal, default_packs())]
    schedule = contact_schedule(typed, TODAY, fixed_cal, default_packs().contact_levels)
    assert schedule.suspended_now is not None
    assert "schedule suspended now: hospital 2026-03-01 to 9999-12-31" in schedule.notes


def test_a_release_on_9999_12_31_means_no_contact_schedule_yet(fixed_cal):
    """The schedule would start on the last date there is: no contact period can be dated."""
    case = one({**GOOD, "release_date": "9999-12-31"})
    items = case_agenda(case, TODAY, fixed_cal, default_packs())
    assert items and {i.kind for i in items} == {"rule"}
    assert explain_case(case, TODAY, fixed_cal, default_packs())


def test_a_due_date_the_calendar_cannot_count_is_a_clear_error_for_that_case(fixed_cal):
    case = one({**GOOD, **NEVER_COUNTABLE})
    with pytest.raises(CalendarRangeError, match="9999-12-26 is outside this calendar"):
        case_agenda(case, TODAY, fixed_cal, default_packs())
    with pytest.raises(CalendarRangeError, match="9999-12-26 is outside this calendar"):
        explain_case(case, TODAY, fixed_cal, default_packs())


def test_an_ordinary_case_is_unaffected(fixed_cal):
    case = one(GOOD)
    assert case_agenda(case, TODAY, fixed_cal, default_packs())
    assert case_agenda(replace(case, end_date=date(2199, 1, 1)), TODAY, fixed_cal,
                       default_packs())


def test_omtui_due_lists_the_open_ended_case_and_skips_the_uncountable_one(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [
        GOOD, {**GOOD, "crn": "A123457", "events": [OPEN_ENDED]},
        {**GOOD, "crn": "A123458", **NEVER_COUNTABLE}]}), "utf-8")
    r = CliRunner().invoke(app, ["due", "--cases", str(path), "--today", "2026-11-23", "--json"])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        ("omtui: A123458: cannot evaluate: 9999-12-26 is outside the years omtui can count "
         "(1900-2199) (case skipped)")]
    crns = {i["crn"] for i in json.loads(r.stdout)}
    assert crns == {"A123456", "A123457"}
