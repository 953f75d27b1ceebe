"""The sentence-plan builder, driven by real keys: add, edit, link, remove, validation messages
at the field, gap warnings appearing and disappearing, plan due items with explanations,
completing the plan (the due item turns done, the copy item appears), plan details with the
review date the rules give."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, SelectionList, Static
from tests.tui.tui_helpers import TODAY, cell_texts, load_cases, settle

from omtui.domain.case import EventType, Requirement
from omtui.domain.plan import PERSON, Objective, ObjectiveStatus, SentencePlan
from omtui.drafts import DraftKey, DraftStore
from omtui.screens.case_view import CaseViewScreen
from omtui.screens.draft_prompt import ConfirmModal, DraftPrompt
from omtui.screens.explain import ExplainScreen
from omtui.screens.objective_form import ObjectiveForm, PlanDetailsForm
from omtui.screens.plan_builder import PlanBuilderScreen
from omtui.services import InMemoryStore
from omtui.widgets.due_table import DueTable
from omtui.widgets.gap_list import GapList
from omtui.widgets.objective_table import ObjectiveTable


async def open_plan(pilot, crn: str = "X100001") -> PlanBuilderScreen:
    await settle(pilot)
    pilot.app.open_case(crn)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseViewScreen)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanBuilderScreen) and screen.crn == crn
    return screen


def gaps(screen) -> str:
    return str(screen.query_one(GapList).render())


def msg(form, field: str) -> str:
    widget = form.query_one(f"#msg-{field}", Static)
    return str(widget.render()) if widget.display else ""


def due_rows(screen) -> list[list[str]]:
    table = screen.query_one(DueTable)
    return [cell_texts(table, i) for i in range(table.row_count)]


def objective_rows(screen) -> list[list[str]]:
    table = screen.query_one(ObjectiveTable)
    return [cell_texts(table, i) for i in range(table.row_count)]


SUPERVISION_GAP = "No objective says how the supervision requirement will be met (NS 2b.4; HMIP C.2.1.14)"


async def test_opens_with_plan_due_items_next_review_and_gaps(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        rows = due_rows(screen)
        plan_row = next(r for r in rows if r[2] == "Sentence plan (tier 4 / PPO)")
        assert plan_row[0] == "✗ OVERDUE" and plan_row[3] == "NS 2b.3"
        head = str(screen.query_one("#plan-head", Static).render())
        assert "Plan: not started" in head
        assert ("Next review by the rules: · Tue 02 Mar 2027 - Review (4-monthly in the "
                "community) (NS 2e.5)") in head
        text = gaps(screen)
        assert "The plan has no objectives yet (NS 2b.4; HMIP C.2.1.14)" in text
        assert SUPERVISION_GAP in text
        assert "RoSH is high and no objective manages a risk" in text


async def test_enter_on_a_plan_due_item_explains_it(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        table = screen.query_one(DueTable)
        table.focus()
        rows = due_rows(screen)
        table.move_cursor(row=next(i for i, r in enumerate(rows)
                                   if r[2] == "Sentence plan (tier 4 / PPO)"))
        await pilot.press("enter")
        await settle(pilot)
        explain = pilot.app.screen
        assert isinstance(explain, ExplainScreen)
        text = str(explain.query_one("#explain-text", Static).render())
        assert "Sentence plan (tier 4 / PPO)" in text and "NS 2b.3" in text
        assert "5 working days after day 0" in text


async def test_validation_messages_appear_at_their_fields_and_nothing_is_saved(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await open_plan(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ObjectiveForm)
        assert form.focused is form.query_one("#f-what", Input)
        form.query_one("#f-by_when", Input).focus()
        await pilot.press(*"31/02/2027", "ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form                      # not saved
        assert "✗ is empty: say what will be done" in msg(form, "what")
        assert "✗ '31/02/2027' is not a real date: February 2027 has 28 days" in msg(form, "by_when")
        assert form.query_one("#msg-what").has_class("-error")
        assert form.focused is form.query_one("#f-what", Input)   # first problem focused
        assert pilot.app.store.get_plan("X100001") is None
        # Typing fixes the message at once.
        await pilot.press(*"Find work")
        await settle(pilot)
        assert msg(form, "what") == ""
        assert "not a real date" in msg(form, "by_when")


async def test_add_link_and_gap_warnings_appear_and_disappear(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        assert SUPERVISION_GAP in gaps(screen)
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        await pilot.press(*"Attend weekly supervision [bold]on time[/bold]")
        await settle(pilot)
        # Warnings (not errors) at the fields, each with its source, before any save attempt.
        assert ("! Objective obj-1 is not linked to a need area, a requirement or a risk "
                "(HMIP C.2.1.14)") in msg(form, "need_area")
        assert "does not say how progress is measured (NS 2b.4; HMIP C.2.1.15)" in msg(form, "measure")
        assert form.query_one("#msg-measure").has_class("-warning")
        # Link to the supervision requirement with the keyboard.
        form.query_one("#f-requirements", SelectionList).focus()
        await pilot.press("space")
        await settle(pilot)
        assert msg(form, "need_area") == ""                  # now linked
        form.query_one("#f-by_when", Input).focus()
        await pilot.press(*"1/3/27")
        form.query_one("#f-measure", Input).focus()
        await pilot.press(*"Attendance record")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen
        plan = pilot.app.store.get_plan("X100001")
        (obj,) = plan.objectives
        assert obj.what == "Attend weekly supervision [bold]on time[/bold]"
        assert obj.requirements == (Requirement.SUPERVISION,)
        assert obj.who == (PERSON,) and obj.by_when == date(2027, 3, 1)
        assert obj.measure == "Attendance record"
        rows = objective_rows(screen)
        assert rows[0][1] == "Attend weekly supervision [bold]on time[/bold]"
        assert rows[0][3] == "supervision"                   # Links column (wide)
        text = gaps(screen)
        assert SUPERVISION_GAP not in text
        assert "No objective says how the unpaid work requirement will be met" in text
        assert "The plan has no objectives yet" not in text
        assert "No objective is owned by the person on probation" not in text
        # The form's draft is gone once the store has the objective.
        assert DraftStore().load(DraftKey("tester", "objective:X100001:obj-1")) is None


def _stored_plan() -> SentencePlan:
    return SentencePlan("X100001", objectives=(
        Objective("obj-1", "Complete unpaid work hours", requirements=(Requirement.UNPAID_WORK,),
                  who=(PERSON, "UPW supervisor"), by_when=date(2027, 6, 30),
                  measure="Hours on the UPW record", status=ObjectiveStatus.IN_PROGRESS),
        Objective("obj-2", "Stay away from the victim's street", risks=("DA to ex-partner",),
                  who=("OM",), by_when=date(2027, 1, 31), measure="Police checks"),
    ))


def store_with_plan() -> InMemoryStore:
    store = InMemoryStore(load_cases())
    store.save_plan(_stored_plan())
    return store


async def test_edit_an_objective_with_enter(make_app):
    app = make_app(store=store_with_plan())
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        table = screen.query_one(ObjectiveTable)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ObjectiveForm) and form.objective_id == "obj-2"
        assert form.query_one("#f-what", Input).value == "Stay away from the victim's street"
        assert form.query_one("#f-by_when", Input).value == "31/01/2027"
        await pilot.press("ctrl+a", "ctrl+k", *"Keep away from the victim's street")
        form.query_one("#f-who", Input).focus()
        await pilot.press("end", *", person on probation", "ctrl+s")
        await settle(pilot)
        plan = pilot.app.store.get_plan("X100001")
        edited = plan.objective("obj-2")
        assert edited.what == "Keep away from the victim's street"
        assert edited.who == ("OM", PERSON)
        assert edited.risks == ("DA to ex-partner",)          # untouched fields kept
        assert [o.id for o in plan.objectives] == ["obj-1", "obj-2"]
        assert objective_rows(screen)[1][1] == "Keep away from the victim's street"


async def test_remove_asks_first(make_app):
    app = make_app(store=store_with_plan())
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert len(pilot.app.store.get_plan("X100001").objectives) == 2
        await pilot.press("x", "y")
        await settle(pilot)
        assert [o.id for o in pilot.app.store.get_plan("X100001").objectives] == ["obj-2"]
        assert [r[0].strip().lstrip("!") for r in objective_rows(screen)] == ["obj-2"]


async def test_complete_turns_the_plan_item_done_and_starts_the_copy_item(make_app):
    app = make_app(store=store_with_plan())
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        assert not any("Copy of the plan" in r[2] for r in due_rows(screen))
        await pilot.press("c")
        await settle(pilot)
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmModal)
        question = str(confirm.query_one("#confirm-question", Static).render())
        assert "warning(s) remain (they never stop completion)" in question
        await pilot.press("y")
        await settle(pilot)
        case = pilot.app.store.get_case("X100001")
        assert [e.date for e in case.events_of(EventType.PLAN_COMPLETED)] == [TODAY]
        assert pilot.app.store.get_plan("X100001").completed_on == TODAY
        rows = due_rows(screen)
        plan_row = next(r for r in rows if r[2].startswith("Sentence plan (tier 4 / PPO)"))
        assert plan_row[0] == "✓ done"
        copy = next(r for r in rows if r[2] == "Copy of the plan to those delivering it")
        assert copy[1] == "Wed 25 Nov 2026" and copy[3] == "NS 2c.4"
        assert "Plan: completed Mon 23 Nov 2026" in str(screen.query_one("#plan-head").render())
        await pilot.press("c")                               # a second time: just says so
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanBuilderScreen)
        assert len(pilot.app.store.get_case("X100001").events_of(EventType.PLAN_COMPLETED)) == 1


async def test_plan_details_offer_the_rules_review_date_and_clear_the_gaps(app):
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        assert "The plan has no review date (NS 2e.5; HMIP C.2.1.18)" in gaps(screen)
        await pilot.press("p")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, PlanDetailsForm)
        assert form.query_one("#f-review_date", Input).value == "02/03/2027"
        assert form.query_one("#f-review_reason", Input).value == (
            "Review (4-monthly in the community) (NS 2e.5)")
        assert "The plan does not say the planned level and pattern of contact" in msg(
            form, "contact_pattern")
        form.query_one("#f-contact_pattern", Input).focus()
        await pilot.press(*"Weekly for 16 weeks: tier 4, RoSH high", "ctrl+s")
        await settle(pilot)
        plan = pilot.app.store.get_plan("X100001")
        assert plan.review_date == date(2027, 3, 2)
        assert plan.contact_pattern == "Weekly for 16 weeks: tier 4, RoSH high"
        text = gaps(screen)
        assert "no review date" not in text and "pattern of contact" not in text


async def test_closing_a_form_keeps_a_draft_offered_next_time(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await open_plan(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Half-typed objective", "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanBuilderScreen)
        draft = DraftStore().load(DraftKey("tester", "objective:X100001:obj-1"))
        assert draft.payload["values"]["what"] == "Half-typed objective"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DraftPrompt)
        await pilot.press("r")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ObjectiveForm)
        assert form.query_one("#f-what", Input).value == "Half-typed objective"


async def test_palette_opens_the_plan(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pilot.app.open_case("X100001")
        await settle(pilot)
        await pilot.press("ctrl+p", *"plan: Open sentence")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanBuilderScreen)


async def test_with_the_sql_store_every_change_is_audited(make_app, tmp_path):
    from omtui.store import open_store

    store = open_store(tmp_path / "cases.sqlite", officer="tester")
    try:
        store.import_cases(load_cases())
        app = make_app(store=store)
        async with app.run_test(size=(160, 48)) as pilot:
            await open_plan(pilot)
            await pilot.press("a")
            await settle(pilot)
            await pilot.press(*"Keep to the curfew", "ctrl+s")
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            rows = due_rows(pilot.app.screen)
            assert any(r[2] == "Copy of the plan to those delivering it" for r in rows)
        plan = store.get_plan("X100001")
        assert [o.what for o in plan.objectives] == ["Keep to the curfew"]
        assert plan.completed_on == TODAY
        audit = [(e.table_name, e.action) for e in store.audit_history("X100001")
                 if e.table_name != "cases"]
        assert ("plan_objectives", "insert") in audit
        assert ("sentence_plans", "update") in audit          # completed_on set
        assert ("events", "insert") in audit                  # plan_completed
        assert all(e.officer == "tester" for e in store.audit_history("X100001")
                   if e.table_name in ("plan_objectives", "sentence_plans"))
        assert store.verify_audit().ok
    finally:
        store.close()


async def test_quitting_at_once_after_typing_leaves_the_draft(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await open_plan(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"typed then ctrl+q", "ctrl+q")    # no time for the debounce
        await pilot.pause()
    draft = DraftStore().load(DraftKey("tester", "objective:X100001:obj-1"))
    assert draft is not None and draft.payload["values"]["what"] == "typed then ctrl+q"
