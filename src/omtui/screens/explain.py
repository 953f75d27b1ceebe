"""Why a due item is due when it is: rule, source, day 0, the count, each day skipped, the due
date, and what will satisfy it. Read-only; escape or enter closes it."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from omtui.domain.calendar import CalendarError, Unit, WorkingCalendar
from omtui.domain.due import DueItem
from omtui.widgets.text import StatusStyles, literal, long_date
from omtui.widgets.trace_table import TraceTable


def _working_days(calendar: WorkingCalendar | None, a: date, b: date) -> int | None:
    if calendar is None:
        return None
    try:
        return calendar.working_days_between(a, b)
    except CalendarError:
        return None


def explanation_text(item: DueItem, today: date, styles: StatusStyles | None = None,
                     calendar: WorkingCalendar | None = None) -> Text:
    """The words above the day-by-day table."""
    st = styles.for_status(item.status) if styles else ""
    t = Text()
    t.append_text(literal(item.title, "bold"))
    t.append("\n")
    t.append("Rule ", style="dim")
    t.append_text(literal(item.rule))
    t.append("   Source ", style="dim")
    t.append_text(literal(item.source, "bold"))
    t.append("\n")
    t.append("Day 0 ", style="dim")
    t.append(long_date(item.day0), style="bold")
    t.append(" (")
    t.append_text(literal(item.day0_label))
    t.append(")")
    trace = item.trace
    t.append("\n")
    t.append("Count ", style="dim")
    if trace.unit is Unit.WORKING_DAYS:
        skipped = len(trace.skipped)
        t.append(f"{trace.n} working day{'s' if abs(trace.n) != 1 else ''} after day 0")
        t.append(f", skipping {skipped} non-working day{'s' if skipped != 1 else ''}"
                 if skipped else ", no days skipped")
    else:
        t.append(f"{trace.n} {trace.unit.label} after day 0 (calendar time)")
    if trace.calendar:
        t.append(" · ", style="dim")
        t.append_text(literal(trace.calendar, "dim"))
    t.append("\n")
    t.append("Due ", style="dim")
    t.append(long_date(item.due), style="bold")
    t.append("   ")
    status = f"{item.status.symbol} {item.status.label}"
    t.append(status, style=st)
    if item.done_on is not None:
        t.append(f" on {long_date(item.done_on)}")
        if item.late_by:
            t.append(f", {item.late_by} working day{'s' if item.late_by != 1 else ''} late")
    elif item.due < today:
        late = _working_days(calendar, item.due, today)
        t.append(f" by {late} working day{'s' if late != 1 else ''}" if late is not None
                 else f" since {long_date(item.due)}", style=st)
    t.append("\n")
    t.append("Satisfied by ", style="dim")
    t.append_text(literal(item.satisfied_by, single_line=False))
    for note in (*trace.notes, *item.notes):
        t.append("\n")
        t.append("Note ", style="dim")
        t.append_text(literal(note, single_line=False))
    return t


class ExplainScreen(ModalScreen[None]):
    """The explanation of one due item, over the case view."""

    HELP = ("Day 0 is the event; working days are counted Monday to Friday, skipping bank "
            "holidays and office closures (NS Interpretation Note 9). Weeks and months are "
            "calendar time. The table lists every day counted or skipped and why.")

    BINDINGS = [
        Binding("escape", "close", "Close", id="explain.close",
                tooltip="Close the explanation and go back to the case."),
        Binding("enter", "close", "Close", show=False, id="explain.close-enter",
                tooltip="Close the explanation."),
    ]

    DEFAULT_CSS = """
    ExplainScreen { align: center middle; }
    ExplainScreen > #explain-box {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ExplainScreen #explain-text { height: auto; }
    ExplainScreen TraceTable { height: auto; max-height: 18; }
    """

    def __init__(self, item: DueItem, today: date) -> None:
        super().__init__()
        self.item = item
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-box") as box:
            box.border_title = "Why this date"
            box.border_subtitle = "escape: close"
            yield Static(id="explain-text")
            yield TraceTable(self.item.trace, id="explain-trace")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#explain-text", Static).update(
            explanation_text(self.item, self.today, StatusStyles.for_app(self.app),
                             getattr(self.app, "calendar", None)))
        self.query_one(TraceTable).focus()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
