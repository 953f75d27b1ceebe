"""The caseload table: one row per case, most urgent first (a Line API widget).

Store-agnostic: the screen hands it :class:`~omtui.caseload_view.CaseRow` objects. The table
keeps the list of rows and draws only the lines on screen (``render_line``); each case's line
is formatted the first time it is drawn and kept (per layout, theme and today). So showing or
filtering a caseload of thousands costs the rows on screen, not the rows that match: a filter
key replaces a Python list and repaints about a screenful of lines already made.

It looks and moves like a row-cursor ``DataTable`` (header, zebra stripes, cursor, the same
component styles) and keeps the few DataTable calls others use: ``row_count``, ``cursor_row``,
``move_cursor``, ``get_row_at``, ``get_row_index``. Enter (or a click on the highlighted row)
posts :class:`CaseloadTable.Selected` with the CRN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from omtui.caseload_view import CaseRow
from omtui.widgets.risk_flags import flag_codes, rosh_text
from omtui.widgets.text import StatusStyles, literal

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
#: Spaces either side of every cell (as a DataTable's cell padding).
PAD = 1
#: What a screen wider than the layout is spent on (column: at most this much more), and what
#: a narrower one takes back first (column: never narrower than this).
GROW = (("next", 30), ("name", 10))
SHRINK = (("next", 14), ("flags", 9), ("name", 16))


def narrowest(layout: str) -> int:
    """The fewest cells the layout's columns fit in (every SHRINK column at its limit)."""
    least = dict(SHRINK)
    return sum(min(w, least.get(k, w)) + 2 * PAD for k, _l, w in COLUMNS[layout])


def fitted_columns(layout: str, width: int) -> tuple[tuple[str, str, int], ...]:
    """The layout's columns fitted to ``width`` cells: spare room widens "Next due" then the
    name; too little narrows "Next due", the flags, then the name (the rest scrolls)."""
    cols = {key: [key, label, w] for key, label, w in COLUMNS[layout]}
    spare = width - sum(w + 2 * PAD for _k, _l, w in COLUMNS[layout]) if width > 0 else 0
    for key, limit in GROW if spare > 0 else SHRINK if spare < 0 else ():
        if key not in cols:
            continue
        change = min(spare, limit) if spare > 0 else -min(-spare, max(cols[key][2] - limit, 0))
        cols[key][2] += change
        spare -= change
    return tuple((k, label, w) for k, label, w in cols.values())
#: Formatted lines kept; past this the cache starts again (a screenful is ~45 lines).
MAX_CACHED = 20_000


@dataclass(frozen=True)
class Column:
    """A column of the current layout (``value`` is its key, as a DataTable ColumnKey's)."""

    value: str
    label: str
    width: int


class CaseloadTable(ScrollView, can_focus=True):
    """The officer's cases, one line each, with a row cursor."""

    COMPONENT_CLASSES = {
        "caseload-table--header",
        "caseload-table--cursor",
        "caseload-table--even-row",
        "caseload-table--odd-row",
    }
    # The look of a row-cursor DataTable (textual's DataTable defaults), so the app is one style.
    DEFAULT_CSS = """
    CaseloadTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .caseload-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .caseload-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .caseload-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .caseload-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .caseload-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .caseload-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .caseload-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    # Movement keys have no id (as a DataTable's): ids are what the command palette lists.
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="caseload.select",
                tooltip="Open the highlighted case."),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False, id="caseload.down",
                tooltip="Move to the next case."),
        Binding("k", "cursor_up", "Up", show=False, id="caseload.up",
                tooltip="Move to the previous case."),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("g,ctrl+home", "scroll_top", "First", show=False, id="caseload.first",
                tooltip="Go to the first case."),
        Binding("G,end,ctrl+end", "scroll_bottom", "Last", show=False, id="caseload.last",
                tooltip="Go to the last case."),
        Binding("home", "scroll_top", "First", show=False, id="caseload.home",
                tooltip="Go to the first case."),
        Binding("left", "scroll_left", "Left", show=False),
        Binding("right", "scroll_right", "Right", show=False),
    ]

    class Selected(Message):
        """A case was chosen (Enter, or a click on the highlighted row)."""

        def __init__(self, table: CaseloadTable, crn: str) -> None:
            super().__init__()
            self.table = table
            self.crn = crn

        @property
        def control(self) -> CaseloadTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layout_name = "wide"
        self._columns = COLUMNS["wide"]
        self.today: date | None = None
        self._rows: list[CaseRow] = []
        self._cursor = 0
        # id(row) -> (row, line); the row is kept so a reused id never shows another case.
        self._lines: dict[int, tuple[CaseRow, Strip]] = {}
        self._lines_for: tuple = ()
        self._header: Strip | None = None
        self._styles: tuple[Style, Style, Style, Style] = (Style(),) * 4
        # (id(row), stripe) -> (row, line as drawn) for the styles, width and scroll_x below.
        self._drawn: dict[tuple[int, int], tuple[CaseRow, Strip]] = {}
        self._drawn_for: tuple = ()
        #: Lines formatted since the table was made (what a filter key costs; for tests/bench).
        self.formatted = 0
        #: Bumped by every change of rows; ``painted`` is its value when lines were last drawn.
        self.generation = 0
        self.painted = -1

    # -- public ------------------------------------------------------------------------------
    @property
    def shown_rows(self) -> list[CaseRow]:
        """The rows this table is showing, in order."""
        return list(self._rows)

    @property
    def complete(self) -> bool:
        """Every row is in the table (always: lines are drawn as they come on screen)."""
        return True

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def columns(self) -> list[Column]:
        return [Column(*c) for c in self._columns]

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def current_crn(self) -> str | None:
        if not self._rows:
            return None
        return self._rows[self._cursor].crn

    def set_layout(self, name: str) -> None:
        if name != self.layout_name:
            self.layout_name = name
            self._refit()

    def _refit(self) -> None:
        columns = fitted_columns(self.layout_name, self.scrollable_content_region.width)
        if columns != self._columns:
            self._columns = columns
            self._update_size()
            self.refresh()

    def on_resize(self) -> None:
        self._refit()

    def show_rows(self, rows: Sequence[CaseRow], *, keep_cursor: bool = True) -> None:
        """Replace the rows (the cursor stays on the same case when it is still shown)."""
        current = self.current_crn if keep_cursor else None
        self._rows = list(rows)
        self.generation += 1
        self._cursor = 0
        self._update_size()                     # first: scrolling to the cursor is bounded by it
        if current is None or not self.move_to(current):
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def move_to(self, crn: str) -> bool:
        """Put the cursor on a case; False when it is not shown."""
        at = self._index_of(crn)
        if at is None:
            return False
        self.move_cursor(row=at)
        return True

    def forget_lines(self) -> None:
        """Drop every formatted line (the screen calls this when the rows are made anew)."""
        self._lines = {}
        self._drawn = {}

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Move the cursor to a row (clamped to the rows there are) and bring it into view."""
        row = max(0, min(row, len(self._rows) - 1))
        if row != self._cursor:
            self._cursor = row
            self.refresh()
        if scroll:
            self._scroll_to_cursor()

    def get_row_index(self, crn: str) -> int:
        """The index of a case's row (KeyError when it is not shown)."""
        at = self._index_of(crn)
        if at is None:
            raise KeyError(crn)
        return at

    def _index_of(self, crn: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.crn == crn), None)

    def get_row_at(self, index: int) -> list[Text]:
        """The cells of a row, in column order (as a DataTable's ``get_row_at``)."""
        cells = self._cells(self._rows[index])
        return [cells[c.value] for c in self.columns]

    # -- drawing -----------------------------------------------------------------------------
    @property
    def table_width(self) -> int:
        return sum(w + 2 * PAD for _k, _l, w in self._columns)

    def _update_size(self) -> None:
        self.virtual_size = Size(self.table_width, len(self._rows) + 1)

    def _check_cache(self) -> None:
        """Formatted lines hold for one layout, theme and today: start again if one changed."""
        key = (self._columns, str(getattr(self.app, "theme", "")), self.today)
        if key != self._lines_for or len(self._lines) > MAX_CACHED:
            self._lines_for = key
            self._lines = {}
            self._drawn = {}
            self._header = None

    def render_lines(self, crop):
        self._check_cache()
        self.painted = self.generation
        get = self.get_component_styles
        styles = (get("caseload-table--header").rich_style,
                  get("caseload-table--even-row").rich_style,
                  get("caseload-table--odd-row").rich_style,
                  self.get_component_rich_style("caseload-table--cursor"))
        drawn_for = (styles, self.size.width, self.scroll_offset.x)
        if drawn_for != self._drawn_for or len(self._drawn) > MAX_CACHED:
            self._drawn_for, self._drawn, self._styles = drawn_for, {}, styles
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        header, even, odd, cursor = self._styles
        post = None
        if y == 0:
            strip, style = self._header_strip(), header
        else:
            index = y - 1 + scroll_y
            if index >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            row = self._rows[index]
            style = odd if index % 2 else even
            if index == self._cursor:
                style = style + cursor
                post = Style.from_color(color=cursor.color)   # the cursor's colour wins
            else:
                # A row drawn before on the same stripe (backspace, scrolling back) is reused.
                drawn = self._drawn.get((id(row), index % 2))
                if drawn is not None and drawn[0] is row:
                    return drawn[1]
            strip = self._line(row)
        if scroll_x or strip.cell_length > width:
            strip = strip.crop(scroll_x, scroll_x + width)
        segments = list(Segment.apply_style(strip, style, post))
        if strip.cell_length < width:                          # the row's colour to the edge
            segments.append(Segment(" " * (width - strip.cell_length), style))
        line = Strip(segments, width)
        if y and post is None:
            self._drawn[(id(row), index % 2)] = (row, line)
        return line

    def _header_strip(self) -> Strip:
        if self._header is None:
            self._header = self._strip({k: Text(label) for k, label, _w in self._columns})
        return self._header

    def _line(self, row: CaseRow) -> Strip:
        found = self._lines.get(id(row))
        if found is not None and found[0] is row:
            return found[1]
        strip = self._strip(self._cells(row))
        self._lines[id(row)] = (row, strip)
        self.formatted += 1
        return strip

    def _strip(self, cells: dict[str, Text]) -> Strip:
        """One line of cells, each cut or padded to its column (no background: the row's
        style is laid over it when drawn)."""
        segments: list[Segment] = []
        for key, _label, width in self._columns:
            segments.extend(self._fit(cells[key], width))
        # Fewer, longer segments make every later draw of the line cheaper.
        return Strip(Segment.simplify(segments), self.table_width)

    def _fit(self, cell: Text, width: int) -> list[Segment]:
        """A cell cut (with an ellipsis if it says so) or padded to its column width, with the
        padding either side unstyled (as a DataTable cell's)."""
        if cell.cell_len > width:
            cell = cell.copy()
            cell.truncate(width, overflow=cell.overflow or "crop")
        gap = width - cell.cell_len
        left = gap if cell.justify == "right" else gap // 2 if cell.justify == "center" else 0
        out = [Segment(" " * (PAD + left))]
        if cell.spans:
            out.extend(cell.render(self.app.console))
        elif cell.plain:
            style = cell.style
            style = style if isinstance(style, Style) else self.app.console.get_style(
                style, default=Style())
            out.append(Segment(cell.plain, style or None))   # unstyled joins its padding
        out.append(Segment(" " * (gap - left + PAD)))
        return out

    # -- moving ------------------------------------------------------------------------------
    @property
    def _page(self) -> int:
        """Rows on one screenful (below the header)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        self.scroll_to(y=max(0, int(self.scroll_y) - self._page), animate=False, immediate=True)
        self.move_cursor(row=self._cursor - self._page)

    def action_page_down(self) -> None:
        self.scroll_to(y=int(self.scroll_y) + self._page, animate=False, immediate=True)
        self.move_cursor(row=self._cursor + self._page)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self._rows[self._cursor].crn))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = event.y - 1 + int(self.scroll_y)
        if index >= len(self._rows):
            return
        event.stop()
        if index == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(row=index, scroll=False)

    # -- cells -------------------------------------------------------------------------------
    def _date(self, d: date, narrow: bool) -> str:
        """'Mon 23 Nov' (wide) or '23 Nov' (narrow) this year; '17 Jan 2025' / "Jan'25" else."""
        if self.today is not None and d.year != self.today.year:
            return d.strftime("%b'%y") if narrow else d.strftime("%d %b %Y")
        return d.strftime("%d %b") if narrow else d.strftime("%a %d %b")

    def _cells(self, row: CaseRow) -> dict[str, Text]:
        styles = StatusStyles.for_app(self.app)
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
