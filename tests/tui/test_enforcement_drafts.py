"""Pilot tests: the enforcement forms (explanation, breach / recall, suspension) never lose what
was typed. Escape keeps a draft, the next opening offers it, resuming puts back the text and the
choices (Rich markup and non-Latin text literally), a successful save leaves no draft."""

from __future__ import annotations

import stat
from datetime import date

import pytest
from textual.widgets import Input, SelectionList

from omtui.app import OmtuiApp
from omtui.domain.case import EventType
from omtui.drafts import DraftKey, DraftStore
from omtui.screens.after_action import CustodyScreen
from omtui.screens.breach_recall import BreachRecallScreen
from omtui.screens.contact_log import ContactLogScreen
from omtui.screens.draft_prompt import DraftPrompt
from omtui.screens.enforcement import EnforcementScreen
from omtui.screens.explanation_entry import ExplanationEntryScreen
from omtui.screens.suspension import SuspensionScreen
from omtui.services import InMemoryStore
from omtui.widgets.key_picker import KeyPicker

from tests.tui.contact_fixtures import enforcement_cases
from tests.tui.tui_helpers import TODAY, press_to, settle

OFFICER = "Tess Officer"
TYPED = "[bold]x[/bold] Зоя"           # markup that must stay text, and non-Latin letters


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore(enforcement_cases(), label="test store")


@pytest.fixture
def app(store, fixed_cal) -> OmtuiApp:
    return OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer=OFFICER)


def drafts() -> dict[str, object]:
    """Every draft on disk, by form key (the tests' private data directory)."""
    out = {}
    for info in DraftStore().list():
        assert info.key is not None, info.problem
        out[info.key.form] = DraftStore().load(info.key)
    return out


async def open_enforcement(pilot, crn: str) -> EnforcementScreen:
    await settle(pilot)
    pilot.app.push_screen(EnforcementScreen(crn))
    await settle(pilot)
    assert isinstance(pilot.app.screen, EnforcementScreen)
    return pilot.app.screen


def prompt_text(app) -> str:
    return str(app.screen.query_one("#draft-text").render())


async def test_an_explanation_closed_with_escape_is_offered_and_resumed_then_saved(app, store):
    key = "explanation:E100001:2026-11-16"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100001")
        form = await press_to(pilot, "x", expect=ExplanationEntryScreen)
        await pilot.press("tab", *f"GP {TYPED}", "tab", "u", *f"Said {TYPED} was ill")
        form.query_one(SelectionList).focus()
        await pilot.press("space", "down", "down", "space")      # two factors ticked
        await press_to(pilot, "escape", expect=screen)
        assert len(store.get_case("E100001").events) == 4          # nothing saved to the case
        kept = drafts()
        assert list(kept) == [key]                                  # the case, form and failure
        path = DraftStore().path_for(DraftKey(OFFICER, key))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600           # sensitive text: owner only

        await press_to(pilot, "x", expect=DraftPrompt)              # offered when reopened
        assert "the explanation for E100001's failure of" in prompt_text(app)
        assert f"Said {TYPED} was ill" in prompt_text(app)          # the preview, literally
        form = await press_to(pilot, "r", expect=ExplanationEntryScreen)
        assert form.query_one("#expl-from", Input).value == f"GP {TYPED}"
        assert form.query_one("#expl-reason", Input).value == f"Said {TYPED} was ill"
        assert form.query_one("#expl-decision", KeyPicker).value == "unacceptable"
        assert form.query_one(SelectionList).selected == [
            "nature_of_failure", "pattern_of_compliance"]
        assert form.query_one("#expl-received", Input).value == "today"

        await press_to(pilot, "ctrl+s", expect=screen)
        event = store.get_case("E100001").events[-1]
        assert (event.type, event.for_date, event.acceptable) == (
            EventType.EXPLANATION, date(2026, 11, 16), False)
        assert event.reason == f"Said {TYPED} was ill"
        assert event.extra["from"] == f"GP {TYPED}"
        await settle(pilot)
        assert drafts() == {}                                       # saved: no draft left
        await press_to(pilot, "x", expect=ExplanationEntryScreen)   # and none offered
        assert app.screen.query_one("#expl-reason", Input).value == ""


async def test_two_failures_keep_separate_explanation_drafts(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100002")        # failures 18/11 and 20/05
        await press_to(pilot, "x", expect=ExplanationEntryScreen)
        await pilot.press("tab", "tab", "tab", *"For the November failure")
        await press_to(pilot, "escape", expect=screen)
        assert list(drafts()) == ["explanation:E100002:2026-11-18"]
        form = await press_to(pilot, "down", "x", expect=ExplanationEntryScreen)
        assert form.failure.date == date(2026, 5, 20)            # no draft offered for May
        assert form.query_one("#expl-reason", Input).value == ""
        await press_to(pilot, "escape", expect=screen)            # untouched: no draft made
        assert list(drafts()) == ["explanation:E100002:2026-11-18"]
        await press_to(pilot, "up", "x", expect=DraftPrompt)
        form = await press_to(pilot, "r", expect=ExplanationEntryScreen)
        assert form.failure.date == date(2026, 11, 18)
        assert form.query_one("#expl-reason", Input).value == "For the November failure"


async def test_a_breach_note_closed_with_escape_is_resumed_and_recorded(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100002")
        form = await press_to(pilot, "b", expect=BreachRecallScreen)
        await pilot.press("tab", *f"Agreed with {TYPED}")
        await press_to(pilot, "escape", expect=screen)
        assert list(drafts()) == ["breach:E100002:2026-11-18"]
        await press_to(pilot, "b", expect=DraftPrompt)
        assert f"Agreed with {TYPED}" in prompt_text(app)
        form = await press_to(pilot, "r", expect=BreachRecallScreen)
        assert form.query_one("#breach-note", Input).value == f"Agreed with {TYPED}"
        await press_to(pilot, "ctrl+s", expect=screen)
        event = store.get_case("E100002").events[-1]
        assert event.type is EventType.BREACH_INITIATED
        assert event.reason == f"Agreed with {TYPED}"
        await settle(pilot)
        assert drafts() == {}


async def test_an_immediate_recall_keeps_its_reason_choice_in_the_draft(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100003")
        await press_to(pilot, "i", expect=BreachRecallScreen)
        await pilot.press("o", "tab", *f"Threats to {TYPED}")     # other, then the note
        await press_to(pilot, "escape", expect=screen)
        assert list(drafts()) == ["immediate:E100003:2026-11-17"]
        await press_to(pilot, "b", expect=BreachRecallScreen)      # not the immediate form's
        await press_to(pilot, "escape", expect=screen)
        await press_to(pilot, "i", expect=DraftPrompt)
        form = await press_to(pilot, "r", expect=BreachRecallScreen)
        assert form.immediate
        assert form.query_one("#breach-reason", KeyPicker).value == "other"
        assert form.query_one("#breach-note", Input).value == f"Threats to {TYPED}"
        await press_to(pilot, "ctrl+s", expect=screen)
        event = store.get_case("E100003").events[-1]
        assert event.type is EventType.RECALL_INITIATED
        assert event.extra["immediate_reason"] == "other"
        assert event.reason == f"immediate action: Other (say why in the note) – Threats to {TYPED}"
        await settle(pilot)
        assert drafts() == {}


async def test_a_suspension_closed_with_escape_is_resumed_and_saved(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        log = app.screen
        await press_to(pilot, "s", expect=SuspensionScreen)
        await pilot.press("h", "tab", *"04/12", "tab", *f"Ward 3, {TYPED}")
        await press_to(pilot, "escape", expect=log)
        assert list(drafts()) == ["suspension:E100001"]
        await press_to(pilot, "s", expect=DraftPrompt)
        form = await press_to(pilot, "r", expect=SuspensionScreen)
        assert form.query_one("#susp-reason", KeyPicker).value == "hospital"
        assert form.query_one("#susp-until", Input).value == "04/12"
        assert form.query_one("#susp-note", Input).value == f"Ward 3, {TYPED}"
        await press_to(pilot, "ctrl+s", expect=log)
        event = store.get_case("E100001").events_of(EventType.SUSPENSION)[-1]
        assert (event.reason, event.until, event.note) == (
            "hospital", date(2026, 12, 4), f"Ward 3, {TYPED}")
        await settle(pilot)
        assert drafts() == {}


async def test_a_draft_of_another_shape_is_restored_only_where_it_fits(app, store):
    """A draft from an older form (or edited by hand) never crashes the form: values a field
    cannot take are left out, and a payload that is not a form's is not offered."""
    drafts_dir = DraftStore()
    drafts_dir.save(DraftKey(OFFICER, "explanation:E100001:2026-11-16"), {"fields": {
        "expl-reason": TYPED, "expl-from": 7, "expl-decision": "maybe",
        "expl-factors": ["no_such_factor", "offender_circumstances", 3],
        "expl-gone": "a field this form no longer has", "#bad selector[": "x"}})
    drafts_dir.save(DraftKey(OFFICER, "breach:E100002:2026-11-18"), ["not", "a", "form"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100001")
        await press_to(pilot, "x", expect=DraftPrompt)
        form = await press_to(pilot, "r", expect=ExplanationEntryScreen)
        assert form.query_one("#expl-reason", Input).value == TYPED
        assert form.query_one("#expl-from", Input).value == ""
        assert form.query_one("#expl-decision", KeyPicker).value is None
        assert form.query_one(SelectionList).selected == ["offender_circumstances"]
        await press_to(pilot, "escape", expect=screen)
        other = await open_enforcement(pilot, "E100002")
        await press_to(pilot, "b", expect=BreachRecallScreen)     # nothing offered, no crash
        await press_to(pilot, "escape", expect=other)


async def test_the_custody_form_keeps_its_choice_and_date(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100003")
        await press_to(pilot, "t", expect=CustodyScreen)
        await pilot.press("r", *["backspace"] * 5, *"20/11")      # re-released on Fri 20 Nov
        await press_to(pilot, "escape", expect=screen)
        assert list(drafts()) == ["custody:E100003"]
        await press_to(pilot, "t", expect=DraftPrompt)
        form = await press_to(pilot, "r", expect=CustodyScreen)
        assert form.query_one("#after-choice", KeyPicker).value == "release"
        assert form.query_one("#after-date", Input).value == "20/11"
        await press_to(pilot, "ctrl+s", expect=screen)
        event = store.get_case("E100003").events[-1]
        assert (event.type, event.date) == (EventType.RELEASE, date(2026, 11, 20))
        await settle(pilot)
        assert drafts() == {}


def test_the_start_up_reminder_says_where_each_enforcement_draft_is_resumed():
    from omtui.screens.draft_prompt import where_to_resume

    assert where_to_resume("explanation:E1:2026-11-16") == (
        "E1: an explanation for a failure to comply (open the case, then f, the failure, "
        "then x)")
    assert where_to_resume("breach:E1:2026-11-18").startswith("E1: a breach or recall")
    assert where_to_resume("immediate:E1:case").startswith("E1: an immediate breach or recall")
    assert where_to_resume("suspension:E1").endswith("(open the case, then l, then s)")
    assert where_to_resume("court-outcome:E1:2026-11-23").startswith("E1: the court outcome")
    assert where_to_resume("custody:E1").startswith("E1: a return to custody")
