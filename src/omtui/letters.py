"""The written warning letter (NS 2f.4, 2f.8) from a Jinja2 template.

Templates are packaged data (``omtui/data/templates/warning-letter.txt.j2`` and
``warning-letter.html.j2``); an office overrides either by putting a file of the same name in
its template directory: ``template_dir`` if given, else ``$OMTUI_TEMPLATES``, else
``<config dir>/templates``. Templates run in Jinja2's sandbox with undefined names as errors.

* ``fmt="txt"``: literal text. Nothing in a name or note is interpreted (``[bold]`` stays
  ``[bold]``); no escaping is applied.
* ``fmt="html"``: autoescaped: ``<script>`` in a name is shown, not run.

What the template is given (all plain values) is documented in docs/contacts.md; the failure's
description comes from the contacts recorded as failures to comply on that day.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import jinja2
from dateutil.relativedelta import relativedelta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from omtui.domain.case import Case, Event, EventType, OrderType
from omtui.domain.outcomes import (
    ABSENCE_REASON,
    CONTACT_TYPE,
    DETAIL,
    TIME,
    OutcomeTaxonomy,
    TaxonomyError,
)
from omtui.paths import user_config_dir

Format = Literal["txt", "html"]
TEMPLATE = "warning-letter"
FORMATS = ("txt", "html")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")

#: What happens after the last warning the rules allow, by order type, when no enforcement
#: policy is passed in (the packaged enforcement.toml says the same: NS 2f.4).
_DEFAULT_THRESHOLDS = {
    OrderType.CO: (1, "breach", None), OrderType.SSO: (1, "breach", None),
    OrderType.LICENCE: (2, "recall", 2), OrderType.PSS: (2, "breach", 2),
}
_DEFAULT_LOOKBACK_MONTHS = 12


class LetterError(ValueError):
    """A letter that cannot be made (no failure that day, a broken office template...)."""


def long_date(d: date) -> str:
    """``Monday 23 November 2026`` (English whatever the machine's locale)."""
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def short_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Consequence:
    """What a further failure would lead to after this warning."""

    warnings_allowed: int           # warnings in the window before breach/recall
    action: str                     # breach / recall
    lookback_months: int
    senior_manager_warning: int | None


def _consequence(case: Case, policy: Any | None) -> Consequence:
    if policy is not None:
        threshold = policy.threshold_for(case.order_type)
        months = policy.lookback_months
        if threshold is not None:
            return Consequence(threshold.prior_warnings, threshold.action.value, months,
                               threshold.senior_manager_warning)
        return Consequence(0, "", months, None)
    allowed, action, senior = _DEFAULT_THRESHOLDS[case.order_type]
    return Consequence(allowed, action, _DEFAULT_LOOKBACK_MONTHS, senior)


def failures_on(case: Case, day: date) -> list[Event]:
    """The contacts recorded as failures to comply on ``day`` (one failure, NS 2f.4)."""
    return [e for e in case.events if e.is_ftc and e.date == day]


def _describe_failure(e: Event, taxonomy: OutcomeTaxonomy | None) -> dict[str, Any]:
    ctype = e.extra.get(CONTACT_TYPE)
    type_label = None
    kind_label = None
    reason_label = None
    if taxonomy is not None:
        type_label = next((c.label for c in taxonomy.contact_types if c.code == ctype), None)
        kind = taxonomy.outcome_of(e)
        kind_label = kind.label if kind else None
        code = e.extra.get(ABSENCE_REASON)
        reason_label = next((r.label for r in taxonomy.absence_reasons if r.code == code), None)
    return {
        # the taxonomy code when it is one (the template words each kind); "" otherwise
        "detail": str(e.extra.get(DETAIL)) if kind_label else "",
        "outcome_label": kind_label or "Failed to comply",
        "time": e.extra.get(TIME) if isinstance(e.extra.get(TIME), str) else None,
        "contact_type": type_label or (str(ctype).replace("_", " ") if ctype else None),
        "absence_reason": reason_label,
    }


def _address_lines(case: Case) -> list[str]:
    raw = case.extra.get("address")
    if isinstance(raw, str):
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if isinstance(raw, list):
        return [str(line).strip() for line in raw if str(line).strip()]
    return []


def letter_context(case: Case, failure_date: date, warning_number: int, officer: str,
                   today: date, *, senior_manager: bool | None = None, policy: Any | None = None,
                   taxonomy: OutcomeTaxonomy | None = None,
                   office: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything a warning-letter template is given (plain values; see docs/contacts.md)."""
    if isinstance(warning_number, bool) or not isinstance(warning_number, int) or warning_number < 1:
        raise LetterError(f"the warning number {warning_number!r} must be 1 or more")
    if failure_date > today:
        raise LetterError(f"the failure date {failure_date.isoformat()} is after today "
                          f"({today.isoformat()})")
    contacts = failures_on(case, failure_date)
    if not contacts:
        raise LetterError(f"no failure to comply is recorded for {case.crn} on "
                          f"{failure_date.isoformat()}")
    if not isinstance(officer, str) or not officer.strip():
        raise LetterError("the letter needs the offender manager's name")
    rule = _consequence(case, policy)
    if senior_manager is None:
        senior_manager = rule.senior_manager_warning == warning_number
    at_limit = bool(rule.warnings_allowed) and warning_number >= rule.warnings_allowed
    # "final" is the licence's "second and final written warning" (NS 2f.8): the last of
    # several allowed. An order's single warning is a formal warning whose next step is breach.
    final = at_limit and rule.warnings_allowed >= 2
    next_number = warning_number + 1
    if at_limit:
        next_step = rule.action
    elif rule.warnings_allowed and next_number == rule.warnings_allowed:
        next_step = "final_warning"
    else:
        next_step = "warning"
    return {
        "today": short_date(today),
        "today_iso": today.isoformat(),
        "person": {
            "name": case.name,
            "crn": case.crn,
            "address_lines": _address_lines(case),
        },
        "order": {
            "type": case.order_type.value,
            "label": case.order_type.label,
            "is_licence": case.order_type is OrderType.LICENCE,
            "is_community": case.order_type.is_community,
            "sentence_date": short_date(case.sentence_date),
        },
        "failure": {
            "date": long_date(failure_date),
            "date_iso": failure_date.isoformat(),
            "contacts": [_describe_failure(e, taxonomy) for e in contacts],
        },
        "warning": {
            "number": warning_number,
            "ordinal": _ORDINALS[warning_number - 1] if warning_number <= len(_ORDINALS)
            else f"{warning_number}th",
            "final": final,
            "senior_manager": bool(senior_manager),
        },
        "consequence": {
            "next_step": next_step,                 # warning / final_warning / breach / recall
            "action": rule.action,                  # breach / recall ("" when none applies)
            "months": rule.lookback_months,
            "until": short_date(today + relativedelta(months=rule.lookback_months)),
        },
        "officer": {"name": officer.strip()},
        "office": dict(office or {}),
    }


def _taxonomy() -> OutcomeTaxonomy:
    """The office's contact outcomes (the packaged ones if the office file is unusable: a
    letter must not fail over a label file)."""
    from omtui.outcomes_file import load_taxonomy, packaged_taxonomy

    try:
        return load_taxonomy()
    except TaxonomyError:
        return packaged_taxonomy()


# -- templates ------------------------------------------------------------------------------------

def default_template_dir() -> Path:
    override = os.environ.get("OMTUI_TEMPLATES")
    return Path(override) if override else user_config_dir() / "templates"


def _environment(fmt: Format, template_dir: str | os.PathLike | None) -> jinja2.Environment:
    office_dir = Path(template_dir) if template_dir is not None else default_template_dir()
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(office_dir)),
        jinja2.PackageLoader("omtui", "data/templates"),
    ])
    return ImmutableSandboxedEnvironment(
        loader=loader, autoescape=(fmt == "html"), undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def template_name(fmt: Format) -> str:
    if fmt not in FORMATS:
        raise LetterError(f"unknown letter format {fmt!r}: use txt or html")
    return f"{TEMPLATE}.{fmt}.j2"


def template_in_use(fmt: Format = "txt", template_dir: str | os.PathLike | None = None) -> str:
    """Where the template for ``fmt`` comes from: the office file's path, or ``packaged``."""
    name = template_name(fmt)
    office_dir = Path(template_dir) if template_dir is not None else default_template_dir()
    return str(office_dir / name) if (office_dir / name).is_file() else f"packaged {name}"


def render_warning_letter(case: Case, failure_date: date, warning_number: int, officer: str,
                          today: date, fmt: Format = "txt", *, senior_manager: bool | None = None,
                          policy: Any | None = None, taxonomy: OutcomeTaxonomy | None = None,
                          office: Mapping[str, str] | None = None,
                          template_dir: str | os.PathLike | None = None) -> str:
    """The warning letter for the failure on ``failure_date`` as text or HTML.

    ``senior_manager`` None: flagged when this warning is the one the enforcement policy says
    only a senior manager may issue (the second on licence, NS 2f.8); pass the enforcement
    state's ``Failure.senior_manager`` to be exact. ``policy`` is the EnforcementPolicy (the
    packaged NS 2007 numbers when None).
    """
    name = template_name(fmt)
    if taxonomy is None:
        taxonomy = _taxonomy()
    context = letter_context(case, failure_date, warning_number, officer, today,
                             senior_manager=senior_manager, policy=policy, taxonomy=taxonomy,
                             office=office)
    env = _environment(fmt, template_dir)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound:
        raise LetterError(f"no letter template {name}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise LetterError(f"letter template {exc.filename or name} line {exc.lineno}: "
                          f"{exc.message}") from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError, TypeError) as exc:
        raise LetterError(f"letter template {template_in_use(fmt, template_dir)}: {exc}") from None


# -- saving and recording -------------------------------------------------------------------------

def letter_filename(case: Case, failure_date: date, warning_number: int, fmt: Format) -> str:
    template_name(fmt)
    return f"{case.crn}-warning-{warning_number}-{failure_date.isoformat()}.{fmt}"


def save_letter(content: str, directory: str | os.PathLike, filename: str) -> Path:
    """Write the letter owner-only (0600) without replacing an existing file (a ``-2``,
    ``-3``... suffix is added instead). Returns the path written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = filename.rpartition(".")
    candidate = folder / filename
    n = 1
    while True:
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            n += 1
            candidate = folder / f"{stem}-{n}{dot}{suffix}"
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(candidate, 0o600)
    return candidate


def warning_event(failure_date: date, issued: date, warning_number: int, *,
                  senior_manager: bool = False, letter: str | None = None,
                  officer: str | None = None, note: str | None = None) -> Event:
    """The case-format ``warning`` event recording the letter (``for_date`` links the failure)."""
    extra: dict[str, Any] = {"warning_number": warning_number}
    if senior_manager:
        extra["senior_manager"] = True
    if letter:
        extra["letter"] = letter
    if officer:
        extra["issued_by"] = officer
    return Event(EventType.WARNING, issued, for_date=failure_date, note=note, extra=extra)


__all__ = ["LetterError", "render_warning_letter", "letter_context", "letter_filename",
           "save_letter", "warning_event", "failures_on", "template_in_use", "long_date"]
