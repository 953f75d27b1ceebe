"""Starting the Textual app from the CLI: the only place below the CLI that reads the clock."""

from __future__ import annotations

from datetime import date

from omtui.cmd.common import GlobalOptions, fail
from omtui.domain.calendar import WorkingCalendar


def run_app(opts: GlobalOptions, calendar: WorkingCalendar, *, training: bool = False) -> None:
    """Open the store named by ``--db`` (or the default file), then run the app on it.

    A store that cannot be opened is a one-line error on stderr and a non-zero exit.
    """
    from omtui.app import OmtuiApp
    from omtui.store import StoreError, open_store

    fixed = opts.today

    def clock() -> date:
        return fixed if fixed is not None else date.today()

    if training:
        # Training never opens the user's database: an in-memory store and a simulated clock.
        from omtui.scenarios import SimulatedClock
        from omtui.services import InMemoryStore

        OmtuiApp(clock=SimulatedClock(clock()), calendar=calendar,
                 store=InMemoryStore(label="TRAINING (in memory, not your caseload)"),
                 officer=opts.officer, training=True).run()
        return
    try:
        store = open_store(opts.db, opts.officer)
    except StoreError as exc:
        fail(str(exc))
    app = OmtuiApp(clock=clock, calendar=calendar, store=store, officer=opts.officer,
                   training=training)
    try:
        app.run()
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            close()
