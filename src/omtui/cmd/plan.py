"""``omtui plan export`` and ``omtui plan check``: the sentence plan, printed or checked.

Where the plan comes from:

* ``--plan FILE.json``: a plan in the JSON plan format (``{"format": "omtui-plan", ...}``), or
  ``{"case": {<case, interchange format>}, "plan": {<plan>}}`` to carry the case facts too.
  Without case facts in the file, the case is read from the database only when ``--db`` (or
  ``OMTUI_DB``) is given; otherwise the header says "not recorded" and the requirement and
  RoSH checks are skipped.
* no ``--plan``: the case and its plan from the database. (Until the store keeps plans, this
  says so and asks for ``--plan FILE.json``.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from omtui.cmd.common import fail, friendly_errors, options, resolve_today

plan_app = typer.Typer(help="Sentence plans: export and check.", no_args_is_help=True,
                       rich_markup_mode=None)

MAX_PLAN_FILE = 20 * 1024 * 1024


def _warn(message: str) -> None:
    typer.echo(f"omtui: warning: {message}", err=True)


def _read_json(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")
    if size > MAX_PLAN_FILE:
        fail(f"{path}: {size:,} bytes is too large for a plan file")
    from omtui.json_text import JsonTextError, decode_json

    try:
        return decode_json(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except JsonTextError as exc:
        fail(f"{path}: {exc}")
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")


def _case_from_db(ctx: typer.Context, crn: str, *, required: bool):
    from omtui.services import NotFound, StoreError
    from omtui.store import open_store

    try:
        store = open_store(options(ctx).db, options(ctx).officer)
    except StoreError as exc:
        fail(str(exc))
    try:
        try:
            case = store.get_case(crn)
        except NotFound:
            if required:
                fail(f"no case {crn} in {store.describe()}")
            _warn(f"no case {crn} in {store.describe()}: exported without the case facts")
            return None, None
        return case, store.get_plan(crn)
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()


def load_plan_and_case(ctx: typer.Context, crn: str | None, plan_file: Path | None):
    """(plan, case or None) for the command, or a one-line error."""
    from omtui.domain.caseformat import CRN_PATTERN, parse_case
    from omtui.domain.plan import SentencePlan, plan_from_dict
    from omtui.plan_data import load_need_areas

    areas = load_need_areas()
    if crn is not None and not CRN_PATTERN.fullmatch(crn):
        fail(f"bad CRN {crn!r}: a CRN is a capital letter and six digits, e.g. A123456")
    case = None
    if plan_file is not None:
        data = _read_json(plan_file)
        raw_plan = data
        if isinstance(data, dict) and "plan" in data and "format" not in data:
            raw_plan = data["plan"]
            if data.get("case") is not None:
                case, problems = parse_case(data["case"])
                if problems:
                    fail(f"{plan_file}: case: {problems[0]}"
                         + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
        plan, problems = plan_from_dict(raw_plan, areas)
        if plan is None:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            fail(f"{plan_file}: {problems[0]}{more}")
        if crn is not None and plan.crn != crn:
            fail(f"{plan_file} is the plan of {plan.crn}, not {crn}")
        if case is not None and case.crn != plan.crn:
            fail(f"{plan_file}: the case is {case.crn} but the plan is for {plan.crn}")
        if case is None and options(ctx).db:
            case, _ = _case_from_db(ctx, plan.crn, required=False)
        return plan, case, areas
    if crn is None:
        fail("give a CRN (the plan is read from the database) or --plan FILE.json")
    case, plan_raw = _case_from_db(ctx, crn, required=True)
    if plan_raw is None:
        fail(f"{crn} has no sentence plan yet: build it in the app (open the case, press p) "
             "or export one from a file with --plan FILE.json")
    if isinstance(plan_raw, SentencePlan):
        return plan_raw, case, areas
    plan, problems = plan_from_dict(plan_raw, areas)
    if plan is None:
        fail(f"the stored plan of {crn}: {problems[0]}")
    return plan, case, areas


def _formats(values: list[str] | None) -> list[str]:
    from omtui.plan_export import FORMATS

    if not values:
        return list(FORMATS)
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if part == "markdown":
                part = "md"
            if part not in FORMATS:
                fail(f"bad --format {part!r}: use md, html or pdf")
            out.append(part)
    return list(dict.fromkeys(out))


def export_cmd(
    ctx: typer.Context,
    crn: Annotated[Optional[str], typer.Argument(help="The case's CRN (e.g. A123456).")] = None,
    plan_file: Annotated[Optional[Path], typer.Option(
        "--plan", help="Export this plan JSON file instead of the plan in the database.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory to write into.")] = Path("."),
    fmt: Annotated[Optional[list[str]], typer.Option(
        "--format", help="md, html or pdf (repeat, or comma-separate; default: all three).")] = None,
    template_dir: Annotated[Optional[Path], typer.Option(
        "--template-dir", help="Office templates (plan.md.j2, plan.html.j2) to use first.")] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="Print date (YYYY-MM-DD).")] = None,
) -> None:
    """Write the sentence plan as Markdown, printable HTML and PDF (<CRN>-plan.md/.html/.pdf)."""
    from omtui.plan_export import ExportError, write_exports

    formats = _formats(fmt)
    day = resolve_today(ctx, today)
    if not out.is_dir():
        fail(f"--out {out}: not a directory")
    with friendly_errors():
        plan, case, areas = load_plan_and_case(ctx, crn, plan_file)
        try:
            written = write_exports(plan, out, formats, case=case, today=day, need_areas=areas,
                                    template_dir=template_dir)
        except ExportError as exc:
            fail(str(exc))
    for w in written:
        for message in w.warnings:
            _warn(f"{w.path.name}: {message}")
        typer.echo(str(w.path))


def check_cmd(
    ctx: typer.Context,
    crn: Annotated[Optional[str], typer.Argument(help="The case's CRN (e.g. A123456).")] = None,
    plan_file: Annotated[Optional[Path], typer.Option(
        "--plan", help="Check this plan JSON file instead of the plan in the database.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Check as of (YYYY-MM-DD).")] = None,
) -> None:
    """List what the plan lacks, each with its source (warnings: the exit code is 0)."""
    from omtui.domain.plan import plan_gaps

    day = resolve_today(ctx, today)
    with friendly_errors():
        plan, case, areas = load_plan_and_case(ctx, crn, plan_file)
    if case is None:
        _warn("no case facts: requirement and RoSH checks skipped")
        gaps = [g for g in plan_gaps(_placeholder_case(plan.crn), plan, day, areas)
                if g.code not in ("requirement-without-objective", "no-risk-objective",
                                  "objective-unknown-requirement", "objective-after-end")]
    else:
        gaps = plan_gaps(case, plan, day, areas)
    if as_json:
        typer.echo(json.dumps({"crn": plan.crn, "today": day.isoformat(),
                               "case_facts": case is not None,
                               "gaps": [g.to_dict() for g in gaps]}, ensure_ascii=False))
        return
    if not gaps:
        typer.echo(f"{plan.crn}: no gaps found")
    for g in gaps:
        typer.echo(f"{g.message} ({g.source})")


def _placeholder_case(crn: str):
    """A case with no requirements and low RoSH: lets the plan-only checks run without facts."""
    from datetime import date

    from omtui.domain.case import Case, OrderType, Rosh

    return Case(crn=crn, name="", order_type=OrderType.CO, sentence_date=date(2000, 1, 1),
                tier=1, rosh=Rosh.LOW)


def register(app: typer.Typer) -> None:
    plan_app.command("export")(export_cmd)
    plan_app.command("check")(check_cmd)
    app.add_typer(plan_app, name="plan")
