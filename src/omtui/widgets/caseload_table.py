"""The caseload table: one row per case (RowKey = CRN), most urgent first.

Store-agnostic: the screen hands it :class:`~omtui.caseload_view.CaseRow` objects. Only the
rows a person can reach soon are in the DataTable: the first few screenfuls, then more as the
cursor or the scroll gets near the end (End and ctrl+end add the rest). So a caseload of
thousands shows at once and each filter key costs the same however many cases match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from omtui.caseload_view import CaseRow
from omtui.widgets.risk_flags import flag_codes, rosh_text
from omtui.widgets.text import StatusStyles, literal

#: Rows added in the first go, and each time the cursor or scroll nears the last row added.
FIRST_CHUNK = 150
CHUNK = 150
#: How close (in rows) to the last row added before more are added.
MARGIN = 60

# (key, label, width) per layout. "narrow" fits 80 columns; "wide" shows everything.
COLUMNS = {
    "wide": (("crn", "CRN", 7), ("name", "Name", 26), ("order", "Order", 5), ("tier", "Tier", 4),
             ("rosh", "RoSH", 6), ("flags", "Flags", 20), ("status", "Status", 10),
             ("next", "Next due", 22), ("due", "Due", 11), ("overdue", "Overdue", 7),
             ("appt", "Next appt", 12)),
    "narrow": (("crn", "CRN", 7), ("name", "Name", 17), ("tier", "T", 1), ("flags", "Flags", 9),
               ("status", "St", 2), ("next", "Next due", 15), ("due", "Due", 6),
               ("overdue", "Ovd", 3)),
}


class CaseloadTable(DataTable):
    """A DataTable of cases. Enter posts ``DataTable.RowSelected`` with the CRN as row key."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="caseload.select",
                tooltip="Open the highlighted case."),
        Binding("j", "cursor_down", "Down", show=False, id="caseload.down",
                tooltip="Move to the next case."),
        Binding("k", "cursor_up", "Up", show=False, id="caseload.up",
                tooltip="Move to the previous case."),
        Binding("g", "scroll_top", "First", show=False, id="caseload.first",
                tooltip="Go to the first case."),
        Binding("G,end", "scroll_bottom", "Last", show=False, id="caseload.last",
                tooltip="Go to the last case."),
        Binding("home", "scroll_top", "First", show=False, id="caseload.home",
                tooltip="Go to the first case."),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.layout_name = "wide"
        self.today: date | None = None
        self._rows: list[CaseRow] = []
        self._pending: list[CaseRow] = []
        self._adding = False
        self._styles: StatusStyles | None = None

    # -- public ------------------------------------------------------------------------------
    @property
    def shown_rows(self) -> list[CaseRow]:
        """The rows this table is showing (or about to), in order."""
        return list(self._rows)

    @property
    def complete(self) -> bool:
        """Every row has been added to the DataTable (large lists add theirs as you scroll)."""
        return not self._pending

    def set_layout(self, name: str) -> None:
        if name != self.layout_name or not self.columns:
            self.layout_name = name
            self.show_rows(self._rows, keep_cursor=True)

    def show_rows(self, rows: Sequence[CaseRow], *, keep_cursor: bool = True) -> None:
        """Replace the rows (the cursor stays on the same case when it is still shown)."""
        current = self.current_crn if keep_cursor else None
        self._styles = StatusStyles.for_app(self.app)
        self._rows = list(rows)
        self._pending = []            # clear() moves the cursor: nothing must be added then
        wanted = [k for k, _l, _w in COLUMNS[self.layout_name]]
        if [c.value for c in self.columns] == wanted:
            self.clear()
        else:
            self.clear(columns=True)
            for key, label, width in COLUMNS[self.layout_name]:
                self.add_column(Text(label, no_wrap=True), key=key, width=width)
        first, self._pending = self._rows[:FIRST_CHUNK], self._rows[FIRST_CHUNK:]
        self._add(first)
        if current is not None:
            self.move_to(current)

    @property
    def current_crn(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - no rows or cursor out of range
            return None
        return key.value

    def move_to(self, crn: str) -> bool:
        """Put the cursor on a case (adding the rest of the rows first if need be)."""
        if crn not in self.rows:
            at = next((i for i, r in enumerate(self._pending) if r.crn == crn), None)
            if at is None:
                return False
            self.add_more(at + CHUNK)
        self.move_cursor(row=self.get_row_index(crn))
        return True

    # -- internals ---------------------------------------------------------------------------
    def add_more(self, at_least: int = CHUNK) -> None:
        """Add the next rows not yet in the DataTable."""
        if not self._pending:
            return
        chunk, self._pending = self._pending[:at_least], self._pending[at_least:]
        self._add(chunk)

    def add_all(self) -> None:
        self.add_more(len(self._pending))

    def _near_the_end(self) -> None:
        if not self._pending or self._adding or not self.size.height:
            return
        visible_bottom = int(self.scroll_y) + self.size.height
        if max(self.cursor_row, visible_bottom) >= self.row_count - MARGIN:
            self.add_more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._near_the_end()

    def watch_cursor_coordinate(self, old_coordinate, new_coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        self._near_the_end()

    def action_scroll_bottom(self) -> None:
        self.add_all()
        super().action_scroll_bottom()


    def _add(self, rows: Sequence[CaseRow]) -> None:
        keys = [k for k, _l, _w in COLUMNS[self.layout_name]]
        self._adding = True
        try:
            for row in rows:
                cells = self._cells(row)
                self.add_row(*(cells[k] for k in keys), key=row.crn)
        finally:
            self._adding = False

    def _date(self, d: date, narrow: bool) -> str:
        """'Mon 23 Nov' (wide) or '23 Nov' (narrow) this year; '17 Jan 2025' / "Jan'25" else."""
        if self.today is not None and d.year != self.today.year:
            return d.strftime("%b'%y") if narrow else d.strftime("%d %b %Y")
        return d.strftime("%d %b") if narrow else d.strftime("%a %d %b")

    def _cells(self, row: CaseRow) -> dict[str, Text]:
        styles = self._styles or StatusStyles.for_app(self.app)
        narrow = self.layout_name == "narrow"
        case = row.case
        nd = row.next_due
        st = styles.for_status(nd.status if nd else None)
        overdue = (Text(str(row.overdue), style=styles.overdue, justify="right") if row.overdue
                   else Text("0", style="dim", justify="right"))
        if row.pending:
            wait = Text("…", style="dim")
            status = wait
            nxt = Text("working out…", style="dim italic")
            due = Text("")
            overdue = Text("…", style="dim", justify="right")
        else:
            status = styles.status_text(nd.status if nd else None, words=not narrow)
            nxt = literal(nd.title, st) if nd else Text("nothing due", style="dim")
            due = Text(self._date(nd.due, narrow), style=st, no_wrap=True) if nd else Text("")
        return {
            "crn": Text(case.crn, no_wrap=True),
            "name": literal(case.name),
            "order": Text(row.order, no_wrap=True),
            "tier": Text(str(case.tier), no_wrap=True),
            "rosh": rosh_text(case, short=True),
            "flags": flag_codes(case, compact=narrow),
            "status": status,
            "next": nxt,
            "due": due,
            "overdue": overdue,
            "appt": self._appointment(case),
        }

    def _appointment(self, case) -> Text:
        """The next appointment (wide layout): '26 Nov 10:00', or a dash."""
        from omtui.domain.appointments import next_appointment, slot_of

        nxt = next_appointment(case, self.today) if self.today is not None else None
        if nxt is None:
            return Text("–", style="dim")
        slot = slot_of(nxt)
        label = slot.day.strftime("%d %b") + (f" {slot.at.strftime('%H:%M')}" if slot.at else "")
        return Text(label, no_wrap=True)
