"""Fixtures for Pilot and snapshot tests of the app.

The test caseload is written in the JSON case format (``tests/tui/caseload.json``) and read
with ``parse_caseload``; the app gets a fixed "today" (Monday 2026-11-23), the committed
England & Wales holidays (``fixed_cal``) and an in-memory store.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from omtui.app import OmtuiApp
from omtui.domain.case import Case
from omtui.services import InMemoryStore

from tests.tui.tui_helpers import TODAY, load_cases


@pytest.fixture
def cases() -> list[Case]:
    return load_cases()


@pytest.fixture
def make_app(fixed_cal) -> Callable[..., OmtuiApp]:
    """``make_app(cases=None, store=None)``: a fresh app on the test caseload."""

    def make(cases: list[Case] | None = None, store=None) -> OmtuiApp:
        if store is None:
            store = InMemoryStore(load_cases() if cases is None else cases, label="test store")
        return OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer="tester")

    return make


@pytest.fixture
def app(make_app) -> OmtuiApp:
    return make_app()
