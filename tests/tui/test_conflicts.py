"""Two officers editing the same plan or induction, driven by real keys: the app (Ann) on one
SQLite connection, Mo on a second connection to the same file. Ann's save after Mo's shows
"Changed by mo at HH:MM"; reload shows Mo's version and keeps Ann's typing as a draft; keep
yours saves Ann's over Mo's (audited as such); escape saves nothing."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from omtui.domain.induction import InductionRecord, ItemEntry
from omtui.domain.plan import Objective
from omtui.drafts import DraftKey, DraftStore
from omtui.screens.conflict import ConflictModal, changed_when
from omtui.screens.induction import InductionScreen
from omtui.screens.objective_form import ObjectiveForm
from omtui.store import open_store
from omtui.widgets.objective_table import ObjectiveTable
from tests.tui.test_plan_builder import _stored_plan, objective_rows, open_plan
from tests.tui.tui_helpers import TODAY, load_cases, press_to, settle

CRN = "X100001"


@pytest.fixture
def stores(tmp_path):
    """Ann's store (the app's) and Mo's: two engines on one SQLite file."""
    path = tmp_path / "office.sqlite"
    with open_store(path, officer="setup") as s:
        s.import_cases(load_cases())
        s.save_plan(_stored_plan())
    ann, mo = open_store(path, officer="ann"), open_store(path, officer="mo")
    yield ann, mo
    ann.close()
    mo.close()


def mo_adds_an_objective(mo) -> str:
    """Mo saves the plan (read fresh) with one more objective; returns his change's time."""
    plan, version = mo.get_plan_versioned(CRN)
    mo.save_plan(plan.with_objective(Objective("obj-3", "Mo's objective: attend the DV course")),
                 expected_version=version)
    return [e for e in mo.audit_history(CRN) if e.officer == "mo"][-1].at


async def remove_first_objective(pilot) -> None:
    pilot.app.screen.query_one(ObjectiveTable).focus()
    await pilot.press("x")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)


#: What the other officer (Mo) saves on the induction while Ann has it open.
MO_SAW_HIM = InductionRecord(CRN, {"what-to-expect": ItemEntry(True, "Mo saw him")}, None, "mo")


async def open_induction(pilot) -> InductionScreen:
    """Open the case and its induction checklist with the keys Ann would press."""
    await settle(pilot)
    pilot.app.open_case(CRN)
    await settle(pilot)
    return await press_to(pilot, "i", expect=InductionScreen)


def dialog_text(pilot) -> str:
    assert isinstance(pilot.app.screen, ConflictModal)
    return str(pilot.app.screen.query_one("#conflict-text", Static).render())


async def test_second_save_shows_who_and_when_and_reload_shows_their_version(make_app, stores):
    ann, mo = stores
    app = make_app(store=ann)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        at = mo_adds_an_objective(mo)                  # while Ann has the plan open
        await remove_first_objective(pilot)
        text = dialog_text(pilot)
        assert f"Changed by mo at {changed_when(at, TODAY)}" in text
        assert "The sentence plan of X100001 was saved by someone else" in text
        # Nothing overwritten yet: Mo's objective and Ann's obj-1 are both stored.
        assert [o.id for o in ann.get_plan(CRN).objectives] == ["obj-1", "obj-2", "obj-3"]
        await press_to(pilot, "r", expect=screen)
        assert [r[0][1:] for r in objective_rows(screen)] == ["obj-1", "obj-2", "obj-3"]
        assert [o.id for o in ann.get_plan(CRN).objectives] == ["obj-1", "obj-2", "obj-3"]
        # After the reload Ann's next save is against Mo's version: no dialog.
        await remove_first_objective(pilot)
        assert pilot.app.screen is screen
        assert [o.id for o in mo.get_plan(CRN).objectives] == ["obj-2", "obj-3"]
    assert not [e for e in ann.audit_history(CRN) if e.action == "keep_mine"]


async def test_keep_yours_saves_over_the_newer_version_and_is_audited(make_app, stores):
    ann, mo = stores
    app = make_app(store=ann)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        at = mo_adds_an_objective(mo)
        await remove_first_objective(pilot)
        assert isinstance(pilot.app.screen, ConflictModal)
        await press_to(pilot, "k", expect=screen)
        # Ann's plan as she saw it, minus obj-1: Mo's objective is gone, by her choice.
        assert [o.id for o in mo.get_plan(CRN).objectives] == ["obj-2"]
        assert [r[0][1:] for r in objective_rows(screen)] == ["obj-2"]
    kept = [e for e in ann.audit_history(CRN) if e.action == "keep_mine"]
    assert [(k.officer, k.old["changed_by"], k.old["changed_at"]) for k in kept] == [
        ("ann", "mo", at)]
    assert ann.verify_audit().ok


async def test_escape_saves_nothing_and_keeps_the_typing_as_a_draft(make_app, stores):
    ann, mo = stores
    app = make_app(store=ann)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        mo_adds_an_objective(mo)
        table = screen.query_one(ObjectiveTable)
        table.focus()
        await pilot.press("enter")                     # edit obj-1 in the form
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ObjectiveForm)
        await press_to(pilot, "ctrl+a", "ctrl+k", *"Ann's rewording", "ctrl+s",
                       expect=ConflictModal)
        await press_to(pilot, "escape", expect=screen)
        stored = mo.get_plan(CRN)
        assert [o.id for o in stored.objectives] == ["obj-1", "obj-2", "obj-3"]
        assert stored.objective("obj-1").what == _stored_plan().objective("obj-1").what
        draft = DraftStore().load(DraftKey("tester", "objective:X100001:obj-1"))
        assert draft is not None and draft.payload["values"]["what"] == "Ann's rewording"
        # Reload (r) also keeps the draft: the form offers it when it is opened again.
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.__class__.__name__ == "DraftPrompt"


async def test_induction_second_save_offers_the_choice(make_app, stores):
    ann, mo = stores
    app = make_app(store=ann)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot)
        _, version = mo.get_induction_versioned(CRN)
        mo.save_induction(MO_SAW_HIM, expected_version=version)
        at = [e for e in mo.audit_history(CRN) if e.officer == "mo"][-1].at
        await pilot.press("space", "ctrl+s")           # Ann ticks the first item and saves
        await settle(pilot)
        text = dialog_text(pilot)
        assert f"Changed by mo at {changed_when(at, TODAY)}" in text
        assert mo.get_induction(CRN).entries["what-to-expect"].note == "Mo saw him"
        await press_to(pilot, "r", expect=screen)
        assert screen.record.entries["what-to-expect"].note == "Mo saw him"
        assert mo.get_induction(CRN).entries["what-to-expect"].note == "Mo saw him"
        # Ann ticks again and saves: no dialog now, it is saved over Mo's (she saw it).
        await press_to(pilot, "space", "ctrl+s", expect=screen)
        assert mo.get_induction_versioned(CRN)[1] > version + 1


async def test_a_new_objective_whose_id_the_other_officer_took_moves_to_the_next_id(
        make_app, stores):
    ann, mo = stores
    app = make_app(store=ann)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_plan(pilot)
        mo_adds_an_objective(mo)                       # Mo's objective is obj-3
        await press_to(pilot, "a", expect=ObjectiveForm)   # Ann's new objective: obj-3 too
        await press_to(pilot, *"Ann's new objective", "ctrl+s", expect=ConflictModal)
        await press_to(pilot, "r", expect=screen)
        drafts = DraftStore()
        assert drafts.load(DraftKey("tester", "objective:X100001:obj-3")) is None
        moved = drafts.load(DraftKey("tester", "objective:X100001:obj-4"))
        assert moved is not None and moved.payload["values"]["what"] == "Ann's new objective"
        await pilot.press("a")                         # offers the moved draft
        await settle(pilot)
        assert pilot.app.screen.__class__.__name__ == "DraftPrompt"
        await pilot.press("r")                         # resume
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ObjectiveForm)
        assert form.query_one("#f-what", Input).value == "Ann's new objective"
        await pilot.press("ctrl+s")
        await settle(pilot)
        stored = mo.get_plan(CRN)
        assert [(o.id, o.what) for o in stored.objectives][2:] == [
            ("obj-3", "Mo's objective: attend the DV course"), ("obj-4", "Ann's new objective")]


async def test_induction_keep_yours_saves_over_theirs_and_escape_saves_nothing(make_app, stores):
    ann, mo = stores
    app = make_app(store=ann)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_induction(pilot)
        theirs = MO_SAW_HIM
        mo.save_induction(theirs, expected_version=0)
        await press_to(pilot, "space", "ctrl+s", expect=ConflictModal)
        await press_to(pilot, "escape", expect=screen)                    # later: nothing saved
        assert mo.get_induction(CRN) == theirs
        await press_to(pilot, "ctrl+s", expect=ConflictModal)   # still stale: asked again
        await press_to(pilot, "k", expect=screen)
        stored = mo.get_induction(CRN)
        assert stored == screen.record and stored != theirs
    kept = [e for e in ann.audit_history(CRN) if e.action == "keep_mine"]
    assert [(k.officer, k.table_name, k.old["changed_by"]) for k in kept] == [
        ("ann", "induction_records", "mo")]
