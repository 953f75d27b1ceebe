"""Caseload rows without Textual: flags, next due, counts, sorting and the filter words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omtui.caseload_view import (
    SORT_ORDER,
    build_row,
    build_rows,
    case_flags,
    filter_rows,
    next_sort,
    parse_filter,
    sort_rows,
    totals,
)
from omtui.domain.case import Case, Mappa, OrderType, Rosh
from omtui.domain.calendar import fixed_calendar
from omtui.domain.due import DueItem, Status

TODAY = date(2026, 11, 23)
CAL = fixed_calendar({}, first_year=2024, last_year=2028)


def case(crn="X000001", name="Ann Example", tier=2, rosh=Rosh.LOW, **kw) -> Case:
    return Case(crn=crn, name=name, order_type=OrderType.CO, sentence_date=date(2026, 1, 5),
                tier=tier, rosh=rosh, **kw)


def item(crn: str, due: date, status: Status, rule="r", title="Something") -> DueItem:
    trace = CAL.explain(date(2026, 1, 5), 1)
    return DueItem(crn, rule, title, "NS 1", trace.start, "sentence", due, status, trace, "x")


def test_flags_in_order_with_words():
    c = case(ppo=True, mappa=Mappa(2, 3), flags=("victim_contact", "child_concerns", "gang"))
    flags = case_flags(c)
    assert [f.code for f in flags] == ["PPO", "MAPPA L3", "VC", "CP", "GANG"]
    assert [f.compact for f in flags] == ["PPO", "M3", "VC", "CP", "GANG"]
    assert flags[1].label == "MAPPA category 2, level 3"
    assert flags[4].label == "gang"


def test_row_next_due_is_the_most_urgent_open_item_and_counts():
    c = case()
    items = [item(c.crn, date(2026, 12, 1), Status.DUE, "a"),
             item(c.crn, date(2026, 11, 2), Status.DONE, "b"),
             item(c.crn, date(2026, 11, 20), Status.OVERDUE, "c"),
             item(c.crn, date(2026, 11, 10), Status.OVERDUE, "d"),
             item(c.crn, date(2026, 11, 24), Status.DUE_SOON, "e")]
    row = build_row(c, items)
    assert row.next_due.rule == "d"
    assert (row.overdue, row.due_soon) == (2, 1)
    assert [i.rule for i in row.items] == ["d", "c", "e", "a", "b"]


def test_row_with_nothing_open():
    row = build_row(case(), [item("X000001", date(2026, 1, 6), Status.DONE)])
    assert row.next_due is None and row.overdue == 0 and row.status is None


def test_build_rows_reports_a_failing_agenda_and_keeps_the_case():
    bad = case("X000002", "Bad Data")
    errors = []

    def agenda(c):
        if c.crn == "X000002":
            raise ValueError("broken rule")
        return [item(c.crn, date(2026, 11, 30), Status.DUE)]

    rows = build_rows([case(), bad], agenda, on_error=lambda c, e: errors.append((c.crn, str(e))))
    assert [r.crn for r in rows] == ["X000001", "X000002"]
    assert rows[1].items == () and errors == [("X000002", "broken rule")]


def rows_for_sorting():
    a = build_row(case("A000001", "zed", tier=1, rosh=Rosh.HIGH),
                  [item("A000001", date(2026, 11, 10), Status.OVERDUE)])
    b = build_row(case("B000001", "amy", tier=4, rosh=Rosh.LOW),
                  [item("B000001", date(2026, 11, 24), Status.DUE_SOON)])
    c = build_row(case("C000001", "Bob", tier=3, rosh=Rosh.VERY_HIGH), [])
    d = build_row(case("D000001", "dan", tier=4, rosh=Rosh.MEDIUM),
                  [item("D000001", date(2026, 11, 2), Status.OVERDUE)])
    return [a, b, c, d]


@pytest.mark.parametrize("mode, expected", [
    ("urgency", ["D000001", "A000001", "B000001", "C000001"]),
    ("name", ["B000001", "C000001", "D000001", "A000001"]),
    ("CRN", ["A000001", "B000001", "C000001", "D000001"]),
    ("tier", ["D000001", "B000001", "C000001", "A000001"]),
    ("RoSH", ["C000001", "A000001", "D000001", "B000001"]),
])
def test_sorts(mode, expected):
    assert [r.crn for r in sort_rows(rows_for_sorting(), mode)] == expected


def test_next_sort_cycles_through_every_mode():
    mode, seen = "urgency", []
    for _ in SORT_ORDER:
        mode = next_sort(mode)
        seen.append(mode)
    assert sorted(seen) == sorted(SORT_ORDER) and seen[-1] == "urgency"


@pytest.mark.parametrize("text, expected", [
    ("", ["A000001", "B000001", "C000001", "D000001"]),
    ("overdue", ["A000001", "D000001"]),
    ("soon", ["B000001"]),
    ("t4", ["B000001", "D000001"]),
    ("tier 4", ["B000001", "D000001"]),
    ("TIER4 overdue", ["D000001"]),
    ("b00", ["B000001"]),
    ("BOB", ["C000001"]),
    ("zz", []),
])
def test_filter_words(text, expected):
    assert [r.crn for r in filter_rows(rows_for_sorting(), text)] == expected


def test_filter_ignores_accents_and_reads_other_scripts():
    rows = [build_row(case("A000001", "Siobhán Ó Súilleabháin"), []),
            build_row(case("B000001", "Наталья Смирнова"), []),
            build_row(case("C000001", "[bold]Tag[/bold]"), [])]
    assert [r.crn for r in filter_rows(rows, "siobhan o")] == ["A000001"]
    assert [r.crn for r in filter_rows(rows, "смирн")] == ["B000001"]
    assert [r.crn for r in filter_rows(rows, "smirnova")] == ["B000001"]
    assert [r.crn for r in filter_rows(rows, "[bold]")] == ["C000001"]


def test_a_keyword_also_matches_a_name():
    rows = [build_row(case("A000001", "Mr Overdue"), [])]
    assert [r.crn for r in filter_rows(rows, "overdue")] == ["A000001"]


def test_parse_filter_merges_tier_and_number():
    assert [w for w, _t in parse_filter("tier 3 smith")] == ["tier3", "smith"]


def test_totals():
    assert totals(rows_for_sorting()) == (4, 2, 1)


@given(st.text(max_size=20))
def test_any_filter_text_is_safe_and_returns_a_subset(text):
    rows = rows_for_sorting()
    found = filter_rows(rows, text)
    assert all(r in rows for r in found)
    # The order of the rows given is kept.
    assert [rows.index(r) for r in found] == sorted(rows.index(r) for r in found)


def test_replace_keeps_rows_frozen():
    row = rows_for_sorting()[0]
    with pytest.raises(AttributeError):
        row.overdue = 9  # type: ignore[misc]
    assert replace(row, overdue=9).overdue == 9


def test_caseload_columns_fit_the_width_given():
    from omtui.widgets.caseload_table import COLUMNS, PAD, SHRINK, fitted_columns, narrowest

    def total(cols):
        return sum(w + 2 * PAD for _k, _l, w in cols)

    for layout in COLUMNS:
        base = total(COLUMNS[layout])
        assert fitted_columns(layout, base) == COLUMNS[layout]          # exact: unchanged
        assert fitted_columns(layout, 0) == COLUMNS[layout]             # not laid out yet
        assert total(fitted_columns(layout, base + 7)) == base + 7      # spare: all used
        least = narrowest(layout)
        assert total(fitted_columns(layout, least)) == least            # tight: all given up
        assert total(fitted_columns(layout, least - 10)) == least       # never below the limits
        limits = dict(SHRINK)
        for key, _label, width in fitted_columns(layout, 1):
            assert width >= min(limits.get(key, width), dict(
                (k, w) for k, _l, w in COLUMNS[layout])[key])
    # keys and order never change
    assert [k for k, _l, _w in fitted_columns("wide", 300)] == [k for k, _l, _w in COLUMNS["wide"]]
