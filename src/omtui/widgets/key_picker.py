"""One-key choice fields for quick-entry forms, and the message line under a field.

:class:`KeyPicker` shows its options with their keys (``o Office  h Home visit …``); pressing an
option's key picks it (and, with ``advance=True``, moves focus to the next field at once; keys
already queued for the picker are passed on there, see ``typed_order``), so a form is filled in
a handful of key presses. Left/right (or h/l when no option uses them) move the choice;
space/enter keep the current one and move on. The meaning never rests on colour alone: the
chosen option is marked with ``●`` as well as highlighted.

:class:`FieldError` is the message shown under an input when what was typed cannot be used.
Widgets here never touch the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from omtui.widgets.text import literal
from omtui.widgets.typed_order import pass_on


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    key: str | None = None


class KeyPicker(Widget, can_focus=True):
    """Pick one of a few options with a single key."""

    DEFAULT_CSS = """
    KeyPicker { height: auto; padding: 0 1; }
    KeyPicker:focus { background: $boost; }
    KeyPicker.-invalid { border-left: thick $error; }
    """

    value: reactive[str | None] = reactive(None, layout=True)

    @dataclass
    class Changed(Message):
        picker: KeyPicker
        value: str | None

        @property
        def control(self) -> KeyPicker:
            return self.picker

    def __init__(self, options: Sequence[Option], value: str | None = None, *,
                 advance: bool = True, allow_none: bool = False, id: str | None = None,
                 on_pick: Callable[[str | None], None] | None = None,
                 next_field: Callable[[], Widget | None] | None = None) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.advance = advance
        self.allow_none = allow_none
        #: Called at once with the new value, before the focus moves on (so the form can show
        #: or hide the fields that depend on it first).
        self.on_pick = on_pick
        #: The field to move to after a pick, when the form knows better than the focus chain
        #: (which orders fields by where they were last drawn: a row just shown has no place
        #: in it until the next refresh). None: the next in the focus chain.
        self.next_field = next_field
        self.set_reactive(KeyPicker.value, value)

    # -- reading --------------------------------------------------------------------------------
    @property
    def selected(self) -> Option | None:
        return next((o for o in self.options if o.code == self.value), None)

    def option_for_key(self, key: str) -> Option | None:
        for o in self.options:
            if o.key is not None and o.key == key:
                return o
        lowered = key.lower()
        for o in self.options:
            if o.key is not None and o.key.lower() == lowered:
                return o
        return None

    # -- drawing --------------------------------------------------------------------------------
    def render(self) -> Text:
        out = Text()
        for i, o in enumerate(self.options):
            if i:
                out.append("  ")
            chosen = o.code == self.value
            out.append("●" if chosen else "○", style="bold" if chosen else "dim")
            if o.key:
                out.append(f" {o.key}", style="bold underline" if not chosen else "bold reverse")
            out.append(" ")
            out.append_text(literal(o.label, "bold reverse" if chosen else ""))
        return out

    # -- keys -----------------------------------------------------------------------------------
    def _set(self, option: Option | None, *, move_on: bool) -> None:
        self.value = option.code if option else None
        if self.on_pick is not None:
            self.on_pick(self.value)
        self.post_message(self.Changed(self, self.value))
        if move_on and self.advance:
            self.move_on()

    def move_on(self) -> None:
        """Give the focus to the next field at once (not after a refresh: the next key typed
        must reach the next field)."""
        if self.screen.focused is not self:
            return
        target = self.next_field() if self.next_field is not None else None
        if target is not None:
            self.screen.set_focus(target)
        else:
            self.screen.focus_next()

    def _step(self, delta: int) -> None:
        if not self.options:
            return
        codes = [o.code for o in self.options]
        i = codes.index(self.value) if self.value in codes else (-1 if delta > 0 else 0)
        self._set(self.options[(i + delta) % len(self.options)], move_on=False)

    def on_key(self, event: events.Key) -> None:
        if pass_on(self, event):               # typed before this picker moved the focus on
            return
        if event.key in ("tab", "shift+tab"):
            # Moved here, at once, not by the app's binding after the key has bubbled up: a
            # key typed straight after tab must reach the next field, not pick an option here.
            event.stop(), event.prevent_default()
            if event.key == "tab":
                self.move_on()
            elif self.screen.focused is self:
                self.screen.focus_previous()
            return
        if event.key in ("left", "up"):
            event.stop(), event.prevent_default()
            self._step(-1)
            return
        if event.key in ("right", "down"):
            event.stop(), event.prevent_default()
            self._step(1)
            return
        if event.key in ("space", "enter"):
            event.stop(), event.prevent_default()
            if self.value is not None or self.allow_none:
                self.post_message(self.Changed(self, self.value))
                self.move_on()
            return
        if event.key in ("backspace", "delete") and self.allow_none:
            event.stop(), event.prevent_default()
            self._set(None, move_on=False)
            return
        char = event.character
        if char and len(char) == 1 and char.isprintable() and not char.isspace():
            option = self.option_for_key(char)
            if option is not None:
                event.stop(), event.prevent_default()
                self._set(option, move_on=True)


class FieldError(Static):
    """The message under a field; hidden while there is nothing to say."""

    DEFAULT_CSS = """
    FieldError { height: auto; color: $error; padding: 0 1; display: none; }
    FieldError.-note { color: $warning; }
    """

    def show_error(self, message: str | None) -> None:
        self.remove_class("-note")
        self._put(message)

    def show_note(self, message: str | None) -> None:
        self.add_class("-note")
        self._put(message)

    _message: str = ""

    def _put(self, message: str | None) -> None:
        self._message = message or ""
        if message:
            self.update(literal(message, single_line=False))
            self.display = True
        else:
            self.update("")
            self.display = False

    @property
    def message(self) -> str:
        return self._message


__all__ = ["FieldError", "KeyPicker", "Option"]
