"""Snapshots of the induction checklist at 80x24 and 160x48, with the visible text checked."""

from __future__ import annotations

import pytest
from tests.tui.test_plan_snapshots import saved_svg
from tests.tui.tui_helpers import settle

SIZES = [(80, 24), (160, 48)]


def induction(crn: str, *keys: str):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_case(crn)
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_induction_checklist(make_app, snap_compare, size, request):
    app = make_app()
    keys = ("space", "n", *"Explained; said back [b]in own words[/b]", "enter", "down", "space")
    assert snap_compare(app, run_before=induction("X100003", *keys), terminal_size=size)
    text = saved_svg(request)
    assert "Explained and recorded" in text
    assert "[x] What the sentence requires" in text
    assert "Note: Explained; said back [b]in own words[/b]" in text
    assert "Re-induction: 4 weeks or more without contact" in text
    assert "Not complete: 2/" in text and "no date recorded" in text
