"""The baseline for bench/tui.py: the caseload shown in a textual DataTable.

This is how the caseload table was built before it drew its own lines: a DataTable holding
the first 150 matching rows (more added as the cursor gets near the end), cleared and refilled
on every filter key. Same cells, same screen; only the table differs. Used by the benchmark
only (the screen looks it up as ``omtui.screens.caseload.CaseloadTable``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from omtui.widgets import caseload_table
from omtui.widgets.caseload_table import COLUMNS

FIRST_CHUNK = 150


class CaseloadTable(DataTable):
    """DataTable with the caseload table's few public calls (bench baseline)."""

    _cells = caseload_table.CaseloadTable._cells
    _date = caseload_table.CaseloadTable._date
    _appointment = caseload_table.CaseloadTable._appointment

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.layout_name = "wide"
        self.today = None
        self._rows = []
        self.generation = 0
        self.painted = -1

    @property
    def shown_rows(self):
        return list(self._rows)

    @property
    def complete(self) -> bool:
        return True

    def forget_lines(self) -> None:
        pass

    def set_layout(self, name: str) -> None:
        if name != self.layout_name or not self.columns:
            self.layout_name = name
            self.show_rows(self._rows)

    def show_rows(self, rows: Sequence, *, keep_cursor: bool = True) -> None:
        current = self.current_crn if keep_cursor else None
        self._rows = list(rows)
        self.generation += 1
        self.clear(columns=True)
        for key, label, width in COLUMNS[self.layout_name]:
            self.add_column(Text(label, no_wrap=True), key=key, width=width)
        keys = [k for k, _l, _w in COLUMNS[self.layout_name]]
        for row in self._rows[:FIRST_CHUNK]:
            cells = self._cells(row)
            self.add_row(*(cells[k] for k in keys), key=row.crn)
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current))

    @property
    def current_crn(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def move_to(self, crn: str) -> bool:
        if crn not in self.rows:
            return False
        self.move_cursor(row=self.get_row_index(crn))
        return True

    def render_lines(self, crop):
        self.painted = self.generation
        return super().render_lines(crop)
