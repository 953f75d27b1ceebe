"""The case view's header: who, which order, risk flags and the OM, on three lines; a fourth
when the obligations should be explained again (re-induction, NS 2c.7 guidance)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from omtui.domain.case import Case
from omtui.domain.induction import reinduction_prompts
from omtui.widgets.risk_flags import risk_line
from omtui.widgets.text import literal


def case_facts(case: Case, today: date) -> Text:
    t = Text()
    t.append(case.crn, style="bold")
    t.append("  ")
    t.append_text(literal(case.name, "bold"))
    t.append("\n")
    t.append(f"{case.order_type.label}, tier {case.tier}, sentenced {case.sentence_date.strftime('%d %b %Y')}")
    if case.release_date:
        t.append(f", released {case.release_date.strftime('%d %b %Y')}")
    if case.end_date:
        t.append(f", ends {case.end_date.strftime('%d %b %Y')}")
    if case.requirements:
        t.append(" · ")
        t.append(", ".join(r.label for r in case.requirements))
    t.append("\nOM: ", style="dim")
    t.append_text(literal(case.om) if case.om else Text("not allocated", style="bold"))
    t.append("   ")
    t.append_text(risk_line(case))
    prompts = reinduction_prompts(case, today)
    if prompts:
        latest = prompts[-1]                      # the latest trigger
        what = latest.title.removeprefix("Re-induction").lstrip(": ")
        t.append(f"\n↻ Re-induction ({latest.source.split(' (')[0]}): ", style="bold")
        t.append(f"{what}, since {latest.since.strftime('%d %b %Y')}")
        if len(prompts) > 1:
            t.append(f" · {len(prompts) - 1} more (i)")
    return t


class CaseHeader(Static):
    DEFAULT_CSS = """
    CaseHeader { height: auto; padding: 0 1; background: $boost; }
    """

    def show(self, case: Case, today: date) -> None:
        self.update(case_facts(case, today))
