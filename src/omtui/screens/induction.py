"""The induction checklist of one case: tick what was explained, offered and discussed.

Keys: arrows move, space ticks, ``n`` or enter writes the item's note (enter keeps it, escape
drops the change), ``d`` goes to the induction date, ``ctrl+s`` saves. Saving when every
required item is ticked and a date is recorded also records the ``induction_completed`` event,
which completes the induction due item. What is still missing is listed at the bottom, each
with its source. Re-induction prompts (4 weeks without contact, transfer in, change of OM) are
shown at the top.

Everything typed is autosaved as a draft (``induction:<CRN>``) and offered again if the screen
is left or the app dies before saving.

Two officers on one induction: the screen keeps the record's version it read and saves with
it; if someone else saved the induction in between, the officer chooses
(``screens/conflict.py``): reload (their record is shown, the unsaved ticks and notes are
dropped), keep yours (saved over theirs, recorded as such in the audit trail) or later
(nothing saved; the draft kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from omtui.domain.case import Case, EventType
from omtui.domain.due import DueItem
from omtui.domain.entry import EntryError, parse_entry_date
from omtui.domain.induction import (
    Checklist,
    ChecklistError,
    InductionRecord,
    completion_event,
    induction_status,
    record_from_dict,
    reinduction_prompts,
)
from omtui.drafts import Draft, DraftKey
from omtui.messages import CaseChanged
from omtui.screens.conflict import ConflictModal
from omtui.screens.draft_prompt import (
    FormAutosave,
    draft_store_for,
    load_draft,
    offer_draft,
    officer_of,
)
from omtui.services import ConflictError
from omtui.widgets.checklist import ChecklistView
from omtui.widgets.text import StatusStyles, literal, long_date
from omtui.widgets.typed_order import FormInput, TypedInOrder


@dataclass(frozen=True)
class InductionData:
    case: Case
    record: InductionRecord
    saved: InductionRecord | None
    checklist: Checklist
    items: tuple[DueItem, ...]
    draft: Draft | None
    draft_problem: str | None
    #: The induction record's version when it was read (0: none saved); saves state it.
    version: int = 0


def format_day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


class InductionScreen(TypedInOrder, Screen):
    """One case's induction checklist (escape goes back)."""

    AUTO_FOCUS = "ChecklistView"

    BINDINGS = [
        Binding("escape", "back", "Back", id="induction.back",
                tooltip="Back (anything unsaved stays as a draft)."),
        Binding("ctrl+s", "save", "Save", id="induction.save", priority=True,
                tooltip="Save the checklist; completes the induction when nothing is missing."),
        Binding("d", "edit_date", "Date", id="induction.date",
                tooltip="Type the induction date (DD/MM/YYYY, 'today'...)."),
        Binding("l", "focus_list", "List", show=False, id="induction.list",
                tooltip="Back to the checklist."),
    ]

    DEFAULT_CSS = """
    InductionScreen #induction-head { height: auto; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    InductionScreen ChecklistView { height: 1fr; border: none; }
    InductionScreen #note-row { height: auto; display: none; padding: 0 1; }
    InductionScreen #note-row.-editing { display: block; }
    InductionScreen #date-row { height: 1; padding: 0 1; }
    InductionScreen #date-row Label { width: auto; padding-right: 1; }
    InductionScreen #induction-date { width: 24; }
    InductionScreen #date-error { width: 1fr; color: $error; padding-left: 1; }
    InductionScreen #induction-status { height: auto; max-height: 9; padding: 0 1;
        background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, crn: str) -> None:
        super().__init__()
        self.crn = crn
        self.data: InductionData | None = None
        self.record: InductionRecord = InductionRecord(crn)
        self.note_item: str | None = None
        self.autosave: FormAutosave | None = None
        self.saving = False
        self._loading = True

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"{self.crn}: loading…"), id="induction-head")
        yield ChecklistView(id="checklist")
        with Vertical(id="note-row"):
            yield Label("", id="note-label")
            yield FormInput(id="note-input", compact=True, max_length=20_000,
                        placeholder="Note (enter keeps it, escape drops the change)")
        with Horizontal(id="date-row"):
            yield Label("Induction date (d):")
            yield FormInput(id="induction-date", compact=True, max_length=40,
                        placeholder="DD/MM/YYYY or today")
            yield Static("", id="date-error")
        yield Static("", id="induction-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.crn} · induction"
        self.autosave = FormAutosave(self, draft_store_for(self.app),
                                     DraftKey(officer_of(self.app), f"induction:{self.crn}"))
        self.query_one(ChecklistView).loading = True
        self.load()

    # -- loading -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="induction-load", exit_on_error=False,
          description="Reading the induction")
    def load(self, offer: bool = True) -> None:
        app = self.app
        try:
            from omtui.plan_data import load_checklist

            case = app.store.get_case(self.crn)
            saved, version = app.store.get_induction_versioned(self.crn)
            checklist = load_checklist()
            items = tuple(sorted(app.agenda_for(case), key=DueItem.sort_key))
        except ChecklistError as exc:
            app.call_from_thread(self._failed, f"the induction checklist cannot be used: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(self._failed, str(exc))
            return
        draft, problem = (None, None)
        if self.autosave is not None and offer:
            draft, problem = load_draft(self.autosave.saver.store, self.autosave.key)
        record = saved or InductionRecord(self.crn, recorded_by=officer_of(app))
        app.call_from_thread(self._show, InductionData(case, record, saved, checklist, items,
                                                       draft, problem, version))

    def _failed(self, message: str) -> None:
        self.query_one(ChecklistView).loading = False
        self.query_one("#induction-head", Static).update(
            literal(f"{self.crn}: could not be read ({message})", single_line=False))
        self.notify(message, title="Induction", severity="error", timeout=10, markup=False)

    def _show(self, data: InductionData) -> None:
        self.data = data
        self._set_record(data.record, from_user=False)
        self.query_one(ChecklistView).loading = False
        self._loading = False
        self.query_one(ChecklistView).focus()
        if data.draft_problem:
            self.notify(data.draft_problem, title="Draft", severity="warning", markup=False)
        draft = data.draft
        if draft is not None and self._draft_differs(draft):
            offer_draft(self, f"the induction checklist of {self.crn}", draft,
                        self._draft_preview(draft), self._resume, self.autosave.saver.store)

    def _draft_differs(self, draft: Draft) -> bool:
        payload = draft.payload if isinstance(draft.payload, dict) else {}
        current = self._payload()
        return payload != current

    def _draft_preview(self, draft: Draft) -> str:
        payload = draft.payload if isinstance(draft.payload, dict) else {}
        rec, _ = record_from_dict(payload.get("record"))
        lines = []
        if rec is not None:
            ticked = sum(1 for e in rec.entries.values() if e.ticked)
            lines.append(f"{ticked} item(s) ticked; date: {payload.get('date_text') or 'none'}")
            notes = [e.note for e in rec.entries.values() if e.note.strip()]
            if notes:
                lines.append(f"{len(notes)} note(s), e.g. {notes[0][:120]}")
        if payload.get("note_text"):
            lines.append(f"Note being typed: {str(payload['note_text'])[:200]}")
        return "\n".join(lines) or "(empty)"

    def _resume(self, draft: Draft) -> None:
        payload = draft.payload if isinstance(draft.payload, dict) else {}
        rec, problems = record_from_dict(payload.get("record"))
        if rec is None or rec.crn != self.crn:
            self.notify("The draft cannot be used: " + "; ".join(problems[:2] or ["wrong case"]),
                        title="Draft", severity="error", markup=False)
            return
        date_text = payload.get("date_text")
        self._set_record(rec, from_user=True,
                         date_text=date_text if isinstance(date_text, str) else None)
        note_item, note_text = payload.get("note_item"), payload.get("note_text")
        if isinstance(note_item, str) and isinstance(note_text, str) and self.data is not None \
                and self.data.checklist.item(note_item) is not None:
            self._open_note(note_item, note_text)
        self.notify("Draft resumed: ctrl+s saves it.", title="Draft", timeout=4)

    # -- state -------------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:
        return {"record": self.record.to_dict(),
                "date_text": self.query_one("#induction-date", Input).value,
                "note_item": self.note_item,
                "note_text": self.query_one("#note-input", Input).value if self.note_item else None}

    def _changed(self) -> None:
        if self.autosave is not None and not self._loading:
            self.autosave.changed(self._payload())

    def _set_record(self, record: InductionRecord, *, from_user: bool,
                    date_text: str | None = None) -> None:
        self.record = record
        date_input = self.query_one("#induction-date", Input)
        text = date_text if date_text is not None else format_day(record.date_recorded)
        if date_input.value != text:
            with date_input.prevent(Input.Changed):
                date_input.value = text
        self._check_date(text)
        self._refresh()
        if from_user:
            self._changed()

    def _refresh(self) -> None:
        data = self.data
        if data is None:
            return
        today = self.app.today
        applicable = data.checklist.applicable(data.case, today)
        self.query_one(ChecklistView).show(applicable, self.record)
        self._show_head(data, today)
        status = induction_status(data.case, self.record, data.checklist, today)
        t = Text()
        t.append("Done: " if status.done else "Not complete: ", style="bold")
        t.append(status.summary())
        if status.done:
            t.append(" - ctrl+s saves and completes the induction due item", style="bold")
        lines = status.missing_lines()
        lines = ([x for x in lines if not x.startswith("not ticked")]       # the date first
                 + [x for x in lines if x.startswith("not ticked")])
        shown = 2 if self.app.size.height < 36 else 6
        for line in lines[:shown]:
            t.append("\n  - ")
            t.append_text(literal(line))
        if len(lines) > shown:
            t.append(f"\n  … and {len(lines) - shown} more (the items without [x] marked *)",
                     style="dim")
        if status.unknown_ids:
            t.append("\nTicked items no longer in the checklist (kept): ", style="dim")
            t.append_text(literal(", ".join(status.unknown_ids), "dim"))
        t.no_wrap, t.overflow = True, "ellipsis"
        self.query_one("#induction-status", Static).update(t)

    def _show_head(self, data: InductionData, today: date) -> None:
        case = data.case
        t = Text()
        t.append_text(literal(case.name, "bold"))
        t.append(f"  {case.crn}  ")
        t.append_text(literal(case.order_type.label))
        due = [i for i in data.items if i.is_open and "induction" in i.satisfied_by.casefold()]
        due = due or [i for i in data.items if i.is_open and _is_induction_item(i)]
        if due:
            item = due[0]
            styles = StatusStyles(self.app)
            t.append("\n")
            t.append_text(styles.status_text(item.status))
            t.append(" ")
            t.append_text(literal(item.title))
            t.append(f" due {long_date(item.due)} (")
            t.append_text(literal(item.source))
            t.append(")")
        for prompt in reinduction_prompts(case, today):
            t.append("\n! ", style="bold")
            t.append_text(literal(prompt.title, "bold"))
            t.append(": ")
            t.append_text(literal(prompt.detail))
            t.append(" (")
            t.append_text(literal(prompt.source, "italic"))
            t.append(")")
        t.no_wrap, t.overflow = True, "ellipsis"
        self.query_one("#induction-head", Static).update(t)

    def _check_date(self, text: str) -> date | None:
        error = self.query_one("#date-error", Static)
        if not text.strip():
            error.update("")
            return None
        try:
            day = parse_entry_date(text, self.app.today, no_year="past")
        except EntryError as exc:
            error.update(literal(str(exc)))
            return None
        if day > self.app.today:
            error.update(Text(f"{long_date(day)} is after today: the induction cannot be "
                              "recorded in advance"))
        else:
            error.update(Text(long_date(day), style="dim"))
        return day

    # -- events ------------------------------------------------------------------------------
    @on(ChecklistView.Toggled)
    def _toggled(self, event: ChecklistView.Toggled) -> None:
        event.stop()
        self._set_record(self.record.toggled(event.item_id), from_user=True,
                         date_text=self.query_one("#induction-date", Input).value)

    @on(ChecklistView.NoteRequested)
    def _note_requested(self, event: ChecklistView.NoteRequested) -> None:
        event.stop()
        self._open_note(event.item_id, self.record.entry(event.item_id).note)

    def _open_note(self, item_id: str, text: str) -> None:
        if self.data is None:
            return
        item = self.data.checklist.item(item_id)
        self.note_item = item_id
        label = Text("Note for: ", style="bold")
        label.append_text(literal(item.text if item else item_id))
        if item is not None and item.hint:
            label.append("  (")
            label.append_text(literal(item.hint, "dim"))
            label.append(")")
        self.query_one("#note-label", Label).update(label)
        note = self.query_one("#note-input", Input)
        with note.prevent(Input.Changed):
            note.value = text
        self.query_one("#note-row").add_class("-editing")
        note.focus()
        note.cursor_position = len(text)

    def _close_note(self) -> None:
        self.note_item = None
        self.query_one("#note-row").remove_class("-editing")
        self.query_one(ChecklistView).focus()

    @on(Input.Submitted, "#note-input")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.note_item is None:
            return
        item = self.note_item
        self._close_note()
        self._set_record(self.record.with_note(item, event.value), from_user=True,
                         date_text=self.query_one("#induction-date", Input).value)

    @on(Input.Changed, "#note-input")
    def _note_typed(self, event: Input.Changed) -> None:
        self._changed()

    @on(Input.Changed, "#induction-date")
    def _date_typed(self, event: Input.Changed) -> None:
        day = self._check_date(event.value)
        by = officer_of(self.app)
        if not event.value.strip():
            self.record = self.record.with_date(None)
        elif day is not None:
            self.record = self.record.with_date(day, by)
        self._refresh()
        self._changed()

    @on(Input.Submitted, "#induction-date")
    def _date_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(ChecklistView).focus()

    # -- actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.note_item is not None:
            self._close_note()
            self._changed()
            return
        if self.autosave is not None and self.autosave.saver.pending:
            self.autosave.flush_now()
        saved = self.data.saved if self.data is not None else None
        if self.data is not None and self.record != (saved or self.data.record):
            self.notify("Not saved yet: what you typed is kept as a draft (ctrl+s saves).",
                        title="Draft", timeout=4)
        self.app.pop_screen()

    def action_focus_list(self) -> None:
        self.query_one(ChecklistView).focus()

    def action_edit_date(self) -> None:
        self.query_one("#induction-date", Input).focus()

    def action_save(self) -> None:
        self.after_typing(self._save_typed)    # after every key typed before ctrl+s

    def _save_typed(self) -> None:
        if self.data is None or self.saving:
            return
        date_text = self.query_one("#induction-date", Input).value
        if date_text.strip() and self._check_date(date_text) is None:
            self.notify("The induction date is not a date: see the message beside it.",
                        severity="error", timeout=5)
            self.query_one("#induction-date", Input).focus()
            return
        if self.note_item is not None:        # keep a note still being typed
            note = self.query_one("#note-input", Input).value
            item = self.note_item
            self._close_note()
            self.record = self.record.with_note(item, note)
            self._refresh()
        self.saving = True
        self.save(self.record, self.data.version)

    @work(thread=True, exclusive=True, group="induction-save", exit_on_error=False,
          description="Saving the induction")
    def save(self, record: InductionRecord, version: int = 0, keep_mine: bool = False) -> None:
        app = self.app
        data = self.data
        assert data is not None
        completed = False
        try:
            new_version = app.store.save_induction(record, expected_version=version,
                                                   keep_mine=keep_mine)
        except ConflictError as exc:      # someone saved it since: the officer decides
            app.call_from_thread(self._conflict, exc, record)
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user; the draft is kept
            app.call_from_thread(self._save_failed, str(exc))
            return
        try:
            case = app.store.get_case(self.crn)
            status = induction_status(case, record, data.checklist, app.today)
            earlier = [e for e in case.events_of(EventType.INDUCTION_COMPLETED)]
            already = any(e.date == record.date_recorded for e in earlier)
            if status.done and not already:
                event = completion_event(status, record, reinduction=bool(earlier))
                if event is not None:
                    app.store.add_event(self.crn, event)
                    completed = True
        except Exception as exc:  # noqa: BLE001 - shown to the user; the draft is kept
            app.call_from_thread(self._save_failed, str(exc))
            return
        app.call_from_thread(self._saved, record, completed, new_version)

    def _save_failed(self, message: str) -> None:
        self.saving = False
        if self.autosave is not None:
            self.autosave.flush_now()
        self.notify(f"Not saved ({message}). What you typed is kept as a draft.",
                    title="Induction", severity="error", timeout=10, markup=False)

    def _conflict(self, conflict: ConflictError, record: InductionRecord) -> None:
        """Another officer saved this induction since it was read: reload, keep yours, later."""
        if self.autosave is not None:
            self.autosave.flush_now()

        def chosen(choice: str | None) -> None:
            if choice == "keep":
                self.save(record, conflict.version or 0, True)
                return
            self.saving = False
            if choice == "reload":
                if self.autosave is not None:     # the officer chose to drop it
                    self.autosave.discard()
                    self.autosave.enabled = True
                who = conflict.changed_by or "the other officer"
                self.notify(f"Showing {who}'s induction record; yours was not saved.",
                            title="Induction reloaded", timeout=8, markup=False)
                self._loading = True
                self.load(offer=False)
            else:
                self.notify("Not saved: the induction was changed by someone else. What you "
                            "ticked and typed is kept as a draft.", title="Induction",
                            severity="warning", timeout=8)

        self.app.push_screen(ConflictModal(
            f"The induction of {self.crn}", conflict,
            reload_note="Your unsaved ticks and notes are dropped."), chosen)

    def _saved(self, record: InductionRecord, completed: bool, version: int = 0) -> None:
        self.saving = False
        if self.autosave is not None:
            self.autosave.discard()
            self.autosave.enabled = True
        if self.data is not None:
            self.data = InductionData(self.data.case, record, record, self.data.checklist,
                                      self.data.items, None, None, version)
        self.notify("Induction complete: the induction due item is done." if completed
                    else "Induction checklist saved.", title="Saved", timeout=4)
        self.app.post_message(CaseChanged(self.crn))

    def case_changed(self, crn: str) -> None:
        """The case changed (this screen's save, or another screen): re-read facts and due items."""
        if crn == self.crn and self.data is not None:
            self.reload_case()

    @work(thread=True, exclusive=True, group="induction-case", exit_on_error=False,
          description="Reading the case")
    def reload_case(self) -> None:
        app = self.app
        try:
            case = app.store.get_case(self.crn)
            items = tuple(sorted(app.agenda_for(case), key=DueItem.sort_key))
        except Exception:  # noqa: BLE001 - the next load shows the problem
            return
        app.call_from_thread(self._case_reloaded, case, items)

    def _case_reloaded(self, case: Case, items: tuple[DueItem, ...]) -> None:
        if self.data is None:
            return
        self.data = replace(self.data, case=case, record=self.record, items=items, draft=None,
                            draft_problem=None)
        self._refresh()

    def on_unmount(self) -> None:
        if self.autosave is not None and self.autosave.saver.pending:
            self.autosave.flush_now()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("induction: Save the checklist", "Save (completes the induction when "
                 "nothing is missing).", self.action_save),
                ("induction: Type the induction date", "Go to the date field.",
                 self.action_edit_date)]


def _is_induction_item(item: DueItem) -> bool:
    from omtui.screens.case_view import is_induction

    return is_induction(item)
