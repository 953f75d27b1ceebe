"""Keys typed quickly reach the field they were meant for, and a save waits for them.

Textual hands each key to the widget that has the focus *when the key arrives* and queues it
there. A one-key choice (:class:`~omtui.widgets.key_picker.KeyPicker`) moves the focus on as
soon as it picks, but keys typed before it did so are already queued for it. Two pieces keep
fast typing ("o a ctrl+s", or keys sent by a terminal multiplexer in one burst) in order:

* :func:`pass_on`: a field that no longer has the focus gives a key queued for it to the field
  that has the focus now, marked as already forwarded (so the app does not forward it again);
* :class:`SavesAfterTyping`: a screen mixin whose :meth:`~SavesAfterTyping.after_typing` runs
  an action (the save) only once every key typed before it has been handled. It sends a marker
  down the same queue the keys went to, and follows the focus until the marker reaches a field
  that still has the focus: by then every earlier key is in.

Widgets here never touch the store.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.message import Message
from textual.widget import Widget

#: Enough for any form: each hop is one field the focus moved through while the keys came in.
MAX_HOPS = 32


def pass_on(widget: Widget, event: events.Key) -> bool:
    """When ``widget`` no longer has the focus, give ``event`` (a key queued for it before the
    focus moved) to the widget that has it now. True when passed on (the caller stops here)."""
    focused = widget.screen.focused
    if focused is None or focused is widget:
        return False
    event.stop()
    event.prevent_default()
    send_key(focused, event.key, event.character)
    return True


def send_key(widget: Widget, key: str, character: str | None) -> None:
    """Queue a key for ``widget`` as if typed while it had the focus (after the keys already
    queued for it). Unhandled, it bubbles to the app's bindings as a typed key would."""
    event = events.Key(key, character)
    event._set_forwarded()              # the app must not forward it a second time
    widget.post_message(event)


class AfterTyping(Message):
    """The marker: handled by the screen once it has passed through ``via``'s queue."""

    def __init__(self, via: Widget, action: Callable[[], object], hops: int) -> None:
        super().__init__()
        self.via = via
        self.action = action
        self.hops = hops


class SavesAfterTyping:
    """Mixin for a form screen (list it before the Screen class)."""

    def after_typing(self, action: Callable[[], object]) -> None:
        """Run ``action`` after every key already typed has reached its field."""
        focused = self.focused          # type: ignore[attr-defined]
        if focused is None:
            action()
            return
        focused.post_message(AfterTyping(focused, action, 0))

    def on_after_typing(self, message: AfterTyping) -> None:
        """(Found by name: a mixin's ``@on`` handlers are not collected.)"""
        message.stop()
        focused = self.focused          # type: ignore[attr-defined]
        if focused is not None and focused is not message.via and message.hops < MAX_HOPS:
            # The focus moved on while the keys came in: they were passed on to ``focused``
            # (pass_on), so follow them there.
            focused.post_message(AfterTyping(focused, message.action, message.hops + 1))
            return
        message.action()


__all__ = ["SavesAfterTyping", "pass_on", "send_key"]
