"""F1 help for any screen: its keys (as they are active now), what the colours and symbols
mean, and the screen's own ``HELP`` text when it has one.

Generic by design: ``HelpScreen(screen)`` reads ``screen.active_bindings``, so every screen
gets accurate help without writing any. A screen may add a ``HELP`` string attribute.
"""

from __future__ import annotations

import re

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from omtui.domain.due import Status

#: The status legend: symbol, colour class, meaning. Meaning never rests on colour alone.
LEGEND = (
    (Status.OVERDUE, "overdue", "error colour", "overdue: the due date has passed"),
    (Status.DUE_SOON, "due-soon", "warning colour", "due soon: within a couple of working days"),
    (Status.DUE, "due", "normal text", "due: not yet, nothing to do today"),
    (Status.DONE, "done", "success colour", "done: recorded as completed"),
)


#: Textual's own screen keys (focus next/previous, copy): explained in one sentence below the
#: table instead of three rows of it.
_BUILT_IN_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text"}


def help_bindings(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(key shown, description, tooltip, where) for the keys active on ``screen`` now.

    The screen's and the app's bindings are all listed; a focused widget's own bindings only
    when the widget shows them in the footer (an input's editing keys are not news), and
    Textual's focus and copy keys are summed up in a sentence instead.
    """
    app = screen.app
    rows: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description or binding.action in _BUILT_IN_ACTIONS:
            continue
        node = active.node
        where = "everywhere" if node is app else "this screen" if node is screen else "this field"
        if where == "this field" and not binding.show:
            continue
        shown = app.get_key_display(binding) if binding.key_display is None else binding.key_display
        marker = (shown, binding.description)
        if marker in seen:
            continue
        seen.add(marker)
        rows.append((shown, binding.description, active.tooltip or binding.tooltip or "", where))
    order = {"this field": 0, "this screen": 1, "everywhere": 2}
    rows.sort(key=lambda row: order[row[3]])
    return rows


def screen_name(screen: Screen) -> str:
    """What the person sees the screen called: its title, or (a form) its box's title, or
    its class name in words ("ContactEntryScreen" -> "Contact entry")."""
    if screen.sub_title or screen.title:
        return str(screen.sub_title or screen.title)
    for widget in screen.query("*"):
        if widget.border_title:
            return str(widget.border_title)
    words = re.findall(r"[A-Z][a-z]*", type(screen).__name__.removesuffix("Screen"))
    return " ".join(words).capitalize() or type(screen).__name__


class HelpScreen(ModalScreen[None]):
    """Keys, colours and notes for the screen underneath. Escape, F1 or q closes it."""

    BINDINGS = [
        Binding("escape,f1,q", "close", "Close help", tooltip="Back to the screen.",
                id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen #help-box {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen .help-heading {
        text-style: bold;
        color: $primary;
        margin: 1 0 0 0;
    }
    HelpScreen #help-keys { height: auto; }
    HelpScreen .legend { height: 1; }
    HelpScreen .legend.overdue { color: $error; text-style: bold; }
    HelpScreen .legend.due-soon { color: $warning; text-style: bold; }
    HelpScreen .legend.done { color: $success; }
    HelpScreen #help-footer { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen
        self.rows = help_bindings(screen)
        self.heading = f"Help: {screen_name(screen)}"
        self.help_text = getattr(screen, "HELP", None) or ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = self.heading
            if self.help_text:
                yield Static(Text(self.help_text), id="help-text")
            yield Static(Text("Keys"), classes="help-heading")
            yield Static(self.keys_table(), id="help-keys")
            yield Static(Text("Colours and symbols"), classes="help-heading")
            for status, css, colour, meaning in LEGEND:
                yield Static(Text(f" {status.symbol}  {meaning} ({colour})"),
                             classes=f"legend {css}")
            yield Static(Text("Tab and Shift+Tab move between fields and tables; Ctrl+C "
                              "copies selected text. Escape, F1 or q closes this help. Ctrl+P "
                              "opens the command palette. While typing in a field, letters go "
                              "into the field: press Escape first to use a letter key."),
                         id="help-footer")

    def keys_table(self) -> Table:
        """The keys as a Rich table that wraps to the width (plain Text cells, no markup)."""
        table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("Does", ratio=1)
        table.add_column("Where", no_wrap=True)
        table.add_column("More", ratio=2)
        for key, description, tooltip, where in self.rows:
            table.add_row(Text(key), Text(description), Text(where), Text(tooltip))
        return table

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
