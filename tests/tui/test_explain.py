"""The explanation of a due item: words and the day-by-day table (Pilot and snapshots)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.tui.tui_helpers import TODAY, settle

from omtui.domain.due import DueItem, Status
from omtui.screens.explain import ExplainScreen, explanation_text
from omtui.widgets.trace_table import TraceTable

SIZES = [(80, 24), (160, 48)]


def christmas_item(cal) -> DueItem:
    """Day 0 Thu 24 Dec 2026 + 5 working days = Tue 5 Jan 2027 (7 days skipped)."""
    trace = cal.explain(date(2026, 12, 24), 5)
    return DueItem(crn="X100001", rule="ns-test-rule", title="Home visit [bold]now[/bold]",
                   source="NS 2a.5", day0=trace.start, day0_label="sentence", due=trace.due,
                   status=Status.DUE, trace=trace, satisfied_by="a home_visit event",
                   notes=("a note with [link=x]markup[/link]",))


def test_explanation_text_has_every_part(fixed_cal):
    item = christmas_item(fixed_cal)
    text = explanation_text(item, TODAY, None, fixed_cal).plain
    assert "Home visit [bold]now[/bold]" in text                      # literal
    assert "Rule ns-test-rule   Source NS 2a.5" in text
    assert "Day 0 Thu 24 Dec 2026 (sentence)" in text
    assert "Count 5 working days after day 0, skipping 7 non-working days" in text
    assert "Due Tue 05 Jan 2027   · due" in text
    assert "Satisfied by a home_visit event" in text
    assert "Note a note with [link=x]markup[/link]" in text


def test_overdue_says_by_how_many_working_days(fixed_cal):
    trace = fixed_cal.explain(date(2026, 11, 2), 1)
    item = DueItem("X1", "r", "T", "NS 1.1", trace.start, "sentence", trace.due, Status.OVERDUE,
                   trace, "x")
    text = explanation_text(item, TODAY, None, fixed_cal).plain
    # Tue 3 Nov to Mon 23 Nov 2026: 14 working days.
    assert "✗ OVERDUE by 14 working days" in text


def test_done_late_says_so(fixed_cal):
    trace = fixed_cal.explain(date(2026, 11, 2), 1)
    item = DueItem("X1", "r", "T", "NS 1.1", trace.start, "sentence", trace.due, Status.DONE,
                   trace, "x", done_on=date(2026, 11, 5), late_by=2)
    assert "✓ done on Thu 05 Nov 2026, 2 working days late" in explanation_text(
        item, TODAY, None, fixed_cal).plain


async def test_modal_shows_the_trace_and_closes(app, fixed_cal):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ExplainScreen(christmas_item(fixed_cal), TODAY))
        await pilot.pause()
        rows = app.screen.query_one(TraceTable).row_texts()
        assert rows[0] == ("2026-12-24", "Thu", "day 0", "the event (day 0)")
        assert ("2026-12-25", "Fri", "skipped", "Christmas Day") in rows
        assert ("2026-12-28", "Mon", "skipped", "Boxing Day (observed)") in rows
        assert rows[-1] == ("2027-01-05", "Tue", "5  due", "working day 5: the due date")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExplainScreen)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_explanation_snapshot(make_app, snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_case("X100003")
        await settle(pilot)
        await pilot.press("5", "e")          # enforcement tab: the explanation clock
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)
