"""FormTextArea (widgets/typed_order.py) on its own: keys sent in one burst take effect in the
order typed, and what TextArea types itself (enter, an indenting tab) stays as it was."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from omtui.widgets.typed_order import FormTextArea


class NoteApp(App[None]):
    def __init__(self, tab_behavior: str) -> None:
        super().__init__()
        self.tab_behavior = tab_behavior

    def compose(self) -> ComposeResult:
        yield Input(id="before")
        yield FormTextArea(id="note", tab_behavior=self.tab_behavior)  # type: ignore[arg-type]
        yield Input(id="after")


def burst(app: App, keys: list[str]) -> None:
    for key in keys:                                       # no pause between them
        character = {"enter": "\r", "tab": "\t"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def test_with_indenting_tab_the_tab_indents_in_place_and_backspace_acts_in_order():
    """``tab_behavior="indent"``: "abc", backspace, tab, "d", enter, "e" at once reads
    "ab    d" then "e" on a new line, and the focus stays in the note."""
    app = NoteApp("indent")
    async with app.run_test() as pilot:
        note = app.query_one("#note", FormTextArea)
        note.focus()
        await pilot.pause()
        burst(app, [*"abc", "backspace", "tab", "d", "enter", "e"])
        await pilot.pause(0.2)
        assert note.text == "ab  d\ne"
        assert app.focused is note


async def test_with_focus_tab_the_keys_after_tab_go_to_the_next_field():
    """``tab_behavior="focus"``: "ab", left, "X", tab, "c" at once: X goes before b (the
    arrow acted before it) and c goes to the next field."""
    app = NoteApp("focus")
    async with app.run_test() as pilot:
        note = app.query_one("#note", FormTextArea)
        note.focus()
        await pilot.pause()
        burst(app, [*"ab", "left", "X", "tab", "c"])
        await pilot.pause(0.2)
        assert note.text == "aXb"
        assert app.focused is app.query_one("#after", Input)
        assert app.query_one("#after", Input).value == "c"
