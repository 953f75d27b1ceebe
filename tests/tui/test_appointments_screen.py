"""Pilot tests of arranging appointments: series, warnings for closed days and overlaps, saved
as contacts with no outcome, and the next appointment where the duty officer looks."""

from __future__ import annotations

from datetime import date

import pytest

from omtui.app import OmtuiApp
from omtui.domain.case import EventType
from omtui.duty_view import duty_card
from omtui.screens.appointments import ArrangeAppointmentsScreen
from omtui.screens.contact_log import ContactLogScreen
from omtui.services import InMemoryStore
from omtui.widgets.key_picker import FieldError

from tests.tui.contact_fixtures import enforcement_cases
from tests.tui.tui_helpers import TODAY, settle


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore(enforcement_cases(), label="test store")


@pytest.fixture
def app(store, fixed_cal) -> OmtuiApp:
    return OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer="Tess Officer")


async def press(pilot, *keys: str) -> None:
    """Press the keys as a person would (no waiting between them), then let workers finish."""
    await pilot.press(*keys)
    await settle(pilot)


async def test_a_weekly_series_warns_about_christmas_and_saves_appointments(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100004"))
        await settle(pilot)
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, ArrangeAppointmentsScreen)
        # Fri 18 Dec 2026 10:00, weekly, 3 times: the 25th is Christmas Day
        await press(pilot, *"18/12", "tab", *"10", "tab", "tab", "tab", "w", *"3")
        preview = str(form.query_one("#appt-list").render())
        assert preview.startswith("3 appointments · ⚠ 2 warning(s)")
        assert "Fri 25/12/2026 is not a working day: Christmas Day" in preview
        assert "Fri 01/01/2027 is not a working day: New Year's Day" in preview
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactLogScreen)
        made = [e for e in store.get_case("E100004").events if e.outcome is None]
        assert [(e.type, e.date, e.extra["time"]) for e in made] == [
            (EventType.CONTACT, date(2026, 12, 18), "10:00"),
            (EventType.CONTACT, date(2026, 12, 25), "10:00"),
            (EventType.CONTACT, date(2027, 1, 1), "10:00")]
        summary = str(app.screen.query_one("#log-summary").render())
        assert "Next appointment Fri 18/12/2026 10:00-11:00" in summary
        # the duty look-up reads the same next appointment
        card = duty_card(store.get_case("E100004"), TODAY, app.calendar, app.rule_book.enforcement)
        assert card.next_appointment == "Fri 18/12/2026 10:00-11:00"


async def test_an_overlap_is_warned_and_a_series_needs_a_count(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "a", *"20/11/26", "tab", *"10:30")
        form = app.screen
        preview = str(form.query_one("#appt-list").render())
        assert "overlaps another appointment (Fri 20/11/2026 10:00-11:00)" in preview
        assert "is before today" in preview
        form.query_one("#appt-frequency").focus()
        await press(pilot, "f", "ctrl+s")                 # fortnightly, but how many?
        assert app.screen is form
        assert "how many fortnightly" in form.query_one("#error-count", FieldError).message
        await press(pilot, *"x", "ctrl+s")
        assert "'x' is not a number" in form.query_one("#error-count", FieldError).message
        assert len(store.get_case("E100001").events) == 4


async def test_the_next_appointment_shows_on_the_caseload(app, store):
    from omtui.widgets.caseload_table import CaseloadTable

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CaseloadTable)
        row = table.get_row_index("E100004")
        assert str(table.get_row_at(row)[-1]) == "–"
        app.push_screen(ContactLogScreen("E100004"))
        await settle(pilot)
        await press(pilot, "a", *"tomorrow", "tab", *"9", "ctrl+s")
        await press(pilot, "escape")
        table = app.screen.query_one(CaseloadTable)
        row = table.get_row_index("E100004")
        assert str(table.get_row_at(row)[-1]) == "24 Nov 09:00"
