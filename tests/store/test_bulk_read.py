"""The cold team due list's bulk read (store/convert.py ``driver_rows``, store/event_rows.py
``events_by_case``, store/summary.py ``load_cases``): the cases it reads are exactly the cases
the store's ordinary read gives, field for field, on SQLite and on a real PostgreSQL database
(``store_url``)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from omtui.domain.case import Event
from omtui.store import demo, open_store, summary
from omtui.store.convert import (
    EVENT_COLUMNS,
    driver_columns,
    driver_rows,
    event_from_tuple,
    plain_columns,
)
from omtui.store.event_rows import Dates, events_by_case, events_from_pack, pack_events
from omtui.store.tables import EventRow
from tests.store.conftest import make_case

EVENTS = EventRow.__table__


def _every_kind_of_event() -> object:
    """One case whose events use every column: outcomes, explanations accepted or not,
    suspensions with and without an end, lifted contact keys, nested extras, long notes in
    another script, an unknown extra key."""
    return make_case("B765432", events=[
        {"type": "allocated", "date": "2026-06-02"},
        {"type": "contact", "date": "2026-06-03", "outcome": "attended", "time": "10:00",
         "contact_type": "office", "outcome_detail": "seen", "note": "Seen. " * 400},
        {"type": "contact", "date": "2026-06-10", "outcome": "ftc", "note": "Пропустил"},
        {"type": "explanation", "date": "2026-06-11", "for_date": "2026-06-10",
         "acceptable": False, "reason": "overslept"},
        {"type": "explanation", "date": "2026-06-12", "for_date": "2026-06-10",
         "acceptable": True, "reason": "ill"},
        {"type": "suspension", "date": "2026-07-01", "reason": "custody",
         "until": "2026-07-20"},
        {"type": "suspension", "date": "2026-08-01", "reason": "custody"},
        {"type": "contact", "date": "2026-12-01", "time": "09:30",
         "duration_minutes": 45, "with": {"who": ["police", "housing"], "n": 2}},
        {"type": "review", "date": "2026-09-01", "our_key": "kept [bold]as is[/bold]"},
    ])


def _import(url: str) -> list:
    cases = [_every_kind_of_event(), *demo.generate(30, 5, demo.DEMO_TODAY)]
    with open_store(url, officer="setup") as s:
        s.import_cases(cases, validated=True)
    return cases


def test_load_cases_reads_what_the_store_reads(store_url):
    _import(store_url)
    with open_store(store_url, officer="setup") as s:
        expected = {c.crn: c for c in s.list_cases()}
        with s.engine.connect() as conn, conn.begin():
            ids = list(conn.execute(sa.select(summary.CASES.c.id)
                                    .order_by(summary.CASES.c.id)).scalars())
            versions = dict(conn.execute(sa.select(summary.CASES.c.id,
                                                   summary.CASES.c.version)
                                         .order_by(summary.CASES.c.id)).all())
            loaded = summary.load_cases(conn, reversed(ids))
    assert [case_id for case_id, _v, _c in loaded] == ids          # id order, whatever asked
    assert {c.crn: c for _i, _v, c in loaded} == expected
    assert all(version == versions[case_id] for case_id, version, _c in loaded)
    odd = next(c for _i, _v, c in loaded if c.crn == "B765432")
    assert odd.events[-2].extra["with"] == {"who": ["police", "housing"], "n": 2}
    assert odd.events[3].acceptable is False and odd.events[4].acceptable is True
    assert isinstance(odd.events[0].date, date)


def test_events_by_case_matches_event_from_tuple(store_url):
    """The bulk reader gives equal events, with true booleans and dates, and each event owns
    its extra (changing one changes no other)."""
    _import(store_url)
    with open_store(store_url, officer="setup") as s, s.engine.connect() as conn, conn.begin():
        stmt = (sa.select(*driver_columns(conn, EVENTS, EVENT_COLUMNS))
                .order_by(EVENTS.c.case_id, EVENTS.c.seq))
        raw = driver_rows(conn, stmt)
        orm = conn.execute(sa.select(*plain_columns(EVENTS, EVENT_COLUMNS))
                           .order_by(EVENTS.c.case_id, EVENTS.c.seq)).all()
    assert [tuple(r) for r in raw][:1] and len(raw) == len(orm)
    reference: dict[int, list[Event]] = {}
    for r in orm:
        reference.setdefault(r[0], []).append(event_from_tuple(r))
    got = events_by_case(raw)
    assert got == reference
    for events in got.values():
        for e in events:
            assert type(e) is Event
            assert e.acceptable is None or type(e.acceptable) is bool     # not 0/1
            assert all(type(d) is date for d in (e.date, e.for_date, e.until) if d is not None)
    extras = [e.extra for events in got.values() for e in events]
    assert len({id(x) for x in extras}) == len(extras)


def test_driver_rows_are_the_rows_sqlalchemy_returns(store_url):
    _import(store_url)
    with open_store(store_url, officer="setup") as s, s.engine.connect() as conn, conn.begin():
        ids = list(conn.execute(sa.select(summary.CASES.c.id)
                                .order_by(summary.CASES.c.id)).scalars())[3:9]
        stmt = (sa.select(summary.CASES.c.id, summary.CASES.c.crn, summary.CASES.c.name)
                .where(summary.CASES.c.id.in_(ids), summary.CASES.c.crn != "nobody")
                .order_by(summary.CASES.c.id))
        assert [tuple(r) for r in driver_rows(conn, stmt)] == [
            tuple(r) for r in conn.execute(stmt).all()]


def _packs(conn) -> dict[int, tuple[int, str]]:
    return {i: (f, p) for i, f, p in conn.execute(
        sa.select(summary.PACKS.c.case_id, summary.PACKS.c.format, summary.PACKS.c.pack))}


def test_the_importer_packs_every_case_and_a_pack_reads_as_its_rows(store_url):
    _import(store_url)
    with open_store(store_url, officer="setup") as s:
        expected = {c.crn: c for c in s.list_cases()}
        with s.engine.connect() as conn, conn.begin():
            ids = list(conn.execute(sa.select(summary.CASES.c.id)).scalars())
            assert sorted(_packs(conn)) == sorted(ids)
            made: dict[int, str] = {}
            loaded = summary.load_cases(conn, ids, made)
    assert made == {}                                       # every case read from its pack
    assert {c.crn: c for _i, _v, c in loaded} == expected
    odd = expected["B765432"].events
    assert events_from_pack(pack_events(odd), Dates()) == list(odd)


@pytest.mark.parametrize("bad", [
    "not json", "{}", "[1]", '[["contact"]]', '[["no_such_type","2026-01-01",null,null,null,'
    'null,null,null,null]]', '[["contact","31/02/2026",null,null,null,null,null,null,null]]',
    '[["contact","2026-01-01",null,null,1,null,null,null,null]]',
    '[["contact","2026-01-01",null,null,null,null,null,null,[1]]]'])
def test_a_pack_omtui_did_not_write_is_passed_over_for_the_rows(store_url, bad):
    """A damaged pack, or one of another format, never reaches the rules engine: the case's
    events are read from its rows (and a new pack made for the due list to store)."""
    _import(store_url)
    with open_store(store_url, officer="setup") as s:
        expected = {c.crn: c for c in s.list_cases()}
        with s.engine.begin() as conn:
            first, second = conn.execute(sa.select(summary.CASES.c.id)
                                         .order_by(summary.CASES.c.id).limit(2)).scalars()
            conn.execute(sa.update(summary.PACKS).where(summary.PACKS.c.case_id == first)
                         .values(pack=bad))
            conn.execute(sa.update(summary.PACKS).where(summary.PACKS.c.case_id == second)
                         .values(format=summary.PACKS.c.format + 1))
        with s.engine.connect() as conn, conn.begin():
            made: dict[int, str] = {}
            loaded = summary.load_cases(conn, [first, second, first + 5], made)
    assert sorted(made) == [first, second]
    assert all(c == expected[c.crn] for _i, _v, c in loaded) and len(loaded) == 3


def test_bulk_insert_stores_what_sqlalchemys_insert_stores(tmp_path):
    """The importer's SQLite fast path (``repository._bulk_insert``) stores the same values as
    ``conn.execute(insert(table), rows)``: dates, booleans, JSON, NULLs and column defaults."""
    from omtui.store.repository import _bulk_insert

    rows = [{"case_id": 1, "seq": i, "type": "contact", "date": date(2026, 6, 1 + i),
             "outcome": o, "for_date": f, "acceptable": a, "reason": None, "until": None,
             "note": n, "contact_time": None, "contact_type": None, "outcome_detail": None,
             "extra": x}
            for i, (o, f, a, n, x) in enumerate([
                ("attended", None, None, "Seen [bold]x[/bold]", {"with": ["police"], "n": 2.5}),
                (None, date(2026, 5, 1), True, None, None),
                ("ftc", date(2026, 5, 2), False, "Пропустил", {}),
                (None, None, None, "é" * 5000, {"nested": {"a": [None, True]}})])]
    stored = []
    for n, fast in enumerate((False, True)):
        with open_store(str(tmp_path / f"{n}.sqlite"), officer="setup") as s:
            s.import_cases([make_case("B000001", events=[])])
            with s.engine.begin() as conn:
                if fast:
                    _bulk_insert(conn, EVENTS, rows)
                else:
                    conn.execute(sa.insert(EVENTS), rows)
                stored.append(conn.exec_driver_sql(
                    "SELECT * FROM events ORDER BY seq").fetchall())
    assert stored[0] == stored[1] and len(stored[1]) == 4
    assert stored[1][1][-1] == 1                                     # version's default
