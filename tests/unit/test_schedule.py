"""Contact levels (NS 2c.16; HMIP D.2.2.8): periods, required vs achieved, suspensions.

Contact periods are calendar time (weeks): a period of one week that starts on a Monday ends
on the Sunday; a due date on a weekend or bank holiday is not moved (the trace says so).
Dates are worked by hand in the comments.
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources

import pytest

from omtui.domain.case import (
    Case,
    ContactOutcome,
    Event,
    EventType,
    OrderType,
    Requirement,
    Rosh,
)
from omtui.domain.due import Status
from omtui.domain.schedule import (
    ContactLevels,
    ContactLevelsError,
    contact_due_items,
    contact_schedule,
)

D = date
SUP = (Requirement.SUPERVISION,)


def load_pack() -> dict:
    text = resources.files("omtui.data.rules").joinpath("contact-levels.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.fixture(scope="module")
def levels() -> ContactLevels:
    return ContactLevels.from_dict(load_pack())


def seen(d: date) -> Event:
    return Event(EventType.CONTACT, d, ContactOutcome.ATTENDED)


def case(tier: int = 4, *events: Event, order: OrderType = OrderType.CO,
         sentence: date = D(2026, 1, 5), rosh: Rosh = Rosh.MEDIUM, reqs=SUP,
         release: date | None = None, end: date | None = None) -> Case:
    return Case("X123456", "Test Person", order, sentence, tier, rosh, requirements=reqs,
                release_date=release, end_date=end, events=tuple(events))


def spans(schedule) -> list[tuple[date, date | None]]:
    return [(p.start, p.end) for p in schedule.periods]


# -- which level ---------------------------------------------------------------------------------

def test_tier_4_is_weekly_from_sentence(fixed_cal, levels):
    # sentence Mon 5 Jan 2026: weeks Mon-Sun; today Wed 21 Jan is in the third week
    s = contact_schedule(case(4, seen(D(2026, 1, 6))), D(2026, 1, 21), fixed_cal, levels)
    assert s.applies and s.level_id == "ns-2c16-tier4-weekly" and s.source == "NS 2c.16"
    assert spans(s) == [(D(2026, 1, 5), D(2026, 1, 11)), (D(2026, 1, 12), D(2026, 1, 18)),
                        (D(2026, 1, 19), D(2026, 1, 25)), (D(2026, 1, 26), D(2026, 2, 1))]
    assert [(p.achieved, p.short, p.complete) for p in s.periods] == [
        (1, False, True), (0, True, True), (0, False, False), (0, False, False)]
    assert [p.index for p in s.short_periods] == [2]
    assert s.next_due == D(2026, 1, 25)


def test_tier_3_weekly_for_16_weeks_then_4_weekly(fixed_cal, levels):
    # week 16 starts 5 Jan + 15 weeks = Mon 20 Apr; the first 4-week period starts Mon 27 Apr
    # and ends 27 Apr + 27 days = Sun 24 May.
    s = contact_schedule(case(3), D(2026, 5, 1), fixed_cal, levels)
    assert s.level_id == "ns-2c16-tier3"
    assert s.periods[15].start == D(2026, 4, 20) and s.periods[15].end == D(2026, 4, 26)
    assert (s.periods[16].start, s.periods[16].end) == (D(2026, 4, 27), D(2026, 5, 24))
    assert "every 4 weeks" in s.periods[16].phase


def test_tier_2_weekly_fortnightly_then_4_weekly(fixed_cal, levels):
    # weeks 1-4: 5 Jan - 1 Feb; fortnights 5-10 from Mon 2 Feb (the 10th: 13-26 Apr);
    # 4-weekly from Mon 27 Apr.
    s = contact_schedule(case(2), D(2026, 5, 1), fixed_cal, levels)
    assert s.level_id == "ns-2c16-tier2"
    assert s.periods[3].end == D(2026, 2, 1)
    assert (s.periods[4].start, s.periods[4].end) == (D(2026, 2, 2), D(2026, 2, 15))
    assert (s.periods[9].start, s.periods[9].end) == (D(2026, 4, 13), D(2026, 4, 26))
    assert (s.periods[10].start, s.periods[10].end) == (D(2026, 4, 27), D(2026, 5, 24))
    # every period started by today (1 May is in the 11th) and the next one
    assert len(s.periods) == 12 and s.periods[11].start == D(2026, 5, 25)


def test_high_rosh_is_weekly_whatever_the_tier(fixed_cal, levels):
    s = contact_schedule(case(2, rosh=Rosh.VERY_HIGH), D(2026, 3, 2), fixed_cal, levels)
    assert s.level_id == "hmip-d228-high-rosh-weekly" and s.source == "HMIP D.2.2.8"
    assert all((p.end - p.start).days == 6 for p in s.periods)


def test_community_order_without_supervision_has_no_schedule(fixed_cal, levels):
    c = case(3, reqs=(Requirement.UNPAID_WORK,))
    s = contact_schedule(c, D(2026, 3, 2), fixed_cal, levels)
    assert not s.applies and "without a supervision requirement" in s.reason
    assert contact_due_items(c, D(2026, 3, 2), fixed_cal, levels) == []


def test_licence_schedule_starts_at_release(fixed_cal, levels):
    c = case(2, order=OrderType.LICENCE, sentence=D(2025, 6, 2), release=D(2026, 2, 2), reqs=())
    s = contact_schedule(c, D(2026, 2, 3), fixed_cal, levels)
    assert s.applies and s.start == D(2026, 2, 2) and s.start_label == "release"
    assert spans(s)[0] == (D(2026, 2, 2), D(2026, 2, 8))


# -- achieved -----------------------------------------------------------------------------------------

def test_only_attended_contacts_are_achieved_but_all_arranged_are_counted(fixed_cal, levels):
    c = case(4, Event(EventType.CONTACT, D(2026, 1, 6), ContactOutcome.ACCEPTABLE_ABSENCE),
             Event(EventType.CONTACT, D(2026, 1, 8), ContactOutcome.FTC))
    p = contact_schedule(c, D(2026, 1, 14), fixed_cal, levels).periods[0]
    assert (p.achieved, p.arranged, p.short) == (0, 2, True)


# -- suspensions ------------------------------------------------------------------------------------

def test_suspension_pauses_and_resumes_where_it_stopped(fixed_cal, levels):
    # Week 2 starts Mon 12 Jan. Two days run (12, 13); hospital Wed 14 - Tue 20 Jan (7 days)
    # pauses it; it resumes Wed 21 with 5 days left: 21, 22, 23, 24, 25 -> ends Sun 25 Jan.
    # Week 3 is then Mon 26 Jan - Sun 1 Feb.
    hosp = Event(EventType.SUSPENSION, D(2026, 1, 14), until=D(2026, 1, 20), reason="hospital")
    s = contact_schedule(case(4, hosp), D(2026, 1, 27), fixed_cal, levels)
    assert spans(s)[1:3] == [(D(2026, 1, 12), D(2026, 1, 25)), (D(2026, 1, 26), D(2026, 2, 1))]
    assert s.periods[1].suspended_days == 7
    [susp] = s.suspensions
    assert (susp.start, susp.end, susp.reason) == (D(2026, 1, 14), D(2026, 1, 20), "hospital")
    items = contact_due_items(case(4, hosp), D(2026, 1, 22), fixed_cal, levels)
    current = next(i for i in items if i.day0 == D(2026, 1, 12))
    assert current.due == D(2026, 1, 25) and current.trace.due == D(2026, 1, 25)
    assert any("suspended 7 day(s)" in n for n in current.trace.notes)


def test_open_suspension_pauses_the_schedule(fixed_cal, levels):
    custody = Event(EventType.SUSPENSION, D(2026, 1, 14), reason="custody")
    c = case(4, custody)
    s = contact_schedule(c, D(2026, 2, 2), fixed_cal, levels)
    assert s.suspended_now is not None and s.suspended_now.reason == "custody"
    assert s.periods[-1].start == D(2026, 1, 12) and s.periods[-1].paused
    assert s.next_due is None
    # nothing is due while paused; only the week missed before custody shows (overdue)
    items = contact_due_items(c, D(2026, 2, 2), fixed_cal, levels)
    assert [(i.due, i.status) for i in items] == [(D(2026, 1, 11), Status.OVERDUE)]


def test_return_to_custody_pauses_until_release(fixed_cal, levels):
    # Licence from Mon 2 Mar 2026; back in custody Mon 16 Mar (the first day of week 3),
    # released Mon 23 Mar: days 16-22 do not count, so week 3 runs Mon 23 - Sun 29 Mar.
    c = case(3, Event(EventType.RETURNED_TO_CUSTODY, D(2026, 3, 16)),
             Event(EventType.RELEASE, D(2026, 3, 23)), order=OrderType.LICENCE,
             sentence=D(2025, 1, 6), release=D(2026, 3, 2), reqs=())
    s = contact_schedule(c, D(2026, 3, 24), fixed_cal, levels)
    assert spans(s)[:3] == [(D(2026, 3, 2), D(2026, 3, 8)), (D(2026, 3, 9), D(2026, 3, 15)),
                            (D(2026, 3, 23), D(2026, 3, 29))]
    assert s.suspensions[0].reason == "returned to custody"
    assert s.suspensions[0].end == D(2026, 3, 22)


# -- due items ---------------------------------------------------------------------------------------

def test_due_items_last_short_period_overdue_and_current_due(fixed_cal, levels):
    c = case(4, seen(D(2026, 1, 6)))
    items = contact_due_items(c, D(2026, 1, 21), fixed_cal, levels)
    assert [(i.due, i.status) for i in items] == [
        (D(2026, 1, 18), Status.OVERDUE),
        (D(2026, 1, 25), Status.DUE_SOON)]     # Wed 21 -> Sun 25: 2 working days (Thu, Fri)
    assert all(i.kind == "contact" and i.rule == "ns-2c16-tier4-weekly" for i in items)
    assert items[1].day0_label == "start of contact period 3"


def test_due_items_when_the_current_period_is_met_show_the_next(fixed_cal, levels):
    c = case(4, seen(D(2026, 1, 6)), seen(D(2026, 1, 13)), seen(D(2026, 1, 20)))
    items = contact_due_items(c, D(2026, 1, 21), fixed_cal, levels)
    assert [(i.day0, i.due, i.status, i.done_on) for i in items] == [
        (D(2026, 1, 19), D(2026, 1, 25), Status.DONE, D(2026, 1, 20)),
        (D(2026, 1, 26), D(2026, 2, 1), Status.DUE, None)]


def test_period_ending_on_a_bank_holiday_is_not_moved(fixed_cal, levels):
    # sentence Sat 28 Mar 2026: the first week ends Fri 3 Apr, Good Friday.
    c = case(4, sentence=D(2026, 3, 28))
    [item] = contact_due_items(c, D(2026, 3, 30), fixed_cal, levels)
    assert item.due == D(2026, 4, 3)
    assert any("Good Friday" in n for n in item.trace.notes)


def test_tier_1_two_contacts_over_the_order(fixed_cal, levels):
    c = case(1, seen(D(2026, 2, 10)), seen(D(2026, 5, 12)), end=D(2027, 1, 4))
    s = contact_schedule(c, D(2026, 6, 1), fixed_cal, levels)
    [p] = s.periods
    assert (p.start, p.end, p.required, p.achieved) == (D(2026, 1, 5), D(2027, 1, 4), 2, 2)
    items = contact_due_items(c, D(2026, 6, 1), fixed_cal, levels)
    order_item = next(i for i in items if i.rule == "ns-2c16-tier1")
    assert order_item.status is Status.DONE and order_item.done_on == D(2026, 5, 12)


def test_tier_1_without_end_date_falls_back_on_the_monthly_benchmark(fixed_cal, levels):
    # last contact Sat 31 Jan 2026 + 1 calendar month = 28 Feb (no 31 Feb: clipped)
    c = case(1, seen(D(2026, 1, 31)))
    items = contact_due_items(c, D(2026, 2, 2), fixed_cal, levels)
    [bench] = items
    assert (bench.rule, bench.source, bench.day0, bench.due) == (
        "hmip-d228-monthly", "HMIP D.2.2.8", D(2026, 1, 31), D(2026, 2, 28))
    s = contact_schedule(c, D(2026, 2, 2), fixed_cal, levels)
    assert s.next_due == D(2026, 2, 28) and s.notes


def test_order_end_clips_the_last_period(fixed_cal, levels):
    c = case(4, end=D(2026, 1, 20))
    s = contact_schedule(c, D(2026, 2, 1), fixed_cal, levels)
    assert spans(s) == [(D(2026, 1, 5), D(2026, 1, 11)), (D(2026, 1, 12), D(2026, 1, 18)),
                        (D(2026, 1, 19), D(2026, 1, 20))]
    assert s.periods[-1].clipped and s.next_due is None


def test_far_into_an_order_the_due_items_are_still_the_ones_around_today(fixed_cal, levels):
    # tier 3, 4-weekly from Mon 27 Apr 2026: period 17 + k starts 27 Apr + 28k days.
    # Today Mon 23 Nov 2026 is 210 days after 27 Apr (30+31+30+31+31+30+27): 210 // 28 = 7,
    # so period 24 starts 27 Apr + 196 days = Mon 9 Nov and ends Sun 6 Dec; period 23 is
    # 12 Oct - 8 Nov and, with no contact, is short (overdue).
    items = contact_due_items(case(3), D(2026, 11, 23), fixed_cal, levels)
    assert [(i.day0, i.due, i.status) for i in items] == [
        (D(2026, 10, 12), D(2026, 11, 8), Status.OVERDUE),
        (D(2026, 11, 9), D(2026, 12, 6), Status.DUE)]
    sched = contact_schedule(case(3), D(2026, 11, 23), fixed_cal, levels)
    assert (sched.periods[23].start, sched.periods[23].end) == (D(2026, 11, 9), D(2026, 12, 6))
    assert len(sched.periods) == 25


# -- the pack -----------------------------------------------------------------------------------------

def test_pack_numbers_come_from_the_data(fixed_cal):
    pack = load_pack()
    pack["level"][1]["phases"] = [{"every_weeks": 2, "contacts": 2}]
    levels = ContactLevels.from_dict(pack)
    s = contact_schedule(case(4), D(2026, 1, 6), fixed_cal, levels)
    assert s.periods[0].end == D(2026, 1, 18) and s.periods[0].required == 2


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda p: p["level"][2]["phases"][0].update(every_weeks=0), "level[2].phases[0].every_weeks"),
    (lambda p: p["level"][3]["phases"][1].update(for_weeks=13), "level[3].phases[1].for_weeks"),
    (lambda p: p["level"][2]["phases"][1].update(for_weeks=8), "level[2].phases[1].for_weeks"),
    (lambda p: p["level"][0]["when"].update(rosh=["extreme"]), "level[0].when.rosh"),
    (lambda p: p["level"][0]["when"].update(colour=["red"]), "level[0].when.colour"),
    (lambda p: p["level"][4].update(total=-1), "level[4].total"),
    (lambda p: p["level"][1].pop("source"), "level[1].source"),
    (lambda p: p["counting"].update(achieved_outcomes=["met"]), "counting.achieved_outcomes[0]"),
    (lambda p: p["pack"].update(effective_from="soon"), "pack.effective_from"),
    (lambda p: p["level"][3].update(id=p["level"][2]["id"]), "level[3].id"),
])
def test_bad_pack_names_the_field(mutate, field):
    pack = load_pack()
    mutate(pack)
    with pytest.raises(ContactLevelsError) as err:
        ContactLevels.from_dict(pack)
    assert err.value.field == field


def test_every_level_cites_a_section():
    pack = load_pack()
    for level in pack["level"]:
        assert level["source"].startswith(("NS 2c.16", "HMIP D.2.2.8")), level
    assert pack["benchmark"]["source"] == "HMIP D.2.2.8"
