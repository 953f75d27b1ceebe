"""Snapshots of the case view (due tab and enforcement tab) at 80x24 and 160x48."""

from __future__ import annotations

import pytest
from tests.tui.tui_helpers import settle

SIZES = [(80, 24), (160, 48)]


def opened(crn: str, *keys: str):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_case(crn)
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_case_view_due(make_app, snap_compare, size):
    assert snap_compare(make_app(), run_before=opened("X100001"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_case_view_enforcement(make_app, snap_compare, size):
    assert snap_compare(make_app(), run_before=opened("X100003", "5"), terminal_size=size)
