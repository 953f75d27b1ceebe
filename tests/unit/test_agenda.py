"""case_agenda / explain_case: rules, contact levels and enforcement in one sorted list."""

from __future__ import annotations

from datetime import date

import pytest

from omtui.domain.agenda import caseload_agenda, case_agenda, explain_case
from omtui.domain.caseformat import parse_case
from omtui.domain.due import Status
from omtui.rulepacks import ENV_VAR, default_packs, load_rulebook

D = date.fromisoformat


@pytest.fixture(autouse=True)
def no_local_packs(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def make(**kw):
    raw = {"crn": "X200001", "name": "Agenda Test", "order_type": "CO",
           "sentence_date": "2026-12-01", "tier": 2, "rosh": "medium", "ppo": False,
           "requirements": ["supervision"], "events": []}
    raw.update(kw)
    case, problems = parse_case(raw)
    assert case is not None, problems
    return case


def test_agenda_has_rule_contact_and_enforcement_items(fixed_cal):
    # Failure to comply on Thu 24 Dec 2026: the explanation window ends on the 10th working
    # day after it: Tue 29 (1), 30, 31 (3), (Fri 1 Jan closed), 4-8 Jan (8), Mon 11 (9),
    # Tue 12 Jan (10).
    case = make(events=[{"type": "allocated", "date": "2026-12-02"},
                        {"type": "contact", "date": "2026-12-03", "outcome": "attended"},
                        {"type": "contact", "date": "2026-12-24", "outcome": "ftc"}])
    items = case_agenda(case, D("2027-01-04"), fixed_cal, default_packs())
    kinds = {i.kind for i in items}
    assert kinds == {"rule", "contact", "enforcement"}
    ftc = [i for i in items if i.kind == "enforcement"]
    assert ftc and ftc[0].day0 == D("2026-12-24") and ftc[0].due == D("2027-01-12")
    assert [i.sort_key() for i in items] == sorted(i.sort_key() for i in items)
    assert items[0].status is Status.OVERDUE


def test_rules_only_book_has_no_policy_items(fixed_cal):
    book = load_rulebook(use_env=False, policies=False)
    items = case_agenda(make(), D("2026-12-10"), fixed_cal, book)
    assert items and {i.kind for i in items} == {"rule"}


def test_packs_default_to_the_packaged_book(fixed_cal):
    case = make()
    assert case_agenda(case, D("2026-12-10"), fixed_cal) == \
        case_agenda(case, D("2026-12-10"), fixed_cal, default_packs())


def test_explain_case_covers_every_rule_and_the_policy_items(fixed_cal):
    case = make(events=[{"type": "contact", "date": "2026-12-24", "outcome": "ftc"}])
    book = default_packs()
    decisions = explain_case(case, D("2027-01-04"), fixed_cal, book)
    rule_ids = [d.rule for d in decisions if d.pack == "national-standards-2007"]
    assert set(rule_ids) == {r.id for r in book}
    assert any(d.applies and d.item and d.item.kind == "enforcement" for d in decisions)
    assert any(d.applies and d.item and d.item.kind == "contact" for d in decisions)
    applied = {(d.item.rule, d.item.day0, d.item.due) for d in decisions if d.item}
    listed = {(i.rule, i.day0, i.due) for i in case_agenda(case, D("2027-01-04"), fixed_cal, book)}
    assert applied == listed                 # explain and the list never disagree


def test_caseload_agenda_merges_and_sorts(fixed_cal):
    a = make(crn="X200002", sentence_date="2026-11-02")
    b = make(crn="X200003", sentence_date="2026-12-01", tier=4)
    items = caseload_agenda([a, b], D("2026-12-10"), fixed_cal, default_packs())
    assert {i.crn for i in items} == {"X200002", "X200003"}
    assert [i.sort_key() for i in items] == sorted(i.sort_key() for i in items)


def test_every_item_explains_itself(fixed_cal):
    case = make(sentence_date="2026-12-24", tier=4,
                events=[{"type": "allocated", "date": "2027-01-04"}])
    item = next(i for i in case_agenda(case, D("2027-01-05"), fixed_cal)
                if i.rule == "ns-1-1-allocate-tier4-ppo")
    lines = item.explanation_lines()
    assert lines[0] == "Allocate an offender manager (tier 4 / PPO) [ns-1-1-allocate-tier4-ppo]"
    assert "source: NS 1.1" in lines
    assert any("2026-12-25 Fri  skipped: Christmas Day" in l for l in lines)
    assert any("2026-12-28 Mon  skipped: Boxing Day (observed)" in l for l in lines)
    assert any(l.startswith("due: 2026-12-29 (Tuesday)") for l in lines)
    assert "done: 2027-01-04, 3 working day(s) late" in lines


def test_case_items_are_the_agenda_before_sorting(fixed_cal):
    from omtui.domain.agenda import case_items, sort_items
    from omtui.domain.due import DueItem

    case = make(sentence_date="2026-09-01",
                events=[{"type": "contact", "date": "2026-10-05", "outcome": "ftc"}])
    today, book = date(2026, 11, 23), default_packs()
    items = case_items(case, today, fixed_cal, book)
    assert sort_items(items) == case_agenda(case, today, fixed_cal, book)
    assert {i.kind for i in items} >= {"rule", "enforcement"}
    assert sorted(items, key=DueItem.sort_key) == case_agenda(case, today, fixed_cal, book)
