"""Snapshots of the team view (a team manager's) at 80x24 and 160x48, with the visible words
asserted: per-officer counts, the highlighted officer's cases, names shown literally."""

from __future__ import annotations

import pytest

from omtui.app import OmtuiApp
from omtui.store import open_store
from tests.tui.test_office_lookup import _office
from tests.tui.test_plan_snapshots import saved_svg
from tests.tui.tui_helpers import TODAY, settle

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_team_view(tmp_path, fixed_cal, snap_compare, size, request):
    path = tmp_path / "office.sqlite"
    _office(path)
    store = open_store(path, officer="mo")
    app = OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer="mo")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    try:
        assert snap_compare(app, run_before=run_before, terminal_size=size)
    finally:
        store.close()
    text = saved_svg(request)
    assert "Team north" in text
    assert "Alex Okafor" in text and "(not allocated)" in text and "Team total" in text
    assert "Alex Okafor: 3 case(s)" in text
    assert "[bold]Markup[/bol" in text                      # literal, never markup
    if size[0] >= 120:
        assert "Allocate an offender manager (tier 4 / PPO)" in text
