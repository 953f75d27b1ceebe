"""'Changed by X at HH:MM: reload or keep yours': the choice shown when a save finds that
another officer saved the same record since it was read (optimistic locking, see
``store/plans.py`` and ``services.ConflictError``).

Nothing is decided for the officer: ``r`` reloads (shows the other officer's version; the
caller says what becomes of the unsaved change), ``k`` keeps theirs (saves over the newer
version, recorded in the audit trail as such), escape decides later (nothing saved, nothing
reloaded, what was typed is kept as a draft).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from omtui.services import ConflictError
from omtui.widgets.text import literal

ConflictChoice = Literal["reload", "keep", "later"]


def changed_when(changed_at: str | None, today: date | None = None) -> str:
    """``HH:MM`` (local time) of an ISO 8601 UTC time, with the date when it is not ``today``
    (default: the system's date); ``an unknown time`` when the store could not say."""
    if not changed_at:
        return "an unknown time"
    try:
        when = datetime.fromisoformat(changed_at).astimezone()
    except ValueError:
        return "an unknown time"
    if today is None:
        today = datetime.now(when.tzinfo).date()
    hhmm = when.strftime("%H:%M")
    return hhmm if when.date() == today else f"{hhmm} on {when.strftime('%d/%m/%Y')}"


def conflict_text(what: str, conflict: ConflictError, reload_note: str,
                  today: date | None = None) -> Text:
    """The dialog's words; names and ``what`` are shown literally (never as markup)."""
    t = Text()
    t.append("Changed by ", style="bold")
    t.append_text(literal(conflict.changed_by or "another officer", "bold"))
    t.append(f" at {changed_when(conflict.changed_at, today)}", style="bold")
    t.append("\n")
    t.append_text(literal(what))
    t.append(" was saved by someone else since you opened it. Yours is not saved yet: "
             "nothing has been overwritten.\n\n")
    t.append("r  Reload", style="bold")
    t.append(": show their version. ")
    t.append_text(literal(reload_note))
    t.append("\n")
    t.append("k  Keep yours", style="bold")
    t.append(": save yours over theirs (theirs stays in the audit trail, and so does "
             "your choice).\n")
    t.append("escape", style="bold")
    t.append(": decide later (nothing saved; what you typed is kept as a draft).")
    return t


class ConflictModal(ModalScreen[ConflictChoice]):
    """Reload (r) / keep yours (k) / later (escape). The focus starts on Reload, the choice
    that overwrites nothing."""

    BINDINGS = [
        Binding("r", "choose('reload')", "Reload", id="conflict.reload",
                tooltip="Show the other officer's version (yours is not saved)."),
        Binding("k", "choose('keep')", "Keep yours", id="conflict.keep",
                tooltip="Save yours over the newer version (recorded in the audit trail)."),
        Binding("escape", "choose('later')", "Later", id="conflict.later",
                tooltip="Decide later: nothing saved, nothing reloaded."),
    ]

    DEFAULT_CSS = """
    ConflictModal { align: center middle; }
    ConflictModal > #conflict-box { width: 76; max-width: 100%; height: auto;
        border: round $error; background: $surface; padding: 0 1; }
    ConflictModal #conflict-buttons { height: auto; margin-top: 1; }
    ConflictModal Button { margin-right: 2; }
    """

    def __init__(self, what: str, conflict: ConflictError, *,
                 reload_note: str = "Your unsaved change is dropped.") -> None:
        super().__init__()
        self.what, self.conflict, self.reload_note = what, conflict, reload_note

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-box") as box:
            box.border_title = "Someone else saved this first"
            today = getattr(self.app, "today", None)
            yield Static(conflict_text(self.what, self.conflict, self.reload_note,
                                       today if isinstance(today, date) else None),
                         id="conflict-text")
            with Horizontal(id="conflict-buttons"):
                yield Button("Reload (r)", id="reload", variant="primary")
                yield Button("Keep yours (k)", id="keep", variant="warning")
                yield Button("Later (esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: ConflictChoice) -> None:
        self.dismiss(choice)


__all__ = ["ConflictModal", "ConflictChoice", "changed_when", "conflict_text"]
