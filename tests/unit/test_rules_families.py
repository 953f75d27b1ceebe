"""Each rule family of the National Standards pack against hand-worked dates.

Every expected date below is counted by hand in the comment beside it (NS Interpretation
Note 9: day 0 is the event; count Monday-Friday skipping the England & Wales bank holidays).
The bank holidays used: 2026 Good Friday 3 Apr, Easter Monday 6 Apr, May Day 4 May, Spring
25 May, Christmas Fri 25 Dec, Boxing Day (observed) Mon 28 Dec; 2027 New Year Fri 1 Jan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from omtui.domain.agenda import case_agenda, explain_case
from omtui.domain.case import Case
from omtui.domain.caseformat import parse_case
from omtui.domain.due import Status
from omtui.rulepacks import load_rulebook

D = date.fromisoformat


@pytest.fixture(scope="module")
def book():
    # Rules only: contact levels and enforcement have their own tests.
    return load_rulebook(use_env=False, policies=False)


def make(**kw: Any) -> Case:
    raw: dict[str, Any] = {"crn": "X100001", "name": "Test Person", "order_type": "CO",
                           "sentence_date": "2026-12-24", "tier": 2, "rosh": "low",
                           "ppo": False, "requirements": ["supervision"], "events": []}
    raw.update(kw)
    case, problems = parse_case(raw, 0)
    assert case is not None, problems
    return case


def items(case, today, cal, book, rule=None):
    found = case_agenda(case, D(today) if isinstance(today, str) else today, cal, book)
    return [i for i in found if rule is None or i.rule == rule]


def one(case, today, cal, book, rule):
    found = items(case, today, cal, book, rule)
    assert len(found) == 1, [i.rule for i in items(case, today, cal, book)]
    return found[0]


def rules_of(case, today, cal, book):
    return {i.rule for i in items(case, today, cal, book)}


# -- allocation ------------------------------------------------------------------------------

def test_allocation_tier4_crosses_christmas(fixed_cal, book):
    # Sentence Thu 24 Dec 2026. 1 working day: Fri 25 (Christmas), Sat 26, Sun 27,
    # Mon 28 (Boxing Day observed) are skipped -> Tue 29 Dec.
    c = make(tier=4)
    item = one(c, "2026-12-24", fixed_cal, book, "ns-1-1-allocate-tier4-ppo")
    assert item.due == D("2026-12-29")
    assert item.source == "NS 1.1"
    assert [s.day for s in item.trace.skipped] == [D("2026-12-25"), D("2026-12-26"),
                                                    D("2026-12-27"), D("2026-12-28")]
    assert item.status is Status.DUE_SOON
    assert "ns-1-1-allocate" not in rules_of(c, "2026-12-24", fixed_cal, book)


def test_allocation_other_tiers_three_working_days(fixed_cal, book):
    # 24 Dec + 3 wd: Tue 29 (1), Wed 30 (2), Thu 31 (3) -> 31 Dec.
    item = one(make(tier=2), "2026-12-24", fixed_cal, book, "ns-1-1-allocate")
    assert item.due == D("2026-12-31")


def test_allocation_ppo_is_one_day_and_transfer_in_restarts(fixed_cal, book):
    # A PPO on tier 2 takes the 1-day rule. A transfer in on Wed 30 Dec is the later day 0:
    # Thu 31 (1) -> due 31 Dec; the allocation on 29 Dec (before the transfer) does not count.
    c = make(ppo=True, events=[{"type": "allocated", "date": "2026-12-29"},
                               {"type": "transfer_in", "date": "2026-12-30"}])
    item = one(c, "2027-01-04", fixed_cal, book, "ns-1-1-allocate-tier4-ppo")
    assert item.day0 == D("2026-12-30") and item.day0_label == "transfer in"
    assert item.due == D("2026-12-31")
    assert item.status is Status.OVERDUE


def test_allocation_done_late_counts_working_days_late(fixed_cal, book):
    # Due Tue 29 Dec; allocated Mon 4 Jan: late by Wed 30, Thu 31, (Fri 1 Jan closed), Mon 4 = 3.
    c = make(tier=4, events=[{"type": "allocated", "date": "2027-01-04"}])
    item = one(c, "2027-01-05", fixed_cal, book, "ns-1-1-allocate-tier4-ppo")
    assert item.status is Status.DONE
    assert item.done_on == D("2027-01-04") and item.late_by == 3


def test_offender_supervisor_only_role_offender_supervisor(fixed_cal, book):
    # Custody case not released: 24 Dec + 2 wd -> Tue 29 (1), Wed 30 (2).
    c = make(order_type="licence", release_date="2027-06-01", custody_months=18,
             time_to_serve_months=9,
             events=[{"type": "allocated", "date": "2026-12-29"}])
    item = one(c, "2026-12-31", fixed_cal, book, "ns-1-3-offender-supervisor")
    assert item.due == D("2026-12-30") and item.status is Status.OVERDUE
    c2 = make(order_type="licence", release_date="2027-06-01",
              events=[{"type": "allocated", "date": "2026-12-29", "role": "offender_supervisor"}])
    assert one(c2, "2026-12-31", fixed_cal, book, "ns-1-3-offender-supervisor").status is Status.DONE


# -- first contact ---------------------------------------------------------------------------------

def test_first_meeting_tier4_and_other_tiers(fixed_cal, book):
    # Sentence Wed 23 Dec. Tier 4: Thu 24 (1), Tue 29 (2) -> 29 Dec.
    # Tier 2: 24 (1), 29 (2), 30 (3), 31 (4), (Fri 1 Jan closed), Mon 4 Jan (5).
    t4 = one(make(tier=4, sentence_date="2026-12-23"), "2026-12-23", fixed_cal, book,
             "ns-2c6-first-meeting-tier4")
    assert t4.due == D("2026-12-29")
    t2 = one(make(sentence_date="2026-12-23"), "2026-12-23", fixed_cal, book,
             "ns-2c6-first-meeting")
    assert t2.due == D("2027-01-04")


def test_first_meeting_tier4_without_psr_gets_five_days(fixed_cal, book):
    c = make(tier=4, sentence_date="2026-12-23", flags=["no_psr"])
    got = rules_of(c, "2026-12-23", fixed_cal, book)
    assert "ns-2c6-first-meeting" in got and "ns-2c6-first-meeting-tier4" not in got


def test_first_meeting_failed_appointment_still_arranged(fixed_cal, book):
    c = make(sentence_date="2026-12-23", events=[
        {"type": "contact", "date": "2026-12-30", "outcome": "ftc"}])
    assert one(c, "2027-01-05", fixed_cal, book, "ns-2c6-first-meeting").status is Status.DONE


def test_drr_first_contacts(fixed_cal, book):
    # Sentence Thu 24 Dec: OM within 1 wd -> Tue 29; treatment provider within 2 -> Wed 30.
    # A contact with the treatment provider does not count as the OM contact.
    c = make(requirements=["drr"], events=[
        {"type": "contact", "date": "2026-12-29", "outcome": "attended",
         "with": "treatment_provider"}])
    om = one(c, "2026-12-31", fixed_cal, book, "ns-2d92-drr-first-contact")
    tp = one(c, "2026-12-31", fixed_cal, book, "ns-2d93-drr-treatment-contact")
    assert om.due == D("2026-12-29") and om.status is Status.OVERDUE
    assert tp.due == D("2026-12-30") and tp.status is Status.DONE and tp.late_by is None


def test_high_rosh_first_appointment(fixed_cal, book):
    c = make(rosh="very_high")
    item = one(c, "2026-12-24", fixed_cal, book, "hmip-c213-first-appointment-high-rosh")
    assert item.due == D("2026-12-30")           # 29 (1), 30 (2)
    assert "hmip-c213-first-appointment-high-rosh" not in rules_of(make(rosh="medium"),
                                                                   "2026-12-24", fixed_cal, book)


def test_licence_first_and_second_contact_after_release(fixed_cal, book):
    # Released Thu 24 Dec 2026. First contact: the next working day, Tue 29 Dec.
    # Second contact within 3 wd: 29 (1), 30 (2), 31 (3) -> Thu 31 Dec; needs 2 contacts.
    c = make(order_type="licence", sentence_date="2026-06-01", tier=3,
             events=[{"type": "release", "date": "2026-12-24"},
                     {"type": "contact", "date": "2026-12-24", "outcome": "attended"}])
    first = one(c, "2026-12-29", fixed_cal, book, "ns-2c13-licence-first-contact")
    second = one(c, "2026-12-29", fixed_cal, book, "ns-2c13-licence-second-contact")
    assert first.due == D("2026-12-29") and first.status is Status.DONE
    assert second.due == D("2026-12-31") and second.status is Status.DUE_SOON
    c2 = make(order_type="licence", sentence_date="2026-06-01", tier=3,
              events=[{"type": "release", "date": "2026-12-24"},
                      {"type": "contact", "date": "2026-12-24", "outcome": "attended"},
                      {"type": "contact", "date": "2027-01-04", "outcome": "attended"}])
    second = one(c2, "2027-01-05", fixed_cal, book, "ns-2c13-licence-second-contact")
    # Done Mon 4 Jan, due Thu 31 Dec: (Fri 1 Jan closed), Mon 4 -> 1 working day late.
    assert second.done_on == D("2027-01-04") and second.late_by == 1


def test_licence_tier1_has_no_second_contact(fixed_cal, book):
    c = make(order_type="licence", sentence_date="2026-06-01", tier=1,
             events=[{"type": "release", "date": "2026-12-24"}])
    assert "ns-2c13-licence-second-contact" not in rules_of(c, "2026-12-29", fixed_cal, book)


def test_police_notified_28_days_before_release(fixed_cal, book):
    # Release date Wed 20 Jan 2027 - 28 calendar days = Wed 23 Dec 2026.
    c = make(order_type="licence", sentence_date="2026-03-01", ppo=True,
             release_date="2027-01-20",
             events=[{"type": "contact", "date": "2026-12-01", "with": "police"}])
    item = one(c, "2026-12-10", fixed_cal, book, "ns-2c13-police-notified")
    assert item.due == D("2026-12-23") and item.day0 == D("2027-01-20")
    assert item.status is Status.DONE


# -- assessment, home visit, plan ------------------------------------------------------------------

def test_assessment_and_plan_across_easter(fixed_cal, book):
    # Sentence Thu 2 Apr 2026; Good Friday 3 Apr and Easter Monday 6 Apr are skipped.
    # Tier 3: 15 wd = Tue 7 (1) ... Fri 10 (4), 13-17 (5-9), 20-24 (10-14), Mon 27 Apr (15).
    # Tier 4: 5 wd = 7, 8, 9, 10, Mon 13 Apr.
    t3 = make(tier=3, sentence_date="2026-04-02")
    assert one(t3, "2026-04-02", fixed_cal, book, "ns-2a4-assessment").due == D("2026-04-27")
    assert one(t3, "2026-04-02", fixed_cal, book, "ns-2b3-plan").due == D("2026-04-27")
    t4 = make(tier=4, sentence_date="2026-04-02",
              events=[{"type": "plan_completed", "date": "2026-04-15"}])
    plan = one(t4, "2026-04-20", fixed_cal, book, "ns-2b3-plan-tier4-ppo")
    assert one(t4, "2026-04-02", fixed_cal, book, "ns-2a4-assessment-tier4-ppo").due == D("2026-04-13")
    # Plan due Mon 13 Apr, done Wed 15: Tue 14, Wed 15 -> 2 working days late.
    assert plan.due == D("2026-04-13") and plan.done_on == D("2026-04-15") and plan.late_by == 2


def test_hmip_plan_window_five_to_fifteen(fixed_cal, book):
    # High RoSH, sentence 2 Apr 2026: window opens at wd 5 (Mon 13 Apr), due wd 15 (Mon 27 Apr).
    c = make(tier=4, rosh="high", sentence_date="2026-04-02")
    item = one(c, "2026-04-08", fixed_cal, book, "hmip-c218-plan-window-high-rosh")
    assert item.due == D("2026-04-27")
    assert any("from 2026-04-13" in n for n in item.notes)
    assert item.status is Status.DUE


def test_risk_management_plan_is_not_a_sentence_plan(fixed_cal, book):
    c = make(tier=4, rosh="high", sentence_date="2026-04-02",
             events=[{"type": "plan_completed", "date": "2026-04-08", "plan": "risk_management"}])
    assert one(c, "2026-04-20", fixed_cal, book, "hmip-b4111-risk-management-plan").status is Status.DONE
    assert one(c, "2026-04-20", fixed_cal, book, "ns-2b3-plan-tier4-ppo").status is Status.OVERDUE


def test_custody_plans_in_weeks(fixed_cal, book):
    # Sentence Fri 30 Oct 2026 + 8 weeks = Fri 25 Dec 2026 (calendar time: not moved off
    # Christmas Day, and the trace says so); + 16 weeks = Fri 19 Feb 2027.
    short = make(order_type="licence", sentence_date="2026-10-30", custody_months=12,
                 time_to_serve_months=6, release_date="2027-04-30")
    item = one(short, "2026-11-02", fixed_cal, book, "ns-2b3-plan-custody-short")
    assert item.due == D("2026-12-25")
    assert any("not a working day" in n for n in item.trace.notes)
    long = make(order_type="licence", sentence_date="2026-10-30", custody_months=60,
                time_to_serve_months=30, release_date="2029-04-30")
    assert one(long, "2026-11-02", fixed_cal, book, "ns-2b3-plan-custody-long").due == D("2027-02-19")
    unknown = make(order_type="licence", sentence_date="2026-10-30", release_date="2027-04-30")
    got = rules_of(unknown, "2026-11-02", fixed_cal, book)
    assert not {"ns-2b3-plan-custody-short", "ns-2b3-plan-custody-long"} & got


def test_home_visit_high_rosh(fixed_cal, book):
    # Sentence Mon 21 Dec: 22, 23, 24 (3), 29, 30, 31 (6), Mon 4 - Thu 7 Jan (10).
    c = make(rosh="high", sentence_date="2026-12-21")
    assert one(c, "2026-12-21", fixed_cal, book, "ns-2a5-home-visit-high-rosh").due == D("2027-01-07")


def test_plan_copy_two_days_after_plan(fixed_cal, book):
    # Plan completed Thu 24 Dec: Tue 29 (1), Wed 30 (2).
    c = make(sentence_date="2026-12-01", events=[
        {"type": "plan_completed", "date": "2026-12-24"}])
    item = one(c, "2026-12-24", fixed_cal, book, "ns-2c4-plan-copy")
    assert item.due == D("2026-12-30") and item.day0_label == "plan completed"


# -- reviews ----------------------------------------------------------------------------------------

def test_community_review_four_months_then_next_occurrence(fixed_cal, book):
    # Sentence Sat 31 Oct 2026 + 4 months = 28 Feb 2027 (no 31 Feb: clipped to month end).
    c = make(sentence_date="2026-10-31")
    item = one(c, "2026-11-02", fixed_cal, book, "ns-2e5-review-community")
    assert item.due == D("2027-02-28")
    # After a review on 10 Feb 2027 the next one is due 10 Jun 2027 (day 0 = last review).
    c2 = make(sentence_date="2026-10-31", events=[{"type": "review", "date": "2027-02-10"}])
    nxt = one(c2, "2027-02-11", fixed_cal, book, "ns-2e5-review-community")
    assert nxt.day0 == D("2027-02-10") and nxt.due == D("2027-06-10")
    assert nxt.day0_label == "last review" and nxt.status is Status.DUE


def test_custody_review_twelve_months(fixed_cal, book):
    c = make(order_type="licence", sentence_date="2026-01-15", release_date="2029-01-15")
    item = one(c, "2026-06-01", fixed_cal, book, "ns-2e5-review-custody")
    assert item.due == D("2027-01-15")
    assert "ns-2e5-review-community" not in rules_of(c, "2026-06-01", fixed_cal, book)


def test_review_after_release(fixed_cal, book):
    # Released Thu 24 Dec 2026. Tier 4: 5 wd: 29, 30, 31, Mon 4, Tue 5 Jan 2027.
    # Tier 2: 15 wd: 29-31 (3), 4-8 Jan (8), 11-15 (13), 18 (14), Tue 19 Jan (15).
    base = {"order_type": "licence", "sentence_date": "2026-01-15",
            "events": [{"type": "release", "date": "2026-12-24"}]}
    assert one(make(tier=4, **base), "2026-12-29", fixed_cal, book,
               "ns-2e5-review-release-tier4-ppo").due == D("2027-01-05")
    item = one(make(tier=2, **base), "2026-12-29", fixed_cal, book, "ns-2e5-review-release")
    assert item.due == D("2027-01-19")
    assert any("working days, NS Note 9" in n for n in item.notes)


def test_release_date_passed_counts_as_release(fixed_cal, book):
    c = make(order_type="licence", sentence_date="2026-01-15", tier=2, release_date="2026-12-24")
    item = one(c, "2026-12-29", fixed_cal, book, "ns-2e5-review-release")
    assert item.day0 == D("2026-12-24") and item.day0_label == "release (release date)"


def test_review_after_recall(fixed_cal, book):
    # Returned to custody Mon 21 Dec: 22, 23, 24 (3), 29, 30, 31 (6), 4-8 Jan (11),
    # 11, 12, Wed 13 Jan (14).
    c = make(order_type="licence", sentence_date="2025-06-01",
             events=[{"type": "release", "date": "2026-06-01"},
                     {"type": "recall_initiated", "date": "2026-12-18"},
                     {"type": "returned_to_custody", "date": "2026-12-21"}])
    assert one(c, "2026-12-22", fixed_cal, book, "ns-2e5-review-recall").due == D("2027-01-13")
    got = rules_of(c, "2026-12-22", fixed_cal, book)
    assert "ns-2e5-review-community" not in got     # back in custody


def test_review_before_release_window(fixed_cal, book):
    # Release Mon 1 Mar 2027: due 2 weeks before (Mon 15 Feb), window from 8 weeks before
    # (Mon 4 Jan). A review on 20 Dec 2026 is too early; one on 4 Jan counts.
    early = make(order_type="licence", sentence_date="2026-01-15", custody_months=24,
                 release_date="2027-03-01", events=[{"type": "review", "date": "2026-12-20"}])
    item = one(early, "2027-01-02", fixed_cal, book, "ns-2e5-review-before-release")
    assert item.due == D("2027-02-15") and item.status is Status.DUE
    ok = make(order_type="licence", sentence_date="2026-01-15", custody_months=24,
              release_date="2027-03-01", events=[{"type": "review", "date": "2027-01-04"}])
    assert one(ok, "2027-01-05", fixed_cal, book, "ns-2e5-review-before-release").status is Status.DONE


def test_termination_evaluation_up_to_eight_weeks_before_end(fixed_cal, book):
    # End Sun 10 Jan 2027: due that day; 8 weeks before is Sun 15 Nov 2026.
    too_early = make(sentence_date="2026-01-12", end_date="2027-01-10",
                     events=[{"type": "review", "date": "2026-11-10", "purpose": "termination"}])
    item = one(too_early, "2026-12-01", fixed_cal, book, "ns-2e8-termination-evaluation")
    assert item.due == D("2027-01-10") and item.status is Status.DUE
    ok = make(sentence_date="2026-01-12", end_date="2027-01-10",
              events=[{"type": "review", "date": "2026-11-20", "purpose": "termination"}])
    assert one(ok, "2026-12-01", fixed_cal, book, "ns-2e8-termination-evaluation").status is Status.DONE


def test_terminated_case_has_nothing_open(fixed_cal, book):
    c = make(sentence_date="2026-01-12", end_date="2027-01-10",
             events=[{"type": "allocated", "date": "2026-01-13"},
                     {"type": "termination", "date": "2026-06-01"}])
    found = items(c, "2026-12-01", fixed_cal, book)
    assert found and all(i.status is Status.DONE for i in found)
    decisions = {d.rule: d for d in explain_case(c, D("2026-12-01"), fixed_cal, book)}
    assert "terminated on 2026-06-01" in decisions["ns-2b3-plan"].reason


# -- MAPPA, victims, correspondence, reports --------------------------------------------------------

def test_mappa_six_months_before_release(fixed_cal, book):
    # Release Tue 31 Aug 2027 - 6 months = 28 Feb 2027 (clipped).
    c = make(order_type="licence", sentence_date="2025-08-31", release_date="2027-08-31",
             mappa={"category": 2, "level": 2})
    assert one(c, "2026-12-01", fixed_cal, book, "ns-2b7-mappa-before-release").due == D("2027-02-28")


def test_mappa_referral_community_after_assessment(fixed_cal, book):
    # Assessed as meeting MAPPA criteria Wed 23 Dec: 24 (1), 29-31 (4), 4-8 Jan (9), 11 Jan (10).
    c = make(sentence_date="2026-12-01", events=[
        {"type": "assessment_completed", "date": "2026-12-23", "mappa_eligible": True}])
    assert one(c, "2026-12-23", fixed_cal, book, "hmip-b4120-mappa-referral-community").due == D("2027-01-11")


def test_victim_contact_forty_working_days(fixed_cal, book):
    # Sentence Mon 30 Mar 2026: 31 Mar (1), 1-2 Apr (3), Good Friday and Easter Monday
    # skipped, 7-10 Apr (7), 13-17 (12), 20-24 (17), 27 Apr-1 May (22), May Day 4 May
    # skipped, 5-8 May (26), 11-15 (31), 18-22 (36), Spring bank holiday 25 May skipped,
    # 26-29 May (40) -> Fri 29 May 2026.
    c = make(sentence_date="2026-03-30", flags=["statutory_victim"])
    item = one(c, "2026-03-30", fixed_cal, book, "ns-4-2-victim-contact")
    assert item.due == D("2026-05-29") and len(item.trace.counted) == 40
    assert "ns-4-2-victim-contact" not in rules_of(make(sentence_date="2026-03-30"),
                                                   "2026-03-30", fixed_cal, book)


def test_correspondence_each_letter_gets_a_reply_deadline(fixed_cal, book):
    # Letter in Wed 30 Dec: 31 (1), (1 Jan closed), 4, 5, 6, Thu 7 Jan (5).
    # Letter in Mon 11 Jan: 12, 13, 14, 15, Mon 18 Jan (5). One reply on 5 Jan answers the first.
    c = make(sentence_date="2026-12-01", events=[
        {"type": "contact", "date": "2026-12-30", "contact_type": "letter", "direction": "in"},
        {"type": "contact", "date": "2027-01-05", "contact_type": "letter"},
        {"type": "contact", "date": "2027-01-11", "contact_type": "letter", "direction": "in"}])
    found = sorted(items(c, "2027-01-19", fixed_cal, book, "ns-3-5-correspondence-reply"),
                   key=lambda i: i.day0)
    assert [(i.due, i.status) for i in found] == [(D("2027-01-07"), Status.DONE),
                                                  (D("2027-01-18"), Status.OVERDUE)]
    assert found[0].day0_label == "contact (contact type letter, direction in)"


def test_psr_to_prison_hdc_and_rotl(fixed_cal, book):
    c = make(order_type="licence", sentence_date="2026-12-24", release_date="2028-01-01",
             events=[{"type": "contact", "date": "2026-12-30", "with": "prison",
                      "purpose": "psr_sent"},
                     {"type": "contact", "date": "2026-12-21", "purpose": "hdc_request"},
                     {"type": "contact", "date": "2026-12-04", "purpose": "rotl_request"}])
    # PSR: 24 Dec + 5 wd = 29, 30, 31, 4, Tue 5 Jan; sent 30 Dec: done.
    psr = one(c, "2027-01-06", fixed_cal, book, "ns-2c5-psr-to-prison")
    assert psr.due == D("2027-01-05") and psr.status is Status.DONE
    # HDC: request Mon 21 Dec + 10 wd = 22, 23, 24, 29, 30, 31, 4, 5, 6, Thu 7 Jan.
    assert one(c, "2027-01-06", fixed_cal, book, "ns-a6-hdc-assessment").due == D("2027-01-07")
    # ROTL: 4 Dec + 4 weeks = Fri 1 Jan 2027 (calendar time: a bank holiday, not moved).
    assert one(c, "2027-01-06", fixed_cal, book, "ns-a52-rotl-report").due == D("2027-01-01")


# -- requirements -------------------------------------------------------------------------------

def test_unpaid_work_first_session(fixed_cal, book):
    # Sentence Fri 18 Dec: 21-24 (4), 29-31 (7), 4, 5, Wed 6 Jan (10).
    c = make(sentence_date="2026-12-18", requirements=["unpaid_work"])
    assert one(c, "2026-12-18", fixed_cal, book, "ns-2d14-upw-first-session").due == D("2027-01-06")


def test_attendance_centre_activity_programme(fixed_cal, book):
    c = make(sentence_date="2026-12-18",
             requirements=["attendance_centre", "activity", "accredited_programme"])
    # 15 wd from 18 Dec: 10 wd is 6 Jan (above), then 7, 8, 11, 12, Wed 13 Jan (15).
    assert one(c, "2026-12-18", fixed_cal, book, "ns-2d61-attendance-centre-start").due == D("2027-01-13")
    # 25 wd: 13 Jan is 15; 14, 15 (17), 18-22 (22), 25, 26, Wed 27 Jan (25).
    assert one(c, "2026-12-18", fixed_cal, book, "ns-2d71-activity-start").due == D("2027-01-27")
    # 6 weeks: Fri 29 Jan 2027. 4 weeks for 3 activity contacts: Fri 15 Jan.
    assert one(c, "2026-12-18", fixed_cal, book, "ns-2d81-programme-start").due == D("2027-01-29")
    assert one(c, "2026-12-18", fixed_cal, book, "ns-2d72-activity-first-weeks").due == D("2027-01-15")


def test_activity_needs_three_contacts(fixed_cal, book):
    events = [{"type": "contact", "date": d, "outcome": "attended", "requirement": "activity"}
              for d in ("2026-12-21", "2026-12-29", "2027-01-14")]
    c = make(sentence_date="2026-12-18", requirements=["activity"], events=events[:2])
    assert one(c, "2027-01-14", fixed_cal, book, "ns-2d72-activity-first-weeks").status is Status.DUE_SOON
    c3 = make(sentence_date="2026-12-18", requirements=["activity"], events=events)
    item = one(c3, "2027-01-14", fixed_cal, book, "ns-2d72-activity-first-weeks")
    assert item.status is Status.DONE and item.done_on == D("2027-01-14")


def test_drr_review_reports_four_weekly_then_sixteen_weekly(fixed_cal, book):
    # Commencement Mon 2 Nov 2026: first report 4 weeks later, Mon 30 Nov.
    c = make(sentence_date="2026-11-02", requirements=["drr"])
    assert one(c, "2026-11-03", fixed_cal, book, "ns-a31-drr-review-early").due == D("2026-11-30")
    # Reports at weeks 4, 8, 12 (30 Nov, 28 Dec, 25 Jan): the next is week 16, Mon 22 Feb.
    revs = [{"type": "review", "date": d, "requirement": "drr"}
            for d in ("2026-11-30", "2026-12-28", "2027-01-25")]
    c12 = make(sentence_date="2026-11-02", requirements=["drr"], events=revs)
    assert one(c12, "2027-01-26", fixed_cal, book, "ns-a31-drr-review-early").due == D("2027-02-22")
    assert "ns-a31-drr-review" not in rules_of(c12, "2027-01-26", fixed_cal, book)
    # After the week-16 report (22 Feb 2027) the next is 16 weeks later: Mon 14 Jun 2027.
    c16 = make(sentence_date="2026-11-02", requirements=["drr"],
               events=revs + [{"type": "review", "date": "2027-02-22", "requirement": "drr"}])
    late = one(c16, "2027-02-23", fixed_cal, book, "ns-a31-drr-review")
    assert late.due == D("2027-06-14")
    assert "ns-a31-drr-review-early" not in rules_of(c16, "2027-02-23", fixed_cal, book)
    # A DRR review report is not the 4-monthly sentence plan review.
    assert one(c16, "2027-02-23", fixed_cal, book, "ns-2e5-review-community").day0 == D("2026-11-02")


# -- statuses ---------------------------------------------------------------------------------------

def test_status_moves_with_today(fixed_cal, book):
    # Tier 2 allocation due Thu 31 Dec 2026 (sentence 24 Dec).
    c = make()
    def status(today):
        return one(c, today, fixed_cal, book, "ns-1-1-allocate").status
    assert status("2026-12-24") is Status.DUE          # 3 working days away
    assert status("2026-12-29") is Status.DUE_SOON     # 2 working days away
    assert status("2026-12-31") is Status.DUE_SOON     # due today
    assert status("2027-01-01") is Status.OVERDUE


def test_event_after_today_does_not_count(fixed_cal, book):
    c = make(events=[{"type": "allocated", "date": "2026-12-30"}])
    assert one(c, "2026-12-29", fixed_cal, book, "ns-1-1-allocate").status is Status.DUE_SOON
    assert one(c, "2026-12-30", fixed_cal, book, "ns-1-1-allocate").status is Status.DONE
