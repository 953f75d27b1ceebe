"""Starting the Textual app from the CLI: the only place below the CLI that reads the clock."""

from __future__ import annotations

from datetime import date

from omtui.cmd.common import GlobalOptions
from omtui.domain.calendar import WorkingCalendar


def run_app(opts: GlobalOptions, calendar: WorkingCalendar, *, training: bool = False) -> None:
    from omtui.app import OmtuiApp

    fixed = opts.today

    def clock() -> date:
        return fixed if fixed is not None else date.today()

    OmtuiApp(clock=clock, calendar=calendar, store=None, officer=opts.officer).run()
