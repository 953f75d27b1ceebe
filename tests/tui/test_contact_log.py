"""Pilot tests of the contact log and the quick-entry form: real keys, what the officer sees."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input, TextArea

from omtui.app import OmtuiApp
from omtui.domain.case import ContactOutcome, EventType
from omtui.screens.caseload import CaseloadScreen
from omtui.screens.contact_entry import ContactEntryScreen
from omtui.screens.contact_log import ContactLogScreen
from omtui.services import InMemoryStore
from omtui.widgets.key_picker import FieldError
from omtui.widgets.outcomes_panel import OutcomesPanel

from tests.tui.contact_fixtures import enforcement_cases
from tests.tui.tui_helpers import TODAY, cell_texts, settle


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore(enforcement_cases(), label="test store")


@pytest.fixture
def app(store, fixed_cal) -> OmtuiApp:
    return OmtuiApp(clock=lambda: TODAY, calendar=fixed_cal, store=store, officer="Tess Officer")


def notifications(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def press(pilot, *keys: str) -> None:
    """Press the keys as a person would (no waiting between them), then let workers finish."""
    await pilot.press(*keys)
    await settle(pilot)


async def test_log_a_contact_in_under_ten_key_presses_from_the_caseload(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        crn = app.screen.table.current_crn
        before = len(store.get_case(crn).events)
        keys = ["c", "o", "a", "ctrl+s"]          # open, office, attended - complied, save
        await press(pilot, *keys)
        assert len(keys) < 10
        assert isinstance(app.screen, CaseloadScreen)      # the form closed
        events = store.get_case(crn).events
        assert len(events) == before + 1
        logged = events[-1]
        assert (logged.type, logged.date, logged.outcome) == (
            EventType.CONTACT, TODAY, ContactOutcome.ATTENDED)
        assert logged.extra["contact_type"] == "office"
        assert logged.extra["outcome_detail"] == "attended_complied"
        assert any(n.startswith("Contact logged:") and crn in n for n in notifications(app))


async def test_a_wrong_date_is_marked_at_the_field_and_nothing_typed_is_lost(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, ContactEntryScreen)
        await press(pilot, "shift+tab", "shift+tab")       # type -> time -> date
        assert app.focused is form.query_one("#entry-date", Input)
        await press(pilot, *["backspace"] * 5, *"31/02")
        error = form.query_one("#error-date", FieldError)
        assert "not a real date" in error.message and "February 2026 has 28 days" in error.message
        await press(pilot, "tab", "tab", "p", "u")      # time, type: phone, outcome: unacceptable
        await press(pilot, "tab")                         # reason is optional: on to the note
        await pilot.press(*"[bold]kept[/bold] as typed")
        await press(pilot, "ctrl+s")
        assert app.screen is form                         # refused, still open
        assert "not a real date" in form.query_one("#error-date", FieldError).message
        assert "Not saved" in form.query_one("#error-form", FieldError).message
        assert form.query_one("#entry-note", TextArea).text == "[bold]kept[/bold] as typed"
        assert len(store.get_case("E100001").events) == 4
        assert app.focused is form.query_one("#entry-date", Input)     # back to the bad field
        await press(pilot, *["backspace"] * 5, *"20/11", "ctrl+s")
        assert isinstance(app.screen, ContactLogScreen)
        events = store.get_case("E100001").events
        saved = [e for e in events if e.type is EventType.CONTACT][-1]
        assert saved.date == date(2026, 11, 20) and saved.outcome is ContactOutcome.FTC
        # the officer judged the reason: the explanation is recorded with the contact
        judged = events[-1]
        assert (judged.type, judged.for_date, judged.acceptable) == (
            EventType.EXPLANATION, date(2026, 11, 20), False)
        assert any("explanation recorded as not acceptable" in n for n in notifications(app))
        assert saved.extra["contact_type"] == "phone"
        assert saved.note == "[bold]kept[/bold] as typed"
        # the log shows it at once, literally
        rows = [cell_texts(app.screen.table, i) for i in range(app.screen.table.row_count)]
        assert any("[bold]kept[/bold] as typed" in r[4] and "Phone" in r[2] for r in rows)


async def test_an_outcome_after_today_is_refused_at_the_date(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100004"))
        await settle(pilot)
        await press(pilot, "c", "shift+tab", "shift+tab",
                    *["backspace"] * 5, *"tomorrow")
        form = app.screen
        assert "after today" in form.query_one("#error-date", FieldError).message
        await press(pilot, "tab", "tab", "o", "a", "ctrl+s")
        assert app.screen is form
        assert len(store.get_case("E100004").events) == 1


async def test_an_outcome_is_needed_and_a_reason_where_the_taxonomy_asks(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100004"))
        await settle(pilot)
        await press(pilot, "c", "o", "ctrl+s")
        form = app.screen
        assert "choose an outcome" in form.query_one("#error-outcome", FieldError).message
        await press(pilot, "e", "ctrl+s")              # acceptable absence: needs a reason
        assert app.screen is form
        assert "needs a reason" in form.query_one("#error-reason", FieldError).message
        await press(pilot, "shift+tab", "shift+tab")    # note -> reason... (reason picker)
        form.query_one("#entry-reason").focus()
        await press(pilot, "m", "ctrl+s")               # medical
        assert isinstance(app.screen, ContactLogScreen)
        saved = store.get_case("E100004").events[-1]
        assert saved.outcome is ContactOutcome.ACCEPTABLE_ABSENCE
        assert saved.extra["absence_reason"] == "medical"


async def test_names_and_notes_with_markup_display_literally(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100004"))
        await settle(pilot)
        screen = app.screen
        summary = str(screen.query_one("#log-summary").render())
        assert "[bold]Dee[/bold] [link=http://x]Evans[/link]" in summary
        row = cell_texts(screen.table, 0)
        assert row[4].startswith("[bold]Not bold[/bold] said he would [link=http://x]call")
        await press(pilot, "enter")                      # the whole entry, every line
        detail = str(app.screen.query_one("Static").render())
        assert "Second line of the note.\nThird line." in detail


async def test_search_the_notes_with_slash(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        screen = app.screen
        assert screen.table.row_count == 4
        await press(pilot, "slash", *"HOUSING")
        assert screen.table.row_count == 1
        assert "housing application" in cell_texts(screen.table, 0)[4]
        assert "1 of 4 entries match" in str(screen.query_one("#log-empty").render())
        await press(pilot, "escape")
        assert screen.table.row_count == 4
        assert screen.query_one("#log-search", Input).value == ""


async def test_the_log_updates_at_once_after_logging(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        screen = app.screen
        await press(pilot, "c", "h", "a", "ctrl+s")     # home visit, attended
        assert app.screen is screen
        assert screen.table.row_count == 5
        first = cell_texts(screen.table, 0)
        assert first[0] == "Mon 23 Nov 2026" and "Home visit – Attended – complied" in first[2]


async def test_outcomes_to_record_on_the_caseload_and_recording_one(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(OutcomesPanel)
        assert panel.display and panel.row_count == 1
        assert cell_texts(panel, 0)[:3] == ["E100001", "Alan Brown", "Fri 20/11/2026 10:00-11:00"]
        panel.focus()
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, ContactEntryScreen) and form.appointment is not None
        await press(pilot, "a", "ctrl+s")               # focus starts on the outcome
        assert isinstance(app.screen, CaseloadScreen)
        case = store.get_case("E100001")
        recorded = [e for e in case.events if e.date == date(2026, 11, 20)]
        assert [e.outcome for e in recorded] == [ContactOutcome.ATTENDED]   # replaced, not added
        assert recorded[0].extra["time"] == "10:00"
        await settle(pilot)
        assert not app.screen.query_one(OutcomesPanel).display


async def test_contact_periods_mark_short_ones(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        summary = str(app.screen.query_one("#log-summary").render())
        assert "Next contact due Mon 23 Nov 2026" in summary and "✗ 10 short periods" in summary
        await press(pilot, "p")
        table = app.screen.query_one("#log-periods", DataTable)
        rows = {cell_texts(table, i)[1]: cell_texts(table, i)[5] for i in range(table.row_count)}
        assert rows["03/11/2026 – 09/11/2026"] == "✓ met"
        assert rows["10/11/2026 – 16/11/2026"] == "✗ short"      # only an FTC that week
        assert rows["17/11/2026 – 23/11/2026"] == "… in progress"


async def test_a_suspension_pauses_the_schedule(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "s", "h")                     # hospital; focus moves to "From"
        await press(pilot, *["backspace"] * 5, *"16/11", "tab", *"30/2")
        form = app.screen
        assert "not a real date" in form.query_one("#error-until", FieldError).message
        await press(pilot, *["backspace"] * 4, *"12/12/26", "ctrl+s")
        assert isinstance(app.screen, ContactLogScreen)
        event = store.get_case("E100001").events[-1]
        assert (event.type, event.date, event.until, event.reason) == (
            EventType.SUSPENSION, date(2026, 11, 16), date(2026, 12, 12), "hospital")
        summary = str(app.screen.query_one("#log-summary").render())
        assert "⏸ suspended hospital 2026-11-16 to 2026-12-12" in summary


async def test_palette_offers_contact_log(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"contact: log")
        await settle(pilot)
        from textual.command import CommandList

        options = app.screen.query_one(CommandList)
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("contact: Log…" in t for t in titles)


async def test_closing_the_form_keeps_a_draft_that_is_offered_again(app, store):
    from omtui.screens.draft_prompt import DraftPrompt

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "c", "h", "u")
        await press(pilot, "tab", *"Long note: [i]not italic[/i]")
        await press(pilot, "escape")
        assert isinstance(app.screen, ContactLogScreen)
        assert len(store.get_case("E100001").events) == 4          # nothing saved to the case
        await press(pilot, "c")
        assert isinstance(app.screen, DraftPrompt)
        await press(pilot, "r")                                    # resume
        form = app.screen
        assert isinstance(form, ContactEntryScreen)
        assert form.values()["note"] == "Long note: [i]not italic[/i]"
        assert (form.values()["type"], form.values()["outcome"]) == (
            "home_visit", "unacceptable_absence")
        await press(pilot, "ctrl+s")
        contacts = store.get_case("E100001").events_of(EventType.CONTACT)
        assert contacts[-1].note == "Long note: [i]not italic[/i]"
        await press(pilot, "c")                                    # the draft is gone
        assert isinstance(app.screen, ContactEntryScreen)


async def test_case_view_keys_reach_quick_entry_log_and_enforcement(app, store):
    from omtui.screens.case_view import CaseViewScreen
    from omtui.screens.enforcement import EnforcementScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("E100002")
        await settle(pilot)
        assert isinstance(app.screen, CaseViewScreen)
        await press(pilot, "c", "p", "a", "ctrl+s")       # one key from the case, then 3
        assert isinstance(app.screen, CaseViewScreen)
        assert store.get_case("E100002").events[-1].extra["contact_type"] == "phone"
        await press(pilot, "l")
        assert isinstance(app.screen, ContactLogScreen) and app.screen.crn == "E100002"
        await press(pilot, "escape", "f")
        assert isinstance(app.screen, EnforcementScreen) and app.screen.crn == "E100002"


async def test_keys_typed_while_the_form_opens_land_in_order(app, store):
    """c o a ctrl+s at full speed: the keys that arrive before the form is ready are kept and
    replayed in order (never typed into the date field)."""
    import asyncio

    from textual import events

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        before = len(store.get_case("E100001").events)
        app.post_message(events.Key("c", "c"))
        await asyncio.sleep(0.01)                       # the form is there, not yet built
        for key, char in (("o", "o"), ("a", "a"), ("ctrl+s", None)):
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        await settle(pilot)
        events_now = store.get_case("E100001").events
        assert len(events_now) == before + 1
        assert events_now[-1].outcome is ContactOutcome.ATTENDED
        assert events_now[-1].extra["contact_type"] == "office"


@pytest.mark.parametrize(("keys", "ctype", "detail", "reason"), [
    (("o", "a", "ctrl+s"), "office", "attended_complied", None),
    (("p", "e", "m", "ctrl+s"), "phone", "acceptable_absence", "medical"),
], ids=["attended", "absence-with-reason"])
async def test_keys_typed_in_one_burst_on_the_open_form_reach_each_field(
        app, store, keys, ctype, detail, reason):
    """The form is ready and keys come faster than the screen redraws (a fast typist, a paste,
    a terminal multiplexer): each choice's key lands in its own field and the save waits for
    them."""
    from textual import events

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, ContactEntryScreen)
        assert app.focused is app.screen.query_one("#entry-type")
        before = len(store.get_case("E100001").events)
        for key in keys:                                    # no pause between them
            app.post_message(events.Key(key, None if key.startswith("ctrl") else key))
        await pilot.pause(0.2)
        await settle(pilot)
        assert isinstance(app.screen, ContactLogScreen), "the form should have saved and closed"
        logged = store.get_case("E100001").events
        assert len(logged) == before + 1
        assert logged[-1].extra["contact_type"] == ctype
        assert logged[-1].extra["outcome_detail"] == detail
        assert logged[-1].extra.get("absence_reason") == reason


async def test_keys_queued_for_the_form_as_its_first_field_takes_the_focus_are_not_lost(
        app, store):
    """Under tmux, keys 60-120 ms apart: the app queued a key for the screen (nothing had the
    focus yet), and the first field got the focus before the screen read it. The key must
    still reach that field."""
    from textual import events

    class Racing(ContactEntryScreen):
        def ready_for_typing(self, first):
            for char in "oa":          # queued for the screen while nothing has the focus
                key = events.Key(char, char)
                key._set_forwarded()
                self.post_message(key)
            super().ready_for_typing(first)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        before = len(store.get_case("E100001").events)
        app.push_screen(Racing("E100001", "test"))
        await settle(pilot)
        form = app.screen
        assert form.query_one("#entry-type").value == "office"
        assert form.query_one("#entry-outcome").value == "attended_complied"
        await press(pilot, "ctrl+s")
        logged = store.get_case("E100001").events
        assert len(logged) == before + 1
        assert logged[-1].extra["outcome_detail"] == "attended_complied"


async def test_text_typed_straight_after_tab_on_a_choice_goes_to_the_next_field(app, store):
    """tab from the (optional) reason, then a note starting with R, in one burst: the R
    starts the note; it must not pick "r Religious" on the reason it has just left."""
    from textual import events

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "c", "p", "u")          # phone, unacceptable absence: on the reason
        form = app.screen
        assert app.focused is form.query_one("#entry-reason")
        before = len(store.get_case("E100001").events)
        for key, char in (("tab", None), ("R", "R"), ("a", "a"), ("n", "n"), ("g", "g")):
            app.post_message(events.Key(key, char))          # no pause between them
        await pilot.pause(0.2)
        await settle(pilot)
        assert form.query_one("#entry-reason").value is None
        assert form.query_one("#entry-note", TextArea).text == "Rang"
        await press(pilot, "ctrl+s")
        new = store.get_case("E100001").events[before:]      # the contact, and the decision
        contact = [e for e in new if e.type is EventType.CONTACT]  # an unacceptable absence
        assert len(contact) == 1                                    # records (docs/contacts.md)
        assert contact[0].note == "Rang" and "absence_reason" not in contact[0].extra


async def test_editing_keys_text_and_tab_in_one_burst_take_effect_in_order(app, store):
    """Backspaces, a date, tab and a time sent in one burst (a fast typist, a paste, tmux):
    the backspaces clear the old date before the new one is typed, and the time goes to the
    time field. (Textual applies editing keys and tab once they bubble up to the app, after
    the letters behind them: the new date was eaten and the time typed onto it.)"""
    from textual import events

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "c", "shift+tab", "shift+tab")     # type -> time -> date
        form = app.screen
        assert app.focused is form.query_one("#entry-date", Input)
        for key in [*["backspace"] * 5, *"20/11", "tab", *"9:30"]:    # no pause between them
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.2)
        await settle(pilot)
        assert form.query_one("#entry-date", Input).value == "20/11"
        assert form.query_one("#entry-time", Input).value == "9:30"


def send_burst(app, keys) -> None:
    """Queue ``keys`` for the app at once, with no pause between them (a paste, tmux)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def burst_into_note(app, pilot, picks: str, keys: list[str]):
    """Open quick entry on E100001, pick the type and outcome (``picks``, landing on the
    note), send ``keys`` in one burst and let them all arrive: (the form, its note)."""
    await settle(pilot)
    app.push_screen(ContactLogScreen("E100001"))
    await settle(pilot)
    await press(pilot, "c", *picks)
    form = app.screen
    note = form.query_one("#entry-note", TextArea)
    assert app.focused is note
    send_burst(app, keys)
    await pilot.pause(0.2)
    await settle(pilot)
    return form, note


async def test_backspaces_in_the_note_in_one_burst_delete_what_was_typed_before_them(
        app, store):
    """"abcdef", three backspaces and "XY" sent at once into the note: the backspaces take
    off "def" and the note reads "abcXY". (Textual applied the note's backspaces once they
    had bubbled up to the app, after "XY": they ate "XY" and "f" instead.)"""
    async with app.run_test(size=(100, 30)) as pilot:
        # office, attended: on the note
        _, note = await burst_into_note(app, pilot, "oa", [*"abcdef", *["backspace"] * 3, *"XY"])
        assert note.text == "abcXY"
        before = len(store.get_case("E100001").events)
        await press(pilot, "ctrl+s")
        assert store.get_case("E100001").events[before].note == "abcXY"


async def test_shift_tab_out_of_the_note_in_one_burst_takes_the_next_key_with_it(app, store):
    """A note, then shift+tab back to the outcome and "u" (unacceptable absence), in one
    burst: the "u" picks the outcome; it must not end the note."""
    async with app.run_test(size=(100, 30)) as pilot:
        # phone, attended: on the note
        form, note = await burst_into_note(app, pilot, "pa", [*"Rang", "shift+tab", "u"])
        assert note.text == "Rang"
        assert form.query_one("#entry-outcome").value == "unacceptable_absence"
        assert app.focused is form.query_one("#entry-reason")


async def test_a_damaged_draft_is_reported_and_the_form_still_works(app, store):
    """A draft file that cannot be read (cut short by a crash, edited by hand) is named in a
    warning when the form opens, kept for inspection, and the form is usable as new."""
    from omtui.drafts import DraftKey
    from omtui.screens.draft_prompt import draft_store_for, officer_of

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drafts = draft_store_for(app)
        path = drafts.path_for(DraftKey(officer_of(app), "contact:E100001"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"format": "omtui-draft", "payl', "utf-8")
        app.push_screen(ContactLogScreen("E100001"))
        await settle(pilot)
        await press(pilot, "c")
        await settle(pilot)
        assert isinstance(app.screen, ContactEntryScreen)
        shown = [n.message for n in app._notifications]
        assert any(m.startswith("A draft could not be read") for m in shown), shown
        assert path.exists()                                       # left for inspection
        await press(pilot, "o", "a", "ctrl+s")
        contacts = store.get_case("E100001").events_of(EventType.CONTACT)
        assert contacts[-1].outcome is ContactOutcome.ATTENDED
