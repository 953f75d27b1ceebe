"""F1 help: the keys active on the screen underneath, the colour legend, the screen's notes."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from omtui.app import OmtuiApp
from omtui.screens.calculator import CalculatorScreen
from omtui.screens.help import HelpScreen, help_bindings


@pytest.fixture
def app(fixed_cal, today):
    return OmtuiApp(clock=lambda: today, calendar=fixed_cal, store=None)


def texts(screen) -> str:
    return "\n".join(str(w.content) for w in screen.query(Static))


async def test_f1_on_the_calculator_lists_its_keys(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.push_screen(CalculatorScreen())
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {(key, does): (more, where) for key, does, more, where in app.screen.rows}
        assert rows[("^t", "Day 0 = today")] == ("Put today's date in day 0.", "this screen")
        assert ("^r", "Clear") in rows and ("esc", "Leave field") in rows
        assert rows[("f1", "Help")][1] == "everywhere"
        assert ("^q", "Quit") in rows
        assert not any(does in ("Focus Next", "Copy selected text") for _k, does in rows)
        # The typing field has focus, so "q" types a q: help does not claim it quits.
        assert ("q", "Quit") not in rows
        shown = texts(app.screen)
        assert "Note 9" in shown                       # the calculator's HELP text
        for symbol, words in (("✗", "overdue"), ("!", "due soon"), ("·", "due:"), ("✓", "done")):
            assert any(line.strip().startswith(symbol) and words in line
                       for line in shown.splitlines()), (symbol, shown)


@pytest.mark.parametrize("key", ["escape", "f1", "q"])
async def test_help_closes_with_escape_f1_or_q(app, key):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(CalculatorScreen())
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, CalculatorScreen)
        assert app.is_running                          # q closed help, it did not quit


async def test_help_out_of_a_field_lists_q(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(CalculatorScreen())
        await pilot.pause()
        await pilot.press("escape", "f1")              # leave the field, then help
        await pilot.pause()
        assert ("q", "Quit") in {(k, d) for k, d, _m, _w in app.screen.rows}


class _Plain(Screen):
    """A screen that knows nothing about help, with markup-like text in its notes."""

    HELP = "Names like [bold]Smith[/bold] are shown as typed."
    BINDINGS = [Binding("x", "noop", "Do x", tooltip="Does x."),
                Binding("z", "noop", "Hidden z", show=False)]

    def compose(self):
        yield Input(id="field")
        yield Footer()

    def action_noop(self) -> None:
        pass


class _PlainApp(App):
    BINDINGS = [Binding("f1", "help", "Help")]

    def on_mount(self) -> None:
        self.push_screen(_Plain())

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))


async def test_any_screen_gets_help_and_markup_is_literal():
    app = _PlainApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.set_focus(None)
        rows = help_bindings(screen)
        keys = {(k, d): m for k, d, m, _w in rows}
        assert keys[("x", "Do x")] == "Does x."
        assert ("z", "Hidden z") in keys               # the screen's own keys, even unshown
        # The focused input's editing keys are not listed as news.
        screen.query_one(Input).focus()
        await pilot.pause()
        assert not any("cursor" in d.lower() for _k, d, _m, _w in help_bindings(screen))
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "[bold]Smith[/bold]" in texts(app.screen)


async def test_f1_on_a_form_opens_its_help_and_f1_closes_it(fixed_cal, today):
    """A modal form (quick entry) does not see the app's ordinary bindings; F1 still opens
    help on the form's own keys, and F1 again goes back to the form as it was."""
    from omtui.screens.contact_entry import ContactEntryScreen
    from omtui.services import InMemoryStore

    from tests.tui.contact_fixtures import enforcement_cases
    from tests.tui.tui_helpers import settle

    app = OmtuiApp(clock=lambda: today, calendar=fixed_cal,
                   store=InMemoryStore(enforcement_cases()), officer="tester")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        form = ContactEntryScreen("E100001", "test")
        app.push_screen(form)
        await settle(pilot)
        await pilot.press("p")                          # phone
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.heading == "Help: Log a contact"     # the form's own title
        rows = {(key, does) for key, does, _more, _where in app.screen.rows}
        assert ("^s", "Save") in rows
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is form
        assert app.screen.query_one("#entry-type").value == "phone"
