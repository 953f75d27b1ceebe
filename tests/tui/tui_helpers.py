"""Helpers shared by the app's Pilot and snapshot tests (``from tests.tui.tui_helpers import ...``)."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from omtui.domain.case import Case
from omtui.domain.caseformat import parse_caseload

#: The suite's fixed today (the same Monday as tests/conftest.py's TODAY).
TODAY = date(2026, 11, 23)
CASELOAD_FILE = Path(__file__).with_name("caseload.json")


def load_cases(path: Path = CASELOAD_FILE) -> list[Case]:
    result = parse_caseload(json.loads(path.read_text("utf-8")))
    assert result.ok, result.problems
    return result.cases


async def settle(pilot) -> None:
    """Wait until every worker (store reads, rule evaluation) has finished and the screen has
    caught up (also usable as a snapshot ``run_before``)."""
    app = pilot.app
    for _ in range(10):
        await pilot.pause()
        running = _running(app)
        if running:
            try:   # bounded: a worker of a screen already closed (the palette) may never start
                await asyncio.wait_for(app.workers.wait_for_complete(running), WORKER_WAIT)
            except asyncio.TimeoutError:
                pass
            await pilot.pause()
            continue
        tables = app.screen.query("CaseloadTable")
        if tables and not tables.first().complete:
            continue
        await pilot.pause()
        if not _running(app):
            return


async def press_to(pilot, *keys: str, expect):
    """Press ``keys``, let the app settle, and return the screen it then shows, which must be
    ``expect``: a screen class, or the very screen."""
    await pilot.press(*keys)
    await settle(pilot)
    screen = pilot.app.screen
    if isinstance(expect, type):
        assert isinstance(screen, expect), f"{screen!r} is not a {expect.__name__}"
    else:
        assert screen is expect, f"{screen!r} is shown, not {expect!r}"
    return screen


#: Seconds settle() waits for workers in one round before looking again.
WORKER_WAIT = 10


def _running(app) -> list:
    """Unfinished workers whose widget is still on screen (a closed screen's never run)."""
    return [w for w in app.workers
            if not w.is_finished and getattr(w.node, "is_attached", True)]


def cell_texts(table, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]
