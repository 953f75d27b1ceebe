"""The pure helpers behind the contact-log and enforcement screens (no app needed)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omtui.domain.case import EventType
from omtui.domain.enforcement import Action, enforcement_state
from omtui.domain.schedule import ContactPeriod
from omtui.outcomes_file import packaged_taxonomy
from omtui.rulepacks import default_packs
from omtui.screens.breach_recall import action_for, deadlines_text
from omtui.screens.contact_log import first_line, log_entries
from omtui.screens.enforcement import failure_item, warning_refusal
from omtui.widgets.compliance_table import period_status
from omtui.widgets.countdown import countdown_words
from omtui.widgets.outcomes_panel import pending_outcomes

from tests.tui.contact_fixtures import enforcement_cases

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def cases():
    return {c.crn: c for c in enforcement_cases()}


@pytest.fixture(scope="module")
def policy():
    return default_packs().enforcement


@pytest.mark.parametrize("left, words", [
    (10, "10 wd left"), (3, "3 wd left"), (2, "⚠ 2 wd left"), (1, "⚠ 1 wd left"),
    (0, "! last day"), (-1, "✗ ended 1 wd ago"), (-12, "✗ ended 12 wd ago")])
def test_countdown_words(left, words):
    assert countdown_words(left) == words


@given(st.integers(-400, 400))
def test_countdown_never_rests_on_colour_alone(left):
    words = countdown_words(left)
    assert str(abs(left)) in words or left == 0
    assert words[0] in "✗!⚠" or left > 2


def period(**kw):
    base = dict(index=1, start=date(2026, 11, 2), end=date(2026, 11, 8), required=1, achieved=0,
                arranged=0, contacts=(), short=False, complete=False, phase="weekly")
    return ContactPeriod(**{**base, **kw})


def test_period_status_symbols():
    assert period_status(period(short=True, complete=True), TODAY)[0] == "✗ short"
    assert period_status(period(achieved=1, complete=True), TODAY)[0] == "✓ met"
    assert period_status(period(end=None), TODAY)[0] == "⏸ paused"
    assert period_status(period(start=date(2026, 11, 30), end=date(2026, 12, 6)),
                         TODAY)[0] == "· later"
    assert period_status(period(start=date(2026, 11, 23), end=date(2026, 11, 29)),
                         TODAY)[0] == "… in progress"


def test_log_entries_newest_first_with_pending_outcome(cases):
    rows = log_entries(cases["E100001"], TODAY, packaged_taxonomy())
    assert [r.event.date for r in rows] == sorted((r.event.date for r in rows), reverse=True)
    assert rows[0].status == "outcome to record" and rows[0].what == "Office – arranged"
    assert rows[1].what == "Office – Failed to attend" and str(rows[1].at) == "10:00:00"
    assert rows[-1].what == "Allocated"
    assert [r.event.date for r in rows if r.matches("housing")] == [date(2026, 11, 9)]
    assert all(r.matches("   ") for r in rows)


def test_first_line_of_a_note():
    assert first_line(None) == ""
    assert first_line("one\ntwo") == "one …"
    assert first_line("x" * 300, width=10) == "x" * 10 + " …"
    assert first_line("[bold]kept[/bold]") == "[bold]kept[/bold]"


def test_warning_refused_where_breach_is_due(cases, policy, fixed_cal):
    state = enforcement_state(cases["E100002"], TODAY, fixed_cal, policy)
    open_failure = state.open_failures[0]
    assert open_failure.next_action is Action.BREACH
    assert "asks for breach, not a warning" in warning_refusal(open_failure)
    actioned = next(f for f in state.failures if not f.status.is_open)
    assert "already recorded" in warning_refusal(actioned)
    assert action_for(cases["E100002"], open_failure, policy) is Action.BREACH


def test_warning_allowed_and_the_explained_item_is_the_failures(cases, policy, fixed_cal):
    state = enforcement_state(cases["E100001"], TODAY, fixed_cal, policy)
    f = state.failures[0]
    assert warning_refusal(f) is None
    item = failure_item(state, f, TODAY, fixed_cal)
    assert (item.day0, item.due, item.source) == (f.date, date(2026, 11, 30), "NS 2f.4")
    # a licence recalls; a CO breaches, even from a failure whose next step is a warning
    assert action_for(cases["E100003"], None, policy) is Action.RECALL
    assert action_for(cases["E100001"], f, policy) is Action.BREACH


def test_deadlines_for_breach_and_recall(cases, policy, fixed_cal):
    state = enforcement_state(cases["E100002"], TODAY, fixed_cal, policy)
    text = str(deadlines_text(Action.BREACH, state.open_failures[0], TODAY, fixed_cal, policy))
    assert "Breach papers by Wed 16 Dec 2026" in text and "20 working days" in text
    text = str(deadlines_text(Action.RECALL, None, TODAY, fixed_cal, policy))
    assert "Recall by Tue 24 Nov 2026" in text and "24 hours" in text
    assert "within 5 working days of the return to custody" in text


def test_pending_outcomes_across_the_caseload(cases):
    found = pending_outcomes(cases.values(), TODAY)
    assert [(p.crn, p.event.date) for p in found] == [("E100001", date(2026, 11, 20))]
    assert found[0].event.type is EventType.CONTACT and found[0].event.outcome is None
    assert pending_outcomes(cases.values(), date(2026, 11, 20)) == []
