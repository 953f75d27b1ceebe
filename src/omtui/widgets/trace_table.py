"""A table that explains a due date: day 0, every counted and skipped day, the due date.

Give it a :class:`~omtui.domain.calendar.Trace` (from ``WorkingCalendar.explain``) with
:meth:`TraceTable.show_trace`; it never computes anything itself. Used by the working-day
calculator and by any screen that explains a due item. Cells are Rich ``Text`` (never markup),
and the meaning of each row is in words, not colour alone.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import DataTable

from omtui.domain.calendar import WEEKDAYS, Trace, Unit

#: More rows than this would make the table slow to fill: the middle is summarised instead.
MAX_ROWS = 1000

#: Column keys (stable for tests and for sorting).
COLUMNS = (("date", "Date"), ("day", "Day"), ("count", "Count"), ("why", "Why"))


def _row(d: date, count: str, why: str, style: str = "") -> tuple[Text, Text, Text, Text]:
    return (Text(d.isoformat(), style=style, no_wrap=True),
            Text(WEEKDAYS[d.weekday()][:3], style=style, no_wrap=True),
            Text(count, style=style, no_wrap=True),
            Text(why, style=style, no_wrap=True, overflow="ellipsis"))


def trace_rows(trace: Trace) -> list[tuple[str, tuple[Text, Text, Text, Text]]]:
    """(row key, cells) for each line of the explanation, in counting order.

    Rows: day 0; then, for working days, each day between day 0 and the due date in the
    order it was counted (backwards for a negative count), either "working day k" or
    "skipped" with its reason; for calendar units a single due row. The last row is the due
    date, marked "due".
    """
    rows: list[tuple[str, tuple[Text, Text, Text, Text]]] = []
    day0_why = "the event (day 0)"
    if trace.unit is Unit.WORKING_DAYS and trace.n == 0:
        day0_why = "the event (day 0); n = 0 so it is also the due date"
    rows.append(("day0", _row(trace.start, "day 0", day0_why, "bold")))
    if trace.unit is not Unit.WORKING_DAYS:
        why = f"day 0 + {trace.n} {trace.unit.label}"
        if trace.notes:
            why += "; " + "; ".join(trace.notes)
        rows.append(("due", _row(trace.due, "due", why, "bold reverse")))
        return rows
    if trace.n == 0:
        return rows
    sign = "-" if trace.n < 0 else ""
    position = {d: i for i, d in enumerate(trace.counted, start=1)}
    reasons = {s.day: s.reason for s in trace.skipped}
    ordered = sorted(set(position) | set(reasons), reverse=trace.n < 0)
    for d in ordered:
        if d in position:
            k = position[d]
            if d == trace.due:
                rows.append(("due", _row(d, f"{sign}{k}  due", f"working day {sign}{k}: the due "
                                         "date", "bold reverse")))
            else:
                rows.append((d.isoformat(), _row(d, f"{sign}{k}", f"working day {sign}{k}")))
        else:
            rows.append((d.isoformat(), _row(d, "skipped", reasons[d], "dim italic")))
    return rows


class TraceTable(DataTable):
    """Read-only explanation of one due date (row cursor, zebra stripes)."""

    DEFAULT_CSS = """
    TraceTable {
        height: 1fr;
        min-height: 4;
    }
    """

    def __init__(self, trace: Trace | None = None, *, max_rows: int = MAX_ROWS, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self._pending = trace
        self.max_rows = max(max_rows, 3)
        self.trace: Trace | None = None

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)
        self.show_trace(self._pending)

    def show_trace(self, trace: Trace | None) -> None:
        """Show ``trace`` (None clears the table)."""
        self.trace = trace
        if not self.columns:       # not mounted yet: shown on mount
            self._pending = trace
            return
        self.clear()
        if trace is None:
            return
        rows = trace_rows(trace)
        if len(rows) > self.max_rows:
            hidden = len(rows) - (self.max_rows - 1)
            gap = ("more", tuple(Text(t, style="italic") for t in (
                "…", "", f"{hidden} more", f"{hidden} days not listed here: "
                "omtui wd --explain lists every one")))
            rows = rows[: self.max_rows - 2] + [gap, rows[-1]]
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def row_texts(self) -> list[tuple[str, ...]]:
        """The rows as plain strings (what a person reads), top to bottom."""
        return [tuple(str(cell) for cell in self.get_row_at(i)) for i in range(self.row_count)]
