"""The duty look-up's card: everything about one case that fits on an 80x24 screen."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from omtui.duty_view import DutyCard
from omtui.widgets.risk_flags import risk_line
from omtui.widgets.text import StatusStyles, literal, long_date

#: Open failures listed one per line; more are summarised on one line.
MAX_FAILURE_LINES = 3


def card_text(card: DutyCard, today: date, styles: StatusStyles) -> Text:
    case = card.case
    t = Text()
    t.append(case.crn, style="bold")
    t.append("  ")
    t.append_text(literal(case.name, "bold"))
    t.append("   OM: ", style="dim")
    t.append_text(literal(case.om) if case.om else Text("not allocated", style="bold"))
    t.append("\n")
    t.append(f"{case.order_type.label}, tier {case.tier}")
    t.append("\nRisk: ", style="dim")
    t.append_text(risk_line(case))
    t.append("\nMAPPA: ", style="dim")
    t.append(f"category {case.mappa.category}, level {case.mappa.level}" if case.mappa
             else "not a MAPPA case", style="bold" if case.mappa else "")
    t.append("\nNext appointment: ", style="dim")
    t.append(card.next_appointment or "none arranged", style="bold" if card.next_appointment else "")
    if card.outcomes_missing:
        t.append(f"  ({card.outcomes_missing} past appointment(s) with no outcome)",
                 style=styles.due_soon)
    t.append("\nOpen failures to comply: ", style="dim")
    if not card.failures:
        t.append("none")
    else:
        t.append(str(len(card.failures)), style=styles.overdue)
        for f in card.failures[:MAX_FAILURE_LINES]:
            left = f.working_days_left
            if left < 0:
                when, st = f"deadline passed {-left} working day(s) ago", styles.overdue
                sym = "✗"
            elif left <= 2:
                when, st = f"{left} working day(s) left", styles.due_soon
                sym = "!"
            else:
                when, st = f"{left} working days left", styles.due
                sym = "·"
            t.append(f"\n  {sym} failed {f.failed_on.strftime('%d %b %Y')}: explanation by end of ",
                     style=st)
            t.append(long_date(f.deadline), style=st)
            t.append(f" ({when}); then {f.at_deadline.split(':')[0]}", style=st)
        if len(card.failures) > MAX_FAILURE_LINES:
            t.append(f"\n  … and {len(card.failures) - MAX_FAILURE_LINES} more (open the case)")
    t.append("\nWarnings in the last 12 months: ", style="dim")
    if card.warnings:
        t.append(f"{len(card.warnings)} (", style="bold")
        t.append(", ".join(d.strftime("%d %b %Y") for d in card.warnings), style="bold")
        t.append(")", style="bold")
    else:
        t.append("none")
    if card.window_start is not None:
        t.append(f" since {card.window_start.strftime('%d %b %Y')}", style="dim")
    if card.next_failure:
        t.append("\nA failure today would lead to: ", style="dim")
        t.append_text(literal(card.next_failure))
    for p in card.problems:
        t.append("\n")
        t.append_text(literal(p, styles.due_soon))
    return t


class DutyCardView(Static):
    DEFAULT_CSS = """
    DutyCardView { height: auto; padding: 0 1; }
    """

    def show(self, card: DutyCard | None, today: date, message: str = "") -> None:
        if card is None:
            self.update(Text(message, style="italic"))
        else:
            self.update(card_text(card, today, StatusStyles.for_app(self.app)))
