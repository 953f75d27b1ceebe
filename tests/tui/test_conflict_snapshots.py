"""Snapshot of the "changed by X at HH:MM: reload or keep yours" dialog over the sentence-plan
builder at 80x24, with the visible words asserted (an officer name with markup shows
literally)."""

from __future__ import annotations

import time

import pytest

from omtui.screens.conflict import ConflictModal
from omtui.services import ConflictError
from tests.tui.test_plan_snapshots import builder, saved_svg, stored_plan_app


@pytest.fixture
def london(monkeypatch):
    """Local time is the office's (14:02 UTC is 14:02 in London in November)."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_conflict_dialog(make_app, snap_compare, london, request):
    app = stored_plan_app(make_app)
    conflict = ConflictError("the sentence plan of X100001 was changed by mo at 14:02 UTC",
                             "Mo [bold]Khan[/bold]", "2026-11-23T14:02:31.123456+00:00", 3)

    async def run_before(pilot):
        await builder()(pilot)
        pilot.app.push_screen(ConflictModal(
            "The sentence plan of X100001", conflict,
            reload_note="What you typed is kept as a draft: open the same form again to see it."))
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
    text = saved_svg(request)
    assert "Changed by Mo [bold]Khan[/bold] at 14:02" in text
    assert "r  Reload" in text and "k  Keep yours" in text
    assert "Reload (r)" in text and "Keep yours (k)" in text
