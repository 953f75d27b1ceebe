"""The modal form that records one event on a case, shared by the enforcement forms.

A subclass checks its fields in ``build()`` (showing each problem at its field and returning
None), says how the checked payload is written in ``store_event()`` and what the confirmation
says in ``saved_notice()``. The base saves in a thread worker, keeps everything typed when the
save fails (the message goes under the form), tells the app the case changed and closes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.screen import ModalScreen

from omtui.domain.case import Event
from omtui.messages import CaseChanged
from omtui.widgets.key_picker import FieldError
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
        message, title, severity = self.saved_notice(event)
        self.app.notify(f"{self.crn}: {message}", title=title, severity=severity, markup=False,
                        timeout=5)
        self.app.post_message(CaseChanged(self.crn))
        self.dismiss(event)

    def action_cancel(self) -> None:
        self.dismiss(None)
