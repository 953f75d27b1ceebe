"""The case view: header facts, tabs of due items and events, explanations on e / enter."""

from __future__ import annotations

from textual.widgets import TabbedContent
from tests.tui.tui_helpers import TODAY, cell_texts, settle

from omtui.screens.case_view import CaseContext, CasePane, CaseViewScreen
from omtui.screens.caseload import CaseloadScreen
from omtui.screens.explain import ExplainScreen
from omtui.widgets.case_header import CaseHeader
from omtui.widgets.due_table import DueTable
from omtui.widgets.event_table import EventTable


async def open_case(pilot, crn: str) -> CaseViewScreen:
    await settle(pilot)
    pilot.app.open_case(crn)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaseViewScreen) and screen.crn == crn
    return screen


def header(screen) -> str:
    return str(screen.query_one(CaseHeader).render())


def due_rows(screen, tab: str = "due") -> list[list[str]]:
    table = screen.query_one(f"#tab-{tab}").query_one(DueTable)
    return [cell_texts(table, i) for i in range(table.row_count)]


async def test_header_and_due_items(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_case(pilot, "X100001")
        text = header(screen)
        assert "X100001  John Smith" in text
        assert "Community order, tier 4" in text
        assert "OM: Alex Okafor" in text
        assert "RoSH high" in text and "PPO" in text
        rows = due_rows(screen)
        assert rows[0][0] == "✗ OVERDUE"
        assert rows[0][1] == "Tue 03 Nov 2026"
        assert rows[0][2] == "Allocate an offender manager (tier 4 / PPO)"
        assert rows[0][3] == "NS 1.1"
        assert any(r[0] == "! due soon" for r in rows)
        # The Due tab's title counts open and overdue items.
        tab = screen.query_one(TabbedContent).get_tab("tab-due")
        overdue = sum(1 for r in rows if r[0] == "✗ OVERDUE")
        assert str(tab.label) == f"Due {len(rows)} ({overdue} ✗)"
        assert screen.focused is screen.query_one("#tab-due").query_one(DueTable)


async def test_header_says_when_the_obligations_should_be_explained_again(make_app, cases):
    from dataclasses import replace

    from omtui.domain.case import Event, EventType

    # X100003 has had no contact for 4 weeks; X100001 transfers in today, then is inducted.
    moved = [replace(c, events=(*c.events, Event(EventType.TRANSFER_IN, TODAY)))
             if c.crn == "X100001" else c for c in cases]
    app = make_app(cases=moved)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_case(pilot, "X100003")
        assert ("↻ Re-induction (NS 2c.7): 4 weeks or more without contact, since 02 Nov 2026"
                in header(screen))
        await pilot.press("escape")
        screen = await open_case(pilot, "X100001")
        assert "↻ Re-induction (NS 2c.7): after a transfer in, since 23 Nov 2026" in header(screen)
        app.store.add_event("X100001", Event(EventType.INDUCTION_COMPLETED, TODAY))
        await pilot.press("r")                           # read the case again
        await settle(pilot)
        assert "Re-induction" not in header(screen)


async def test_markup_in_name_and_notes_is_literal(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_case(pilot, "X100002")
        assert "[bold]Markup[/bold] Person [link=http://x]" in header(screen)
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one("#tab-contacts").query_one(EventTable)
        assert any("[red]first[/red] meeting" in cell_texts(table, i)[2]
                   for i in range(table.row_count))


async def test_e_explains_the_highlighted_item(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_case(pilot, "X100001")
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ExplainScreen)
        assert modal.item.rule == "ns-1-1-allocate-tier4-ppo"
        text = str(modal.query_one("#explain-text").render())
        assert "Allocate an offender manager (tier 4 / PPO)" in text
        assert "Source NS 1.1" in text
        assert "Day 0 Mon 02 Nov 2026 (sentence)" in text
        assert "1 working day after day 0, no days skipped" in text
        assert "Due Tue 03 Nov 2026" in text and "✗ OVERDUE by 14 working days" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_enter_on_a_due_item_explains_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_case(pilot, "X100003")
        await pilot.press("down")
        chosen = screen.query_one("#tab-due").query_one(DueTable).selected_item
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen) and app.screen.item == chosen


async def test_contacts_tab_shows_next_appointment_and_log(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_case(pilot, "X100003")
        await pilot.press("2")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "tab-contacts"
        pane = screen.query_one("#tab-contacts")
        note = str(pane.query_one(".pane-note").render())
        assert "Next appointment: Thu 26/11/2026 10:00-11:00" in note
        table = pane.query_one(EventTable)
        assert cell_texts(table, 0)[0] == "Thu 26 Nov 2026"            # newest first
        assert "failed to comply" in [cell_texts(table, i)[2] for i in range(table.row_count)][1]


async def test_enforcement_tab_lists_the_explanation_clock_and_failure(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_case(pilot, "X100003")
        await pilot.press("5")
        await pilot.pause()
        rows = due_rows(screen, "enforcement")
        assert any(r[2].startswith("Acceptable explanation by the end of the 10th working day")
                   and r[1] == "Mon 30 Nov 2026" and r[3] == "NS 2f.4" for r in rows)
        events = screen.query_one("#tab-enforcement").query_one(EventTable)
        kinds = [cell_texts(events, i)[1] for i in range(events.row_count)]
        assert kinds == ["contact", "warning"]         # the FTC, then the March warning
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        assert app.screen.item.kind == "enforcement"


async def test_plan_and_induction_tabs_show_their_items_and_events(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_case(pilot, "X100004")
        await pilot.press("3")
        await pilot.pause()
        plan = [r[2] for r in due_rows(screen, "plan")]
        assert "Sentence plan  (done 20 Jun 2026)" in plan
        assert "Copy of the plan to those delivering it" in plan
        events = screen.query_one("#tab-plan").query_one(EventTable)
        assert [cell_texts(events, i)[1] for i in range(events.row_count)] == [
            "plan completed", "assessment completed"]
        await pilot.press("4")
        await pilot.pause()
        induction = [r[2] for r in due_rows(screen, "induction")]
        assert "First meeting with the offender manager  (done 03 Jun 2026)" in induction
        assert "Unpaid work: first session" in induction


async def test_escape_goes_back_to_the_caseload(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot, "X100005")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_a_missing_case_is_a_message(app):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.open_case("Z999999")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, CaseViewScreen)
        assert any("Z999999" in n.message for n in app._notifications)
        assert "could not be read" in header(app.screen)


async def test_another_issue_can_add_a_tab(make_app, monkeypatch):
    from textual.widgets import Static

    seen: list[CaseContext] = []

    class Extra(CasePane):
        def compose(self):
            yield Static("extra", id="extra")

        def show_case(self, ctx: CaseContext) -> None:
            seen.append(ctx)

    monkeypatch.setattr(CaseViewScreen, "TABS", list(CaseViewScreen.TABS))
    CaseViewScreen.register_tab("extra", "Extra", Extra, before="plan")
    assert [t[0] for t in CaseViewScreen.TABS] == [
        "due", "contacts", "extra", "plan", "induction", "enforcement"]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot, "X100001")
        assert seen and seen[-1].case.crn == "X100001" and seen[-1].today == TODAY
        assert seen[-1].items[0].status.value == "overdue"


async def test_f1_on_the_case_view_explains_tabs_and_keys(app):
    from omtui.screens.help import HelpScreen

    async with app.run_test(size=(100, 40)) as pilot:
        await open_case(pilot, "X100001")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {(k, d) for k, d, _m, _w in app.screen.rows}
        assert ("e", "Explain") in keys and ("esc", "Back") in keys
        from textual.widgets import Static
        shown = "\n".join(str(w.content) for w in app.screen.query(Static))
        assert "1-5 jump to them" in shown
        assert "✗" in shown and "overdue" in shown
