"""What a duty officer needs on one screen when the phone rings: pure, no Textual.

Risk flags, MAPPA, the next appointment, open failures to comply with their day-10 deadline,
warnings in the last 12 months, and the OM. Enforcement comes from
:func:`omtui.domain.enforcement.enforcement_state`; appointments from
:mod:`omtui.domain.appointments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from omtui.caseload_view import Flag, case_flags
from omtui.domain.appointments import next_appointment, outcomes_to_record, slot_of
from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case


@dataclass(frozen=True)
class FailureLine:
    failed_on: date
    deadline: date                 # end of the 10th working day after the failure
    working_days_left: int         # negative: passed
    status: str                    # the enforcement module's status label
    at_deadline: str               # what happens at the deadline (warning / breach / recall)


@dataclass(frozen=True)
class DutyCard:
    case: Case
    flags: tuple[Flag, ...]
    next_appointment: str | None           # slot label, e.g. "Thu 26/11/2026 10:00-11:00"
    outcomes_missing: int                  # past appointments with no outcome recorded
    failures: tuple[FailureLine, ...]      # open failures to comply, oldest first
    warnings: tuple[date, ...]             # unspent warnings in the last 12 months
    window_start: date | None              # first day of those 12 months
    next_failure: str | None               # what a failure today would lead to
    problems: tuple[str, ...] = ()         # what could not be worked out, in words


def duty_card(case: Case, today: date, calendar: WorkingCalendar,
              enforcement_policy: Any | None) -> DutyCard:
    problems: list[str] = []
    nxt = next_appointment(case, today)
    failures: list[FailureLine] = []
    warnings: tuple[date, ...] = ()
    window_start = None
    next_failure = None
    if enforcement_policy is None:
        problems.append("no enforcement policy in the rule packs: failures not worked out")
    else:
        from omtui.domain.enforcement import enforcement_state

        try:
            state = enforcement_state(case, today, calendar, enforcement_policy)
        except Exception as exc:  # noqa: BLE001 - a bad record must not hide the rest
            problems.append(f"enforcement could not be worked out: {exc}")
        else:
            for f in state.open_failures:
                failures.append(FailureLine(f.date, f.clock_end, f.working_days_left,
                                            f.status.value.replace("-", " "), f.at_deadline))
            warnings = tuple(w.date for w in state.warnings_in_window)
            window_start = state.window_start
            next_failure = f"{state.next_failure_action.label}: {state.next_failure_reason}"
    return DutyCard(case, case_flags(case), slot_of(nxt).label() if nxt else None,
                    len(outcomes_to_record(case, today)), tuple(failures), warnings,
                    window_start, next_failure, tuple(problems))
