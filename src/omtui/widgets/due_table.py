"""A table of due items: status (symbol and word), due date, rule title, source.

Enter or ``e`` on a row posts :class:`DueTable.ExplainRequested` for that item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from omtui.domain.due import DueItem
from omtui.widgets.text import StatusStyles, literal


class DueTable(DataTable):
    BINDINGS = [
        Binding("e", "explain", "Explain", tooltip="Why this item is due when it is.",
                id="due.explain"),
    ]

    @dataclass
    class ExplainRequested(Message):
        table: DueTable
        item: DueItem

    def __init__(self, *, id: str | None = None, compact: bool = False) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.items: list[DueItem] = []
        self.compact = compact
        self.today: date | None = None

    def show_items(self, items: Sequence[DueItem], today: date | None = None) -> None:
        """Show ``items`` (in the order given); columns fit the table's width."""
        self.items = list(items)
        self.today = today
        self._shown_width = self._width()
        styles = StatusStyles.for_app(self.app)
        cursor = self.cursor_row
        narrow = self._shown_width < 110
        due_w = 11 if narrow else 15
        src_w = min(max([len(i.source) for i in self.items] + [6]), 14 if narrow else 30)
        title_w = max(16, self._shown_width - 2 - (10 + due_w + src_w) - 8)
        self.clear(columns=True)
        self.add_column("Status", key="status", width=10)
        self.add_column("Due", key="due", width=due_w)
        self.add_column("What", key="title", width=title_w)
        self.add_column("Source", key="source", width=src_w)
        for i, item in enumerate(self.items):
            st = styles.for_status(item.status)
            due = Text(item.due.strftime("%d %b %Y" if narrow else "%a %d %b %Y"), style=st,
                       no_wrap=True)
            title = literal(item.title, st)
            if item.done_on is not None:
                late = f", {item.late_by} wd late" if item.late_by else ""
                title.append(f"  (done {item.done_on.strftime('%d %b %Y')}{late})", style="dim")
            self.add_row(styles.status_text(item.status), due, title, literal(item.source),
                         key=str(i))
        if self.items and 0 < cursor < len(self.items):
            self.move_cursor(row=cursor)

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def on_resize(self, event) -> None:
        if self.items and abs(self._width() - getattr(self, "_shown_width", 0)) > 0:
            self.show_items(self.items, self.today)

    @property
    def selected_item(self) -> DueItem | None:
        if not self.items or not self.row_count:
            return None
        row = self.cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def action_explain(self) -> None:
        item = self.selected_item
        if item is not None:
            self.post_message(self.ExplainRequested(self, item))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table is self:
            event.stop()
            self.action_explain()
