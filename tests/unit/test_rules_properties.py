"""Invariants of the rules engine over generated cases (hypothesis).

* evaluation never raises on any valid case, and explain covers every rule;
* a due item's date never precedes its day 0 when the offset is positive;
* recording the event that satisfies an open item turns it done (for a recurring rule,
  moves it on to the next occurrence, with the new event as day 0).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from omtui.domain.agenda import case_agenda, explain_case
from omtui.domain.case import (
    Case,
    ContactOutcome,
    Event,
    EventType,
    Gender,
    Mappa,
    OrderType,
    Requirement,
    Rosh,
)
from omtui.domain.caseformat import case_to_dict, parse_case
from omtui.domain.due import Status
from omtui.rulepacks import load_rulebook

BOOK = load_rulebook(use_env=False)                  # with contact levels and enforcement
RULES_ONLY = load_rulebook(use_env=False, policies=False)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

EXTRA_VALUES = {
    "with": ["treatment_provider", "police", "prison", "victim"],
    "purpose": ["psr_sent", "hdc_request", "hdc_report", "rotl_request", "rotl_report",
                "mappa_referral", "termination"],
    "contact_type": ["letter", "home_visit", "office"], "direction": ["in"],
    "requirement": [r.value for r in Requirement],
    "role": ["offender_supervisor"], "plan": ["risk_management"], "mappa_eligible": [True],
}


@st.composite
def events(draw, start: date):
    etype = draw(st.sampled_from(list(EventType)))
    day = start + timedelta(days=draw(st.integers(-30, 900)))
    outcome = draw(st.sampled_from(list(ContactOutcome))) if etype is EventType.CONTACT and \
        draw(st.booleans()) else None
    extra = {}
    for key in draw(st.lists(st.sampled_from(sorted(EXTRA_VALUES)), max_size=2, unique=True)):
        extra[key] = draw(st.sampled_from(EXTRA_VALUES[key]))
    kw = {}
    if etype is EventType.EXPLANATION:
        kw = {"for_date": day - timedelta(days=draw(st.integers(0, 20))),
              "acceptable": draw(st.booleans())}
    if etype is EventType.SUSPENSION:
        until = draw(st.none() | st.integers(0, 120))
        kw = {"reason": draw(st.sampled_from(["custody", "hospital", "sickness"])),
              "until": None if until is None else day + timedelta(days=until)}
    return Event(etype, day, outcome, extra=extra, **kw)


@st.composite
def cases(draw):
    sentence = date(2017, 1, 1) + timedelta(days=draw(st.integers(0, 3650)))
    order = draw(st.sampled_from(list(OrderType)))
    release = None
    if order.is_post_custody and draw(st.booleans()):
        release = sentence + timedelta(days=draw(st.integers(0, 1500)))
    start = sentence if draw(st.booleans()) else None
    end = None
    if draw(st.booleans()):
        end = sentence + timedelta(days=draw(st.integers(30, 1500)))
    return Case(
        crn="X" + str(draw(st.integers(0, 999_999))).zfill(6),
        name=draw(st.sampled_from(["Ann", "[bold]Bo[/bold]", "Zoë Ó'Brien", "李雷"])),
        order_type=order, sentence_date=sentence, tier=draw(st.integers(1, 4)),
        rosh=draw(st.sampled_from(list(Rosh))), ppo=draw(st.booleans()),
        requirements=tuple(draw(st.lists(st.sampled_from(list(Requirement)), unique=True,
                                         max_size=4))),
        events=tuple(draw(st.lists(events(sentence), max_size=14))),
        gender=draw(st.none() | st.sampled_from(list(Gender))),
        mappa=draw(st.none() | st.builds(Mappa, st.integers(1, 3), st.integers(1, 3))),
        release_date=release,
        custody_months=draw(st.none() | st.integers(0, 240)) if order.is_post_custody else None,
        time_to_serve_months=draw(st.none() | st.integers(0, 120)),
        start_date=start, end_date=end,
        flags=tuple(draw(st.lists(st.sampled_from(["statutory_victim", "no_psr", "hdc"]),
                                  unique=True, max_size=2))),
    )


def todays(case_strategy=None):
    return st.integers(-20, 1600)


@SETTINGS
@given(cases(), todays())
def test_evaluation_never_raises_and_is_sorted(ew_cal, case, offset):
    today = case.sentence_date + timedelta(days=offset)
    items = case_agenda(case, today, ew_cal, BOOK)
    assert [i.sort_key() for i in items] == sorted(i.sort_key() for i in items)
    for item in items:
        assert item.crn == case.crn
        assert isinstance(item.status, Status)
        assert item.source and item.rule and item.title
        if item.status is Status.DONE:
            assert item.done_on is not None and item.done_on <= today
        item.to_dict()
        item.explanation_lines()
    decisions = explain_case(case, today, ew_cal, BOOK)
    assert {d.rule for d in decisions} >= {r.id for r in BOOK}
    rule_items = {(i.rule, i.day0) for i in items if i.kind == "rule"}
    explained = {(d.item.rule, d.item.day0) for d in decisions if d.item and d.item.kind == "rule"}
    assert rule_items == explained


@SETTINGS
@given(cases(), todays())
def test_due_never_before_day0_for_positive_offsets(ew_cal, case, offset):
    today = case.sentence_date + timedelta(days=offset)
    for item in case_agenda(case, today, ew_cal, RULES_ONLY):
        rule = RULES_ONLY.rule(item.rule)
        if rule.offset.n > 0:
            assert item.due > item.day0, item.rule
        elif rule.offset.n < 0:
            assert item.due < item.day0, item.rule


def _event_for(pattern, day: date) -> Event:
    outcome = None
    extra = {}
    for key, op, value in pattern.fields:
        if op != "=":
            continue                              # absent satisfies "!="
        if key == "outcome":
            outcome = ContactOutcome(value)
        else:
            extra[key] = True if value == "true" else value
    return Event(pattern.type, day, outcome, extra=extra)


def _lower(rule, item, case, cal):
    if rule.window_start is not None:
        return min(item.day0, cal.add(item.day0, rule.window_start.n, rule.window_start.unit))
    return item.day0 if rule.offset.n >= 0 else case.sentence_date


@SETTINGS
@given(cases(), todays(), st.data())
def test_recording_the_satisfying_event_turns_the_item_done(ew_cal, case, offset, data):
    today = case.sentence_date + timedelta(days=offset)
    open_items = [i for i in case_agenda(case, today, ew_cal, RULES_ONLY) if i.is_open]
    if not open_items:
        event("no open item")
        return
    item = data.draw(st.sampled_from(open_items))
    rule = RULES_ONLY.rule(item.rule)
    lower = _lower(rule, item, case, ew_cal)
    if lower > today:
        event("not satisfiable yet")
        return                                   # nothing could satisfy it yet
    day = max(lower, min(item.day0, today))
    pattern = data.draw(st.sampled_from(rule.satisfied_by))
    added = tuple(_event_for(pattern, day) for _ in range(rule.count))
    # the case goes through the interchange format, as an import would
    raw = case_to_dict(case)
    raw["events"] = raw["events"] + [
        {"type": e.type.value, "date": e.date.isoformat(),
         **({"outcome": e.outcome.value} if e.outcome else {}), **e.extra} for e in added]
    after, problems = parse_case(raw)
    assert after is not None, problems
    again = [i for i in case_agenda(after, today, ew_cal, RULES_ONLY) if i.rule == item.rule]
    event("recurring" if rule.recurring else "checked")
    if rule.recurring:
        # the next occurrence: day 0 is now the recorded event, or the rule left its phase
        assert all(i.day0 >= day for i in again), (item.rule, day, again)
        return
    same = [i for i in again if i.day0 == item.day0]
    assert same, (item.rule, item.day0)
    assert all(i.status is Status.DONE for i in same), (item.rule, same)


def _book_patterns():
    """Every event pattern the packaged book names (triggers and satisfying events)."""
    found = {}
    for group in BOOK.rules:
        for rule in group.versions:
            for pattern in [a.pattern for a in rule.trigger if a.pattern] + list(rule.satisfied_by):
                found[(pattern.type, pattern.fields)] = pattern
    return list(found.values())


PATTERNS = _book_patterns()


@st.composite
def contacts(draw, start: date):
    """A contact with any outcome (or none) and extra fields the book's patterns name."""
    extra = {key: draw(st.sampled_from(EXTRA_VALUES[key]))
             for key in draw(st.lists(st.sampled_from(["with", "purpose", "contact_type",
                                                       "direction", "requirement"]),
                                      max_size=3, unique=True))}
    return Event(EventType.CONTACT, start + timedelta(days=draw(st.integers(-30, 900))),
                 draw(st.none() | st.sampled_from(list(ContactOutcome))), extra=extra)


@settings(SETTINGS, max_examples=300)
@given(cases(), todays(), st.permutations(range(len(PATTERNS))), st.integers(-40, 900),
       st.data())
def test_event_search_agrees_with_a_plain_scan_in_any_order(case, offset, order, lower_offset,
                                                            data):
    """The per-case indexes (by type, by outcome, the extra fields present) give what a plain
    scan of the events gives, whatever order the rules ask in: a cache filled by one pattern
    must not answer for another."""
    from dataclasses import replace

    from omtui.domain.rules.evaluate import CaseView

    more = data.draw(st.lists(contacts(case.sentence_date), max_size=12))
    case = replace(case, events=case.events + tuple(more))
    today = case.sentence_date + timedelta(days=offset)
    lower = case.sentence_date + timedelta(days=lower_offset)
    view = CaseView(case, today)
    upto = sorted((e for e in case.events if e.date <= today), key=lambda e: e.date)
    for i in order:
        pattern = PATTERNS[i]
        plain = [e for e in upto if pattern.matches(e)]
        assert view.matching(pattern) == plain, pattern
        assert view.latest(pattern) == (plain[-1] if plain else None), pattern
        first = next((e for e in plain if e.date >= lower), None)
        assert view.first_from(pattern, lower, None) == first, pattern
