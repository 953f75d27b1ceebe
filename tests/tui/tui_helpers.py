"""Helpers shared by the app's Pilot and snapshot tests (``from tests.tui.tui_helpers import ...``)."""

from __future__ import annotations

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
        running = [w for w in app.workers if not w.is_finished]
        if running:
            await app.workers.wait_for_complete(running)
            await pilot.pause()
            continue
        tables = app.screen.query("CaseloadTable")
        if tables and not tables.first().complete:
            continue
        await pilot.pause()
        if not [w for w in app.workers if not w.is_finished]:
            return


def cell_texts(table, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]
