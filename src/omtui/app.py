"""The Textual app: thin. Screens own their keys and workers; the app holds what they share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.app import App
from textual.binding import Binding

from omtui.domain.calendar import WorkingCalendar

Clock = Callable[[], date]


class OmtuiApp(App[None]):
    TITLE = "omtui"
    SUB_TITLE = "probation caseload"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit omtui.", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit-priority"),
        Binding("f1", "help", "Help", tooltip="Keys and colours on this screen.", id="app.help"),
    ]

    def __init__(self, *, clock: Clock, calendar: WorkingCalendar, store: Any = None,
                 officer: str | None = None) -> None:
        super().__init__()
        self.clock = clock
        self.calendar = calendar
        self.store = store
        self.officer = officer

    @property
    def today(self) -> date:
        return self.clock()

    def on_mount(self) -> None:
        from omtui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def action_help(self) -> None:
        from omtui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))
