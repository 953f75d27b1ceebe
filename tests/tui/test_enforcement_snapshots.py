"""Snapshots of the enforcement screen and its forms at 80x24 and 160x48."""

from __future__ import annotations

import pytest

from omtui.app import OmtuiApp
from omtui.screens.enforcement import EnforcementScreen

from tests.tui.contact_fixtures import contact_app, open_screen

SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def app(fixed_cal) -> OmtuiApp:
    return contact_app(fixed_cal)


def open_enforcement(crn: str, *keys: str):
    return open_screen(lambda: EnforcementScreen(crn), *keys)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_enforcement_licence(app, snap_compare, size):
    # E100003: open failure, the next warning is the senior manager's, a spent warning
    assert snap_compare(app, run_before=open_enforcement("E100003"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_enforcement_breach_due(app, snap_compare, size):
    # E100002: a CO's second failure within 12 months leads to breach
    assert snap_compare(app, run_before=open_enforcement("E100002"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_explanation_form_late(app, snap_compare, size):
    # E100005: the clock ended; acceptable without circumstances is refused at the field
    keys = ("x", "tab", "tab", "a", *"Was abroad", "ctrl+s")
    assert snap_compare(app, run_before=open_enforcement("E100005", *keys), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_warning_letter(app, snap_compare, size):
    assert snap_compare(app, run_before=open_enforcement("E100003", "w"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_breach_form(app, snap_compare, size):
    # E100002: breach papers and hearing deadlines counted from the last failure
    assert snap_compare(app, run_before=open_enforcement("E100002", "b"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_custody_form(app, snap_compare, size):
    # E100003 (licence, recalled before): returned to custody or re-released, and a date
    assert snap_compare(app, run_before=open_enforcement("E100003", "t"), terminal_size=size)
