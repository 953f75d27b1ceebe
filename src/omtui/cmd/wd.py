"""The working-day calculator: ``omtui wd`` and ``omtui wd-count``."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Optional

import typer

from omtui.cmd.common import calendar_for, fail, options, parse_day, resolve_today
from omtui.domain.calendar import MAX_COUNT, MAX_YEAR, MIN_YEAR, WEEKDAYS, CalendarError, Unit

MAX_N = MAX_COUNT


def _count(text: str) -> int:
    try:
        n = int(text.strip())
    except ValueError:
        fail(f"bad N: {text!r} is not a whole number")
    if abs(n) > MAX_N:
        fail(f"bad N: {n} is too large (at most {MAX_N:,} either way)")
    return n


def register(app: typer.Typer) -> None:
    @app.command("wd", context_settings={"ignore_unknown_options": True})
    def wd(
        ctx: typer.Context,
        start: Annotated[str, typer.Argument(help="Day 0, the event (YYYY-MM-DD).")],
        n: Annotated[str, typer.Argument(help="How many units after day 0 (negative counts back).")],
        unit: Annotated[str, typer.Option("--unit", "-u",
                        help="working-days, weeks, months or days.")] = "working-days",
        explain: Annotated[bool, typer.Option("--explain", help="Show every counted and skipped day.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    ) -> None:
        """The due date N units after START, counted as National Standards Note 9 says."""
        day0 = parse_day(start, "START")
        count = _count(n)
        try:
            the_unit = Unit.parse(unit)
        except CalendarError as exc:
            fail(f"bad --unit: {exc}")
        calendar = calendar_for(ctx)
        try:
            trace = calendar.explain(day0, count, the_unit)
        except CalendarError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps(trace.to_dict(), ensure_ascii=False))
            return
        typer.echo(trace.due.isoformat())
        if explain:
            for line in trace.lines():
                typer.echo(line)
            typer.echo(f"calendar: {calendar.name}")

    @app.command("wd-count")
    def wd_count(
        ctx: typer.Context,
        a: Annotated[str, typer.Argument(help="From (not counted), YYYY-MM-DD.")],
        b: Annotated[str, typer.Argument(help="To (counted), YYYY-MM-DD.")],
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    ) -> None:
        """The number of working days after A up to and including B."""
        first, second = parse_day(a, "A"), parse_day(b, "B")
        calendar = calendar_for(ctx)
        try:
            count = calendar.working_days_between(first, second)
        except CalendarError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps({"from": first.isoformat(), "to": second.isoformat(),
                                   "working_days": count, "calendar": calendar.name}))
        else:
            typer.echo(str(count))

    @app.command("calendar")
    def calendar_cmd(
        ctx: typer.Context,
        year: Annotated[Optional[str], typer.Argument(
            help="The year to list (default: this year).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    ) -> None:
        """The days not counted as working days in YEAR, and the office file in use."""
        from omtui.calendar_file import CalendarFileError, choose_calendar_file
        from omtui.domain.calendar import england_and_wales

        if year is None:
            the_year = resolve_today(ctx).year
        else:
            try:
                the_year = int(year.strip())
            except ValueError:
                fail(f"bad YEAR: {year!r} is not a year")
            if not MIN_YEAR <= the_year <= MAX_YEAR:
                fail(f"bad YEAR: {the_year} is outside the years omtui can count "
                     f"({MIN_YEAR}-{MAX_YEAR})")
        try:
            choice = choose_calendar_file(options(ctx).calendar_file)
        except CalendarFileError as exc:
            fail(str(exc))
        calendar = england_and_wales(choice.adjustments)
        try:
            calendar.is_working_day(date(the_year, 1, 1))
            closed = [(d, r) for d, r in calendar.closures().items() if d.year == the_year]
            opened = sorted((d, r) for d, r in choice.adjustments.open.items()
                            if d.year == the_year)
        except CalendarError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps({
                "year": the_year, "calendar": calendar.name, "office_file": choice.path,
                "closures": [{"date": d.isoformat(), "weekday": WEEKDAYS[d.weekday()],
                              "reason": r} for d, r in closed],
                "opened": [{"date": d.isoformat(), "weekday": WEEKDAYS[d.weekday()],
                            "reason": r} for d, r in opened],
            }, ensure_ascii=False))
            return
        typer.echo(f"calendar: {calendar.name}")
        typer.echo(f"office file: {choice.path}")
        for d, reason in closed:
            weekend = "  (a weekend day anyway)" if d.weekday() >= 5 else ""
            typer.echo(f"{d.isoformat()} {WEEKDAYS[d.weekday()][:3]}  {reason}{weekend}")
        for d, reason in opened:
            typer.echo(f"{d.isoformat()} {WEEKDAYS[d.weekday()][:3]}  counted as a working day "
                       f"(office file): {reason}")
