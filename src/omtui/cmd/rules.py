"""CLI commands of the rules engine: ``due``, ``explain``, ``rules list``, ``rules check``.

``omtui due --cases FILE.json --today YYYY-MM-DD [--json]`` works without a database: bad
cases in the file are reported on stderr (index, CRN, field) and skipped, the rest are
evaluated. ``omtui due --db URL`` (or the global ``--db``) evaluates the store instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from omtui.cmd.common import calendar_for, fail, options, resolve_today, stderr_progress
from omtui.cmd.due_list import (
    PARTS_FROM,
    PLAIN_TABLE_CASES,
    PLAIN_TABLE_FROM,
    due_rows,
    due_rows_from_text,
    item_json,
    print_plain_table,
    summary_line,
    table_cells,
    take_reports,
    worker_count,
)

_CASES_HELP = "A JSON case file ({\"cases\": [...]}, see docs/case-format.md)."
_RULES_HELP = "A local rule pack (TOML) applied after the packaged one; repeatable."


# -- loading --------------------------------------------------------------------------------------

def _rulebook(extra: list[str] | None):
    from omtui.rulepacks import PackError, RulePackFileError, default_packs, load_rulebook

    try:
        return load_rulebook(extra) if extra else default_packs()
    except PackError as exc:
        for p in exc.problems[1:]:
            typer.echo(f"omtui: {p}", err=True)
        fail(f"bad rule pack: {exc.problems[0]}" if exc.problems else f"bad rule pack: {exc}")
    except RulePackFileError as exc:
        fail(str(exc))
    except ValueError as exc:       # the contact-levels or enforcement policy file
        fail(f"bad policy file: {exc}")


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text("utf-8")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")


def _read_entries(path: str, text: str | None = None) -> list:
    """The file's case entries, decoded but not yet checked (see docs/case-format.md)."""
    from omtui.domain.caseformat import NO_CASES_LIST, caseload_entries
    from omtui.json_text import JsonTextError, decode_json

    try:
        data = decode_json(_read_text(path) if text is None else text)
    except JsonTextError as exc:
        fail(f"{path}: {exc}")
    entries = caseload_entries(data)
    if entries is None:
        fail(f"{path}: {NO_CASES_LIST}")
    return entries


def _skipped(path: str, refused: Iterable[object], skipped: int, evaluated: int) -> None:
    """Report the cases of a file left out, each problem on its line, then how many."""
    for problem in refused:
        typer.echo(f"omtui: {path}: {problem} (case skipped)", err=True)
    if skipped:
        typer.echo(f"omtui: {skipped} case(s) skipped, {evaluated} evaluated", err=True)


def _read_cases_file(path: str, today: date, text: str | None = None) -> list:
    """Good cases from the file; every bad case reported on stderr and skipped."""
    from omtui.domain.caseformat import check_against_today, parse_caseload
    from omtui.gc_pause import gc_paused

    with gc_paused():
        result = parse_caseload(_read_entries(path, text))
    rejected = set(result.rejected)
    kept_indexes = [i for i in range(len(result.cases) + len(rejected)) if i not in rejected]
    cases, late = [], []
    for case, index in zip(result.cases, kept_indexes):
        problems = check_against_today(case, today, index)
        if problems:
            late.extend(problems)
            continue
        cases.append(case)
    skipped = len(result.rejected) + len(result.cases) - len(cases)
    _skipped(path, [*result.problems, *late], skipped, len(cases))
    return cases


def _store_cases(ctx: typer.Context, db: str | None) -> list:
    from omtui.services import StoreError

    try:
        from omtui.store import open_store
    except ImportError:
        fail("the database store is not available in this build: use --cases FILE.json")
    try:
        # A read-only job: never create a database or migrate one as a side effect.
        store = open_store(db, options(ctx).officer, upgrade=False, create=False)
        try:
            return list(store.list_cases())
        finally:
            close = getattr(store, "close", None)
            if callable(close):
                close()
    except StoreError as exc:
        fail(str(exc))


def _cases(ctx: typer.Context, cases_file: str | None, db: str | None, today: date) -> list:
    if cases_file is not None and db is not None:
        fail("use either --cases FILE.json or --db, not both")
    if cases_file is not None:
        return _read_cases_file(cases_file, today)
    target = db or options(ctx).db
    if target is None:
        fail("say where the cases are: --cases FILE.json, or --db URL (or set OMTUI_DB)")
    return _store_cases(ctx, target)


def _console():
    from rich.console import Console

    width = None if sys.stdout.isatty() else 160
    return Console(markup=False, highlight=False, emoji=False, width=width, soft_wrap=False)


def _status_text(status):
    from rich.text import Text

    style = {"overdue": "bold red", "due_soon": "yellow", "due": "", "done": "green"}[status.value]
    return Text(f"{status.symbol} {status.label}", style=style)


def _print_due_table(rows: list, cases_count: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from omtui.domain.due import Status

    console = _console()
    table = Table(show_lines=False, header_style="bold", pad_edge=False)
    for col, kw in (("Status", {"no_wrap": True}), ("Due", {"no_wrap": True}),
                    ("CRN", {"no_wrap": True}), ("Name", {"max_width": 24}),
                    ("What", {"min_width": 30, "ratio": 3}), ("Source", {"max_width": 24}),
                    ("Day 0", {"max_width": 30})):
        table.add_column(col, **kw)
    counts: dict[str, int] = {}
    for value, due, crn, name, what, source, day0 in map(table_cells, rows):
        counts[value] = counts.get(value, 0) + 1
        table.add_row(_status_text(Status(value)), Text(due), Text(crn), Text(name), Text(what),
                      Text(source), Text(day0))
    console.print(table)
    console.print(Text(summary_line(len(rows), cases_count, counts)))


def _plain_lines(as_json: bool, cases: int) -> bool:
    """Whether a due list of that many cases is the plain table whatever its length, its
    lines made by the workers that evaluate it."""
    return not as_json and cases >= PLAIN_TABLE_CASES


def _due_rows(ctx: typer.Context, cases_file: str | None, db: str | None,
              crn: list[str] | None, day: date, calendar, book, *, as_json: bool,
              open_only: bool, jobs: int | None) -> tuple[list, int, bool]:
    """The rows of ``omtui due`` (:func:`due_rows`), how many cases (or file entries) they
    are of, and whether a file's entries were checked as they were evaluated (then the
    rows hold their problems, to report). A file is checked case by case where its cases are
    evaluated (in the workers, for a big one, each decoding its own part of the text when it
    can), unless a CRN is repeated: a duplicate is judged against the whole file."""
    from omtui.domain.caseformat import crn_texts, repeats_a_crn

    def evaluate(cases: list, entries: bool) -> list:
        progress = stderr_progress(lambda done, total: f"{done}/{total} cases evaluated",
                                   quiet=worker_count(len(cases), jobs) <= 1)
        return due_rows(cases, day, calendar, book, as_json=as_json, open_only=open_only,
                        jobs=jobs, entries=entries, plain=_plain_lines(as_json, len(cases)),
                        progress=progress)

    if cases_file is None or db is not None or crn:
        cases = _cases(ctx, cases_file, db, day)
        if crn:
            wanted = {c.strip().upper() for c in crn}
            cases = [c for c in cases if c.crn in wanted]
        return evaluate(cases, False), len(cases), False
    text = _read_text(cases_file)
    if len(text) >= PARTS_FROM:
        made = due_rows_from_text(
            text, day, calendar, book, as_json=as_json, open_only=open_only, jobs=jobs,
            plain=not as_json, progress=stderr_progress(
                lambda done, total: f"{done * 100 // max(total, 1)}% of the file evaluated"))
        # a small caseload in a big file is the usual table: made again below
        if made is not None and (as_json or _plain_lines(as_json, made[1])):
            return made[0], made[1], True
    entries = _read_entries(cases_file, text)
    if repeats_a_crn(crn_texts(entries)):
        cases = _read_cases_file(cases_file, day, text)
        return evaluate(cases, False), len(cases), False
    return evaluate(entries, True), len(entries), True


# -- commands ---------------------------------------------------------------------------------------

def register(app: typer.Typer) -> None:
    @app.command("due")
    def due(
        ctx: typer.Context,
        cases_file: Annotated[Optional[str], typer.Option("--cases", help=_CASES_HELP)] = None,
        today: Annotated[Optional[str], typer.Option("--today", help="As of (YYYY-MM-DD).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list of due items.")] = False,
        db: Annotated[Optional[str], typer.Option("--db", help="Evaluate the cases in this database.")] = None,
        open_only: Annotated[bool, typer.Option("--open", help="Leave out items already done.")] = False,
        crn: Annotated[Optional[list[str]], typer.Option("--crn", help="Only this case; repeatable.")] = None,
        rules: Annotated[Optional[list[str]], typer.Option("--rules", help=_RULES_HELP)] = None,
        jobs: Annotated[Optional[int], typer.Option(
            "--jobs", help="Worker processes (default: several for big caseloads).")] = None,
    ) -> None:
        """What is due, overdue and done for every case, under which rule, and why."""
        day = resolve_today(ctx, today)
        if jobs is not None and not 1 <= jobs <= 64:
            fail(f"bad --jobs: {jobs} (1-64)")
        book = _rulebook(rules)
        calendar = calendar_for(ctx)
        rows, count, checked_here = _due_rows(
            ctx, cases_file, db, crn, day, calendar, book, as_json=as_json,
            open_only=open_only, jobs=jobs)
        reports, rows = take_reports(rows)
        if checked_here:
            _skipped(cases_file, [*reports.refused, *reports.late], reports.skipped,
                     count - reports.skipped)
        for message in reports.unevaluated:
            typer.echo(f"omtui: {message}", err=True)
        evaluated = count - reports.skipped - len(reports.unevaluated)
        plain = _plain_lines(as_json, count)
        if as_json:
            out = sys.stdout
            out.write("[\n" + ",\n".join([payload for _, payload in rows])
                      + ("\n]\n" if rows else "]\n"))
            out.flush()
        elif plain or len(rows) > PLAIN_TABLE_FROM:
            print_plain_table(rows, evaluated, lines=plain)
        else:
            _print_due_table([payload for _, payload in rows], evaluated)

    @app.command("explain")
    def explain(
        ctx: typer.Context,
        crn: Annotated[str, typer.Argument(help="The case's CRN (e.g. X123456).")],
        cases_file: Annotated[Optional[str], typer.Option("--cases", help=_CASES_HELP)] = None,
        today: Annotated[Optional[str], typer.Option("--today", help="As of (YYYY-MM-DD).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list of decisions.")] = False,
        db: Annotated[Optional[str], typer.Option("--db", help="Read the case from this database.")] = None,
        rules: Annotated[Optional[list[str]], typer.Option("--rules", help=_RULES_HELP)] = None,
    ) -> None:
        """Every rule considered for one case: applied or not, and why."""
        from omtui.domain.agenda import explain_case

        day = resolve_today(ctx, today)
        wanted = crn.strip().upper()
        book = _rulebook(rules)
        calendar = calendar_for(ctx)
        cases = [c for c in _cases(ctx, cases_file, db, day) if c.crn == wanted]
        if not cases:
            fail(f"no case {wanted} (or it was skipped: see the messages above)")
        case = cases[0]
        decisions = explain_case(case, day, calendar, book)
        if as_json:
            typer.echo(json.dumps([d.to_dict() for d in decisions], ensure_ascii=False, indent=1))
            return
        out = _console()
        from rich.text import Text

        out.print(Text(f"{case.crn} {case.name}: {case.order_type.label}, tier {case.tier}, "
                       f"RoSH {case.rosh.label}{', PPO' if case.ppo else ''}; as of "
                       f"{day.isoformat()}; calendar: {calendar.name}"))
        applied = sum(1 for d in decisions if d.applies)
        out.print(Text(f"{len(decisions)} rule decision(s), {applied} applied"))
        for d in decisions:
            mark = "APPLIES" if d.applies else "not applied"
            out.print(Text(""))
            out.print(Text(f"[{mark}] {d.rule}: {d.title} ({d.source})",
                           style="bold" if d.applies else "dim"))
            out.print(Text(f"  {d.reason}"))
            if d.item is not None:
                for line in d.item.explanation_lines()[2:]:
                    out.print(Text(f"    {line}"))

    rules_app = typer.Typer(help="Rule packs: list the rules in force, check a pack file.",
                            no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(rules_app, name="rules")

    @rules_app.command("list")
    def rules_list(
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list of rules.")] = False,
        rules: Annotated[Optional[list[str]], typer.Option("--rules", help=_RULES_HELP)] = None,
    ) -> None:
        """Every rule in force: id, source section, offset, trigger and condition."""
        book = _rulebook(rules)
        if as_json:
            typer.echo(json.dumps([_rule_json(g) for g in book.rules], ensure_ascii=False,
                                  indent=1))
            return
        from rich.table import Table
        from rich.text import Text

        out = _console()
        for info in book.packs:
            out.print(Text(f"pack {info.id}: {info.title} (effective from "
                           f"{info.effective_from.isoformat()}, {info.rule_count} rules; "
                           f"{info.origin})"))
        for rid, pack in book.disabled:
            out.print(Text(f"rule {rid} switched off by pack {pack}"))
        table = Table(header_style="bold", pad_edge=False)
        for col in ("Rule", "Source", "Due", "Day 0", "When"):
            table.add_column(col)
        for group in book.rules:
            r = group.current
            versions = f" (+{len(group.versions) - 1} older)" if len(group.versions) > 1 else ""
            table.add_row(Text(f"{r.id}{versions}\n{r.title}"), Text(r.source), Text(str(r.offset)),
                          Text(r.trigger_text), Text(r.when.text))
        out.print(table)
        out.print(Text(f"{len(book.rules)} rule(s)"))
        if book.contact_levels is not None or book.enforcement is not None:
            out.print(Text("also in force: " + ", ".join(
                n for n, v in (("contact levels (NS 2c.16)", book.contact_levels),
                               ("enforcement (NS 2f)", book.enforcement)) if v is not None)))

    @rules_app.command("check")
    def rules_check(
        files: Annotated[list[str], typer.Argument(help="Rule pack file(s) to check (TOML).")],
    ) -> None:
        """Check rule pack files: every problem with file, rule id and field."""
        from omtui.rulepacks import PackError, RulePackFileError, read_pack

        bad = 0
        for path in files:
            try:
                pack = read_pack(path)
            except RulePackFileError as exc:
                typer.echo(f"omtui: {exc}", err=True)
                bad += 1
                continue
            except PackError as exc:
                for p in exc.problems:
                    typer.echo(f"omtui: {p}", err=True)
                bad += 1
                continue
            typer.echo(f"{path}: ok: pack {pack.info.id}, {len(pack.rules)} rule(s)"
                       + (f", {len(pack.disabled)} switched off" if pack.disabled else "")
                       + f", effective from {pack.info.effective_from.isoformat()}")
        if bad:
            raise typer.Exit(1)


def _rule_json(group) -> dict[str, Any]:
    r = group.current
    return {
        "id": r.id, "title": r.title, "source": r.source, "text": r.text, "pack": r.pack,
        "origin": r.origin, "trigger": [a.name for a in r.trigger],
        "offset": {"n": r.offset.n, "unit": r.offset.unit.value},
        "window_start": ({"n": r.window_start.n, "unit": r.window_start.unit.value}
                         if r.window_start else None),
        "satisfied_by": [str(p) for p in r.satisfied_by], "count": r.count,
        "when": r.when.text, "recurring": r.recurring, "per_event": r.per_event,
        "kind": r.kind,
        "effective_from": r.effective_from.isoformat() if r.effective_from else None,
        "versions": len(group.versions),
    }


__all__ = ["register", "item_json"]
