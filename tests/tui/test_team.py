"""The team view, driven by real keys on an office database: a team manager sees the team's
caseload per officer with overdue counts, Enter on an officer lists their cases, Enter on a
case opens it (audited); anyone else gets a clear message and no palette entry.

The key tests run against a SQLite file and a real PostgreSQL server started by the tests
(``tests/store/pgserver.py``; skipped with the reason printed when the server binaries are
missing)."""

from __future__ import annotations

from collections import Counter

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Static

from omtui.app import OmtuiApp
from omtui.domain.due import Status
from omtui.screens.case_view import CaseViewScreen
from omtui.screens.team import TeamScreen
from omtui.store import open_store
from tests.tui.test_office_lookup import _history, _office
from tests.tui.tui_helpers import TODAY, cell_texts, load_cases, press_to, settle


@pytest.fixture
def office(tmp_path):
    path = tmp_path / "office.sqlite"
    _office(path)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def any_office(request, tmp_path):
    """The same office in a SQLite file and in a fresh database on a real PostgreSQL
    server."""
    where = (tmp_path / "office.sqlite" if request.param == "sqlite"
             else request.getfixturevalue("pg_url"))
    _office(where)
    return where


def app_for(path, officer, fixed_cal):
    store = open_store(path, officer=officer)
    return OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer=officer), store


def rows(table: DataTable) -> list[list[str]]:
    return [cell_texts(table, i) for i in range(table.row_count)]


def expected_counts(fixed_cal, crns):
    """Overdue / due-soon counts worked out here from the rules engine, case by case, on the
    cases as imported (tests/tui/caseload.json)."""
    from omtui.domain.agenda import case_agenda
    from omtui.rulepacks import default_packs

    book = default_packs()
    cases = {c.crn: c for c in load_cases()}
    counts: Counter = Counter()
    for crn in crns:
        items = case_agenda(cases[crn], TODAY, fixed_cal, book)
        c = Counter(i.status for i in items)
        counts["overdue"] += c[Status.OVERDUE]
        counts["due_soon"] += c[Status.DUE_SOON]
        counts["overdue_cases"] += bool(c[Status.OVERDUE])
    return counts


async def open_team(pilot) -> TeamScreen:
    await settle(pilot)
    return await press_to(pilot, "T", expect=TeamScreen)


async def test_team_manager_sees_each_officers_counts_and_their_cases(any_office, fixed_cal):
    office = any_office
    alex_counts = expected_counts(fixed_cal, ["X100001", "X100002", "X100006"])
    assert ("mo", "read") not in _history(office, "X100001")
    app, store = app_for(office, "mo", fixed_cal)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await open_team(pilot)
            officers = rows(screen.query_one("#team-officers", DataTable))
            by_name = {r[0]: r for r in officers}
            assert set(by_name) == {"Alex Okafor", "mo", "(not allocated)", "Team total"}
            alex = by_name["Alex Okafor"]
            assert alex[1] == "3"
            assert (int(alex[2]), int(alex[3]), int(alex[5])) == (
                alex_counts["overdue"], alex_counts["due_soon"], alex_counts["overdue_cases"])
            assert alex_counts["overdue"] > 0                  # the test caseload has some
            assert by_name["(not allocated)"][1] == "1"        # X100005
            assert by_name["Team total"][1] == "4"             # Sam's cases are another team's
            head = str(screen.query_one("#team-head", Static).render())
            assert "Team north" in head and "Mon 23 Nov 2026" in head
            # Enter on Alex: Alex's cases, those with overdue items first.
            table = screen.query_one("#team-officers", DataTable)
            table.move_cursor(row=[r[0] for r in officers].index("Alex Okafor"))
            await pilot.press("enter")
            await settle(pilot)
            cases = screen.query_one("#team-cases", DataTable)
            assert cases.has_focus
            crns = [r[0] for r in rows(cases)]
            assert sorted(crns) == ["X100001", "X100002", "X100006"]
            overdue = [int(r[2]) for r in rows(cases)]
            assert overdue == sorted(overdue, reverse=True)
            assert sum(overdue) == alex_counts["overdue"]
            names = [r[1] for r in rows(cases)]
            assert "[bold]Markup[/bold] Person [link=http://x]" in names   # literal
            title = str(screen.query_one("#team-detail-title", Static).render())
            assert title.startswith("Alex Okafor: 3 case(s)")
            # Enter on a case opens it; the read is audited with the manager's name.
            first = crns[0]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, CaseViewScreen)
            assert pilot.app.screen.crn == first
            await pilot.press("escape")
            await settle(pilot)
            assert pilot.app.screen is screen
            await pilot.press("escape")                        # cases -> officers
            assert screen.query_one("#team-officers", DataTable).has_focus
            await pilot.press("escape")                        # out of the team view
            await settle(pilot)
            assert not isinstance(pilot.app.screen, TeamScreen)
    finally:
        store.close()
    assert ("mo", "read") in _history(office, first)


async def test_an_offender_manager_is_told_why_not_and_the_palette_has_no_team_entry(
        any_office, fixed_cal):
    office = any_office
    app, store = app_for(office, "alex", fixed_cal)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("T")
            await settle(pilot)
            assert not isinstance(pilot.app.screen, TeamScreen)
            messages = [str(n.message) for n in pilot.app._notifications]
            assert any("only a team manager sees a team's caseload" in m for m in messages)
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert isinstance(pilot.app.screen, CommandPalette)
            await pilot.press(*"team")
            await settle(pilot)
            shown = " ".join(str(o.prompt) for o in
                             pilot.app.screen.query_one("CommandList").options)
            assert "team:" not in shown
    finally:
        store.close()
    # The store refuses anyway, whatever the screen does.
    with open_store(office, officer="alex") as s:
        from omtui.store.roles import PermissionDenied

        with pytest.raises(PermissionDenied):
            s.team_due(TODAY, fixed_cal)


async def test_a_team_manager_finds_the_team_view_in_the_palette(office, fixed_cal):
    app, store = app_for(office, "mo", fixed_cal)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*"team's caseload")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, TeamScreen)
            await pilot.press("f1")
            await settle(pilot)
            assert type(pilot.app.screen).__name__ == "HelpScreen"
    finally:
        store.close()


async def test_without_an_office_database_the_key_says_so(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, TeamScreen)
        assert any("needs an office database" in str(n.message)
                   for n in pilot.app._notifications)


async def test_the_first_view_of_the_day_says_how_far_it_has_got(any_office, fixed_cal,
                                                                 monkeypatch):
    """No summaries stored yet: the due items are worked out while the manager waits, and the
    head of the screen counts the cases done (then shows the team's figures)."""
    shown: list[str] = []
    original = Static.update

    def spy(self, content="", *args, **kwargs):
        if getattr(self, "id", None) == "team-head":
            shown.append(str(content))
        return original(self, content, *args, **kwargs)

    monkeypatch.setattr(Static, "update", spy)
    app, store = app_for(any_office, "mo", fixed_cal)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_team(pilot)
    finally:
        store.close()
    progress = [s for s in shown if "working out today's due items" in s]
    assert progress and progress[-1].endswith("4 of 4 case(s)…")
    assert "Team north" in shown[-1]
