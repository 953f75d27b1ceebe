"""A case's agenda: everything due, by when, under which rule, and why.

The rule book (National Standards pack plus any local pack) gives the rule items; the contact
schedule (NS 2c.16) and enforcement (NS 2f) give theirs when the book carries their policies.
All of it is sorted overdue first, then by due date.

``packs`` is a compiled :class:`~omtui.domain.rules.model.RuleBook`. Callers pass the one they
loaded (``omtui.rulepacks.default_packs()``, cached); when it is omitted the packaged default
is loaded through :mod:`omtui.rulepacks` (the only place files are read).
"""

from __future__ import annotations

from datetime import date

from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case, ContactOutcome, EventType
from omtui.domain.due import DueItem
from omtui.domain.enforcement import enforcement_due_items
from omtui.domain.rules.evaluate import CaseView, RuleDecision, evaluate_rules, explain_rules
from omtui.domain.rules.model import RuleBook
from omtui.domain.schedule import contact_due_items

__all__ = ["case_agenda", "case_items", "explain_case", "caseload_agenda", "RuleDecision", "sort_items"]


def _book(packs: RuleBook | None) -> RuleBook:
    if packs is not None:
        return packs
    from omtui.rulepacks import default_packs  # reads the packaged TOML once, then cached

    return default_packs()


def sort_items(items: list[DueItem]) -> list[DueItem]:
    """Overdue first, then due soon, due, done; within each by due date, then rule id."""
    return sorted(items, key=DueItem.sort_key)


def _policy_items(view: CaseView, calendar: WorkingCalendar,
                              book: RuleBook) -> list[DueItem]:
    """The contact-schedule and enforcement items, from the events the rules indexed."""
    case, today = view.case, view.today
    items: list[DueItem] = []
    if book.contact_levels is not None:
        items.extend(contact_due_items(case, today, calendar, book.contact_levels,
                                       view.by_type))
    if book.enforcement is not None:
        items.extend(enforcement_due_items(
            case, today, calendar, book.enforcement, view.by_type,
            view.with_outcome(EventType.CONTACT, ContactOutcome.FTC)))
    return items


def case_items(case: Case, today: date, calendar: WorkingCalendar,
               packs: RuleBook | None = None) -> list[DueItem]:
    """:func:`case_agenda` not sorted: for a caller that sorts many cases' items together
    (a stable sort by :meth:`DueItem.sort_key` of these gives the same order)."""
    book = _book(packs)
    view = CaseView(case, today)
    items = evaluate_rules(case, today, calendar, book, view)
    items.extend(_policy_items(view, calendar, book))
    return items


def case_agenda(case: Case, today: date, calendar: WorkingCalendar,
                packs: RuleBook | None = None) -> list[DueItem]:
    """Every due item for ``case`` as of ``today`` (status done/due/due_soon/overdue), sorted."""
    return sort_items(case_items(case, today, calendar, packs))


def explain_case(case: Case, today: date, calendar: WorkingCalendar,
                 packs: RuleBook | None = None) -> list[RuleDecision]:
    """Every rule considered for ``case``: applied (with its item) or not, and why.

    Contact-schedule and enforcement items follow the rule decisions, each as an applied
    decision carrying its item.
    """
    book = _book(packs)
    view = CaseView(case, today)
    decisions = explain_rules(case, today, calendar, book, view)
    for item in _policy_items(view, calendar, book):
        decisions.append(RuleDecision(item.rule, item.title, item.source, True,
                                      f"{item.kind}: due {item.due.isoformat()}: "
                                      f"{item.status.label}", item, item.kind))
    return decisions


def caseload_agenda(cases: list[Case], today: date, calendar: WorkingCalendar,
                    packs: RuleBook | None = None) -> list[DueItem]:
    """The due items of many cases, sorted overdue first then by due date."""
    book = _book(packs)
    items: list[DueItem] = []
    for case in cases:
        items.extend(case_items(case, today, calendar, book))
    return sort_items(items)
