"""Duty look-up: ctrl+f from anywhere, a name or CRN, everything that matters on one screen."""

from __future__ import annotations

from textual.widgets import Footer, Input, OptionList
from tests.tui.tui_helpers import settle

from omtui.screens.case_view import CaseViewScreen
from omtui.screens.caseload import CaseloadScreen
from omtui.screens.lookup import LookupScreen
from omtui.widgets.duty_card import DutyCardView


def card(app) -> str:
    return str(app.screen.query_one(DutyCardView).render())


def results(app) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_ctrl_f_finds_a_case_and_shows_the_duty_card(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.focused is app.screen.query_one("#lookup-query", Input)
        await pilot.press(*"siobhan")                # typed without the accent
        await settle(pilot)
        assert results(app)[0] == "X100003"
        text = card(app)
        assert "X100003  Siobhán Ó Súilleabháin" in text
        assert "OM: Sam Patel" in text
        assert "MAPPA C2 L2" in text and "victim contact" in text
        assert "MAPPA: category 2, level 2" in text
        assert "Next appointment: Thu 26/11/2026 10:00-11:00" in text
        assert "Open failures to comply: 1" in text
        assert "failed 16 Nov 2026: explanation by end of Mon 30 Nov 2026 (5 working days left)" in text
        assert "Warnings in the last 12 months: 1 (10 Mar 2026)" in text


async def test_the_card_fits_on_one_80x24_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"X100003")
        await settle(pilot)
        view = app.screen.query_one(DutyCardView)
        footer = app.screen.query_one(Footer)
        assert "Warnings in the last 12 months" in card(app)
        assert "A failure today would lead to" in card(app)
        # Everything is inside the visible region above the footer: nothing to scroll.
        assert view.region.bottom <= footer.region.y
        width = view.content_region.width
        needed = view.get_content_height(view.size, app.size, width)
        assert needed <= view.content_region.height, (needed, view.content_region.height)


async def test_crn_and_non_latin_names(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"x100004")
        await settle(pilot)
        assert results(app) == ["X100004"]
        box = app.screen.query_one("#lookup-query", Input)
        box.value = ""
        await pilot.press(*"ivan")                   # Latin reading of Иван
        await settle(pilot)
        assert results(app)[0] == "X100004"
        box.value = ""
        await pilot.press(*"петров")
        await settle(pilot)
        assert results(app)[0] == "X100004"
        box.value = ""
        await pilot.press(*"小明")
        await settle(pilot)
        assert results(app)[0] == "X100006"
        box.value = ""
        await pilot.press(*"nobody")
        await settle(pilot)
        assert results(app) == [] and "No case matches 'nobody'" in card(app)


async def test_enter_opens_the_case_and_escape_returns_below_the_lookup(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"smith")
        await settle(pilot)
        assert results(app)[0] == "X100001"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseViewScreen) and app.screen.crn == "X100001"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_down_chooses_another_match(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"x1")
        await settle(pilot)
        assert len(results(app)) == 6
        first = card(app)
        await pilot.press("down")
        await settle(pilot)
        second = results(app)[1]
        assert second in card(app) and card(app) != first
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.crn == second


async def test_lookup_from_the_case_view(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.open_case("X100005")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*"wang")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.crn == "X100006"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseViewScreen) and app.screen.crn == "X100005"


async def test_lookup_reads_the_store_when_no_caseload_was_loaded(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.caseload_index = None
        app.push_screen(LookupScreen("petrov"))
        await settle(pilot)
        assert results(app) == ["X100004"]
        assert "RoSH low" in card(app)


async def test_escape_closes_and_palette_opens_it(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"lookup: find")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_markup_name_in_results_is_literal(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"markup")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        prompt = options.get_option_at_index(0).prompt
        assert "[bold]Markup[/bold] Person [link=http://x]" in prompt.plain
        assert "[bold]Markup[/bold] Person" in card(app)
