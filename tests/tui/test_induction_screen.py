"""The induction checklist screen, driven by real keys: open from the case view, tick, notes,
the date, what is missing, completing (which completes the induction due item), re-induction
prompts, drafts."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Static
from tests.tui.tui_helpers import settle

from omtui.domain.case import EventType
from omtui.drafts import DraftKey, DraftStore
from omtui.screens.case_view import CaseViewScreen
from omtui.screens.draft_prompt import ConfirmModal, DraftPrompt
from omtui.screens.induction import InductionScreen
from omtui.services import InMemoryStore
from omtui.widgets.checklist import ChecklistView

from tests.tui.tui_helpers import load_cases


async def open_induction(pilot, crn: str) -> InductionScreen:
    await settle(pilot)
    pilot.app.open_case(crn)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseViewScreen)
    await pilot.press("i")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InductionScreen) and screen.crn == crn
    return screen


def prompts(screen) -> list[str]:
    view = screen.query_one(ChecklistView)
    return [str(view.get_option_at_index(i).prompt) for i in range(view.option_count)]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def draft_store() -> DraftStore:
    return DraftStore()          # OMTUI_DATA_DIR points into tmp_path (tests/conftest.py)


async def test_checklist_is_grouped_with_sources_and_only_applicable_items(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        lines = prompts(screen)
        headings = [line for line in lines if "ticked)" in line and not line.startswith("[")]
        assert [h.split("  (")[0] for h in headings] == [
            "Explained and recorded", "Offers and communication needs", "Barriers to engagement"]
        first = next(line for line in lines if line.startswith("[ ] What the sentence requires"))
        assert "NS 2c.7; NS 3.2; CO-spec row 6; HMIP C.2.1.4" in first
        text = "\n".join(lines)
        assert "female" not in text.lower()                 # a man: no female-OM offer
        assert "licence period is part" not in text         # a community order
        assert screen.focused is screen.query_one(ChecklistView)


async def test_women_and_licences_get_their_items(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100003")
        text = "\n".join(prompts(screen))
        assert "female" in text.lower()
        assert "licence period is part of the original sentence" in text


async def test_space_ticks_n_writes_a_literal_note_and_status_counts(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        before = text_of(screen, "#induction-status")
        assert "0/18 required items ticked" in before
        assert "not ticked: What the sentence requires" in before
        await pilot.press("space")
        await pilot.press("n")
        assert screen.focused is screen.query_one("#note-input", Input)
        await pilot.press(*"Said it back [bold]in own words[/bold]", "enter")
        await settle(pilot)
        assert screen.focused is screen.query_one(ChecklistView)
        first = next(p for p in prompts(screen) if "What the sentence requires" in p)
        assert first.startswith("[x] ")
        assert "Note: Said it back [bold]in own words[/bold]" in first
        status = text_of(screen, "#induction-status")
        assert "1/18 required items ticked" in status
        assert "not ticked: What the sentence requires" not in status
        await pilot.press("space")                          # untick again
        assert "0/18 required items ticked" in text_of(screen, "#induction-status")


async def test_escape_in_a_note_drops_the_change(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        await pilot.press("enter", *"typed then dropped", "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InductionScreen)
        assert "typed then dropped" not in "\n".join(prompts(screen))


async def test_bad_and_future_dates_are_explained_beside_the_field(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        await pilot.press("d", *"31/02/2026")
        await settle(pilot)
        assert "not a real date: February 2026 has 28 days" in text_of(screen, "#date-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.store.get_induction("X100001") is None      # nothing saved
        await pilot.press("ctrl+a", "ctrl+k", *"24/12/2026")
        await settle(pilot)
        assert "after today" in text_of(screen, "#date-error")
        assert "the induction date is after today" in text_of(screen, "#induction-status")


async def _tick_all_required(pilot, screen) -> None:
    view = screen.query_one(ChecklistView)
    view.highlighted = 1
    data = screen.data
    for _ in range(view.option_count):
        item_id = view.current_item_id
        if item_id is not None:
            item = data.checklist.item(item_id)
            if item.required and not screen.record.is_ticked(item_id):
                await pilot.press("space")
        await pilot.press("down")
    await settle(pilot)


async def test_completing_records_the_event_and_the_due_item_turns_done(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        head = text_of(screen, "#induction-head")
        assert "First meeting with the offender manager (tier 4)" in head
        await _tick_all_required(pilot, screen)
        status = text_of(screen, "#induction-status")
        assert "18/18 required items ticked; no date recorded" in status
        await pilot.press("d", *"20/11/2026", "enter")
        await settle(pilot)
        assert "Done: 18/18 required items ticked; induction complete" in text_of(
            screen, "#induction-status")
        await pilot.press("ctrl+s")
        await settle(pilot)
        store = pilot.app.store
        record = store.get_induction("X100001")
        assert record.date_recorded == date(2026, 11, 20) and record.recorded_by == "tester"
        events = store.get_case("X100001").events_of(EventType.INDUCTION_COMPLETED)
        assert [e.date for e in events] == [date(2026, 11, 20)]
        assert "18/18 required items ticked" in events[0].note
        # The case view behind shows the induction due item done.
        await pilot.press("escape")
        await settle(pilot)
        case_view = pilot.app.screen
        assert isinstance(case_view, CaseViewScreen)
        first = [i for i in case_view.context.items if i.rule == "ns-2c6-first-meeting-tier4"]
        assert first and first[0].done_on == date(2026, 11, 20)
        # Saving again does not record a second completion.
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(store.get_case("X100001").events_of(EventType.INDUCTION_COMPLETED)) == 1


async def test_reinduction_prompts_are_shown(app):
    async with app.run_test(size=(200, 48)) as pilot:
        screen = await open_induction(pilot, "X100003")
        head = text_of(screen, "#induction-head")
        assert "! Re-induction: 4 weeks or more without contact" in head
        assert "NS 2c.7 (guidance: benchmark 4 weeks)" in head


async def test_leaving_keeps_a_draft_that_is_offered_and_resumed(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        await pilot.press("space", "n", *"half-typed note")
        await pilot.press("escape", "escape")       # leave the note, then the screen
        await settle(pilot)
        assert isinstance(pilot.app.screen, CaseViewScreen)
        draft = draft_store().load(DraftKey("tester", "induction:X100001"))
        assert draft is not None
        assert draft.payload["record"]["items"]["requirements-and-why"]["ticked"] is True
        assert pilot.app.store.get_induction("X100001") is None
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DraftPrompt)
        await pilot.press("r")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, InductionScreen)
        assert screen.record.is_ticked("requirements-and-why")


async def test_discarding_a_draft_asks_first(app):
    store = draft_store()
    key = DraftKey("tester", "induction:X100001")
    store.save(key, {"record": {"crn": "X100001", "items": {
        "what-to-expect": {"ticked": True, "note": "from a crash"}}}, "date_text": "",
        "note_item": None, "note_text": None})
    async with app.run_test(size=(160, 48)) as pilot:
        await open_case_then_press(pilot, "X100001", "i")
        assert isinstance(pilot.app.screen, DraftPrompt)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("n")                       # keep it after all
        await settle(pilot)
        assert store.load(key) is not None
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InductionScreen)
        assert store.load(key) is None
        assert not pilot.app.screen.record.is_ticked("what-to-expect")


async def open_case_then_press(pilot, crn: str, key: str) -> None:
    await settle(pilot)
    pilot.app.open_case(crn)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


async def test_saved_record_is_read_back(make_app):
    from omtui.domain.induction import InductionRecord, ItemEntry

    store = InMemoryStore(load_cases())
    store.save_induction(InductionRecord("X100001", {"rights-and-complaints": ItemEntry(True, "Leaflet")},
                                         date(2026, 11, 20), "someone"))
    app = make_app(store=store)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot, "X100001")
        line = next(p for p in prompts(screen) if "how to complain" in p)
        assert line.startswith("[x] ") and "Note: Leaflet" in line
        assert screen.query_one("#induction-date", Input).value == "20/11/2026"


async def test_palette_opens_the_checklist(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pilot.app.open_case("X100001")
        await settle(pilot)
        await pilot.press("ctrl+p", *"induction: Open")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InductionScreen)


async def test_with_the_sql_store_ticks_are_saved_and_audited(make_app, tmp_path):
    from omtui.store import open_store

    store = open_store(tmp_path / "cases.sqlite", officer="tester")
    try:
        store.import_cases(load_cases())
        app = make_app(store=store)
        async with app.run_test(size=(160, 48)) as pilot:
            await open_induction(pilot, "X100001")
            await pilot.press("space", "n", *"Leaflet given", "enter", "ctrl+s")
            await settle(pilot)
        record = store.get_induction("X100001")
        assert record.entry("requirements-and-why").ticked
        assert record.entry("requirements-and-why").note == "Leaflet given"
        items = [e for e in store.audit_history("X100001") if e.table_name == "induction_items"]
        assert [(e.action, e.new["item_key"], e.new["ticked"]) for e in items] == [
            ("insert", "requirements-and-why", True)]
        assert store.get_case("X100001").events_of(EventType.INDUCTION_COMPLETED) == []
    finally:
        store.close()


async def test_quitting_at_once_after_a_tick_leaves_the_draft(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await open_induction(pilot, "X100001")
        await pilot.press("space", "ctrl+q")
        await pilot.pause()
    draft = draft_store().load(DraftKey("tester", "induction:X100001"))
    assert draft is not None
    assert draft.payload["record"]["items"]["requirements-and-why"]["ticked"] is True
