"""The caseload (home screen) as an officer uses it: keys in, rows and words out.

Fixed today Mon 23 Nov 2026, committed E&W holidays, the JSON test caseload
(tests/tui/caseload.json), the real rules engine.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input
from tests.tui.tui_helpers import TODAY, cell_texts, load_cases, settle

from omtui.domain.due import Status
from omtui.screens.case_view import CaseViewScreen
from omtui.screens.caseload import CaseloadScreen
from omtui.services import InMemoryStore
from omtui.widgets.caseload_table import CaseloadTable
from omtui.widgets.status_line import StatusLine


def crns(screen: CaseloadScreen) -> list[str]:
    table = screen.query_one(CaseloadTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def status_text(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_opens_on_the_caseload_most_urgent_first(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseloadScreen)
        assert app.screen.focused is screen.query_one(CaseloadTable)
        rows = screen.shown_rows
        assert len(rows) == 6
        # Overdue first (oldest due date first), then due soon; never by colour alone.
        statuses = [r.status for r in rows]
        assert statuses == sorted(statuses, key=lambda s: s.urgency)
        overdue = [r for r in rows if r.status is Status.OVERDUE]
        assert [r.next_due.due for r in overdue] == sorted(r.next_due.due for r in overdue)
        assert crns(screen)[0] == "X100006"          # PSR due Fri 17 Jan 2025
        first = cell_texts(screen.query_one(CaseloadTable), 0)
        assert first[6] == "✗ OVERDUE" and first[8] == "17 Jan 2025" and first[9] == "3"
        soon = cell_texts(screen.query_one(CaseloadTable), crns(screen).index("X100005"))
        assert soon[6] == "! due soon"
        assert soon[5] == "CP SG"                    # child concerns, safeguarding


async def test_names_with_markup_show_literally(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        row = cell_texts(table, crns(app.screen).index("X100002"))
        assert row[1] == "[bold]Markup[/bold] Person [link=http://x]"


async def test_status_line_shows_today_counts_calendar_and_store(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = status_text(app)
        assert "Today Mon 23 Nov 2026" in text
        total_overdue = sum(r.overdue for r in app.screen.all_rows)
        assert total_overdue > 0
        assert f"✗ {total_overdue} overdue" in text
        assert "6 cases" in text
        assert "England & Wales bank holidays (fixed)" in text
        assert "test store" in text


async def test_filter_as_you_type_then_escape(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = app.screen.query_one("#caseload-filter", Input)
        assert app.screen.focused is box
        await pilot.press(*"siob")                   # accents ignored: Siobhán
        await pilot.pause()
        assert crns(app.screen) == ["X100003"]
        await pilot.press("escape")                  # back to the table, filter kept
        assert app.screen.focused is app.screen.query_one(CaseloadTable)
        assert crns(app.screen) == ["X100003"]
        assert "1 of 6 cases" in status_text(app)
        await pilot.press("escape")                  # in the table: clears the filter
        await pilot.pause()
        assert box.value == "" and len(crns(app.screen)) == 6


@pytest.mark.parametrize("typed, expected", [
    ("t4", {"X100001"}),
    ("tier 2", {"X100002", "X100006"}),
    ("x10000", {"X100001", "X100002", "X100003", "X100004", "X100005", "X100006"}),
    ("ppo", {"X100001"}),
    ("mappa", {"X100003"}),
    ("ivan", {"X100004"}),
    ("soon", {"X100001", "X100002", "X100003", "X100005"}),   # any item due soon
    ("nobody", set()),
])
async def test_filter_words(app, typed, expected):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *typed)
        await pilot.pause()
        assert set(crns(app.screen)) == expected
        empty = app.screen.query_one("#caseload-empty")
        assert empty.display is (not expected)
        if not expected:
            assert "No case matches 'nobody'" in str(empty.render())


async def test_filter_overdue_keeps_only_cases_with_overdue_items(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"overdue", "enter")
        await pilot.pause()
        shown = app.screen.shown_rows
        assert shown and all(r.overdue > 0 for r in shown)
        assert {"X100002", "X100005"}.isdisjoint(r.crn for r in shown)
        assert app.screen.focused is app.screen.query_one(CaseloadTable)   # enter: to the table


async def test_o_toggles_overdue_only(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert all(r.overdue for r in app.screen.shown_rows)
        assert "overdue only" in status_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert len(app.screen.shown_rows) == 6


async def test_s_cycles_the_sort(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")                        # name
        await pilot.pause()
        names = [r.name.casefold() for r in app.screen.shown_rows]
        assert names == sorted(names)
        assert "sort: name" in status_text(app)
        await pilot.press("s")                        # CRN
        await pilot.pause()
        assert crns(app.screen) == sorted(crns(app.screen))
        await pilot.press("s")                        # tier, highest first
        await pilot.pause()
        tiers = [r.case.tier for r in app.screen.shown_rows]
        assert tiers == sorted(tiers, reverse=True)
        await pilot.press("s")                        # RoSH, very high first
        await pilot.pause()
        assert app.screen.shown_rows[0].crn == "X100005"
        await pilot.press("s")                        # back to urgency
        await pilot.pause()
        assert crns(app.screen)[0] == "X100006"


async def test_sort_keeps_the_cursor_on_the_same_case(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        table = app.screen.query_one(CaseloadTable)
        chosen = table.current_crn
        await pilot.press("s")
        await pilot.pause()
        assert table.current_crn == chosen


async def test_enter_opens_the_highlighted_case(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        crn = app.screen.query_one(CaseloadTable).current_crn
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseViewScreen)
        assert app.screen.crn == crn
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_a_click_moves_the_cursor_and_a_second_click_opens_the_case(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        third = table.shown_rows[2].crn
        await pilot.click(CaseloadTable, offset=(3, 3))      # line 0 is the header
        await pilot.pause()
        assert table.current_crn == third
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.click(CaseloadTable, offset=(3, 3))
        await settle(pilot)
        assert isinstance(app.screen, CaseViewScreen) and app.screen.crn == third


async def test_the_cursor_stays_on_screen_as_it_moves(make_app, cases):
    many = [replace(cases[i % len(cases)], crn=f"B{i:06d}") for i in range(60)]
    app = make_app(cases=many)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        page = table.scrollable_content_region.height - 1
        await pilot.press(*["down"] * (page + 3))
        await pilot.pause()
        assert table.cursor_row == page + 3
        assert table.scroll_y <= table.cursor_row < table.scroll_y + page
        assert table.current_crn in app.export_screenshot()
        await pilot.press(*["k"] * (page + 3))
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0


async def test_narrow_terminal_hides_secondary_columns(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        assert [c.value for c in table.columns] == [
            "crn", "name", "tier", "flags", "status", "next", "due", "overdue"]
        # Every column fits: nothing scrolls sideways at 80 columns.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert [c.value for c in table.columns] == [
            "crn", "name", "order", "tier", "rosh", "flags", "status", "next", "due", "overdue",
            "appt"]


@pytest.mark.parametrize("width", [80, 100, 124, 129, 140, 160, 200])
async def test_the_table_uses_the_width_there_is_and_never_scrolls_sideways(make_app, width):
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        room = table.scrollable_content_region.width
        assert table.virtual_size.width <= room                   # every column is seen
        cols = {c.value: c.width for c in table.columns}
        if room - table.virtual_size.width > 2:                   # room to spare went to
            assert cols["next"] >= 22 + (10 if "appt" not in cols else 0)   # "Next due"
        # "Next due" says what is due: the longest title on the test caseload fits from 100
        if width >= 100 and "appt" not in cols:
            assert cols["next"] >= 35


async def test_a_store_that_fails_is_a_message_not_a_crash(make_app):
    class Broken(InMemoryStore):
        def list_cases(self):
            raise OSError("disk on fire")

    app = make_app(store=Broken(label="broken"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, CaseloadScreen)
        assert any("disk on fire" in n.message for n in app._notifications)
        assert "caseload not loaded" in status_text(app)


async def test_a_case_whose_rules_fail_still_shows(make_app, fixed_cal):
    from omtui.app import OmtuiApp

    def agenda(case, today, calendar):
        if case.crn == "X100004":
            raise ValueError("bad rule data")
        return []

    app = OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal,
                   store=InMemoryStore(load_cases()), agenda=agenda)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        assert "X100004" in crns(app.screen)
        assert any("X100004" in n.message and "bad rule data" in n.message
                   for n in app._notifications)


async def test_empty_caseload_says_so(make_app):
    app = make_app(cases=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No cases in this caseload" in str(app.screen.query_one("#caseload-empty").render())


async def test_f1_lists_the_caseload_keys_and_colours(app):
    from omtui.screens.help import HelpScreen

    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {(k, d) for k, d, _m, _w in app.screen.rows}
        assert {("s", "Sort"), ("o", "Overdue only"), ("/", "Filter"),
                ("^f", "Look-up")} <= keys


async def test_palette_runs_a_view_command(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view: overdue only")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.overdue_only


async def test_palette_opens_a_case_by_name(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"case: open x100004")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseViewScreen) and app.screen.crn == "X100004"


async def test_w_opens_the_working_day_calculator(app):
    from omtui.screens.calculator import CalculatorScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, CalculatorScreen)


async def test_a_large_caseload_is_usable_before_its_due_dates_are_known(fixed_cal, monkeypatch):
    """Rows first (filter, open, look up), due items when they are all worked out."""
    import threading

    from omtui.app import OmtuiApp
    from omtui.screens import caseload

    monkeypatch.setattr(caseload, "PROGRESSIVE_FROM", 2)
    release = threading.Event()
    real = OmtuiApp.agenda_for

    def slow_agenda(self, case):
        release.wait(10)
        return real(self, case)

    monkeypatch.setattr(OmtuiApp, "agenda_for", slow_agenda)
    app = OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=InMemoryStore(load_cases()))
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if app.screen.query_one(CaseloadTable).row_count:
                break
        table = app.screen.query_one(CaseloadTable)
        assert table.row_count == 6
        assert cell_texts(table, 0)[7] == "working out…"
        assert "working out due dates 0/6" in status_text(app)
        await pilot.press("slash", *"ivan", "enter")
        await pilot.pause()
        assert crns(app.screen) == ["X100004"]        # the filter works meanwhile
        release.set()
        await settle(pilot)
        assert crns(app.screen) == ["X100004"]        # the filter survives the final rows
        assert cell_texts(table, 0)[6] == "✗ OVERDUE"
        assert "overdue" in status_text(app) and "working out" not in status_text(app)


async def test_thousands_of_rows_scroll_and_filter_drawing_only_the_lines_on_screen(make_app, cases):
    from dataclasses import replace

    many = [replace(cases[i % len(cases)], crn=f"A{i:06d}") for i in range(700)]
    app = make_app(cases=many)
    app._agenda = lambda case, today, calendar: []          # no rules: just rows
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        assert table.row_count == 700
        assert "700 cases" in status_text(app)
        page = table.scrollable_content_region.height - 1     # rows below the header
        # Only what is on screen has been formatted, not the 700 rows (twice: 700 cases are
        # shown first without their due items, then with them).
        assert table.formatted <= 2 * (page + 1)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert table.cursor_row == 2 * page
        assert table.scroll_y <= table.cursor_row < table.scroll_y + page
        await pilot.press("end")
        await pilot.pause()
        last, first = table.shown_rows[-1].crn, table.shown_rows[0].crn
        assert table.cursor_row == 699 and table.current_crn == last
        assert table.scroll_y == table.max_scroll_y
        screen_text = app.export_screenshot()
        assert last in screen_text and first not in screen_text
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0
        # Filtering: 100 matches, the cursor on the first, still only a screenful drawn.
        before = table.formatted
        await pilot.press("slash", *"a0001")
        await pilot.pause()
        assert table.row_count == 100 and set(crns(app.screen)) == {f"A{i:06d}" for i in range(100, 200)}
        assert table.formatted - before <= page + 1
        await pilot.press("enter", *["down"] * 60)               # to the table, down the matches
        await pilot.pause()
        chosen = table.current_crn
        await pilot.press("escape")                             # clear the filter
        await pilot.pause()
        assert table.row_count == 700
        # The cursor stays on its case, far down the whole caseload, and on screen.
        assert table.current_crn == chosen and table.cursor_row > page
        assert table.scroll_y <= table.cursor_row < table.scroll_y + page
        assert chosen in app.export_screenshot()


_FILTER_WORDS = ["s", "smith", "t", "t4", "tier", "4", "o", "ov", "overdue", "soon", "ppo",
                 "mappa", "x1", "siob", "ivan", "a", "n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_FILTER_WORDS), min_size=1, max_size=4),
       st.lists(st.integers(min_value=0, max_value=30), max_size=6))
def test_typing_and_deleting_always_shows_what_the_filter_matches(words, cuts):
    """The screen reuses earlier filters' rows while typing; each keystroke's rows must be
    exactly what the filter matches over every case, in the sort order."""
    from omtui.caseload_view import build_row, filter_rows, sort_rows

    cases = load_cases()
    many = [replace(cases[i % len(cases)], crn=f"X{i:06d}") for i in range(60)]
    rows = sort_rows(build_row(c, (), pending=False) for c in many)
    screen = CaseloadScreen()
    screen._sorted = rows
    typed = " ".join(words)
    texts = [typed[:i] for i in range(len(typed) + 1)]          # typed a key at a time
    for cut in cuts:                                             # then deleted back to some point
        texts.append(typed[:max(0, len(typed) - cut)])
    for text in texts:
        assert [r.crn for r in screen.matching(text)] == [r.crn for r in filter_rows(rows, text)], text
