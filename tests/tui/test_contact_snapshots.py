"""Snapshots of the contact log and the quick-entry form at 80x24 and 160x48 (fixed today,
committed calendar, in-memory store; workers awaited before the picture is taken)."""

from __future__ import annotations

import pytest

from omtui.app import OmtuiApp
from omtui.screens.contact_log import ContactLogScreen

from tests.tui.contact_fixtures import contact_app, open_screen

SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def app(fixed_cal) -> OmtuiApp:
    return contact_app(fixed_cal)


def open_log(crn: str, *keys: str):
    return open_screen(lambda: ContactLogScreen(crn), *keys)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_contact_log(app, snap_compare, size):
    # E100001: a past appointment with no outcome, an FTC, short periods
    assert snap_compare(app, run_before=open_log("E100001"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_contact_log_literal_note(app, snap_compare, size):
    # E100004: a name and a note with Rich markup, shown as typed
    assert snap_compare(app, run_before=open_log("E100004"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_quick_entry(app, snap_compare, size):
    # c, then acceptable absence (e): the reason row appears, the focus is on it
    assert snap_compare(app, run_before=open_log("E100001", "c", "o", "e"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_quick_entry_field_error(app, snap_compare, size):
    keys = ("c", "shift+tab", "shift+tab", *["backspace"] * 5, *"31/2", "ctrl+s")
    assert snap_compare(app, run_before=open_log("E100001", *keys), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_suspension_form(app, snap_compare, size):
    # s on the contact log, then hospital: the dates to fill in, the reason chosen
    assert snap_compare(app, run_before=open_log("E100001", "s", "h"), terminal_size=size)
