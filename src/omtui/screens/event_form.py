"""The modal form that records one event on a case, shared by the enforcement forms.

A subclass checks its fields in ``build()`` (showing each problem at its field and returning
None), says how the checked payload is written in ``store_event()`` and what the confirmation
says in ``saved_notice()``. The base saves in a thread worker, keeps everything typed when the
save fails (the message goes under the form), tells the app the case changed and closes.

Drafts: a subclass that names its draft (``draft_form``: the case, the form and, for a form
about one failure, the failure's date) keeps what the officer types as a draft, with the pieces
quick entry uses (:class:`omtui.screens.draft_prompt.FormAutosave`, ``offer_draft``): every
text field, one-key choice and checklist with an id is kept as typed (``draft_values``), saved
a moment after the last edit and at once on escape; the next opening offers it ("resume /
start again") and resuming puts each value back in its field (values a field cannot take, from
an older form, are left out). A successful save discards the draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual import on, work
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, SelectionList, TextArea

from omtui.domain.case import Event
from omtui.drafts import Draft, DraftKey
from omtui.messages import CaseChanged
from omtui.widgets.key_picker import FieldError, KeyPicker
from omtui.widgets.typed_order import TypedInOrder


class EventForm(TypedInOrder, ModalScreen[Event | None]):
    # The layout every event form shares: a box (``classes="form-box"``) of labelled rows.
    # A form changes what differs (width, border colour, label width) in its own CSS.
    DEFAULT_CSS = """
    EventForm { align: center middle; }
    EventForm > .form-box {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    EventForm .row { height: auto; }
    EventForm .label { width: 9; color: $text-muted; }
    EventForm Input { width: 1fr; }
    EventForm KeyPicker { width: 1fr; }
    """

    #: Shown under the form when ``build()`` finds problems (None: the field messages suffice).
    INVALID_MESSAGE: ClassVar[str | None] = None

    crn: str
    saving: bool = False
    saved: bool = False
    #: The form's draft (None until the form is mounted, and for a form that keeps none).
    autosave: Any = None
    _draft_baseline: dict[str, Any] | None = None

    #: The draft's form key, e.g. ``explanation:X100001:2026-11-16`` (None: no draft kept).
    draft_form: str | None = None

    def draft_what(self) -> str:
        """What the draft is, for the "resume?" prompt."""
        return f"this form for {self.crn}"

    def _err(self, name: str, message: str | None) -> None:
        self.query_one(f"#error-{name}", FieldError).show_error(message)

    # -- what a form says -------------------------------------------------------------------
    def build(self) -> Any | None:
        """The checked payload to save, or None after showing the problems at their fields."""
        raise NotImplementedError

    def store_event(self, payload: Any) -> Event:
        """Write the payload (runs in a thread worker); the event as recorded."""
        self.app.store.add_event(self.crn, payload)
        return payload

    def saved_notice(self, event: Event) -> tuple[str, str, str]:
        """(message, title, severity) of the confirmation toast."""
        return f"{event.type.label} {event.date.isoformat()}", "Saved", "information"

    # -- saving -----------------------------------------------------------------------------
    def action_save(self) -> None:
        self.after_typing(self._save_typed)    # after every key typed before ctrl+s

    def _save_typed(self) -> None:
        if self.saving:
            return
        payload = self.build()
        if payload is None:
            if self.INVALID_MESSAGE:
                self._err("form", self.INVALID_MESSAGE)
            return
        self.saving = True
        self._err("form", None)
        self._save(payload)

    @work(thread=True, exclusive=True, group="event-form-save", exit_on_error=False)
    def _save(self, payload: Any) -> None:
        try:
            event = self.store_event(payload)
        except Exception as exc:  # noqa: BLE001 - shown under the form, nothing typed is lost
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._saved, event)

    def _failed(self, exc: Exception) -> None:
        self.saving = False
        self._err("form", f"Not saved: {exc}. Everything you typed is kept.")

    def _saved(self, event: Event) -> None:
        self.saved = True
        if self.autosave is not None:
            self.autosave.discard()
        message, title, severity = self.saved_notice(event)
        self.app.notify(f"{self.crn}: {message}", title=title, severity=severity, markup=False,
                        timeout=5)
        self.app.post_message(CaseChanged(self.crn))
        self.dismiss(event)

    def action_cancel(self) -> None:
        """Close; what was typed is kept as a draft and offered when the form opens again."""
        if self.autosave is not None and self._typed_something():
            self.autosave.changed(self._draft_payload())
            self.autosave.flush_now()
            self.app.notify("Closed: what you typed is kept as a draft (offered when you open "
                            "this form again).", title="Draft", timeout=4)
        self.dismiss(None)

    # -- drafts -----------------------------------------------------------------------------
    def on_mount(self) -> None:
        """Start the draft (Textual runs a subclass's ``on_mount`` first, so the fields hold
        what the form opens with: that is not a draft)."""
        if self.draft_form is None:
            return
        from omtui.screens.draft_prompt import FormAutosave, draft_store_for, officer_of

        self._draft_baseline = self.draft_values()
        self.autosave = FormAutosave(self, draft_store_for(self.app),
                                     DraftKey(officer_of(self.app), self.draft_form))
        self._look_for_draft()

    def on_unmount(self) -> None:
        # Closed another way (the app quit with the form open): write what is pending.
        if self.autosave is not None and not self.saved and self.autosave.saver.pending:
            self.autosave.flush_now()

    def draft_fields(self) -> dict[str, Widget]:
        """The fields a draft keeps, by id: every text field, one-key choice and checklist."""
        found = self.query("Input, TextArea, KeyPicker, SelectionList")
        return {w.id: w for w in found if w.id}

    def draft_values(self) -> dict[str, Any]:
        """Each field's value as typed (JSON-able)."""
        out: dict[str, Any] = {}
        for wid, w in self.draft_fields().items():
            if isinstance(w, TextArea):
                out[wid] = w.text
            elif isinstance(w, (Input, KeyPicker)):
                out[wid] = w.value
            elif isinstance(w, SelectionList):
                out[wid] = list(w.selected)
        return out

    def restore_draft_values(self, values: Mapping[str, Any]) -> None:
        """Put kept values back, each only where its field can take it (a draft from an older
        form, or one edited by hand, never crashes the form)."""
        fields = self.draft_fields()
        for wid, value in values.items():
            w = fields.get(wid) if isinstance(wid, str) else None
            if isinstance(w, TextArea) and isinstance(value, str):
                w.text = value
            elif isinstance(w, Input) and isinstance(value, str):
                w.value = value
            elif isinstance(w, KeyPicker) and (
                    value is None or any(o.code == value for o in w.options)):
                w.value = value
                w.post_message(KeyPicker.Changed(w, value))
            elif isinstance(w, SelectionList) and isinstance(value, list):
                known = {w.get_option_at_index(i).value for i in range(w.option_count)}
                w.deselect_all()
                for v in value:
                    if isinstance(v, str) and v in known:
                        w.select(v)

    def _typed_something(self) -> bool:
        return self._draft_baseline is not None and self.draft_values() != self._draft_baseline

    def _draft_payload(self) -> dict[str, Any]:
        return {"form": self.draft_form, "fields": self.draft_values()}

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(KeyPicker.Changed)
    @on(SelectionList.SelectedChanged)
    def _autosave_edit(self, event) -> None:
        if self.autosave is not None and not self.saving and self._typed_something():
            self.autosave.changed(self._draft_payload())

    def _look_for_draft(self) -> None:
        from omtui.screens.draft_prompt import look_for_draft

        look_for_draft(self, self.autosave.saver.store, self.autosave.key, self._offer_draft,
                       group="event-form-draft")

    def _offer_draft(self, draft: Draft) -> None:
        from omtui.screens.draft_prompt import offer_draft

        values = _draft_fields_of(draft)
        if values is None or self.autosave is None or self.saved:
            return
        kept = {k: v for k, v in values.items() if k in self._draft_baseline}
        if all(self._draft_baseline.get(k) == v for k, v in kept.items()):
            return                          # nothing this form can show differs from a new one
        offer_draft(self, self.draft_what(), draft, self._draft_preview(kept),
                    self._resume_draft, self.autosave.saver.store)

    def _draft_preview(self, values: Mapping[str, Any]) -> str:
        fields, base = self.draft_fields(), self._draft_baseline or {}
        parts: list[str] = []
        for wid, value in values.items():
            if base.get(wid) == value:
                continue
            w = fields.get(wid)
            if isinstance(w, KeyPicker):
                parts.extend(o.label for o in w.options if o.code == value)
            elif isinstance(w, SelectionList) and isinstance(value, list):
                parts.append(f"{len(value)} ticked")
            elif isinstance(value, str) and value.strip():
                parts.append(value.strip())
        return " · ".join(parts)[:300]

    def _resume_draft(self, draft: Draft) -> None:
        values = _draft_fields_of(draft)
        if values is not None:
            self.restore_draft_values(values)


def _draft_fields_of(draft: Draft | None) -> dict[str, Any] | None:
    """The field values of an event form's draft, or None for a payload of another shape."""
    payload = draft.payload if draft is not None else None
    fields = payload.get("fields") if isinstance(payload, dict) else None
    return fields if isinstance(fields, dict) else None
