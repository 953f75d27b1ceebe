"""The one-line status bar: today, counts, sort and filter, calendar, store."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from omtui.widgets.text import StatusStyles, literal, long_date


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 2; background: $panel; color: $text; padding: 0 1; }
    """

    def show(self, *, today: date, cases: int | None = None, overdue: int | None = None,
             due_soon: int | None = None, shown: int | None = None, sort: str | None = None,
             calendar: str = "", store: str = "", message: str | None = None) -> None:
        styles = StatusStyles.for_app(self.app)
        t = Text()
        t.append("Today ", style="dim")
        t.append(long_date(today), style="bold")
        if message:
            t.append(" · ")
            t.append_text(literal(message))
        if cases is not None:
            t.append(" · ")
            if shown is not None and shown != cases:
                t.append(f"{shown} of {cases} cases")
            else:
                t.append(f"{cases} case{'s' if cases != 1 else ''}")
        if overdue is not None:
            t.append(" · ")
            t.append(f"✗ {overdue} overdue", style=styles.overdue if overdue else "")
        if due_soon is not None:
            t.append(" · ")
            t.append(f"! {due_soon} due soon", style=styles.due_soon if due_soon else "")
        if sort:
            t.append(" · sort: ", style="dim")
            t.append(sort)
        if calendar:
            t.append(" · ", style="dim")
            t.append_text(literal(calendar, "dim"))
        if store:
            t.append(" · ", style="dim")
            t.append_text(literal(store, "dim"))
        self.update(t)
