"""Snapshots of the caseload at 80x24 and 160x48 (fixed today, fixed holidays, no blink)."""

from __future__ import annotations

import pytest
from tests.tui.tui_helpers import settle

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_caseload(make_app, snap_compare, size):
    assert snap_compare(make_app(), run_before=settle, terminal_size=size)


def test_caseload_filtered_80x24(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("slash", *"t3")
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))
