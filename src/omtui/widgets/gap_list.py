"""What the sentence plan lacks: one line per gap, each with its source. Warnings only."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from omtui.domain.plan import PlanGap
from omtui.widgets.text import literal


def gaps_text(gaps: Sequence[PlanGap], limit: int | None = None, *,
              source_first: bool = False) -> Text:
    """The gaps, one a line: "message (source)", or "source: message" when lines are short
    (so the source is never the part cut off)."""
    t = Text()
    if not gaps:
        t.append("No gaps: the plan has everything the standards ask for.", style="dim")
        return t
    t.append(f"{len(gaps)} warning(s): what the standards expect and the plan lacks "
             "(never stops saving)", style="bold")
    shown = gaps if limit is None else gaps[:limit]
    for gap in shown:
        t.append("\n! ", style="bold")
        if source_first:
            t.append_text(literal(gap.source, "italic"))
            t.append(": ")
            t.append_text(literal(gap.message))
            continue
        t.append_text(literal(gap.message))
        t.append(" (")
        t.append_text(literal(gap.source, "italic"))
        t.append(")")
    if limit is not None and len(gaps) > limit:
        t.append(f"\n… and {len(gaps) - limit} more (a taller window shows them all)", style="dim")
    return t


class GapList(Static):
    """The plan's gap warnings (``show(gaps, limit)``)."""

    DEFAULT_CSS = """
    GapList { height: auto; padding: 0 1; color: $warning; background: $boost;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.gaps: tuple[PlanGap, ...] = ()

    def show(self, gaps: Sequence[PlanGap], limit: int | None = None) -> None:
        self.gaps = tuple(gaps)
        width = self.size.width or self.app.size.width
        self.update(gaps_text(self.gaps, limit, source_first=width < 120))
