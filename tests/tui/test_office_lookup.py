"""Office mode in the app: the duty look-up searches every case (not the officer's caseload),
the card it shows is an audited look-up, and a case outside the team is not opened."""

from __future__ import annotations

from textual.widgets import OptionList
from tests.tui.tui_helpers import TODAY, load_cases, settle

from omtui.app import OmtuiApp
from omtui.screens.lookup import LookupScreen
from omtui.store import open_store
from omtui.store.roles import Role
from omtui.widgets.duty_card import DutyCardView


def _office(path) -> None:
    with open_store(path, officer="setup") as s:
        s.import_cases(load_cases())
        s.add_officer("mo", Role.TEAM_MANAGER, team="north")
    with open_store(path, officer="mo") as s:
        s.add_officer("alex", Role.OFFENDER_MANAGER, team="north", display_name="Alex Okafor")
        s.add_officer("sam", Role.OFFENDER_MANAGER, team="south", display_name="Sam Patel")
        s.add_officer("dee", Role.DUTY_OFFICER)


def _history(path, crn):
    with open_store(path, officer="setup") as s:
        from omtui.store import audit

        with s.reading() as session:
            return [(e.officer, e.action) for e in audit.history(session.connection(), crn)]


async def test_duty_officer_looks_up_any_case_and_the_look_up_is_audited(tmp_path, fixed_cal):
    path = tmp_path / "office.sqlite"
    _office(path)
    store = open_store(path, officer="dee")
    app = OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer="dee")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+f", *"siobhan")
            await settle(pilot)
            assert isinstance(app.screen, LookupScreen)
            options = app.screen.query_one(OptionList)
            assert options.get_option_at_index(0).id == "X100003"
            assert "OM: Sam Patel" in str(app.screen.query_one(DutyCardView).render())
    finally:
        store.close()
    assert ("dee", "lookup") in _history(path, "X100003")


async def test_offender_manager_finds_another_teams_case_by_look_up_only(tmp_path, fixed_cal):
    path = tmp_path / "office.sqlite"
    _office(path)
    store = open_store(path, officer="alex")
    assert [c.crn for c in store.list_cases()] == ["X100001", "X100002", "X100006"]
    app = OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer="alex")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+f", *"X100003")
            await settle(pilot)
            card = str(app.screen.query_one(DutyCardView).render())
            assert "X100003" in card and "OM: Sam Patel" in card
    finally:
        store.close()
    assert ("alex", "lookup") in _history(path, "X100003")
    assert ("alex", "read") not in _history(path, "X100003")
