"""Risk flags as text: RoSH, PPO, MAPPA and the case's own flags, in words and codes."""

from __future__ import annotations

from rich.text import Text

from omtui.caseload_view import case_flags
from omtui.domain.case import Case
from omtui.widgets.text import literal

ROSH_STYLE = {"very_high": "bold reverse", "high": "bold", "medium": "", "low": "dim"}


def rosh_text(case: Case, *, short: bool = False) -> Text:
    from omtui.caseload_view import ROSH_SHORT

    label = ROSH_SHORT[case.rosh] if short else f"RoSH {case.rosh.label}"
    return Text(label, style=ROSH_STYLE.get(case.rosh.value, ""), no_wrap=True)


def flag_codes(case: Case, *, compact: bool = False) -> Text:
    """Codes for a table cell: 'PPO MAPPA L2 CP VC' (compact: 'PPO M2 CP VC')."""
    return literal(" ".join(f.compact if compact else f.code for f in case_flags(case)), "bold")


def risk_line(case: Case) -> Text:
    """One line of everything a duty officer must know about risk, in words."""
    out = Text(no_wrap=False)
    out.append_text(rosh_text(case))
    for flag in case_flags(case):
        out.append(" · ")
        out.append_text(literal(flag.label if not flag.code.startswith(("PPO", "MAPPA"))
                                else (flag.code if flag.code == "PPO" else str(case.mappa)),
                                "bold"))
    if not case.ppo and case.mappa is None and not case.flags:
        out.append(" · no other flags", style="dim")
    return out
