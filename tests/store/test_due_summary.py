"""Stored due summaries (store/summary.py): a team's due list is the same whether each case's
summary is read back or the rules engine runs again; every kind of write makes the case's
summary stale; a summary is never used for another day, rule book or calendar.

Each test runs against a SQLite file and a real PostgreSQL database (``store_url``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from omtui.domain.agenda import case_agenda
from omtui.domain.calendar import CalendarError, england_and_wales, fixed_calendar
from omtui.domain.case import Event, EventType
from omtui.domain.due import Status
from omtui.store import demo, open_store, summary
from omtui.store.roles import PermissionDenied, Role
from omtui.store.tables import DueSummaryRow

TODAY = demo.DEMO_TODAY
N_CASES = 40
CAL = england_and_wales()


def _office(url: str, n: int = N_CASES) -> list:
    """Demo cases over the five demo officers, all in team north (manager "mo")."""
    cases = demo.generate(n, 11, TODAY)
    with open_store(url, officer="setup") as s:
        s.import_cases(cases, validated=True)
        s.add_officer("mo", Role.TEAM_MANAGER, team="north", display_name="Mo Khan")
    with open_store(url, officer="mo") as s:
        for i, name in enumerate(demo.OFFICERS):
            s.add_officer(f"om{i}", Role.OFFENDER_MANAGER, team="north", display_name=name)
        s.add_officer("dee", Role.DUTY_OFFICER)
    return cases


def _reference(store, today, calendar, book=None) -> dict:
    """The due list as team_due computed it before summaries: every case through the rules
    engine, in officer then CRN order."""
    name, grouped = store.team_cases()
    officers, overdue, skipped = [], [], []
    for label in sorted(grouped, key=lambda k: (k.startswith("("), k.casefold())):
        line = {"officer": label, "cases": len(grouped[label]), "overdue": 0, "due_soon": 0,
                "due": 0, "overdue_cases": 0}
        for case in grouped[label]:
            try:
                items = case_agenda(case, today, calendar, book)
            except CalendarError as exc:
                skipped.append(f"{case.crn}: {exc}")
                continue
            counts = Counter(i.status for i in items)
            line["overdue"] += counts[Status.OVERDUE]
            line["due_soon"] += counts[Status.DUE_SOON]
            line["due"] += counts[Status.DUE]
            if counts[Status.OVERDUE]:
                line["overdue_cases"] += 1
                overdue.extend(i for i in items if i.status is Status.OVERDUE)
        officers.append(line)
    overdue.sort(key=lambda i: (i.due, i.crn, i.rule))
    return {"team": name, "officers": officers, "overdue": [i.to_dict() for i in overdue],
            "skipped": skipped}


def _shown(due) -> dict:
    d = due.to_dict()
    return {"team": d["team"], "officers": d["officers"], "overdue": d["overdue"],
            "skipped": d["skipped"]}


def _stored(store) -> dict[str, date]:
    with store.reading() as s:
        rows = s.execute(sa.select(summary.CASES.c.crn, summary.SUMMARIES.c.as_of)
                         .join(summary.CASES, summary.CASES.c.id == summary.SUMMARIES.c.case_id)
                         .order_by(summary.CASES.c.crn)).all()
    return dict(rows)


def _packed(store) -> set[str]:
    """CRNs whose events are stored as an event pack too."""
    with store.reading() as s:
        return set(s.execute(sa.select(summary.CASES.c.crn).join(
            summary.PACKS, summary.CASES.c.id == summary.PACKS.c.case_id)).scalars())


def test_fresh_summaries_give_the_same_due_list_as_the_rules_engine(store_url):
    cases = _office(store_url)
    with open_store(store_url, officer="mo") as s:
        expected = _reference(s, TODAY, CAL)
        assert expected["overdue"] and sum(o["due_soon"] for o in expected["officers"])
        cold = s.team_due(TODAY, CAL)
        assert s.last_due_stats["computed"] == N_CASES and s.last_due_stats["stored"] == N_CASES
        assert _shown(cold) == expected
        assert set(_stored(s)) == {c.crn for c in cases}
        warm = s.team_due(TODAY, CAL)
        assert s.last_due_stats == {"cases": N_CASES, "fresh": N_CASES, "computed": 0,
                                    "workers": 0, "stored": 0}
        assert _shown(warm) == expected
        # Each item still explains itself: rule, source, day 0, the count and the due date.
        item = warm.overdue_items[0]
        lines = item.explanation_lines()
        assert lines[0].endswith(f"[{item.rule}]") and any(l.startswith("due: ") for l in lines)


def test_each_officer_line_lists_its_cases_and_their_names(store_url):
    """The team view lists each officer's cases from team_due alone (no second read)."""
    cases = _office(store_url)
    with open_store(store_url, officer="mo") as s:
        _team, grouped = s.team_cases()
        expected = {label: [c.crn for c in group] for label, group in grouped.items()}
        for _ in ("cold", "warm"):
            due = s.team_due(TODAY, CAL)
            assert {line.officer: line.crns for line in due.officers} == expected
            assert all(line.cases == len(line.crns) for line in due.officers)
            assert due.names == {c.crn: c.name for c in cases}
            assert "crns" not in due.to_dict()["officers"][0]       # the JSON is unchanged


def test_worker_processes_give_the_same_due_list(store_url):
    _office(store_url)
    with open_store(store_url, officer="mo") as s:
        expected = _reference(s, TODAY, CAL)
        due = s.team_due(TODAY, CAL, workers=2)
        assert s.last_due_stats["workers"] == 2
        assert _shown(due) == expected
        assert _shown(s.team_due(TODAY, CAL)) == expected


def test_a_summary_of_another_day_is_never_shown_as_today(store_url):
    _office(store_url)
    later = TODAY + timedelta(days=14)
    with open_store(store_url, officer="mo") as s:
        s.team_due(TODAY, CAL)
        expected = _reference(s, later, CAL)
        due = s.team_due(later, CAL)
        assert s.last_due_stats["computed"] == N_CASES
        assert _shown(due) == expected
        assert _shown(due) != _reference(s, TODAY, CAL)     # the day really changes the list
        assert set(_stored(s).values()) == {later}


def test_another_calendar_or_rule_book_recomputes(store_url):
    from omtui.rulepacks import load_rulebook

    _office(store_url)
    with open_store(store_url, officer="mo") as s:
        s.team_due(TODAY, CAL)
        closures = {d: "bank holiday" for d in (date(2026, 11, 24), date(2026, 11, 25))}
        office = fixed_calendar(closures, name="office closed", first_year=2000,
                                last_year=2040)
        expected = _reference(s, TODAY, office)
        assert _shown(s.team_due(TODAY, office)) == expected
        assert s.last_due_stats["computed"] == N_CASES
        book = load_rulebook(use_env=False, policies=False)        # no contact/enforcement
        expected = _reference(s, TODAY, CAL, book)
        assert _shown(s.team_due(TODAY, CAL, book)) == expected
        assert s.last_due_stats["computed"] == N_CASES


def test_a_case_the_calendar_cannot_place_is_skipped_the_same_way(store_url):
    from tests.store.conftest import make_case

    _office(store_url, n=12)
    with open_store(store_url, officer="mo") as s:           # beyond the calendar's years
        s.import_cases([make_case("Z999999", sentence_date="9998-06-20", om=demo.OFFICERS[0])])
    with open_store(store_url, officer="mo") as s:
        expected = _reference(s, TODAY, CAL)
        assert expected["skipped"] and expected["skipped"][0].startswith("Z999999: ")
        assert _shown(s.team_due(TODAY, CAL)) == expected
        assert _shown(s.team_due(TODAY, CAL)) == expected
        assert s.last_due_stats["computed"] == 0


def _one(url: str, act) -> None:
    """Warm every summary, do ``act(store, crn)`` as the case's officer; only that case's
    summary and event pack are gone, and the next due list is the rules engine's again (and
    stores the case's pack again)."""
    with open_store(url, officer="mo") as s:
        s.team_due(TODAY, CAL)
        crn = sorted(_stored(s))[3]
        om = s.get_case(crn).om
        user = f"om{demo.OFFICERS.index(om)}"
        assert len(_packed(s)) == N_CASES
    with open_store(url, officer=user) as s:
        act(s, crn)
    with open_store(url, officer="mo") as s:
        assert crn not in _stored(s) and len(_stored(s)) == N_CASES - 1
        assert crn not in _packed(s) and len(_packed(s)) == N_CASES - 1
        expected = _reference(s, TODAY, CAL)
        assert _shown(s.team_due(TODAY, CAL)) == expected
        assert s.last_due_stats["computed"] == 1
        assert crn in _packed(s)


def _plan(s, crn):
    from omtui.domain.plan import Objective, SentencePlan

    s.save_plan(SentencePlan(crn, (Objective("o1", "Find work"),),
                             review_date=TODAY + timedelta(days=90)))


def _induction(s, crn):
    from omtui.domain.induction import InductionRecord

    s.save_induction(InductionRecord(crn, {}, date_recorded=TODAY, recorded_by="me"))


WRITES = {
    "save_case": lambda s, crn: s.save_case(replace(s.get_case(crn), tier=4, ppo=True)),
    "add_event": lambda s, crn: s.add_event(crn, Event(EventType.CONTACT, TODAY,
                                                       outcome=None, note="booked")),
    "enforcement": lambda s, crn: s.add_event(crn, Event(EventType.WARNING, TODAY - timedelta(days=1),
                                                         note="first warning")),
    "replace_event": lambda s, crn: s.replace_event(
        crn, s.get_case(crn).events[-1],
        replace(s.get_case(crn).events[-1], note="corrected")),
    "plan": _plan,
    "induction": _induction,
}


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_each_write_makes_the_case_summary_stale(store_url, kind):
    _office(store_url)
    _one(store_url, WRITES[kind])


def test_import_replace_and_reallocation_make_summaries_stale(store_url):
    cases = _office(store_url)
    with open_store(store_url, officer="mo") as s:
        s.team_due(TODAY, CAL)
        s.import_cases([replace(cases[0], tier=4)], replace=True)
        s.reallocate(cases[1].crn, "om0")
        left = _stored(s)
        assert cases[0].crn not in left and cases[1].crn not in left
        assert len(left) == N_CASES - 2
        assert cases[1].crn not in _packed(s) and len(_packed(s)) == N_CASES - 1
        assert _shown(s.team_due(TODAY, CAL)) == _reference(s, TODAY, CAL)


def _ids(store) -> list[int]:
    with store.reading() as s:
        return list(s.execute(sa.select(summary.CASES.c.id).order_by(summary.CASES.c.id))
                    .scalars())


def test_a_write_during_the_computation_is_not_overwritten(store_url):
    cases = _office(store_url)
    crn = cases[5].crn
    with open_store(store_url, officer="mo") as s:
        book = __import__("omtui.rulepacks", fromlist=["x"]).default_packs()
        s.writing(lambda w: w.connection().execute(sa.delete(summary.PACKS)))  # from rows
        computed = summary.compute(s.engine, _ids(s), TODAY, CAL, book,
                                   workers=1)
        writer = f"om{demo.OFFICERS.index(cases[5].om)}"
        with open_store(store_url, officer=writer) as other:        # another officer's write
            other.add_event(crn, Event(EventType.CONTACT, TODAY, note="seen while computing"))
        stored = s.writing(lambda w: summary.write_back(w.connection(), computed))
        assert stored == N_CASES - 1
        assert crn not in _stored(s)
        assert _packed(s) == {c.crn for c in cases} - {crn}
        assert _shown(s.team_due(TODAY, CAL)) == _reference(s, TODAY, CAL)


def test_refresh_due_stores_every_case_and_prunes_older_days(store_url):
    _office(store_url)
    with open_store(store_url, officer="mo") as s:
        s.team_due(TODAY - timedelta(days=1), CAL)
        seen = []
        stats = s.refresh_due(TODAY, CAL, progress=lambda done, total: seen.append((done, total)))
        assert stats["computed"] == N_CASES and stats["stored"] == N_CASES
        assert seen[0] == (0, N_CASES) and seen[-1] == (N_CASES, N_CASES)
        assert set(_stored(s).values()) == {TODAY}
        assert s.refresh_due(TODAY, CAL)["computed"] == 0
        s.team_due(TODAY, CAL)
        assert s.last_due_stats["computed"] == 0
    with open_store(store_url, officer="om0") as s, pytest.raises(PermissionDenied):
        s.refresh_due(TODAY, CAL)


def test_summaries_and_event_packs_are_not_case_data(store_url):
    """Not audited, not exported, and dropped with their case."""
    _office(store_url, n=5)
    with open_store(store_url, officer="mo") as s:
        s.writing(lambda w: w.connection().execute(sa.delete(summary.PACKS)))
        before = s.verify_audit().rows
        s.team_due(TODAY, CAL)
        assert len(_packed(s)) == 5 and len(_stored(s)) == 5       # both written back
        assert s.verify_audit().rows == before
        tables = __import__("omtui.store.tables", fromlist=["x"])
        assert DueSummaryRow.__tablename__ not in tables.CASE_DATA_TABLES
        assert tables.EventPackRow.__tablename__ not in tables.CASE_DATA_TABLES


def test_cli_team_refresh_due(tmp_path):
    from tests.store.conftest import cli

    db = str(tmp_path / "o.sqlite")
    _office(db, n=6)
    got = cli("--db", db, "--officer", "mo", "--today", TODAY.isoformat(),
              "team", "refresh-due")
    assert got.exit_code == 0, got.output
    assert "6 case(s)" in got.stdout and "6 computed" in got.stdout
    again = cli("--db", db, "--officer", "mo", "--today", TODAY.isoformat(),
                "team", "refresh-due", "--json")
    assert again.exit_code == 0
    import json

    data = json.loads(again.stdout)
    assert data["cases"] == 6 and data["computed"] == 0 and data["fresh"] == 6
    refused = cli("--db", db, "--officer", "om1", "team", "refresh-due")
    assert refused.exit_code != 0 and "Traceback" not in refused.stderr


def test_item_encoding_keeps_traces_the_calendar_cannot_rebuild():
    """An item whose trace came from elsewhere (another calendar, added notes) is stored in
    full; one the calendar rebuilds is stored as day 0, n and unit (plus any added notes)."""
    from omtui.domain.calendar import Unit
    from omtui.domain.due import DueItem

    other = fixed_calendar({date(2026, 11, 24): "office closed"}, name="other")
    plain = CAL.explain(date(2026, 11, 2), 10, Unit.WORKING_DAYS)
    noted = replace(plain, notes=(*plain.notes, "contact period 3"))
    foreign = other.explain(date(2026, 11, 20), 5, Unit.WORKING_DAYS)
    items = [DueItem("A000001", f"r{i}", "Title [bold]", "NS 2b.1", t.start, "sentence", t.due,
                     Status.OVERDUE, t, "a thing done", None, None, "rule", ("n",))
             for i, t in enumerate((plain, noted, foreign))]
    text = summary.encode_items(items, CAL)
    back = summary.decode_items(text, CAL)
    assert [i.to_dict() for i in back] == [i.to_dict() for i in items]
    assert text.count('"full":true') == 1
