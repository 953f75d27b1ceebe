"""Cases for the contact-log and enforcement Pilot and snapshot tests (JSON case format).

Today is Monday 2026-11-23 (tui_helpers.TODAY); the clocks below are worked out by hand from
the England & Wales calendar (no bank holidays in these weeks):

* E100001 CO, no warnings, failed to attend Mon 16 Nov 2026: clock ends Mon 30 Nov (10 working
  days), 5 working days left today; at the deadline a written warning. An appointment on
  Fri 20 Nov 10:00 still has no outcome (an "outcome to record").
* E100002 CO, a warning on 1 Jun 2026 (within 12 months), failed to attend Wed 18 Nov 2026:
  a second failure within 12 months on a CO leads to breach, not a warning.
* E100003 licence, one warning on 1 May 2026, failed to attend Tue 17 Nov 2026: the next
  warning is the second and final one, issued by a senior manager (NS 2f.8). A warning of
  10 Jan 2026 was spent by the re-release on 1 Apr 2026 after the recall of 1 Feb 2026.
* E100004 a name with Rich markup and a long multi-line note.
* E100005 CO, failed to attend Mon 26 Oct 2026: the clock ended Mon 9 Nov 2026, so an
  explanation received today is late.
"""

from __future__ import annotations

from omtui.domain.case import Case
from omtui.domain.caseformat import parse_caseload

LONG_NOTE = ("[bold]Not bold[/bold] said he would [link=http://x]call[/link] back. "
             + "Discussed housing and work at length. " * 20
             + "\nSecond line of the note.\nThird line.")

CASES = {"cases": [
    {"crn": "E100001", "name": "Alan Brown", "order_type": "CO", "sentence_date": "2026-09-01",
     "tier": 3, "rosh": "medium", "ppo": False, "requirements": ["supervision"], "om": "Alex Okafor",
     "events": [
         {"type": "allocated", "date": "2026-09-01"},
         {"type": "contact", "date": "2026-11-09", "outcome": "attended",
          "contact_type": "office", "outcome_detail": "attended_complied", "time": "10:00",
          "note": "Discussed the housing application."},
         {"type": "contact", "date": "2026-11-16", "outcome": "ftc", "contact_type": "office",
          "outcome_detail": "failed_to_attend", "time": "10:00", "note": "No call, no show."},
         {"type": "contact", "date": "2026-11-20", "contact_type": "office", "time": "10:00"},
     ]},
    {"crn": "E100002", "name": "Beth Cole", "order_type": "CO", "sentence_date": "2026-01-05",
     "tier": 3, "rosh": "medium", "ppo": False, "requirements": ["supervision"],
     "events": [
         {"type": "contact", "date": "2026-05-20", "outcome": "ftc", "contact_type": "office",
          "outcome_detail": "failed_to_attend"},
         {"type": "warning", "date": "2026-06-01", "for_date": "2026-05-20"},
         {"type": "contact", "date": "2026-11-18", "outcome": "ftc", "contact_type": "office",
          "outcome_detail": "failed_to_attend", "time": "14:00"},
     ]},
    {"crn": "E100003", "name": "Carl Dodd", "order_type": "licence",
     "sentence_date": "2025-06-01", "release_date": "2025-12-01", "tier": 3, "rosh": "medium", "ppo": False,
     "requirements": [],
     "events": [
         {"type": "release", "date": "2025-12-01"},
         {"type": "warning", "date": "2026-01-10"},
         {"type": "recall_initiated", "date": "2026-02-01"},
         {"type": "returned_to_custody", "date": "2026-02-02"},
         {"type": "release", "date": "2026-04-01"},
         {"type": "contact", "date": "2026-04-20", "outcome": "ftc", "contact_type": "office",
          "outcome_detail": "failed_to_attend"},
         {"type": "warning", "date": "2026-05-01", "for_date": "2026-04-20"},
         {"type": "contact", "date": "2026-11-17", "outcome": "ftc", "contact_type": "phone",
          "outcome_detail": "failed_to_attend", "time": "09:30"},
     ]},
    {"crn": "E100004", "name": "[bold]Dee[/bold] [link=http://x]Evans[/link]",
     "order_type": "CO", "sentence_date": "2026-10-01", "tier": 2, "rosh": "low", "ppo": False,
     "requirements": ["supervision"],
     "events": [
         {"type": "contact", "date": "2026-11-19", "outcome": "attended", "contact_type": "home_visit",
          "outcome_detail": "attended_complied", "time": "15:00", "note": LONG_NOTE},
     ]},
    {"crn": "E100005", "name": "Eve Ford", "order_type": "CO", "sentence_date": "2026-08-03",
     "tier": 2, "rosh": "low", "ppo": False, "requirements": ["supervision"],
     "events": [
         {"type": "contact", "date": "2026-10-26", "outcome": "ftc", "contact_type": "office",
          "outcome_detail": "failed_to_attend", "time": "11:00"},
     ]},
]}


def enforcement_cases() -> list[Case]:
    result = parse_caseload(CASES)
    assert result.ok, result.problems
    return result.cases


def contact_app(calendar):
    """The app over an in-memory store of these cases, as of TODAY, as officer Tess Officer."""
    from omtui.app import OmtuiApp
    from omtui.services import InMemoryStore
    from tests.tui.tui_helpers import TODAY

    store = InMemoryStore(enforcement_cases(), label="test store")
    return OmtuiApp(clock=lambda: TODAY, calendar=calendar, store=store, officer="Tess Officer")


def open_screen(make_screen, *keys: str):
    """A snapshot ``run_before`` that pushes ``make_screen()`` and presses ``keys``, settling
    (workers finished) after each step."""
    from tests.tui.tui_helpers import settle

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(make_screen())
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
    return run_before
