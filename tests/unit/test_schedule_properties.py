"""Property tests: the contact schedule never raises on generated cases, its periods follow
one another without gaps except suspended days, and its due items match its periods."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from importlib import resources

from hypothesis import given, settings

from omtui.domain.due import Status
from omtui.domain.schedule import ContactLevels, contact_due_items, contact_schedule
from tests.unit.test_enforcement_properties import cases, days

LEVELS = ContactLevels.from_dict(tomllib.loads(
    resources.files("omtui.data.rules").joinpath("contact-levels.toml").read_text("utf-8")))


@settings(max_examples=120)
@given(case=cases(), today=days)
def test_schedule_never_raises_and_periods_are_consistent(fixed_cal, case, today):
    s = contact_schedule(case, today, fixed_cal, LEVELS)
    if not s.applies:
        assert s.periods == () and contact_due_items(case, today, fixed_cal, LEVELS) == []
        return
    def suspended(d):
        return any(x.covers(d) for x in s.suspensions)
    for prev, p in zip(s.periods, s.periods[1:], strict=False):
        assert prev.end is not None and prev.end < p.start
        # the days between two periods are all suspended
        d = prev.end + timedelta(days=1)
        while d < p.start:
            assert suspended(d)
            d += timedelta(days=1)
    for p in s.periods:
        assert not suspended(p.start) or p.start == s.start
        if p.end is not None:
            assert p.start <= p.end
            assert p.short == (p.end < today and p.achieved < p.required)
        assert p.achieved == len(p.contacts)
    if s.next_due is not None:
        assert s.suspended_now is None or s.next_due >= today
    items = contact_due_items(case, today, fixed_cal, LEVELS)
    ends = {p.end for p in s.periods} | ({s.benchmark.due} if s.benchmark else set())
    for item in items:
        assert item.kind == "contact" and item.due >= item.day0
        assert item.trace.due == item.due
        assert (item.status is Status.DONE) == (item.done_on is not None)
        if item.rule != LEVELS.benchmark.id:
            assert item.due in ends or len(s.periods) == 1
