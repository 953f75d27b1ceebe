"""Property: import(export(x)) == x, through the database, for any valid caseload.

Generated cases include names with Rich markup and in non-Latin scripts, notes up to 100,000
characters, unknown extra fields (nested JSON) on cases and events, and every event type.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.case import ContactOutcome, EventType, Gender, OrderType, Requirement, Rosh
from omtui.domain.caseformat import (
    CASE_FIELDS,
    EVENT_FIELDS,
    parse_case,
    parse_caseload,
)
from omtui.store import event_rows, open_store
from omtui.store.exporter import caseload_json

SPECIAL_NAMES = ["[bold]Lee", "[link=https://example.invalid]Dean[/link]", "王伟", "يوسف حداد",
                 "Дмитрий Соколов", "Νίκος Παπαδόπουλος", "अर्जुन शर्मा", "O'Brien-Ní Bhriain",
                 "\\[escaped]", "Zoë\u200dJoy", "🙂 emoji"]

plain_text = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                     min_size=1, max_size=30).filter(lambda s: s.strip() != "")
names = st.one_of(st.sampled_from(SPECIAL_NAMES), plain_text)
notes = st.one_of(st.none(), plain_text, st.sampled_from(["é" * 100_000, "long\n" * 20_000]))
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53),
                         st.floats(allow_nan=False, allow_infinity=False), plain_text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(plain_text, inner, max_size=3)), max_leaves=6)


def extras(reserved: tuple[str, ...], also=()) -> st.SearchStrategy[dict]:
    keys = st.one_of(plain_text, st.sampled_from(list(also) or ["x"])).filter(
        lambda k: k not in reserved)
    return st.dictionaries(keys, json_values, max_size=3)


@st.composite
def events(draw):
    etype = draw(st.sampled_from(list(EventType)))
    day = draw(days)
    raw = {"type": etype.value, "date": day.isoformat()}
    if etype is EventType.CONTACT and draw(st.booleans()):
        raw["outcome"] = draw(st.sampled_from(list(ContactOutcome))).value
    if etype is EventType.EXPLANATION:
        raw["for_date"] = (day - timedelta(days=draw(st.integers(0, 20)))).isoformat()
        raw["acceptable"] = draw(st.booleans())
        raw["reason"] = draw(plain_text)
    if etype is EventType.SUSPENSION:
        raw["reason"] = draw(st.sampled_from(["custody", "hospital", "sickness"]))
        if draw(st.booleans()):
            raw["until"] = (day + timedelta(days=draw(st.integers(0, 90)))).isoformat()
    note = draw(notes)
    if note is not None:
        raw["note"] = note
    raw.update(draw(extras(EVENT_FIELDS, also=("time", "contact_type", "outcome_detail"))))
    return raw


@st.composite
def case_dicts(draw, crn):
    sentence = draw(days)
    raw = {"crn": crn, "name": draw(names),
           "order_type": draw(st.sampled_from(list(OrderType))).value,
           "sentence_date": sentence.isoformat(), "tier": draw(st.integers(1, 4)),
           "rosh": draw(st.sampled_from(list(Rosh))).value, "ppo": draw(st.booleans()),
           "requirements": [r.value for r in draw(st.lists(st.sampled_from(list(Requirement)),
                                                           unique=True, max_size=4))],
           "events": draw(st.lists(events(), max_size=5))}
    if draw(st.booleans()):
        raw["gender"] = draw(st.sampled_from(list(Gender))).value
    if draw(st.booleans()):
        raw["dob"] = (sentence - timedelta(days=draw(st.integers(1, 30000)))).isoformat()
    if draw(st.booleans()):
        raw["mappa"] = {"category": draw(st.integers(1, 3)), "level": draw(st.integers(1, 3))}
    for key in ("release_date", "start_date"):
        if draw(st.booleans()):
            raw[key] = draw(days).isoformat()
    if draw(st.booleans()):
        start = date.fromisoformat(raw.get("start_date", raw["sentence_date"]))
        raw["end_date"] = (start + timedelta(days=draw(st.integers(0, 2000)))).isoformat()
    for key in ("custody_months", "time_to_serve_months"):
        if draw(st.booleans()):
            raw[key] = draw(st.integers(0, 1200))
    if draw(st.booleans()):
        raw["om"] = draw(names)
    if draw(st.booleans()):
        raw["flags"] = draw(st.lists(plain_text, unique=True, max_size=3))
    raw.update(draw(extras(CASE_FIELDS)))
    return raw


@st.composite
def caseloads(draw):
    crns = draw(st.lists(st.from_regex(r"\A[A-Z][0-9]{6}\Z"), unique=True, min_size=1,
                         max_size=4))
    cases = []
    for crn in crns:
        case, problems = parse_case(draw(case_dicts(crn)))
        assert problems == [], problems
        cases.append(case)
    return cases


@pytest.fixture
def stores():
    """Two databases shared by all examples of a test (creating one per example is slow);
    each example imports with replace=True and compares only its own CRNs."""
    first, second = open_store(":memory:", officer="prop"), open_store(":memory:", officer="prop")
    yield first, second
    first.close()
    second.close()


@settings(max_examples=40)
@given(cases=caseloads())
def test_import_export_import_is_exact(stores, cases):
    first, second = stores
    crns = sorted(c.crn for c in cases)
    first.import_cases(cases, replace=True)
    stored = first.export_cases(crns)
    assert stored == sorted(cases, key=lambda c: c.crn)
    for case in cases:
        assert first.get_case(case.crn) == case
    text = caseload_json(stored)
    parsed = parse_caseload(json.loads(text))
    assert parsed.problems == []
    assert parsed.cases == stored
    second.import_cases(parsed.cases, replace=True)
    assert caseload_json(second.export_cases(crns)) == text
    assert first.verify_audit().ok and second.verify_audit().ok


@settings(max_examples=20)
@given(cases=caseloads())
def test_save_case_then_get_case_is_exact(stores, cases):
    """The app's path (save_case inserts new cases with their events, updates facts)."""
    store = stores[0]
    for case in cases:
        before = store.export_cases([case.crn]) if case.crn in store.crns() else None
        store.save_case(case)
        got = store.get_case(case.crn)
        if before is None:
            assert got == case
        else:   # an update changes facts and requirements, never the events
            assert got == replace(case, events=before[0].events)


def _loaded(store, crns) -> dict:
    """The cases of ``crns`` as the cold team due list reads them (store/summary.py)."""
    from omtui.store import summary

    with store.engine.connect() as conn, conn.begin():
        ids = list(conn.execute(sa.select(summary.CASES.c.id)
                                .where(summary.CASES.c.crn.in_(crns))).scalars())
        return {c.crn: c for _i, _v, c in summary.load_cases(conn, ids)}


@settings(max_examples=30)
@given(cases=caseloads())
def test_event_packs_read_back_the_events_stored(stores, cases):
    """The importer's event packs, and the packs a due list makes from the rows, give the
    events the store gives (any script, long notes, nested extras, floats)."""
    from omtui.store import summary

    store = stores[0]
    crns = sorted(c.crn for c in cases)
    store.import_cases(cases, replace=True)
    expected = {c.crn: c for c in store.export_cases(crns)}
    assert _loaded(store, crns) == expected                     # from the importer's packs
    with store.engine.begin() as conn:
        conn.execute(sa.delete(summary.PACKS))
    assert _loaded(store, crns) == expected                     # from the rows
    with store.engine.connect() as conn, conn.begin():
        ids = list(conn.execute(sa.select(summary.CASES.c.id)
                                .where(summary.CASES.c.crn.in_(crns))).scalars())
        made: dict[int, str] = {}
        again = summary.load_cases(conn, ids, made)
    assert sorted(made) == sorted(ids)
    dates = event_rows.Dates()
    assert {c.crn: tuple(event_rows.events_from_pack(made[i], dates))
            for i, _v, c in again} == {crn: c.events for crn, c in expected.items()}
