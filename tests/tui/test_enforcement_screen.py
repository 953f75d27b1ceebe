"""Pilot tests of the enforcement screen: the day-10 clock, explanations, warnings, breach,
recall, immediate action and spent warnings, with real keys. Dates are worked by hand from the
England & Wales calendar (tests/tui/contact_fixtures.py says how)."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from omtui.app import OmtuiApp
from omtui.domain.case import EventType
from omtui.screens.breach_recall import BreachRecallScreen
from omtui.screens.contact_log import ContactLogScreen
from omtui.screens.enforcement import EnforcementScreen
from omtui.screens.explain import ExplainScreen
from omtui.screens.explanation_entry import ExplanationEntryScreen
from omtui.screens.warning import WarningScreen
from omtui.services import InMemoryStore
from omtui.store import open_store
from omtui.widgets.key_picker import FieldError

from tests.tui.contact_fixtures import enforcement_cases
from tests.tui.tui_helpers import TODAY, cell_texts, settle


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


async def open_enforcement(pilot, crn: str) -> EnforcementScreen:
    await settle(pilot)
    pilot.app.push_screen(EnforcementScreen(crn))
    await settle(pilot)
    return pilot.app.screen


def detail(screen: EnforcementScreen) -> str:
    return str(screen.query_one("#enf-detail").render())


def notifications(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_log_an_ftc_and_see_its_clock_count_down(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100004")
        assert screen.failures_table.row_count == 0
        assert "No failures to comply recorded" in detail(screen)
        # log a failure to attend from the contact log, then back to enforcement
        app.push_screen(ContactLogScreen("E100004"))
        await settle(pilot)
        await press(pilot, "c", "o", "f", "ctrl+s")    # office, failed to attend
        await press(pilot, "escape")
        assert app.screen is screen
        # Mon 23 Nov + 10 working days = Mon 7 Dec 2026; 10 working days left today
        assert cell_texts(screen.failures_table, 0)[:4] == [
            "23/11/2026", "07/12/2026", "10 wd left", "open"]
        text = detail(screen)
        assert "ends Mon 07 Dec 2026" in text and "NS 2f.4" in text
        assert "At the deadline written warning (ns-2f8-written-warning, NS 2f.8)" in text
        await press(pilot, "e")                           # explained day by day
        assert isinstance(app.screen, ExplainScreen)
        explained = str(app.screen.query_one("#explain-text").render())
        assert "Day 0 Mon 23 Nov 2026 (failure to comply)" in explained
        assert "skipping 4 non-working days" in explained


async def test_an_acceptable_explanation_closes_the_clock(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100001")
        assert cell_texts(screen.failures_table, 0)[2] == "5 wd left"
        await press(pilot, "x")
        form = app.screen
        assert isinstance(form, ExplanationEntryScreen)
        assert "within the 10 working days" in form.query_one("#error-received", FieldError).message
        await press(pilot, "tab", *"his GP", "tab", "a", *"In hospital, letter from the GP")
        form.query_one("#expl-factors").focus()
        await press(pilot, "space", "down", "space", "ctrl+s")
        assert app.screen is screen
        event = store.get_case("E100001").events[-1]
        assert (event.type, event.date, event.for_date, event.acceptable) == (
            EventType.EXPLANATION, TODAY, date(2026, 11, 16), True)
        assert event.extra["from"] == "his GP"
        assert event.extra["factors"] == ["nature_of_failure", "circumstances_of_noncompliance"]
        assert cell_texts(screen.failures_table, 0)[2:4] == ["–", "✓ explained"]
        assert "0 open failures" in str(screen.query_one("#enf-summary").render())


async def test_a_late_explanation_without_circumstances_is_refused_at_the_field(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100005")
        # failure Mon 26 Oct: the clock ended Mon 9 Nov; the warning is now due
        assert cell_texts(screen.failures_table, 0)[:4] == [
            "26/10/2026", "09/11/2026", "✗ ended 10 wd ago", "✗ warning due"]
        await press(pilot, "x")
        form = app.screen
        assert "late: received after day 10" in form.query_one("#error-received",
                                                                 FieldError).message
        await press(pilot, "tab", "tab", "a", *"Was abroad, phone lost")
        await press(pilot, "ctrl+s")
        assert app.screen is form
        message = form.query_one("#error-extenuating", FieldError).message
        assert "can only be accepted in extenuating circumstances" in message
        assert len(store.get_case("E100005").events) == 1
        assert form.query_one("#expl-reason").value == "Was abroad, phone lost"   # kept
        assert app.focused is form.query_one("#expl-extenuating")
        await pilot.press(*"Family bereavement abroad; evidence seen")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        event = store.get_case("E100005").events[-1]
        assert event.extra["extenuating_circumstances"] == "Family bereavement abroad; evidence seen"
        assert cell_texts(screen.failures_table, 0)[3] == "✓ explained"


async def test_issue_a_warning_writes_the_letter_and_records_it(app, store, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100001")
        await press(pilot, "w")
        warn = app.screen
        assert isinstance(warn, WarningScreen)
        letter = str(warn.query_one("#warn-text").render())
        assert "Alan Brown" in letter and "FORMAL WARNING" in letter
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        event = store.get_case("E100001").events[-1]
        assert (event.type, event.date, event.for_date) == (
            EventType.WARNING, TODAY, date(2026, 11, 16))
        path = Path(event.extra["letter"])
        assert path.parent == Path(os.environ["OMTUI_DATA_DIR"]) / "letters"
        assert path.is_file() and "Alan Brown" in path.read_text("utf-8")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert cell_texts(screen.failures_table, 0)[3] == "✓ warning 23/11"
        assert any(n.startswith("Warning issued:") for n in notifications(app))
        summary = str(screen.query_one("#enf-summary").render())
        assert "23/11/2026 no. 1 for 16/11/2026" in summary
        assert "A new failure would lead to: breach" in summary


async def test_a_second_failure_within_12_months_on_a_co_offers_breach_not_a_warning(
        app, store, fixed_cal):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100002")
        row = cell_texts(screen.failures_table, 0)
        assert row[0] == "18/11/2026" and row[4].startswith("breach · NS 2f.4")
        assert "1 unspent warning(s) in the preceding 12 months (2026-06-01)" in detail(screen)
        await press(pilot, "w")
        assert app.screen is screen                      # no warning offered
        assert any("asks for breach, not a warning" in n for n in notifications(app))
        await press(pilot, "b")
        form = app.screen
        assert isinstance(form, BreachRecallScreen)
        # breach papers: Wed 18 Nov + 20 working days = Wed 16 Dec 2026
        assert fixed_cal.add_working_days(date(2026, 11, 18), 20) == date(2026, 12, 16)
        deadlines = str(form.query_one("#breach-deadlines").render())
        assert "Breach papers by Wed 16 Dec 2026" in deadlines and "NS 2f.6" in deadlines
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        event = store.get_case("E100002").events[-1]
        assert (event.type, event.date, event.for_date) == (
            EventType.BREACH_INITIATED, TODAY, date(2026, 11, 18))
        assert cell_texts(screen.failures_table, 0)[3] == "✓ breach 23/11"
        await press(pilot, "d")                          # the due items: breach papers, done
        due = screen.query_one("#enf-due")
        rows = [" ".join(cell_texts(due, i)) for i in range(due.row_count)]
        assert any("Breach" in r and "16 Dec 2026" in r for r in rows)
        due.move_cursor(row=next(i for i, r in enumerate(rows) if "16 Dec 2026" in r))
        await press(pilot, "e")                          # the breach deadline explains itself
        assert isinstance(app.screen, ExplainScreen)
        explained = str(app.screen.query_one("#explain-text").render())
        assert "Source NS 2f.6" in explained and "Due Wed 16 Dec 2026" in explained


async def test_second_licence_warning_is_flagged_senior_manager_and_spent_ones_shown(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100003")
        summary = str(screen.query_one("#enf-summary").render())
        assert "01/05/2026 no." not in summary or "01/05/2026" in summary
        assert "Spent: 10/01/2026 spent (re-released on 2026-04-01 after recall)" in summary
        assert cell_texts(screen.failures_table, 0)[4].startswith(
            "written warning (senior manager)")
        assert "SENIOR MANAGER" in detail(screen)
        await press(pilot, "w")
        head = str(app.screen.query_one("#warn-head").render())
        assert head.startswith("⚠ SENIOR MANAGER")
        assert "warning no. 2" in head


async def test_immediate_action_is_one_key_and_records_the_reason(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_enforcement(pilot, "E100003")
        await press(pilot, "i")
        form = app.screen
        assert isinstance(form, BreachRecallScreen) and form.immediate
        assert form.query_one("#breach-box").border_title == "Immediate recall"
        await press(pilot, "ctrl+s")                     # no reason yet: refused at the field
        assert "choose why" in form.query_one("#error-why", FieldError).message
        await press(pilot, "r", "ctrl+s")
        event = store.get_case("E100003").events[-1]
        assert event.type is EventType.RECALL_INITIATED
        assert event.extra["immediate_reason"] == "risk_of_serious_harm"
        assert event.reason == "immediate action: Risk of serious harm"


async def test_bad_input_in_the_explanation_form_never_crashes(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_enforcement(pilot, "E100001")
        await press(pilot, "x", *["backspace"] * 5, *"99/99/99", "ctrl+s")
        form = app.screen
        assert "no month 99" in form.query_one("#error-received", FieldError).message
        assert "choose the decision" in form.query_one("#error-decision", FieldError).message
        assert len(store.get_case("E100001").events) == 4


async def test_enforcement_on_a_sqlite_store(tmp_path, fixed_cal):
    """The same path through the real store: explanation saved, audited, read back."""
    db = open_store(tmp_path / "omtui.db", officer="tester")
    db.import_cases(enforcement_cases())
    app = OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=db, officer="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100001")
        await press(pilot, "x", "tab", "tab", "u", *"No reason given", "ctrl+s")
        assert app.screen is screen
        assert cell_texts(screen.failures_table, 0)[3] == "✗ warning due"
        # the appointment's outcome is recorded in place (replace_event)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        log = app.screen
        rows = [cell_texts(log.table, i) for i in range(log.table.row_count)]
        assert [r[0] for r in rows[:2]] == ["Mon 23 Nov 2026", "Fri 20 Nov 2026"]
        assert rows[0][2].startswith("Explanation") and rows[1][3] == "! record"
        await press(pilot, "down", "enter", "a", "ctrl+s")
        assert app.screen is log
        assert cell_texts(log.table, 1)[2:4] == ["Office – Attended – complied", ""]
    case = db.get_case("E100001")
    assert [e.outcome.value if e.outcome else None for e in case.events
            if e.type is EventType.CONTACT] == ["attended", "ftc", "attended"]
    history = db.audit_history("E100001")
    assert any(a.action == "update" and a.table_name == "events"
               and a.new.get("outcome") == "attended" and a.officer == "tester" for a in history)
    assert any(a.action == "insert" and a.table_name == "events" for a in history)
    db.close()


async def test_the_court_letting_the_order_continue_spends_the_warnings(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100002")
        await press(pilot, "b", "ctrl+s")                # breach started today
        await press(pilot, "o", "c", "ctrl+s")           # the court: the order continues
        assert app.screen is screen
        breaches = store.get_case("E100002").events_of(EventType.BREACH_INITIATED)
        assert len(breaches) == 1                        # updated in place, not a second breach
        assert breaches[0].extra["court_outcome"] == "order_continues"
        assert breaches[0].extra["court_date"] == TODAY.isoformat()
        summary = str(screen.query_one("#enf-summary").render())
        assert "Warnings in the 12 months from 23/11/2025: none" in summary
        assert "Spent: 01/06/2026 for 20/05/2026 spent" in summary
        assert "A new failure would lead to: written warning" in summary


async def test_return_to_custody_after_recall_makes_the_letter_due(app, store, fixed_cal):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100003")
        await press(pilot, "i", "r", "ctrl+s")           # immediate recall
        await press(pilot, "t", "t", "ctrl+s")           # returned to custody today
        await press(pilot, "d")
        due = screen.query_one("#enf-due")
        rows = [" ".join(cell_texts(due, i)) for i in range(due.row_count)]
        letter_due = fixed_cal.add_working_days(TODAY, 5)
        assert letter_due == date(2026, 11, 30)
        assert any("Write to the recalled offender" in r and "30 Nov 2026" in r for r in rows), rows
        await press(pilot, "escape", "t", "r", "ctrl+s")   # re-released: warnings spent
        summary = str(screen.query_one("#enf-summary").render())
        assert "Spent: 10/01/2026" in summary and "01/05/2026" in summary.split("Spent:")[1]


async def test_text_typed_in_one_burst_with_ctrl_s_is_saved_whole(app, store):
    """Keys sent faster than the fields handle them (a paste, a terminal multiplexer): ctrl+s
    is read by the app at once, but the save waits until every key before it is in."""
    from textual import events

    reason = "In hospital, letter from the GP"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enforcement(pilot, "E100001")
        await press(pilot, "x")
        form = app.screen
        assert isinstance(form, ExplanationEntryScreen)
        await press(pilot, "tab", *"his GP", "tab", "a")
        for char in reason:                                  # no pause between the keys
            app.post_message(events.Key(char if char != " " else "space", char))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.screen is screen
        event = store.get_case("E100001").events[-1]
        assert event.type is EventType.EXPLANATION
        assert event.reason == reason


async def test_editing_keys_and_tab_in_the_circumstances_take_effect_in_the_order_typed(
        app, store):
    """In the extenuating circumstances (a multi-line note where tab moves on), keys sent
    at once: "Floodong", three backspaces, "ing", tab, "3/11". The backspaces take off "ong",
    and the date after tab goes to the received field (tab wraps round to it), not the note."""
    from textual import events
    from textual.widgets import Input, TextArea

    async with app.run_test(size=(80, 24)) as pilot:
        await open_enforcement(pilot, "E100005")
        await press(pilot, "x")
        form = app.screen
        assert isinstance(form, ExplanationEntryScreen)
        await press(pilot, "shift+tab")                     # wraps round to the circumstances
        note = form.query_one("#expl-extenuating", TextArea)
        assert app.focused is note
        for key in [*"Floodong", *["backspace"] * 3, *"ing", "tab", *"3/11"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.2)
        await settle(pilot)
        assert note.text == "Flooding"
        assert app.focused is form.query_one("#expl-received", Input)
        assert form.query_one("#expl-received", Input).value == "3/11"
