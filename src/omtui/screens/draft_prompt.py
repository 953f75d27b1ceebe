"""Drafts on screen: offer a saved draft (resume or discard, asking before discarding), a yes/no
confirmation, and :class:`FormAutosave`, which saves what the officer types as they type.

How autosave works: the screen calls ``autosave.changed(payload)`` on every edit; a Textual
interval (every ``tick`` seconds) checks whether the debounce delay has passed and, if so, a
thread worker writes the draft (``omtui.drafts``: atomic, fsynced, 0600). Quitting flushes it
at once; a crash or power cut leaves the last draft written (at most ``delay + tick`` seconds
old). Once the form is saved to the store the draft is discarded.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from omtui.drafts import Autosaver, Draft, DraftError, DraftKey, DraftStore
from omtui.widgets.text import literal

DraftChoice = Literal["resume", "discard", "later"]

#: Seconds after the last keystroke before the draft is written, and how often that is checked.
AUTOSAVE_DELAY = 0.8
AUTOSAVE_TICK = 0.25


#: What each kind of draft is, and the keys that open its form again (the form offers it there).
_RESUME_AT = {
    "contact": ("a contact being logged", "open the case, then c, or the appointment in l"),
    "objective": ("a sentence-plan objective", "open the case, then p"),
    "plan-details": ("the sentence plan's details", "open the case, then p"),
    "induction": ("an induction checklist", "open the case, then i"),
    "explanation": ("an explanation for a failure to comply",
                    "open the case, then f, the failure, then x"),
    "breach": ("a breach or recall being started", "open the case, then f, the failure, then b"),
    "immediate": ("an immediate breach or recall", "open the case, then f, then i"),
    "suspension": ("a suspension of the contact schedule", "open the case, then l, then s"),
    "court-outcome": ("the court outcome of a breach", "open the case, then f, then o"),
    "custody": ("a return to custody or re-release", "open the case, then f, then t"),
}


def where_to_resume(form: str) -> str:
    """One line saying what a draft of ``form`` is, for which case, and how to get back to it,
    e.g. ``X100001: a contact being logged (open the case, then c)``."""
    kind, _, rest = form.partition(":")
    crn = rest.split(":", 1)[0] or "?"
    what, how = _RESUME_AT.get(kind, (f"a {kind} form", "open the case and the same form"))
    return f"{crn}: {what} ({how})"


def drafts_notice(infos: list[Any], limit: int = 3) -> str | None:
    """The start-up reminder of work typed but never saved (None when there is none)."""
    readable = [i for i in infos if getattr(i, "key", None) is not None]
    if not readable:
        return None
    lines = [where_to_resume(i.key.form) for i in readable[:limit]]
    if len(readable) > limit:
        lines.append(f"… and {len(readable) - limit} more")
    head = f"{len(readable)} unsaved draft(s) kept from before; each form offers its draft:"
    return "\n".join([head, *lines])


def draft_store_for(app: Any) -> DraftStore:
    """The app's draft store (``app.drafts`` if it has one, else the default directory)."""
    store = getattr(app, "drafts", None)
    if isinstance(store, DraftStore):
        return store
    return DraftStore()


def officer_of(app: Any) -> str:
    officer = getattr(app, "officer", None) or getattr(getattr(app, "store", None), "officer", None)
    return officer if isinstance(officer, str) and officer.strip() else "unknown"


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; ``n`` / escape is the safe default and has the focus."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes."),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="No (the safe choice)."),
    ]

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > #confirm-box { width: 70; max-width: 100%; height: auto;
        border: round $warning; background: $surface; padding: 0 1; }
    ConfirmModal #confirm-buttons { height: auto; margin-top: 1; }
    ConfirmModal Button { margin-right: 2; }
    """

    def __init__(self, question: str | Text, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question if isinstance(question, Text) else literal(question, single_line=False)
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.no} (n)", id="no", variant="primary")
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class DraftPrompt(ModalScreen[DraftChoice]):
    """"You have a draft of this form": resume (r / enter), discard (d, then confirm), later."""

    BINDINGS = [
        Binding("r", "choose('resume')", "Resume", id="draft.resume",
                tooltip="Open the form with what you typed."),
        Binding("d", "discard", "Discard…", id="draft.discard",
                tooltip="Throw the draft away (you will be asked to confirm)."),
        Binding("escape", "choose('later')", "Later", id="draft.later",
                tooltip="Keep the draft and decide later."),
    ]

    DEFAULT_CSS = """
    DraftPrompt { align: center middle; }
    DraftPrompt > #draft-box { width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    DraftPrompt #draft-buttons { height: auto; margin-top: 1; }
    DraftPrompt Button { margin-right: 2; }
    """

    def __init__(self, what: str, saved_at: str, preview: str) -> None:
        super().__init__()
        self.what, self.saved_at, self.preview = what, saved_at, preview

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Unsaved draft: ", style="bold")
        text.append_text(literal(self.what, "bold"))
        text.append(f"\nSaved automatically at {self.saved_at.replace('T', ' ')[:19]} UTC.\n",
                    style="dim")
        text.append_text(literal(self.preview[:400], single_line=False))
        with Vertical(id="draft-box") as box:
            box.border_title = "Resume what you typed?"
            yield Static(text, id="draft-text")
            with Horizontal(id="draft-buttons"):
                yield Button("Resume (r)", id="resume", variant="primary")
                yield Button("Discard… (d)", id="discard", variant="error")
                yield Button("Later (esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "discard":
            self.action_discard()
        else:
            self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: DraftChoice) -> None:
        self.dismiss(choice)

    def action_discard(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss("discard")

        self.app.push_screen(ConfirmModal(
            f"Discard the draft of {self.what}? What was typed will be lost.",
            yes="Discard", no="Keep it"), answered)


#: Every form's autosave still open (the app writes their drafts if its terminal is lost).
_OPEN: weakref.WeakSet[FormAutosave] = weakref.WeakSet()


def flush_all_drafts() -> None:
    """Write the pending draft of every open form at once (blocking, small)."""
    for autosave in list(_OPEN):
        autosave.flush_now()


class FormAutosave:
    """Debounced draft saving for one form on one screen (see the module text)."""

    def __init__(self, host: Widget, store: DraftStore, key: DraftKey,
                 delay: float = AUTOSAVE_DELAY, tick: float = AUTOSAVE_TICK) -> None:
        self.host = host
        self.saver = Autosaver(store, key, delay=delay)
        self.key = key
        self.enabled = True
        self.failed: str | None = None
        host.set_interval(tick, self._tick, name=f"autosave {key.form}")
        _OPEN.add(self)

    def changed(self, payload: Any) -> None:
        if self.enabled:
            self.saver.changed(payload)

    def _tick(self) -> None:
        if self.saver.due():
            self._flush_in_worker()

    def _flush_in_worker(self) -> None:
        saver, host = self.saver, self.host

        def flush() -> None:
            try:
                saver.flush_if_due()
            except (DraftError, OSError, TypeError) as exc:
                host.app.call_from_thread(self._failed, str(exc))

        host.run_worker(flush, thread=True, exclusive=True, group=f"draft:{self.key.form}",
                        exit_on_error=False, description="Saving the draft")

    def _failed(self, message: str) -> None:
        if self.failed != message:
            self.failed = message
            self.host.notify(f"The draft could not be saved: {message}", title="Draft",
                             severity="error", timeout=8, markup=False)

    def flush_now(self) -> None:
        """Write any pending draft at once (on quit / leaving the form): blocking, small."""
        try:
            self.saver.flush()
        except (DraftError, OSError, TypeError) as exc:
            self._failed(str(exc))

    def discard(self) -> None:
        """The form was saved: forget the draft (in a worker)."""
        self.enabled = False
        _OPEN.discard(self)
        saver = self.saver

        def drop() -> None:
            try:
                saver.discard()
            except (DraftError, OSError):
                pass

        self.host.run_worker(drop, thread=True, group=f"draft:{self.key.form}",
                             exit_on_error=False, description="Discarding the draft")


def load_draft(store: DraftStore, key: DraftKey) -> tuple[Draft | None, str | None]:
    """(draft or None, problem) - a damaged draft file is reported and left in place."""
    try:
        return store.load(key), None
    except DraftError as exc:
        return None, str(exc)


def look_for_draft(host: Widget, store: DraftStore, key: DraftKey,
                   found: Callable[[Draft], None], *, group: str) -> None:
    """Read ``key``'s draft in a thread worker; on the UI thread, warn when it could not be
    read and call ``found`` with it when there is one."""

    def answer(draft: Draft | None, problem: str | None) -> None:
        if problem:
            host.notify(f"A draft could not be read: {problem}", severity="warning",
                        markup=False, timeout=8)
        if draft is not None:
            found(draft)

    def read() -> None:
        draft, problem = load_draft(store, key)
        if draft is not None or problem:
            host.app.call_from_thread(answer, draft, problem)

    host.run_worker(read, thread=True, exclusive=True, group=group, exit_on_error=False,
                    description="Looking for a draft")


def offer_draft(screen: Widget, what: str, draft: Draft, preview: str,
                on_resume: Callable[[Draft], None], store: DraftStore,
                on_discarded: Callable[[], None] | None = None) -> None:
    """Ask the officer what to do with ``draft``; discarding happens only after confirmation."""

    def chosen(choice: DraftChoice | None) -> None:
        if choice == "resume":
            on_resume(draft)
        elif choice == "discard":
            _discard_in_worker(screen, store, draft.key)
            screen.notify("Draft discarded.", timeout=3)
            if on_discarded is not None:
                on_discarded()
        else:
            screen.notify("Draft kept: it will be offered again next time.", timeout=4)

    screen.app.push_screen(DraftPrompt(what, draft.saved_at, preview), chosen)


def _discard_in_worker(host: Widget, store: DraftStore, key: DraftKey) -> None:
    def drop() -> None:
        try:
            store.discard(key)
        except (DraftError, OSError):
            pass

    host.run_worker(drop, thread=True, group=f"draft:{key.form}", exit_on_error=False,
                    description="Discarding the draft")
