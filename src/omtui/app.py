"""The Textual app: thin. Screens own their keys and workers; the app holds what they share.

What every screen can rely on (``self.app`` is an :class:`OmtuiApp`):

* ``app.store``: the :class:`omtui.services.CaseStore` (call it from thread workers only);
* ``app.calendar``: the :class:`WorkingCalendar` in use; ``app.today``: the injected "today";
* ``app.agenda_for(case)``: the case's due items as of today (rules engine; call it from a
  worker, it may be slow);
* ``app.open_case(crn)`` (or post :class:`omtui.messages.OpenCase`): show a case;
* ``app.caseload_index``: the last caseload seen, for the look-up and the palette.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from textual import on, work
from textual.app import App
from textual.binding import Binding

from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case
from omtui.domain.due import DueItem
from omtui.messages import CaseChanged, OpenCase

Clock = Callable[[], date]
#: ``agenda(case, today, calendar) -> due items``; the default is the rules engine.
Agenda = Callable[[Case, date, WorkingCalendar], Sequence[DueItem]]


def rules_engine_agenda(book: Any) -> Agenda:
    """The rules engine's agenda with a rule book (``omtui.rulepacks.default_packs()``)."""
    from omtui.domain.agenda import case_agenda

    def agenda(case: Case, today: date, calendar: WorkingCalendar) -> Sequence[DueItem]:
        return case_agenda(case, today, calendar, book)

    return agenda


class OmtuiApp(App[None]):
    TITLE = "omtui"
    SUB_TITLE = "probation caseload"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]

    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit omtui.", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit-priority",
                tooltip="Quit omtui from anywhere."),
        # priority: a modal form does not see the app's other bindings, and help is for every
        # screen (F1 on the help itself closes it)
        Binding("f1", "help", "Help", priority=True, tooltip="Keys and colours on this screen.",
                id="app.help"),
        Binding("ctrl+f", "lookup", "Look-up", priority=True, id="lookup.find",
                tooltip="Duty look-up: find any case by name or CRN."),
        Binding("w", "calculator", "Working days", show=False, id="calculator.open",
                tooltip="The working-day calculator: day 0 plus N, with every day explained."),
        Binding("T", "team", "Team", show=False, id="team.open",
                tooltip="Team managers: the team's caseload, overdue per officer."),
    ]

    def __init__(self, *, clock: Clock, calendar: WorkingCalendar, store: Any = None,
                 officer: str | None = None, agenda: Agenda | None = None,
                 rule_book: Any = None, training: bool = False) -> None:
        from omtui.commands import OmtuiCommands

        self.COMMANDS = App.COMMANDS | {OmtuiCommands}
        super().__init__()
        self.clock = clock
        self.calendar = calendar
        if store is None:
            from omtui.services import InMemoryStore

            store = InMemoryStore(label="no database (empty in-memory store)")
        self.store = store
        self.officer = officer
        self._agenda = agenda
        self._rule_book = rule_book
        #: Opened by ``omtui train`` (the trainer's screens read this).
        self.training = training
        #: (crn, name) of the last caseload loaded; the look-up and palette search it.
        self.caseload_index: Any = None
        #: (may open the team view, why not), once a worker has asked the store.
        self.team_access: tuple[bool, str] | None = None

    @property
    def today(self) -> date:
        return self.clock()

    # -- the rules engine, for workers -----------------------------------------------------
    @property
    def rule_book(self) -> Any:
        """The rule packs in use (packaged + local; read once, from a worker)."""
        if self._rule_book is None:
            from omtui.rulepacks import default_packs

            self._rule_book = default_packs()
        return self._rule_book

    def agenda_for(self, case: Case) -> list[DueItem]:
        """The case's due items as of today (call from a worker: it may take a while)."""
        if self._agenda is None:
            self._agenda = rules_engine_agenda(self.rule_book)
        return list(self._agenda(case, self.today, self.calendar))

    # -- screens -----------------------------------------------------------------------------
    def on_mount(self) -> None:
        if not self.is_headless:
            from omtui.terminal_watch import watch_terminal

            watch_terminal(self)        # drafts written and the process gone if it hangs up
        if self.training:
            from omtui.screens.training import TrainingPickerScreen

            self.push_screen(TrainingPickerScreen())
            return
        from omtui.screens.caseload import CaseloadScreen

        self.push_screen(CaseloadScreen())
        self._remind_of_drafts()
        self._check_team_access()

    @work(thread=True, exit_on_error=False, group="drafts-reminder",
          description="Looking for unsaved drafts")
    def _remind_of_drafts(self) -> None:
        """Work typed but never saved (a crash, a power cut, a form left open) is named at start,
        with the keys that lead back to it; the form itself offers the draft."""
        from omtui.drafts import DraftError
        from omtui.screens.draft_prompt import (
            draft_store_for,
            drafts_notice,
            officer_of,
        )

        try:
            infos = draft_store_for(self).list(officer_of(self))
        except (DraftError, OSError):
            return
        notice = drafts_notice(infos)
        if notice:
            self.call_from_thread(self.notify, notice, title="Unsaved work", timeout=12,
                                  markup=False)

    # -- memory: the caseload is long-lived -----------------------------------------------------
    def caseload_loaded(self) -> None:
        """A caseload of thousands is hundreds of thousands of long-lived objects (cases, due
        items, traces). Moved out of the cyclic garbage collector's sight, its full
        collections no longer pause the screen (for a second, with 5,000 cases) while the
        officer types. The whole process is affected, so it is done here, once per load."""
        gc.freeze()

    def release_caseload_memory(self) -> None:
        """Before the caseload is read again: the last one's objects can go when unused."""
        gc.unfreeze()

    def open_case(self, crn: str) -> None:
        from omtui.screens.case_view import CaseViewScreen
        from omtui.screens.lookup import LookupScreen

        if isinstance(self.screen, CaseViewScreen) and self.screen.crn == crn:
            return
        if isinstance(self.screen, LookupScreen):
            # The case replaces the look-up: escape goes back to where the look-up began.
            self.switch_screen(CaseViewScreen(crn))
        else:
            self.push_screen(CaseViewScreen(crn))

    @on(OpenCase)
    def _open_case_message(self, message: OpenCase) -> None:
        self.open_case(message.crn)

    @on(CaseChanged)
    def _case_changed(self, message: CaseChanged) -> None:
        """Every screen on the stack that shows cases reloads (``case_changed(crn)``)."""
        for screen in self.screen_stack:
            handler = getattr(screen, "case_changed", None)
            if callable(handler):
                handler(message.crn)

    def action_help(self) -> None:
        try:
            from omtui.screens.help import HelpScreen
        except ImportError:
            self.notify("Help is not available in this build.", severity="warning")
            return
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.screen))

    def action_lookup(self) -> None:
        from omtui.screens.lookup import LookupScreen

        if isinstance(self.screen, LookupScreen):
            self.screen.focus_query()
            return
        self.push_screen(LookupScreen())

    # -- the team view (team managers) ---------------------------------------------------
    @work(thread=True, exit_on_error=False, group="team-access",
          description="Checking the officer's role")
    def _check_team_access(self, open_after: bool = False) -> None:
        from omtui.screens.team import team_access

        self.team_access = team_access(self.store)
        if open_after:
            self.call_from_thread(self.action_team)

    def palette_allows(self, action: str) -> bool:
        """The palette lists the team view only for an officer whose role allows it."""
        return action != "team" or bool(self.team_access and self.team_access[0])

    def action_team(self) -> None:
        from omtui.screens.team import TeamScreen

        if isinstance(self.screen, TeamScreen):
            return
        if self.team_access is None:
            self._check_team_access(open_after=True)
            return
        allowed, why = self.team_access
        if not allowed:
            self.notify(why, title="Team view", severity="warning", timeout=8, markup=False)
            return
        self.push_screen(TeamScreen())

    def action_calculator(self) -> None:
        try:
            from omtui.screens.calculator import CalculatorScreen
        except ImportError:
            self.notify("The working-day calculator is not available in this build.",
                        severity="warning")
            return
        if isinstance(self.screen, CalculatorScreen):
            return
        self.push_screen(CalculatorScreen())
