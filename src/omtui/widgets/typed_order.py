"""Keys typed quickly reach the field they were meant for, in order, and a save waits for them.

Textual hands each key to the widget that has the focus *when the app reads the key* and
queues it there; every widget works through its own queue. Two things break fast typing in a
form ("c o a ctrl+s" sent in one burst, or keys a terminal multiplexer passes on every 60 ms):

* while the form is being built nothing has the focus, so keys are queued for the screen, and
  by the time the screen reads them the first field may have the focus: they must go there;
* a one-key choice (:class:`~omtui.widgets.key_picker.KeyPicker`) moves the focus on as soon
  as it picks, but the keys typed before it did so are already queued for it;
* a text field's editing keys and tab take effect only once they have bubbled up to the app,
  after the letters typed behind them (:class:`FormInput` and, for a multi-line note,
  :class:`FormTextArea` apply them at once).

:class:`TypedInOrder` (a mixin for form screens) and :func:`pass_on` (called by a field at the
top of its key handler) keep one order:

1. While the form is opening (:attr:`TypedInOrder.keys_held`) the screen keeps every key.
   :meth:`~TypedInOrder.ready_for_typing` focuses the first field and sends the screen a
   marker; keys the app queued for the screen before the focus moved are ahead of the marker,
   and a key that reaches the field before the marker is handed back to the screen (behind
   it). At the marker the kept keys go to the first field, in order.
2. A field that no longer has the focus gives a key queued for it to the field that has it.
3. :meth:`~TypedInOrder.after_typing` runs an action (the save) once every key typed before it
   has been handled: it sends a marker down the queue the keys went to and follows the focus
   until the marker reaches a field that still has it.

Widgets here never touch the store.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, TextArea

#: Enough for any form: each hop is one field the focus moved through while the keys came in.
MAX_HOPS = 32


def send_key(target: Widget, key: str, character: str | None) -> None:
    """Queue a key for ``target`` (a field, or a :class:`TypedInOrder` screen) behind the keys
    already queued there. Unhandled, it bubbles to the app's bindings as a typed key does."""
    event = events.Key(key, character)
    event._set_forwarded()                  # the app must not forward it a second time
    event.via = target                      # type: ignore[attr-defined]  (typed keys have none)
    target.post_message(event)


def pass_on(widget: Widget, event: events.Key) -> bool:
    """Call first in a field's key handler. When the key belongs elsewhere (the form is still
    opening, or the focus has moved on from ``widget``) send it there and return True."""
    screen = widget.screen
    if getattr(screen, "keys_held", False):
        target: Widget | None = screen
    else:
        target = screen.focused
        if target is None or target is widget:
            return False
    event.stop()
    event.prevent_default()
    send_key(target, event.key, event.character)
    return True


#: Keys that move the focus and the screen method each one calls.
FOCUS_KEYS = {"tab": "focus_next", "shift+tab": "focus_previous"}


async def keys_in_order(field: Widget, event: events.Key, *, own: Collection[str] = ()) -> None:
    """A text field's key handler (call it from ``on_key``, which runs before the widget's own
    ``_on_key``): apply the key now, in queue order, instead of when it reaches the app.

    A key that belongs elsewhere is passed on (:func:`pass_on`); tab and shift+tab move the
    focus; a key bound by the field itself (backspace, delete, arrows, home, end…) runs its
    action. Keys listed in ``own`` and the rest (printable text, and keys the widget types in
    its own ``_on_key``, such as a text area's enter) are left to the widget, which handles
    them at once anyway."""
    if pass_on(field, event) or field.screen.focused is not field or event.key in own:
        return
    if event.key in FOCUS_KEYS:
        event.stop()
        event.prevent_default()
        getattr(field.screen, FOCUS_KEYS[event.key])()
        return
    bindings = field._bindings.key_to_bindings.get(event.key)
    if bindings and not event.is_printable:
        event.stop()
        event.prevent_default()
        await field.run_action(bindings[0].action)


class FormInput(Input):
    """A form's text field whose keys take effect in the order typed.

    Textual applies a field's editing keys (backspace, delete, arrows: bindings) only once the
    key has bubbled up to the app, while letters are typed in at once; and tab moves the focus
    only when it reaches the app's binding. In a burst ("⌫⌫⌫⌫⌫31/02/26", a paste, keys from a
    terminal multiplexer) the backspaces then delete the new text, and text typed after tab
    lands in the field just left. Here editing keys and tab act at once, in queue order, and a
    key queued here after the focus has moved on is passed on."""

    async def on_key(self, event: events.Key) -> None:   # runs before Input's own handler
        await keys_in_order(self, event)


class FormTextArea(TextArea):
    """A form's multi-line note whose keys take effect in the order typed, as
    :class:`FormInput` does for a one-line field.

    Text, enter (a new line) and, with ``tab_behavior="indent"``, tab (an indent) and escape
    are typed by TextArea's own key handler at once and stay so; its editing keys (backspace,
    delete, arrows, home, end, ctrl+k…: bindings) and tab (``tab_behavior="focus"``) or
    shift+tab, which Textual applies only when they reach the app, now act at once."""

    async def on_key(self, event: events.Key) -> None:   # runs before TextArea's own handler
        own = ("tab", "escape") if self.tab_behavior == "indent" else ()
        await keys_in_order(self, event, own=own)


class TypingMarker(Message):
    """Handled by the screen once it has passed through ``via``'s queue."""

    def __init__(self, via: object, action: Callable[[], object] | None, hops: int) -> None:
        super().__init__()
        self.via = via
        self.action = action
        self.hops = hops


class TypedInOrder:
    """Mixin for a form screen (list it before the Screen class). A form built after it opens
    sets ``keys_held = True`` and ``AUTO_FOCUS = ""`` (nothing focused) and calls
    :meth:`ready_for_typing` once its fields exist. (Handlers are found by name: a mixin's
    ``@on`` handlers are not collected.)"""

    keys_held = False
    _held: tuple[tuple[str, str | None], ...] = ()
    _held_actions: tuple[Callable[[], object], ...] = ()

    def ready_for_typing(self, first: Widget) -> None:
        """Give ``first`` the focus now; the keys kept so far follow it, in order."""
        self.set_focus(first)                                   # type: ignore[attr-defined]
        self.post_message(TypingMarker(self, None, 0))         # type: ignore[attr-defined]

    def after_typing(self, action: Callable[[], object]) -> None:
        """Run ``action`` after every key already typed has reached its field."""
        if self.keys_held:
            self._held_actions += (action,)
            return
        focused = self.focused                                  # type: ignore[attr-defined]
        if focused is None:
            action()
            return
        focused.post_message(TypingMarker(focused, action, 0))

    def on_key(self, event: events.Key) -> None:
        if self.keys_held:
            if event.key != "escape":                          # escape still closes the form
                event.stop()
                event.prevent_default()
                self._held += ((event.key, event.character),)
            return
        focused = self.focused                                  # type: ignore[attr-defined]
        if getattr(event, "via", None) is self and focused is not None:
            event.stop()                        # handed back while the form was opening
            event.prevent_default()
            send_key(focused, event.key, event.character)

    def on_typing_marker(self, message: TypingMarker) -> None:
        message.stop()
        if message.action is None:                              # the form is ready
            self.keys_held = False
            held, self._held = self._held, ()
            actions, self._held_actions = self._held_actions, ()
            target = self.focused or self                       # type: ignore[attr-defined]
            for key, character in held:
                send_key(target, key, character)
            for action in actions:
                self.after_typing(action)
            return
        focused = self.focused                                  # type: ignore[attr-defined]
        if focused is not None and focused is not message.via and message.hops < MAX_HOPS:
            # The focus moved on while the keys came in; they were passed on to ``focused``.
            focused.post_message(TypingMarker(focused, message.action, message.hops + 1))
            return
        message.action()


__all__ = ["FormInput", "FormTextArea", "TypedInOrder", "keys_in_order", "pass_on",
           "send_key"]
