"""A realistic, entirely fictional demo caseload (``omtui demo``).

Deterministic for a seed, and relative to a demo "today" (default 2026-11-23) so that the same
items are overdue every time the demo is opened on that date. Every person, CRN and officer here
is invented.

The first cases are scripted stories every demo should show (a new tier 4 case whose induction
is overdue, a failure to comply nobody has dealt with, one breach, one recall, an overdue plan
and review, a release, a suspension, a MAPPA case, a name with Rich markup); the rest are drawn
at random: mixed orders, tiers, RoSH, requirements, flags, officers, past contacts (mostly
attended, some failures to comply with and without explanations, warnings) and future
appointments (contacts with a date after today and no outcome).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

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

DEMO_TODAY = date(2026, 11, 23)
DEFAULT_SEED = 2026
DEFAULT_CASES = 40

#: (given names, family names, gender) by origin; names in their own scripts where not Latin.
NAME_POOLS: list[tuple[list[str], list[str], Gender]] = [
    (["Jack", "Callum", "Ryan", "Daniel", "Liam"], ["Thompson", "Walker", "Hughes", "Wright"], Gender.MALE),
    (["Sophie", "Chloe", "Jade", "Leanne"], ["Clarke", "Turner", "Barker", "Hall"], Gender.FEMALE),
    (["Rhys", "Dafydd", "Gethin"], ["Llewellyn", "Pritchard", "Bowen"], Gender.MALE),
    (["Carys", "Nia", "Ffion"], ["Morgan", "Jenkins", "Rees"], Gender.FEMALE),
    (["Siobhán", "Aoife"], ["O'Connell", "Ní Bhriain", "Doherty"], Gender.FEMALE),
    (["Łukasz", "Paweł", "Krzysztof"], ["Wiśniewski", "Zieliński", "Wójcik"], Gender.MALE),
    (["Ionuț", "Mihai"], ["Popescu", "Dumitrescu"], Gender.MALE),
    (["Emre", "Kerem"], ["Yılmaz", "Şahin", "Çelik"], Gender.MALE),
    (["Chukwuemeka", "Oluwaseun", "Tunde"], ["Okafor", "Adeyemi", "Balogun"], Gender.MALE),
    (["Abdirahman", "Mohamed"], ["Warsame", "Farah", "Abdi"], Gender.MALE),
    (["Marcus", "Tyrone", "Andre"], ["Campbell", "Grant", "Francis"], Gender.MALE),
    (["Imran", "Bilal", "Zain"], ["Qureshi", "Hussain", "Akhtar"], Gender.MALE),
    (["Nguyễn Văn", "Trần Thị"], ["An", "Bình", "Hương"], Gender.OTHER),
    (["João", "Inês"], ["Silva", "Gonçalves"], Gender.NOT_STATED),
    (["يوسف", "عمر", "خالد"], ["حداد", "منصور", "العلي"], Gender.MALE),
    (["فاطمة", "مريم"], ["الزهراء", "يوسف"], Gender.FEMALE),
    (["伟", "强", "磊"], ["王", "李", "张"], Gender.MALE),
    (["娜", "静"], ["刘", "陈"], Gender.FEMALE),
    (["Дмитрий", "Олег", "Сергей"], ["Соколов", "Иванов", "Петренко"], Gender.MALE),
    (["Олена", "Наталья"], ["Коваленко", "Смирнова"], Gender.FEMALE),
    (["Νίκος", "Γιώργος"], ["Παπαδόπουλος", "Οικονόμου"], Gender.MALE),
    (["अर्जुन", "राहुल"], ["शर्मा", "वर्मा"], Gender.MALE),
    (["প্রিয়া"], ["দাস"], Gender.FEMALE),
]

#: Names every demo of eight cases or more shows: scripts and the markup trap.
SHOWCASE_NAMES: list[tuple[str, Gender]] = [
    ("[bold]Lee Harrison", Gender.MALE),
    ("يوسف حداد", Gender.MALE),
    ("王伟", Gender.MALE),
    ("Олена Коваленко", Gender.FEMALE),
    ("Νίκος Παπαδόπουλος", Gender.MALE),
    ("अर्जुन शर्मा", Gender.MALE),
    ("Siobhán O'Connell", Gender.FEMALE),
    ("Łukasz Wiśniewski", Gender.MALE),
]

OFFICERS = ["Priya Natarajan", "Tom Evans", "Grace Adebayo", "Owen Rowlands", "Hannah Fischer"]
CONTACT_TYPES = ["office", "office", "office", "home_visit", "phone", "video"]
CONTACT_TIMES = ["09:30", "10:00", "10:30", "11:15", "13:30", "14:00", "15:00", "16:15"]
NOTES_ATTENDED = [
    "Reported on time. Discussed employment search and housing application.",
    "Attended. Reviewed progress on sentence plan objectives; no concerns raised.",
    "Attended with support worker. Talked about alcohol use since last meeting.",
    "Seen. Says the new job starts next month; will bring the contract next time.",
    "Attended, reported feeling low; signposted to GP and the wellbeing service.",
]
EXPLANATIONS = [
    ("Hospital appointment, letter provided.", True),
    ("Childcare fell through; phoned the office that afternoon.", True),
    ("Said the bus did not turn up; no evidence offered.", False),
    ("Forgot the appointment.", False),
    ("Was at work; did not tell us in advance.", False),
]


def _working(day: date) -> date:
    """The next Monday to Friday on or after ``day`` (bank holidays are not avoided)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _add_wd(day: date, n: int) -> date:
    """``n`` Monday-to-Friday days after ``day`` (n >= 0)."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _back_wd(day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self._used: set[str] = set()

    def crn(self) -> str:
        rng = self.rng
        while True:
            crn = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXZ')}{rng.randrange(1_000_000):06d}"
            if crn not in self._used:
                self._used.add(crn)
                return crn

    def name(self) -> tuple[str, Gender]:
        given, family, gender = self.rng.choice(NAME_POOLS)
        g, f = self.rng.choice(given), self.rng.choice(family)
        if any("\u4e00" <= ch <= "\u9fff" for ch in g + f):
            return f + g, gender          # Chinese: family name first, no space
        return f"{g} {f}", gender

    def contact(self, day: date, outcome: ContactOutcome | None, note: str | None = None) -> Event:
        """A contact with the offender (an appointment when ``outcome`` is None), with the
        outcome taxonomy's codes (data/contact-outcomes.toml, docs/contacts.md)."""
        extra: dict[str, Any] = {"contact_type": self.rng.choice(CONTACT_TYPES),
                                 "time": self.rng.choice(CONTACT_TIMES),
                                 "duration_minutes": self.rng.choice([30, 45, 60])}
        if outcome is not None:
            extra["outcome_detail"] = OUTCOME_DETAIL[outcome]
        if outcome is ContactOutcome.ACCEPTABLE_ABSENCE:
            extra["absence_reason"] = self.rng.choice(["medical", "employment",
                                                       "family_childcare", "court_legal"])
        return Event(EventType.CONTACT, day, outcome=outcome, note=note, extra=extra)


#: The outcome taxonomy's code recorded with each case-format outcome.
OUTCOME_DETAIL = {ContactOutcome.ATTENDED: "attended_complied",
                  ContactOutcome.FTC: "failed_to_attend",
                  ContactOutcome.ACCEPTABLE_ABSENCE: "acceptable_absence",
                  ContactOutcome.RESCHEDULED: "to_be_rescheduled"}


def _interval_days(case_tier: int, rosh: Rosh, weeks_in: int) -> int:
    if rosh.is_high or case_tier == 4:
        return 7
    if case_tier == 3:
        return 7 if weeks_in < 16 else 28
    if case_tier == 2:
        return 7 if weeks_in < 4 else 14 if weeks_in < 16 else 28
    return 42


def _random_case(b: _Builder, crn: str, name: str, gender: Gender) -> Case:
    rng, today = b.rng, b.today
    order = rng.choices([OrderType.CO, OrderType.SSO, OrderType.LICENCE, OrderType.PSS],
                        weights=[45, 20, 28, 7])[0]
    rosh = rng.choices(list(Rosh), weights=[35, 40, 20, 5])[0]
    ppo = rng.random() < 0.08
    mappa = Mappa(rng.randint(1, 3), rng.randint(1, 3)) if rng.random() < 0.08 else None
    tier = 4 if (rosh.is_high or ppo or (mappa and mappa.level >= 2)) else rng.choice([1, 2, 2, 3, 3])
    flags = [f for f, p in (("child_concerns", 0.15), ("victim_contact", 0.10),
                            ("domestic_abuse", 0.2)) if rng.random() < p]
    om = rng.choice(OFFICERS)
    release_date = custody_months = time_to_serve = None
    if order.is_community:
        sentence = _working(today - timedelta(days=rng.randint(14, 540)))
        start = sentence
        end = _months(sentence, rng.choice([12, 12, 18, 24, 36]))
        while end <= today + timedelta(days=14):       # still running on the demo's today
            end = _months(end, 6)
        reqs = [Requirement.SUPERVISION] if rng.random() < 0.85 else []
        for req, p in ((Requirement.UNPAID_WORK, 0.35), (Requirement.CURFEW, 0.15),
                       (Requirement.ACCREDITED_PROGRAMME, 0.12), (Requirement.DRR, 0.08),
                       (Requirement.ATR, 0.08), (Requirement.ACTIVITY, 0.1),
                       (Requirement.EXCLUSION, 0.04), (Requirement.RESIDENCE, 0.04),
                       (Requirement.MHTR, 0.03)):
            if rng.random() < p:
                reqs.append(req)
        if not reqs:
            reqs = [Requirement.UNPAID_WORK]
    else:
        custody_months = rng.choice([6, 12, 18, 24, 36, 48, 72])
        time_to_serve = custody_months // 2
        start = _working(today - timedelta(days=rng.randint(10, 420)))
        release_date = start
        sentence = _working(start - timedelta(days=int(time_to_serve * 30.4)))
        end = _months(sentence, custody_months) if order is OrderType.LICENCE else _months(start, 12)
        reqs = []
        if end <= today:
            end = _months(today, rng.randint(2, 10))
    dob = sentence - timedelta(days=rng.randint(18 * 365, 65 * 365))
    events = _history(b, start, tier, rosh, reqs, order)
    if order.is_post_custody:
        events = sorted(events + _custody_events(b, sentence, start, custody_months or 0, ppo,
                                                 mappa), key=lambda e: e.date)
    return Case(crn=crn, name=name, order_type=order, sentence_date=sentence, tier=tier,
                rosh=rosh, ppo=ppo, requirements=tuple(reqs), events=tuple(events),
                gender=gender, dob=dob, mappa=mappa, release_date=release_date,
                custody_months=custody_months, time_to_serve_months=time_to_serve,
                start_date=start if order.is_post_custody else None, end_date=end, om=om,
                flags=tuple(flags))


def _history(b: _Builder, start: date, tier: int, rosh: Rosh, reqs: list[Requirement],
             order: OrderType, *, ftc_rate: float = 0.06) -> list[Event]:
    """Allocation, induction, assessment, plan, reviews, contacts and their outcomes."""
    rng, today = b.rng, b.today
    ev: list[Event] = []
    if order.is_post_custody:
        ev.append(Event(EventType.RELEASE, start))
    else:
        ev.append(Event(EventType.ALLOCATED, _add_wd(start, rng.choice([0, 1, 1, 2]))))
    induction = _add_wd(start, rng.choice([1, 2, 3, 4, 5, 5, 7]))
    if induction <= today:
        ev.append(Event(EventType.INDUCTION_COMPLETED, induction))
    assessed = _add_wd(start, rng.choice([4, 5, 10, 12, 15, 18]))
    if assessed <= today:
        ev.append(Event(EventType.ASSESSMENT_COMPLETED, assessed))
    if rosh.is_high:
        visit = _add_wd(start, rng.choice([5, 8, 10, 12]))
        if visit <= today:
            ev.append(Event(EventType.HOME_VISIT, visit))
    planned = _add_wd(start, rng.choice([5, 10, 14, 15, 17]))
    if order.is_community and planned <= today:
        ev.append(Event(EventType.PLAN_COMPLETED, planned))
        copied = _add_wd(planned, rng.choice([1, 1, 2, 2, 4]))
        if copied <= today:
            ev.append(Event(EventType.PLAN_COPIED, copied))
    if order.is_community and rosh.is_high:
        rmp = _add_wd(start, rng.choice([5, 8, 10, 12]))
        if rmp <= today:
            ev.append(Event(EventType.PLAN_COMPLETED, rmp, extra={"plan": "risk_management"}))
    if order.is_post_custody:
        first_review = _add_wd(start, rng.choice([4, 5, 8, 10]))
        if first_review <= today:
            ev.append(Event(EventType.REVIEW, first_review))
    ev.extend(_requirement_events(b, start, reqs))
    review = _months(start, 4)
    while review <= today - timedelta(days=3):
        ev.append(Event(EventType.REVIEW, _working(review - timedelta(days=rng.randint(0, 10)))))
        review = _months(review, 4)
    # Contacts at the tier's rhythm, up to today, then one or two appointments ahead.
    day = start if order.is_post_custody else _add_wd(start, 1)
    warnings: list[date] = []
    while day < today:
        weeks_in = (day - start).days // 7
        roll = rng.random()
        if roll < ftc_rate:
            ev.append(b.contact(day, ContactOutcome.FTC, "Did not attend. No contact beforehand."))
            window_end = _add_wd(day, 10)
            warned_lately = any((day - w).days < 365 for w in warnings)
            if warned_lately or rng.random() < 0.6:
                # After a warning, a random case only ever gets acceptable explanations: the
                # demo's one breach is the scripted one.
                text, acceptable = rng.choice([x for x in EXPLANATIONS if x[1] or not warned_lately])
                when = _add_wd(day, rng.randint(1, 6))
                if when <= today:
                    ev.append(Event(EventType.EXPLANATION, when, for_date=day, acceptable=acceptable,
                                    reason=text))
                    if not acceptable and not [w for w in warnings if (day - w).days < 365]:
                        warned = _add_wd(when, rng.randint(1, 3))
                        if warned <= today and warned <= window_end:
                            ev.append(Event(EventType.WARNING, warned, for_date=day,
                                            note="Written warning issued (first)."))
                            warnings.append(warned)
            elif window_end < today and not [w for w in warnings if (day - w).days < 365]:
                warned = _add_wd(day, rng.randint(8, 10))
                ev.append(Event(EventType.WARNING, warned, for_date=day,
                                note="No explanation given by day 10: written warning."))
                warnings.append(warned)
        elif roll < ftc_rate + 0.03:
            ev.append(b.contact(day, ContactOutcome.ACCEPTABLE_ABSENCE))
        elif roll < ftc_rate + 0.05:
            ev.append(b.contact(day, ContactOutcome.RESCHEDULED))
        else:
            ev.append(b.contact(day, ContactOutcome.ATTENDED, rng.choice(NOTES_ATTENDED)))
        day = _working(day + timedelta(days=_interval_days(tier, rosh, weeks_in)))
    for _ in range(rng.choice([1, 1, 2])):
        ev.append(b.contact(day, None))
        day = _working(day + timedelta(days=_interval_days(tier, rosh, 20)))
    ev.sort(key=lambda e: e.date)
    return ev


def _session(b: _Builder, day: date, requirement: Requirement, outcome: ContactOutcome | None,
             **extra: Any) -> Event:
    event = b.contact(day, outcome)
    return replace(event, extra={**event.extra, "requirement": requirement.value, **extra})


def _requirement_events(b: _Builder, start: date, reqs: list[Requirement]) -> list[Event]:
    """Sessions and reviews of the order's requirements (the rules' NS 2d timescales)."""
    rng, today = b.rng, b.today
    ev: list[Event] = []

    def sessions(first: date, every_days: int, count: int, req: Requirement, **extra: Any):
        day = first
        for _ in range(count):
            if day > today:
                if day <= today + timedelta(days=14):
                    ev.append(_session(b, day, req, None, **extra))
                return
            outcome = ContactOutcome.ATTENDED if rng.random() > 0.05 else ContactOutcome.ACCEPTABLE_ABSENCE
            ev.append(_session(b, day, req, outcome, **extra))
            day = _working(day + timedelta(days=every_days))

    if Requirement.UNPAID_WORK in reqs:
        sessions(_add_wd(start, rng.choice([5, 7, 9, 9, 12])), 7, 12, Requirement.UNPAID_WORK,
                 duration_minutes=420)
    if Requirement.ACCREDITED_PROGRAMME in reqs:
        sessions(_working(start + timedelta(days=rng.choice([20, 28, 35, 49]))), 7, 10,
                 Requirement.ACCREDITED_PROGRAMME, duration_minutes=150)
    if Requirement.ACTIVITY in reqs:
        sessions(_add_wd(start, rng.choice([5, 8, 10])), 7, 6, Requirement.ACTIVITY,
                 duration_minutes=120)
    if Requirement.ATTENDANCE_CENTRE in reqs:
        sessions(_add_wd(start, rng.choice([5, 10, 12])), 14, 6, Requirement.ATTENDANCE_CENTRE)
    if Requirement.DRR in reqs:
        first = _add_wd(start, rng.choice([1, 2, 2]))
        if first <= today:
            met = b.contact(first, ContactOutcome.ATTENDED, "First appointment with the drug service.")
            ev.append(replace(met, extra={**met.extra, "contact_type": "other_agency",
                                          "with": "treatment_provider"}))
        day, n = _working(start + timedelta(days=26)), 0
        while day <= today:
            ev.append(Event(EventType.REVIEW, day, note="DRR review with the court.",
                            extra={"requirement": "drr"}))
            n += 1
            day = _working(day + timedelta(days=28 if n < 4 else 112))
    return ev


def _custody_events(b: _Builder, sentence: date, release: date, custody_months: int,
                    ppo: bool, mappa: Mappa | None) -> list[Event]:
    """What happened while the person was in custody, before release."""
    rng, today = b.rng, b.today
    ev = [Event(EventType.ALLOCATED, _add_wd(sentence, rng.choice([0, 1, 1, 2]))),
          Event(EventType.ALLOCATED, _add_wd(sentence, rng.choice([1, 2])),
                extra={"role": "offender_supervisor"}),
          Event(EventType.CONTACT, _add_wd(sentence, rng.choice([2, 3, 4, 5])),
                note="PSR sent to the receiving prison.",
                extra={"contact_type": "other_agency", "with": "prison",
                       "purpose": "psr_sent"})]
    if custody_months >= 12:
        planned = _working(sentence + timedelta(days=rng.choice([30, 45, 50])))
        if planned < release:
            ev.append(Event(EventType.PLAN_COMPLETED, planned))
            ev.append(Event(EventType.PLAN_COPIED, _add_wd(planned, 1)))
        before = _working(release - timedelta(days=rng.choice([21, 28, 35])))
        if sentence < before <= today:
            ev.append(Event(EventType.REVIEW, before, note="Pre-release review."))
    if ppo:
        told = _working(release - timedelta(days=rng.choice([35, 42])))
        if sentence < told <= today:
            ev.append(Event(EventType.CONTACT, told, note="Police told of the release date.",
                            extra={"contact_type": "other_agency", "with": "police"}))
    if mappa is not None:
        referred = _working(release - timedelta(days=rng.choice([200, 240])))
        if sentence < referred <= today:
            ev.append(Event(EventType.CONTACT, referred, note="MAPPA referral made.",
                            extra={"contact_type": "other_agency",
                                   "purpose": "mappa_referral"}))
    return ev


# -- scripted stories ---------------------------------------------------------------------

def _story_new_tier4(b: _Builder, c: Case) -> Case:
    """Sentenced 6 working days ago, tier 4 PPO: induction, assessment and plan overdue."""
    sentence = _back_wd(b.today, 6)
    return replace(c, order_type=OrderType.CO, sentence_date=sentence, start_date=None,
                   end_date=_months(sentence, 24), tier=4, rosh=Rosh.HIGH, ppo=True,
                   requirements=(Requirement.SUPERVISION, Requirement.DRR),
                   release_date=None, custody_months=None, time_to_serve_months=None,
                   events=(Event(EventType.ALLOCATED, _add_wd(sentence, 1)),
                           b.contact(_add_wd(b.today, 1), None)))


def _story_unanswered_ftc(b: _Builder, c: Case) -> Case:
    """A failure to comply 12 working days ago: no explanation, no warning (overdue)."""
    sentence = _working(b.today - timedelta(days=150))
    events = [e for e in _history(b, sentence, 2, Rosh.MEDIUM, [Requirement.SUPERVISION],
                                  OrderType.CO, ftc_rate=0.0) if e.date < _back_wd(b.today, 13)
              or e.outcome is None]
    events.append(b.contact(_back_wd(b.today, 12), ContactOutcome.FTC,
                            "Did not attend. Phone off when called."))
    return replace(c, order_type=OrderType.CO, sentence_date=sentence, start_date=None,
                   end_date=_months(sentence, 12), tier=2, rosh=Rosh.MEDIUM, ppo=False,
                   requirements=(Requirement.SUPERVISION, Requirement.UNPAID_WORK),
                   release_date=None, custody_months=None, time_to_serve_months=None,
                   events=tuple(sorted(events, key=lambda e: e.date)))


def _story_breach(b: _Builder, c: Case) -> Case:
    """A warning three months ago, a second unexplained failure: breach initiated."""
    sentence = _working(b.today - timedelta(days=240))
    events = [e for e in _history(b, sentence, 3, Rosh.MEDIUM, [Requirement.SUPERVISION],
                                  OrderType.CO, ftc_rate=0.0) if e.date < _back_wd(b.today, 70)
              or e.outcome is None]
    first = _back_wd(b.today, 70)
    second = _back_wd(b.today, 14)
    events += [b.contact(first, ContactOutcome.FTC, "Did not attend."),
               Event(EventType.EXPLANATION, _add_wd(first, 3), for_date=first, acceptable=False,
                     reason="Overslept."),
               Event(EventType.WARNING, _add_wd(first, 5), for_date=first,
                     note="First written warning."),
               b.contact(second, ContactOutcome.FTC, "Did not attend again."),
               Event(EventType.EXPLANATION, _add_wd(second, 4), for_date=second,
                     acceptable=False, reason="Said he had somewhere else to be."),
               Event(EventType.BREACH_INITIATED, _add_wd(second, 6), for_date=second,
                     note="Second failure within 12 months of a warning: breach, summons "
                          "applied for.")]
    return replace(c, order_type=OrderType.CO, sentence_date=sentence, start_date=None,
                   end_date=_months(sentence, 18), tier=3, rosh=Rosh.MEDIUM, ppo=False,
                   requirements=(Requirement.SUPERVISION, Requirement.CURFEW),
                   release_date=None, custody_months=None, time_to_serve_months=None,
                   events=tuple(sorted(events, key=lambda e: e.date)))


def _story_recall(b: _Builder, c: Case) -> Case:
    """On licence; a failure showing raised risk: recall, back in custody."""
    release = _working(b.today - timedelta(days=100))
    sentence = _working(release - timedelta(days=548))
    events = [e for e in _history(b, release, 4, Rosh.HIGH, [], OrderType.LICENCE,
                                  ftc_rate=0.0) if e.date < _back_wd(b.today, 9)]
    events += _custody_events(b, sentence, release, 36, False, None)
    ftc = _back_wd(b.today, 8)
    events += [b.contact(ftc, ContactOutcome.FTC,
                         "Did not attend; police report of contact with the victim."),
               Event(EventType.RECALL_INITIATED, _add_wd(ftc, 1), for_date=ftc,
                     note="Risk substantially raised: recall requested the next day."),
               Event(EventType.RETURNED_TO_CUSTODY, _add_wd(ftc, 3))]
    return replace(c, order_type=OrderType.LICENCE, sentence_date=sentence, start_date=release,
                   release_date=release, custody_months=36, time_to_serve_months=18,
                   end_date=_months(sentence, 36), tier=4, rosh=Rosh.HIGH, ppo=False,
                   requirements=(), flags=("victim_contact", "domestic_abuse"),
                   events=tuple(sorted(events, key=lambda e: e.date)))


def _story_plan_overdue(b: _Builder, c: Case) -> Case:
    sentence = _back_wd(b.today, 25)
    events = [e for e in _history(b, sentence, 3, Rosh.MEDIUM, [Requirement.SUPERVISION],
                                  OrderType.CO, ftc_rate=0.0)
              if e.type is not EventType.PLAN_COMPLETED]
    return replace(c, order_type=OrderType.SSO, sentence_date=sentence, start_date=None,
                   end_date=_months(sentence, 24), tier=3, rosh=Rosh.MEDIUM,
                   requirements=(Requirement.SUPERVISION, Requirement.ACCREDITED_PROGRAMME),
                   release_date=None, custody_months=None, time_to_serve_months=None,
                   events=tuple(events))


def _story_review_overdue(b: _Builder, c: Case) -> Case:
    sentence = _working(b.today - timedelta(days=300))
    events = [e for e in _history(b, sentence, 2, Rosh.LOW, [Requirement.SUPERVISION],
                                  OrderType.CO, ftc_rate=0.0)
              if e.type is not EventType.REVIEW or e.date < _months(sentence, 5)]
    return replace(c, order_type=OrderType.CO, sentence_date=sentence, start_date=None,
                   end_date=_months(sentence, 18), tier=2, rosh=Rosh.LOW, ppo=False, mappa=None,
                   requirements=(Requirement.SUPERVISION,), release_date=None,
                   custody_months=None, time_to_serve_months=None, events=tuple(events))


def _story_released(b: _Builder, c: Case) -> Case:
    release = _back_wd(b.today, 1)
    sentence = _working(release - timedelta(days=365))
    return replace(c, order_type=OrderType.LICENCE, sentence_date=sentence, start_date=release,
                   release_date=release, custody_months=24, time_to_serve_months=12,
                   end_date=_months(sentence, 24), tier=3, rosh=Rosh.MEDIUM, ppo=False,
                   requirements=(),
                   events=tuple(sorted(
                       _custody_events(b, sentence, release, 24, False, None)
                       + [Event(EventType.RELEASE, release), b.contact(_add_wd(b.today, 1), None)],
                       key=lambda e: e.date)))


def _story_suspension(b: _Builder, c: Case) -> Case:
    sentence = _working(b.today - timedelta(days=120))
    events = [e for e in _history(b, sentence, 3, Rosh.LOW, [Requirement.SUPERVISION],
                                  OrderType.CO, ftc_rate=0.0)
              if e.date < _back_wd(b.today, 15) or e.outcome is None]
    events.append(Event(EventType.SUSPENSION, _back_wd(b.today, 15), reason="hospital",
                        until=_add_wd(b.today, 10),
                        note="Admitted to hospital; ward confirms an expected stay of 4 weeks."))
    return replace(c, order_type=OrderType.CO, sentence_date=sentence, start_date=None,
                   end_date=_months(sentence, 12), tier=3, rosh=Rosh.LOW,
                   requirements=(Requirement.SUPERVISION,), release_date=None,
                   custody_months=None, time_to_serve_months=None,
                   events=tuple(sorted(events, key=lambda e: e.date)))


def _story_mappa(b: _Builder, c: Case) -> Case:
    release = _working(b.today - timedelta(days=60))
    sentence = _working(release - timedelta(days=900))
    events = sorted(_history(b, release, 4, Rosh.VERY_HIGH, [], OrderType.LICENCE, ftc_rate=0.0)
                    + _custody_events(b, sentence, release, 60, False, Mappa(1, 2)),
                    key=lambda e: e.date)
    return replace(c, order_type=OrderType.LICENCE, sentence_date=sentence, start_date=release,
                   release_date=release, custody_months=60, time_to_serve_months=30,
                   end_date=_months(sentence, 60), tier=4, rosh=Rosh.VERY_HIGH,
                   mappa=Mappa(1, 2), ppo=False, requirements=(),
                   flags=("victim_contact", "child_concerns"), events=tuple(events))


STORIES: list[Callable[[_Builder, Case], Case]] = [
    _story_new_tier4, _story_unanswered_ftc, _story_breach, _story_recall, _story_plan_overdue,
    _story_review_overdue, _story_released, _story_suspension, _story_mappa,
]


def generate(cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED,
             today: date = DEMO_TODAY) -> list[Case]:
    """``cases`` fictional cases, ordered by CRN; the same list for the same arguments."""
    if cases < 0:
        raise ValueError("the number of cases cannot be negative")
    rng = random.Random(f"omtui-demo:{seed}")
    b = _Builder(rng, today)
    out: list[Case] = []
    showcase = list(SHOWCASE_NAMES)
    rng.shuffle(showcase)
    for i in range(cases):
        name, gender = showcase[i] if i < len(showcase) else b.name()
        case = _random_case(b, b.crn(), name, gender)
        if i < len(STORIES):
            case = STORIES[i](b, case)
            if case.dob is not None and case.dob >= case.sentence_date:
                case = replace(case, dob=case.sentence_date - timedelta(days=25 * 365))
        out.append(case)
    out.sort(key=lambda c: c.crn)
    return out
