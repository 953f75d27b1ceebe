"""Work typed but never saved is named when the app starts, with the keys that lead back to it.

Drafts are written as a crashed session would have left them (``DraftStore`` in OMTUI_DATA_DIR,
which tests/conftest.py points into tmp_path); the app is started with real keys available and
the reminder is read from the notifications a person sees.
"""

from __future__ import annotations

from omtui.drafts import DraftKey, DraftStore
from omtui.screens.draft_prompt import where_to_resume

from tests.tui.tui_helpers import settle


def shown(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_drafts_left_from_before_are_named_at_start(make_app):
    store = DraftStore()
    store.save(DraftKey("tester", "objective:X100001:obj-1"), {"values": {"what": "Housing"}})
    store.save(DraftKey("tester", "contact:X100002"), {"values": {"note": "[bold]called"}})
    store.save(DraftKey("someone-else", "induction:X100003"), {"values": {}})
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        notes = [n for n in shown(app) if "unsaved draft" in n]
        assert len(notes) == 1
        note = notes[0]
        assert note.startswith("2 unsaved draft(s) kept from before")      # mine only
        assert "X100001: a sentence-plan objective (open the case, then p)" in note
        assert "X100002: a contact being logged" in note
        assert "X100003" not in note


async def test_no_reminder_without_drafts(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not [n for n in shown(app) if "unsaved draft" in n]


def test_where_to_resume_names_every_form_and_survives_odd_keys():
    assert where_to_resume("induction:X1") == "X1: an induction checklist (open the case, then i)"
    assert where_to_resume("plan-details:X1").startswith("X1: the sentence plan's details")
    assert where_to_resume("contact:X1:2026-11-20").startswith("X1: a contact being logged")
    assert where_to_resume("mystery") == "?: a mystery form (open the case and the same form)"
