"""Snapshots of the duty look-up at 80x24 and 160x48."""

from __future__ import annotations

import pytest
from tests.tui.tui_helpers import settle

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_lookup(make_app, snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+f", *"siobhan")
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)
