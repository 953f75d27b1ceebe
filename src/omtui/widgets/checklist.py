"""The induction checklist as a keyboard list: one line per item, grouped, with its source.

Arrows move, space ticks or unticks (posts :class:`ChecklistView.Toggled`), ``n`` or enter asks
for the item's note (posts :class:`ChecklistView.NoteRequested`). The widget never touches the
store: the screen keeps the record and calls :meth:`ChecklistView.show` again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from omtui.domain.induction import GROUP_LABELS, GROUPS, ChecklistItem, InductionRecord
from omtui.widgets.text import literal

TICKED, UNTICKED = "[x]", "[ ]"


def item_prompt(item: ChecklistItem, ticked: bool, note: str) -> Text:
    """``[x] text *`` then the source (and the note, if any) on the lines below."""
    t = Text()
    t.append(TICKED if ticked else UNTICKED, style="bold" if ticked else "")
    t.append(" ")
    t.append_text(literal(item.text, "" if ticked else "bold"))
    if item.required:
        t.append(" *", style="bold")
    t.append("\n    ")
    t.append_text(literal(item.source, "dim italic"))
    if not item.required:
        t.append("  (optional)", style="dim")
    if note.strip():
        t.append("\n    Note: ", style="dim")
        t.append_text(literal(note))
    elif item.hint and not ticked:
        t.append("\n    ")
        t.append_text(literal(f"Note: {item.hint}", "dim"))
    return t


class ChecklistView(OptionList):
    """Checklist items grouped under headings (explain / offers / barriers)."""

    BINDINGS = [
        Binding("space", "toggle", "Tick", id="induction.toggle",
                tooltip="Tick or untick the highlighted item."),
        Binding("n", "note", "Note", id="induction.note",
                tooltip="Write a note for the highlighted item."),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    DEFAULT_CSS = """
    ChecklistView { height: 1fr; }
    """

    @dataclass
    class Toggled(Message):
        item_id: str

    @dataclass
    class NoteRequested(Message):
        item_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[ChecklistItem, ...] = ()

    def show(self, items: Sequence[ChecklistItem], record: InductionRecord) -> None:
        """Show ``items`` grouped, ticks and notes from ``record``; the cursor stays put."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        same = tuple(items) == self.items and self.option_count > 0
        self.items = tuple(items)
        options: list[Option] = []
        for group in GROUPS:
            members = [i for i in self.items if i.group == group]
            if not members:
                continue
            done = sum(1 for i in members if record.is_ticked(i.id))
            heading = Text(f"{GROUP_LABELS[group]}  ({done}/{len(members)} ticked)",
                           style="bold underline")
            options.append(Option(heading, id=f"group:{group}", disabled=True))
            for item in members:
                entry = record.entry(item.id)
                options.append(Option(item_prompt(item, entry.ticked, entry.note), id=item.id))
        if same:                               # a tick or a note: new prompts, same list
            for option in options:
                old = self.get_option(option.id)
                if str(old.prompt) != str(option.prompt):
                    self.replace_option_prompt(option.id, option.prompt)
            return
        self.set_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            self.highlighted = ids.index(keep)
        else:
            first = next((n for n, o in enumerate(options) if not o.disabled), None)
            self.highlighted = first

    @property
    def current_item_id(self) -> str | None:
        option = self.highlighted_option
        if option is None or option.disabled or option.id is None:
            return None
        return option.id

    def action_toggle(self) -> None:
        if self.current_item_id is not None:
            self.post_message(self.Toggled(self.current_item_id))

    def action_note(self) -> None:
        if self.current_item_id is not None:
            self.post_message(self.NoteRequested(self.current_item_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and not event.option.disabled:
            self.post_message(self.NoteRequested(event.option.id))
