"""The caseload as rows: flags, next due item, overdue counts, sort keys and the filter.

Pure Python (no Textual): the caseload screen turns these rows into table cells, and the
benchmarks and unit tests use them directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from omtui.domain.case import Case, Rosh
from omtui.domain.due import DueItem, Status
from omtui.domain.lookup import name_tokens, tokens

#: Known case flags: (short code for the table, words for the header and help).
KNOWN_FLAGS: dict[str, tuple[str, str]] = {
    "child_concerns": ("CP", "child concerns"),
    "child_protection": ("CP", "child protection"),
    "safeguarding": ("SG", "safeguarding"),
    "victim_contact": ("VC", "victim contact"),
    "domestic_abuse": ("DA", "domestic abuse"),
}

ORDER_SHORT = {"CO": "CO", "SSO": "SSO", "licence": "Lic", "PSS": "PSS"}
ROSH_SHORT = {Rosh.LOW: "low", Rosh.MEDIUM: "med", Rosh.HIGH: "HIGH", Rosh.VERY_HIGH: "V.HIGH"}
_ROSH_RANK = {Rosh.VERY_HIGH: 0, Rosh.HIGH: 1, Rosh.MEDIUM: 2, Rosh.LOW: 3}


@dataclass(frozen=True)
class Flag:
    code: str       # "PPO", "MAPPA L2", "CP", ...
    label: str      # "prolific and priority offender", ...
    short: str = ""  # for narrow tables: "M2" for "MAPPA L2" (else the code)

    @property
    def compact(self) -> str:
        return self.short or self.code


def case_flags(case: Case) -> tuple[Flag, ...]:
    """The risk flags of a case, most serious first: PPO, MAPPA, then the case's own flags."""
    out: list[Flag] = []
    if case.ppo:
        out.append(Flag("PPO", "prolific and priority offender"))
    if case.mappa is not None:
        out.append(Flag(f"MAPPA L{case.mappa.level}",
                        f"MAPPA category {case.mappa.category}, level {case.mappa.level}",
                        f"M{case.mappa.level}"))
    seen = set()
    for name in case.flags:
        code, label = KNOWN_FLAGS.get(name, (name[:8].upper(), name.replace("_", " ")))
        if code not in seen:
            seen.add(code)
            out.append(Flag(code, label))
    return tuple(out)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    items: tuple[DueItem, ...]           # the case's due items, most urgent first
    flags: tuple[Flag, ...]
    next_due: DueItem | None             # the most urgent open item
    overdue: int
    due_soon: int
    haystack: str                        # folded CRN and name, for the filter
    pending: bool = False                # due items not worked out yet (large caseloads)

    @property
    def crn(self) -> str:
        return self.case.crn

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def order(self) -> str:
        return ORDER_SHORT.get(self.case.order_type.value, self.case.order_type.value)

    @property
    def rosh(self) -> str:
        return ROSH_SHORT[self.case.rosh]

    @property
    def status(self) -> Status | None:
        return self.next_due.status if self.next_due else None


def build_row(case: Case, items: Iterable[DueItem], *, pending: bool = False) -> CaseRow:
    """A case's row; ``pending`` when its due items are still being worked out."""
    ordered = tuple(sorted(items, key=DueItem.sort_key))
    open_items = [i for i in ordered if i.is_open]
    overdue = sum(1 for i in open_items if i.status is Status.OVERDUE)
    soon = sum(1 for i in open_items if i.status is Status.DUE_SOON)
    hay = " ".join((case.crn.casefold(), *name_tokens(case.name)))
    return CaseRow(case, ordered, case_flags(case), open_items[0] if open_items else None,
                   overdue, soon, hay, pending)


Agenda = Callable[[Case], Sequence[DueItem]]


def build_rows(cases: Iterable[Case], agenda: Agenda,
               on_error: Callable[[Case, Exception], None] | None = None) -> list[CaseRow]:
    """One row per case. A case whose agenda cannot be worked out still gets a row (no items);
    ``on_error`` is told so the screen can say which case and why."""
    rows = []
    for case in cases:
        try:
            items = agenda(case)
        except Exception as exc:  # noqa: BLE001 - one bad case must not hide the caseload
            if on_error is not None:
                on_error(case, exc)
            items = ()
        rows.append(build_row(case, items))
    return rows


# -- sorting ---------------------------------------------------------------------------------

def _urgency_key(r: CaseRow) -> tuple:
    nd = r.next_due
    return (nd.status.urgency if nd else (8 if r.pending else 9), nd.due if nd else date.max,
            -r.overdue, r.case.name.casefold(), r.crn)


SORTS: dict[str, Callable[[CaseRow], tuple]] = {
    "urgency": _urgency_key,
    "name": lambda r: (r.case.name.casefold(), r.crn),
    "CRN": lambda r: (r.crn,),
    "tier": lambda r: (-r.case.tier, *_urgency_key(r)),
    "RoSH": lambda r: (_ROSH_RANK[r.case.rosh], *_urgency_key(r)),
}
SORT_ORDER = tuple(SORTS)


def next_sort(current: str) -> str:
    i = SORT_ORDER.index(current) if current in SORT_ORDER else -1
    return SORT_ORDER[(i + 1) % len(SORT_ORDER)]


def sort_rows(rows: Iterable[CaseRow], mode: str = "urgency") -> list[CaseRow]:
    return sorted(rows, key=SORTS[mode])


# -- filtering -------------------------------------------------------------------------------

_TIER = re.compile(r"(?:t|tier)([1-4])")


def _special(token: str) -> Callable[[CaseRow], bool] | None:
    if token == "overdue":
        return lambda r: r.overdue > 0
    if token in ("soon", "duesoon"):
        return lambda r: r.due_soon > 0
    if token == "ppo":
        return lambda r: r.case.ppo
    if token == "mappa":
        return lambda r: r.case.mappa is not None
    m = _TIER.fullmatch(token)
    if m:
        tier = int(m.group(1))
        return lambda r: r.case.tier == tier
    return None


def parse_filter(text: str) -> list[tuple[str, Callable[[CaseRow], bool] | None]]:
    """The filter's words, folded, each with its keyword test (if it is a keyword).

    "tier 4" is read as one word "tier4"."""
    words = list(tokens(text))
    merged: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "tier" and i + 1 < len(words) and words[i + 1] in "1234":
            merged.append("tier" + words[i + 1])
            i += 2
            continue
        merged.append(words[i])
        i += 1
    return [(w, _special(w)) for w in merged]


def filter_rows(rows: Iterable[CaseRow], text: str) -> list[CaseRow]:
    """Rows matching every word: a keyword (overdue, soon, t4 or tier 4, ppo, mappa) or a part
    of the CRN or name (accents and case ignored). A keyword also matches a name containing it."""
    words = parse_filter(text)
    if not words:
        return list(rows)
    out = []
    for r in rows:
        hay = r.haystack
        if all(w in hay or (test is not None and test(r)) for w, test in words):
            out.append(r)
    return out


# -- the status line -------------------------------------------------------

def totals(rows: Iterable[CaseRow]) -> tuple[int, int, int]:
    """(cases, overdue items, due-soon items)."""
    cases = overdue = soon = 0
    for r in rows:
        cases += 1
        overdue += r.overdue
        soon += r.due_soon
    return cases, overdue, soon
