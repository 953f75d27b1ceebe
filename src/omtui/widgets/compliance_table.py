"""Contact-level compliance (NS 2c.16): the periods of a contact schedule, required against
achieved, and a one-paragraph summary (level, this period, next contact due, short periods).

Short periods are marked with a symbol *and* the error colour (``✗ short``), met ones ``✓``,
the period in progress ``…``, a paused one ``⏸``. Store-agnostic: give it a ContactSchedule.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import DataTable

from omtui.domain.schedule import ContactPeriod, ContactSchedule
from omtui.widgets.text import StatusStyles, literal, long_date


def period_status(p: ContactPeriod, today: date) -> tuple[str, str]:
    """(symbol and word, style name) of a period: short / met / in progress / paused / later."""
    if p.paused:
        return "⏸ paused", "muted"
    if p.short:
        return "✗ short", "overdue"
    if p.met:
        return "✓ met", "done"
    if p.start > today:
        return "· later", "muted"
    return "… in progress", "due_soon" if p.end is not None and p.end <= today else "due"


def _style(styles: StatusStyles | None, name: str):
    return getattr(styles, name) if styles is not None else ""


def period_span(p: ContactPeriod) -> str:
    end = p.end.strftime("%d/%m/%Y") if p.end else "paused"
    return f"{p.start.strftime('%d/%m/%Y')} – {end}"


def schedule_summary(schedule: ContactSchedule | None, today: date,
                     styles: StatusStyles | None = None) -> Text:
    """Two lines: the level and its source; this period, the next contact due, short periods."""
    t = Text()
    if schedule is None:
        t.append("Contact level: no contact-level rules in the rule book", style="dim")
        return t
    if not schedule.applies:
        t.append("Contact level: ", style="dim")
        t.append_text(literal(schedule.reason or "no contact schedule for this case"))
        return t
    t.append("Contact level ", style="dim")
    t.append_text(literal(schedule.level_title or schedule.level_id or "?", "bold"))
    if schedule.source:
        t.append(" (")
        t.append_text(literal(schedule.source))
        t.append(")")
    t.append("\n")
    current = next((p for p in schedule.periods if not p.complete and p.start <= today), None)
    if schedule.suspended_now is not None:
        t.append("⏸ suspended ", style=_style(styles, "due_soon"))
        t.append_text(literal(schedule.suspended_now.describe()))
        t.append(" · ")
    elif current is not None:
        t.append("This period ", style="dim")
        t.append(f"{current.achieved}/{current.required} achieved")
        t.append(" · ")
    t.append("Next contact due ", style="dim")
    if schedule.next_due is not None:
        style = _style(styles, "due_soon") if schedule.next_due <= today else "bold"
        t.append(long_date(schedule.next_due), style=style)
    else:
        t.append("–" if schedule.suspended_now is None else "paused")
    short = schedule.short_periods
    if short:
        t.append(" · ")
        t.append(f"✗ {len(short)} short period{'s' if len(short) != 1 else ''}",
                 style=_style(styles, "overdue"))
    else:
        t.append(" · ")
        t.append("✓ no short periods", style=_style(styles, "done"))
    return t


class ComplianceTable(DataTable):
    """The periods of the schedule, newest first."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.periods: list[ContactPeriod] = []

    def on_mount(self) -> None:
        if not self.columns:
            self._columns()

    def _columns(self) -> None:
        self.add_column("#", key="n", width=3)
        self.add_column("Period", key="span", width=23)
        self.add_column("Req", key="req", width=3)
        self.add_column("Done", key="done", width=4)
        self.add_column("Arr", key="arr", width=3)
        self.add_column("Status", key="status", width=13)
        self.add_column("Phase", key="phase")

    def show_schedule(self, schedule: ContactSchedule | None, today: date) -> None:
        styles = StatusStyles(self.app)
        self.clear(columns=True)
        self._columns()
        self.periods = list(reversed(schedule.periods)) if schedule is not None else []
        for p in self.periods:
            word, style = period_status(p, today)
            phase = p.phase
            if p.suspended_days:
                phase += f" (+{p.suspended_days} days suspended)"
            if p.clipped:
                phase += " (order ends)"
            self.add_row(Text(str(p.index)), Text(period_span(p), no_wrap=True),
                         Text(str(p.required)), Text(str(p.achieved)), Text(str(p.arranged)),
                         Text(word, style=_style(styles, style), no_wrap=True),
                         literal(phase), key=str(p.index))


__all__ = ["ComplianceTable", "period_span", "period_status", "schedule_summary"]
