"""Shared fixtures for every test (unit, store, Pilot, snapshot).

What they guarantee:

* ``isolated_dirs`` (autouse): OMTUI_DATA_DIR and OMTUI_CONFIG_DIR point into ``tmp_path`` and
  OMTUI_DB / OMTUI_CALENDAR / OMTUI_OFFICER are unset, so no test reads or writes the user's
  real files or picks up their settings.
* ``no_cursor_blink`` (autouse): Textual ``Input`` cursors never blink, so snapshots are stable.
* ``TODAY`` / ``today``: the fixed "today" of the test suite, Monday 2026-11-23. Pass it in
  (``OmtuiApp(clock=lambda: TODAY, ...)``); never read the system clock in a test.
* ``fixed_cal``: a ``WorkingCalendar`` over 2015-2035 built from the England & Wales bank
  holidays committed in ``tests/data/bank-holidays-2015-2035.json`` (generated once from the
  ``holidays`` package), so results cannot change with a library upgrade. No on-demand
  extension: a date outside 2015-2035 raises ``CalendarRangeError``. Use it for snapshots and
  anything whose expected output is written down.
* ``fixed_holidays``: the same committed holidays as a ``{date: name}`` dict.
* Hypothesis profile ``omtui`` (loaded here): 150 examples, no deadline; set
  HYPOTHESIS_PROFILE=thorough for 5000.
* ``ew_cal``: the real ``england_and_wales()`` calendar (the pinned ``holidays`` package,
  extends on demand), session-scoped because it is slower to build. Use it to check that the
  real data still agrees with the committed set.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from omtui.domain.calendar import WorkingCalendar, england_and_wales, fixed_calendar

# The PostgreSQL server fixtures (office mode): defined once, here, so each test process
# starts one server for every suite that asks for it (a fixture imported into several
# modules would start one per module).
from tests.store.pgserver import pg_server, pg_url, store_url  # noqa: F401

# Property tests: modest example counts (the suite must stay fast on 2 cores), no deadline
# (first calls build indexes), and the autouse fixtures below are safe to share between
# examples. Run with HYPOTHESIS_PROFILE=thorough for a longer search.
settings.register_profile(
    "omtui", max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile(
    "thorough", max_examples=5000, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "omtui"))

def pytest_configure(config: pytest.Config) -> None:
    """Refuse to test an old build of the compiled rules engine (omtui.compiled): Python
    would import it instead of the source being tested."""
    from omtui.compiled import pure_python_asked, stale

    old = stale()
    if old and not pure_python_asked():
        raise pytest.UsageError(
            f"the compiled {', '.join(old)} is older than its source: run `make compile` "
            "(or `make test`), or set OMTUI_PURE_PYTHON=1 to test the .py files")


#: The suite's fixed "today": a Monday, a month before the Christmas closures of 2026.
TODAY = date(2026, 11, 23)

TESTS_DIR = Path(__file__).resolve().parent
HOLIDAYS_FILE = TESTS_DIR / "data" / "bank-holidays-2015-2035.json"


def load_fixed_holidays() -> dict[date, str]:
    """The committed England & Wales bank holidays, 2015-2035: {date: name}."""
    doc = json.loads(HOLIDAYS_FILE.read_text("utf-8"))
    return {date.fromisoformat(d): name for d, name in doc["holidays"].items()}


def make_fixed_calendar() -> WorkingCalendar:
    """A fresh fixed calendar (for tests that want their own instance)."""
    return fixed_calendar(load_fixed_holidays(), name="England & Wales bank holidays (fixed)",
                          first_year=2015, last_year=2035)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the user's real data and config directories."""
    data, config = tmp_path / "omtui-data", tmp_path / "omtui-config"
    monkeypatch.setenv("OMTUI_DATA_DIR", str(data))
    monkeypatch.setenv("OMTUI_CONFIG_DIR", str(config))
    for name in ("OMTUI_DB", "OMTUI_CALENDAR", "OMTUI_OFFICER"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Input cursors stay visible and still, so snapshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def fixed_holidays() -> dict[date, str]:
    """The committed bank holidays 2015-2035 as {date: name} (for naive reference counts)."""
    return load_fixed_holidays()


@pytest.fixture(scope="session")
def fixed_cal() -> WorkingCalendar:
    """England & Wales 2015-2035 from the committed holiday file (never extends)."""
    return make_fixed_calendar()


@pytest.fixture(scope="session")
def ew_cal() -> WorkingCalendar:
    """The real England & Wales calendar from the pinned holidays package."""
    return england_and_wales()
