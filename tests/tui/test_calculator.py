"""The working-day calculator as a person uses it: keys in, due date and explanation out.

The app runs with the suite's fixed today (Mon 23 Nov 2026) and the committed England &
Wales holidays (fixed_cal, 2015-2035). Expected dates are worked by hand in the comments.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Static

from omtui.app import OmtuiApp
from omtui.screens.calculator import CalculatorScreen
from omtui.widgets.trace_table import TraceTable

# Thu 24 Dec 2026 + 5 working days: Fri 25 Christmas, Sat 26, Sun 27, Mon 28 Boxing Day
# (observed) skipped; Tue 29 (1), Wed 30 (2), Thu 31 (3); Fri 1 Jan New Year's Day, Sat, Sun
# skipped; Mon 4 Jan (4), Tue 5 Jan 2027 (5).
CHRISTMAS_KEYS = [*"24/12/2026", "enter", "5", "enter"]


@pytest.fixture
def app(fixed_cal, today):
    return OmtuiApp(clock=lambda: today, calendar=fixed_cal, store=None)


async def open_calculator(pilot) -> CalculatorScreen:
    await pilot.pause()
    pilot.app.push_screen(CalculatorScreen())
    await pilot.pause()
    assert isinstance(pilot.app.screen, CalculatorScreen)
    return pilot.app.screen


def message(screen, field: str) -> str:
    return str(screen.query_one(f"#{field}-msg", Static).content)


def result(screen) -> str:
    return str(screen.query_one("#result", Static).content)


async def test_christmas_due_date_and_trace(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        assert screen.focused is screen.query_one("#day0", Input)
        await pilot.press(*"24/12/2026", "enter")
        # Enter on day 0 moves on to N.
        assert screen.focused is screen.query_one("#n", Input)
        await pilot.press("5", "enter")
        await pilot.pause()
        assert "Due Tuesday 5 January 2027" in result(screen)
        assert "7 non-working day(s) skipped" in result(screen)
        rows = screen.query_one(TraceTable).row_texts()
        assert rows[0] == ("2026-12-24", "Thu", "day 0", "the event (day 0)")
        assert ("2026-12-25", "Fri", "skipped", "Christmas Day") in rows
        assert ("2026-12-28", "Mon", "skipped", "Boxing Day (observed)") in rows
        assert ("2026-12-29", "Tue", "1", "working day 1") in rows
        assert ("2027-01-01", "Fri", "skipped", "New Year's Day") in rows
        assert rows[-1] == ("2027-01-05", "Tue", "5  due", "working day 5: the due date")
        assert len(rows) == 13
        assert message(screen, "day0") == "" and message(screen, "n") == ""


async def test_result_follows_typing_and_a_unit_typed_with_n(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        await pilot.press(*"2023-10-31", "tab", *"4 months")
        await pilot.pause()
        # 31 Oct 2023 + 4 calendar months: February 2024 has 29 days.
        assert "Due Thursday 29 February 2024" in result(screen)
        assert "clipped" in result(screen)
        rows = screen.query_one(TraceTable).row_texts()
        assert [r[0] for r in rows] == ["2023-10-31", "2024-02-29"]
        # Changing N to a plain number goes back to the unit selector (working days):
        # Tue 31 Oct 2023 + 4 working days = Wed 1, Thu 2, Fri 3, Mon 6 Nov.
        for _ in range(len("4 months")):
            await pilot.press("backspace")
        await pilot.press("4")
        await pilot.pause()
        assert "Due Monday 6 November 2023" in result(screen)


async def test_unit_selector_by_keyboard(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        await pilot.press(*"23/11/2026", "enter", "8", "tab")
        # The selector: Enter opens it, down moves to "weeks", Enter picks it.
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        # Mon 23 Nov 2026 + 8 weeks (56 days) = Mon 18 Jan 2027.
        assert "Due Monday 18 January 2027" in result(screen)


async def test_enter_on_a_bad_day0_complains_about_day0_only(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        await pilot.press(*"31/11/2026", "enter")
        await pilot.pause()
        assert "31/11/2026" in message(screen, "day0")
        assert message(screen, "n") == ""
        assert screen.focused is screen.query_one("#day0", Input)


async def test_ctrl_t_puts_today_in_day0(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        await pilot.press("ctrl+t", "enter", "1", "enter")
        await pilot.pause()
        assert screen.query_one("#day0", Input).value == "2026-11-23"
        # Mon 23 Nov 2026 + 1 = Tue 24 Nov.
        assert "Due Tuesday 24 November 2026" in result(screen)


BAD_INPUT = [
    ("30/02/2026", "5", "day0", ["30/02/2026", "February"]),
    ("abc", "5", "day0", ["'abc'", "not a date"]),
    ("", "5", "day0", ["enter a date"]),
    ("24/12/2026", "abc", "n", ["'abc'", "not a whole number"]),
    ("24/12/2026", "", "n", ["enter how many"]),
    ("24/12/2026", "99999999", "n", ["99,999,999", "out of range"]),
    ("24/12/2026", "5 fortnights", "n", ["'fortnights'", "not a unit"]),
    # The fixed calendar covers 2015-2035 only.
    ("2040-01-01", "5", "day0", ["out of range", "2040-01-01"]),
    ("2035-12-01", "3000", "n", ["out of range"]),
    ("[bold]x[/bold]", "5", "day0", ["[bold]x[/bold]"]),
]


async def test_bad_input_is_explained_at_the_field(app):
    # One app for all the cases (starting one per case makes the suite slow).
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        for day0, n, field, words in BAD_INPUT:
            case = (day0, n)
            screen.query_one("#day0", Input).value = day0
            screen.query_one("#n", Input).value = n
            screen.query_one("#n", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            text = message(screen, field)
            for word in words:
                assert word in text, (case, text)
            other = "n" if field == "day0" else "day0"
            assert message(screen, other) == "", case
            assert screen.query_one(f"#{field}").has_class("-invalid"), case
            assert str(screen.query_one(f"#{field}").tooltip) == text, case
            assert screen.trace is None, case
            assert screen.query_one(TraceTable).row_count == 0, case
            # The full message is repeated under the fields, where there is room for it.
            assert "✗" in result(screen) and words[0] in result(screen), case
            # Fixing the field clears the message and shows the result.
            screen.query_one("#day0", Input).value = "24/12/2026"
            screen.query_one("#n", Input).value = "1"
            await pilot.press("enter")
            await pilot.pause()
            assert message(screen, field) == "", case
            assert not screen.query_one(f"#{field}").has_class("-invalid"), case
            assert str(screen.query_one(f"#{field}").tooltip).startswith(("The event date", "How many")), case
            assert "Due Tuesday 29 December 2026" in result(screen), case
        assert app.is_running


async def test_large_count_summarises_the_middle_of_the_trace(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        await pilot.press(*"2016-01-04", "tab", *"3000", "enter")
        await pilot.pause()
        rows = screen.query_one(TraceTable).row_texts()
        assert len(rows) == 1000
        assert rows[-2][2].endswith("more")
        assert rows[-1][2].endswith("due")
        assert rows[-1][0] == screen.trace.due.isoformat()


async def test_escape_leaves_the_field_then_goes_back(app):
    async with app.run_test(size=(80, 24)) as pilot:
        before = type(app.screen)
        screen = await open_calculator(pilot)
        await pilot.press("escape")
        assert isinstance(screen.focused, TraceTable)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen) is before


async def test_q_quits_once_out_of_the_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calculator(pilot)
        await pilot.press("q")                       # typed into day 0, not a quit
        assert screen.query_one("#day0", Input).value == "q"
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_quits_from_a_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calculator(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_reachable_from_the_command_palette(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"calculator")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CalculatorScreen)


# -- snapshots (plain def: snap_compare runs its own event loop) --------------------------------

def _open(pilot):
    pilot.app.push_screen(CalculatorScreen())


async def _open_async(pilot):
    await pilot.pause()
    _open(pilot)
    await pilot.pause()


def test_snapshot_christmas_80x24(app, snap_compare):
    assert snap_compare(app, run_before=_open_async, press=CHRISTMAS_KEYS, terminal_size=(80, 24))


def test_snapshot_christmas_160x48(app, snap_compare):
    assert snap_compare(app, run_before=_open_async, press=CHRISTMAS_KEYS, terminal_size=(160, 48))


def test_snapshot_bad_date_80x24(app, snap_compare):
    assert snap_compare(app, run_before=_open_async, press=[*"30/02/2026", "enter"],
                        terminal_size=(80, 24))


def test_trace_rows_count_back_in_order(fixed_cal):
    from omtui.widgets.trace_table import trace_rows

    # Mon 4 Jan 2021 - 2: Sun 3, Sat 2, Fri 1 (New Year) skipped; Thu 31 Dec (-1), Wed 30 (-2).
    rows = [tuple(str(c) for c in cells) for _key, cells in
            trace_rows(fixed_cal.explain(date(2021, 1, 4), -2))]
    assert rows == [
        ("2021-01-04", "Mon", "day 0", "the event (day 0)"),
        ("2021-01-03", "Sun", "skipped", "Sunday"),
        ("2021-01-02", "Sat", "skipped", "Saturday"),
        ("2021-01-01", "Fri", "skipped", "New Year's Day"),
        ("2020-12-31", "Thu", "-1", "working day -1"),
        ("2020-12-30", "Wed", "-2  due", "working day -2: the due date"),
    ]
    # n = 0 on a bank holiday: one row, day 0 is the due date.
    (only,) = trace_rows(fixed_cal.explain(date(2026, 12, 25), 0))
    assert "n = 0" in str(only[1][3])
