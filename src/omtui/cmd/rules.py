"""CLI commands of the rules engine: ``due``, ``explain``, ``rules list``, ``rules check``.

``omtui due --cases FILE.json --today YYYY-MM-DD [--json]`` works without a database: bad
cases in the file are reported on stderr (index, CRN, field) and skipped, the rest are
evaluated. ``omtui due --db URL`` (or the global ``--db``) evaluates the store instead.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from omtui.cmd.common import calendar_for, fail, options, resolve_today

_URGENCY = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}   # DueItem.sort_key's first part

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


def _read_cases_file(path: str, today: date) -> list:
    """Good cases from the file; every bad case reported on stderr and skipped."""
    from omtui.domain.caseformat import check_against_today, parse_caseload

    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    except RecursionError:
        fail(f"{path}: not valid JSON: nested too deeply")
    result = parse_caseload(data)
    if result.problems and not result.rejected and not result.cases:
        fail(f"{path}: {result.problems[0]}")
    for problem in result.problems:
        typer.echo(f"omtui: {path}: {problem} (case skipped)", err=True)
    rejected = set(result.rejected)
    kept_indexes = [i for i in range(len(result.cases) + len(rejected)) if i not in rejected]
    cases = []
    for case, index in zip(result.cases, kept_indexes):
        late = check_against_today(case, today, index)
        if late:
            for problem in late:
                typer.echo(f"omtui: {path}: {problem} (case skipped)", err=True)
            continue
        cases.append(case)
    skipped = len(result.rejected) + len(result.cases) - len(cases)
    if skipped:
        typer.echo(f"omtui: {skipped} case(s) skipped, {len(cases)} evaluated", err=True)
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


# -- evaluation, in parallel for big caseloads ------------------------------------------------------

#: Below this many cases the work is done in this process (starting workers costs more).
PARALLEL_FROM = 4000
_JOB: dict[str, Any] = {}


def item_json(item) -> dict[str, Any]:
    """One due item as ``--json`` prints it (DueItem.to_dict(): ``explanation`` is the trace)."""
    return item.to_dict()


class JsonWriter:
    """``json.dumps(item_json(item))``, fast: a trace (the same Trace objects are shared by
    many items) is serialised once and spliced in."""

    def __init__(self) -> None:
        self._traces: dict[int, tuple[Any, str]] = {}

    def _trace_json(self, trace) -> str:
        found = self._traces.get(id(trace))
        if found is None or found[0] is not trace:
            if len(self._traces) >= 50_000:
                self._traces.clear()
            found = (trace, json.dumps(trace.to_dict(), ensure_ascii=False))
            self._traces[id(trace)] = found
        return found[1]

    def text(self, item) -> str:
        head = {
            "crn": item.crn, "rule": item.rule, "title": item.title, "source": item.source,
            "day0": item.day0.isoformat(), "day0_event": item.day0_label,
            "due": item.due.isoformat(), "status": item.status.value,
            "done_on": item.done_on.isoformat() if item.done_on else None,
            "late_by": item.late_by, "kind": item.kind, "satisfied_by": item.satisfied_by,
            "notes": list(item.notes),
        }
        return (json.dumps(head, ensure_ascii=False)[:-1]
                + f', "explanation": {self._trace_json(item.trace)}}}')


#: The sort key of a row that reports a case that could not be evaluated (sorts first).
PROBLEM_KEY = ""


#: Separates the cells of a table row in its payload string (see :func:`table_cells`).
CELL_SEP = "\x00"
_CELLS = 7


def _table_row(*cells: str) -> str:
    """A table row as one string: a worker sends one string per row back to the parent, which
    costs a fraction of a tuple of seven (pickling, unpickling, memory). The case format and
    the store refuse NUL in text; should one turn up anyway it is shown as U+FFFD."""
    row = CELL_SEP.join(cells)
    if row.count(CELL_SEP) != _CELLS - 1:
        row = CELL_SEP.join(c.replace(CELL_SEP, "\ufffd") for c in cells)
    return row


def table_cells(payload: str) -> list[str]:
    """The cells of a table row made by :func:`due_rows`: status value, due date, CRN, name,
    what, source, day 0."""
    return payload.split(CELL_SEP)


def _rows(lo: int, hi: int) -> list[tuple[str, str]]:
    """Due items of cases[lo:hi] as (sort key, payload), sorted: the payload is a JSON text,
    or a table row as one string (:func:`table_cells` splits it). The key is
    ``item.sort_key()`` as one string that sorts the same way (urgency is one digit, the ISO
    date is fixed width): cheap to send back from a worker and to sort."""
    from omtui.domain.agenda import case_items
    from omtui.domain.calendar import CalendarError
    from omtui.domain.due import Status

    job = _JOB
    cases, today, calendar, book = job["cases"], job["today"], job["calendar"], job["book"]
    as_json, open_only = job["as_json"], job["open_only"]
    writer = JsonWriter()
    out: list[tuple[str, str]] = []
    append = out.append
    done_status = Status.DONE
    # per status: its urgency digit and value (looked up by identity, not by string hash)
    urgency = {s: str(_URGENCY[s.value]) for s in Status}
    values = {s: s.value for s in Status}
    iso: dict = {}                 # date -> ISO text: a list repeats a few thousand dates
    for case in cases[lo:hi]:
        try:
            items = case_items(case, today, calendar, book)   # sorted with the rest below
        except CalendarError as exc:     # a count out of the calendar's range
            append((PROBLEM_KEY, f"{case.crn}: cannot evaluate: {exc} (case skipped)"))
            continue
        name = case.name
        for item in items:
            status = item.status
            if open_only and status is done_status:
                continue
            d = item.due
            due = iso.get(d)
            if due is None:
                due = iso[d] = d.isoformat()
            key = urgency[status] + due + item.rule    # sorts as item.sort_key()
            if as_json:
                append((key, writer.text(item)))
                continue
            what = item.title
            d = item.done_on
            if d:
                done = iso.get(d)
                if done is None:
                    done = iso[d] = d.isoformat()
                late = item.late_by
                what = (f"{what} done {done} ({late} wd late)" if late
                        else f"{what} done {done}")
            d = item.day0
            day0 = iso.get(d)
            if day0 is None:
                day0 = iso[d] = d.isoformat()
            row = CELL_SEP.join((values[status], due, item.crn, name, what, item.source,
                                 day0 + " " + item.day0_label))
            if row.count(CELL_SEP) != _CELLS - 1:
                row = _table_row(values[status], due, item.crn, name, what, item.source,
                                 day0 + " " + item.day0_label)
            append((key, row))
    out.sort(key=_first)     # stable: a worker's rows come back as one sorted run
    return out


_first = itemgetter(0)


#: Joins a worker's sort keys (rule ids, ISO dates, digits) and, when no payload holds it,
#: its payloads: two strings cost the pipe a fraction of a million pickled tuples.
_ROW_SEP = "\x1e"


def _worker_rows(bounds: tuple[int, int]) -> tuple[str, str] | list[tuple[str, str]]:
    import gc

    gc.freeze()                # the inherited caseload is never collected: leave it alone
    rows = _rows(*bounds)
    if not rows:
        return rows
    keys = _ROW_SEP.join([row[0] for row in rows])
    payloads = _ROW_SEP.join([row[1] for row in rows])
    if keys.count(_ROW_SEP) + payloads.count(_ROW_SEP) != 2 * (len(rows) - 1):
        return rows                # some text holds the separator: send the rows as they are
    return keys, payloads


def _unpack(chunk: tuple[str, str] | list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    if isinstance(chunk, list):
        return chunk
    keys, payloads = chunk
    return zip(keys.split(_ROW_SEP), payloads.split(_ROW_SEP))


def due_rows(cases: list, today: date, calendar, book, *, as_json: bool,
             open_only: bool = False, jobs: int | None = None) -> list[tuple[str, str]]:
    """Every due item of every case as (sort key, payload), sorted overdue first, then by due
    date and rule (the key is a string that sorts that way). The payload is the item's JSON
    text, or its table row as one string: :func:`table_cells` gives the cells, the status
    first (a :class:`~omtui.domain.due.Status` value).

    Big caseloads are split across worker processes (forked, so the cases are not copied);
    ``jobs=1`` or a platform without fork does it all here. Problems come back as rows with
    the key ``PROBLEM_KEY`` and a message.
    """
    import multiprocessing as mp

    from omtui.gc_pause import gc_paused

    # Millions of short-lived rows over a heap of cases: the cyclic collector would walk the
    # whole heap again and again (none of this makes cycles), so it waits until the end.
    _JOB.update(cases=cases, today=today, calendar=calendar, book=book, as_json=as_json,
                open_only=open_only)
    try:
        with gc_paused():
            if jobs is None:
                jobs = min(4, os.cpu_count() or 1) if len(cases) >= PARALLEL_FROM else 1
            forkable = "fork" in mp.get_all_start_methods()
            if jobs <= 1 or not forkable or len(cases) < 2:
                rows = _rows(0, len(cases))
            else:
                # warm the shared memo (calendar traces) once, so workers inherit it
                _rows(0, min(len(cases), 200))
                step = max(1, -(-len(cases) // (jobs * 4)))
                bounds = [(lo, min(lo + step, len(cases)))
                          for lo in range(0, len(cases), step)]
                with mp.get_context("fork").Pool(jobs) as pool:
                    rows = [row for chunk in pool.imap(_worker_rows, bounds)
                            for row in _unpack(chunk)]
    finally:
        _JOB.clear()
    rows.sort(key=_first)      # sorted runs from the workers: a merge
    return rows


# -- output -------------------------------------------------------------------------------------

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
    console.print(Text(_summary(len(rows), cases_count, counts)))


def _summary(items: int, cases_count: int, counts: dict[str, int]) -> str:
    """The line under the table: how many items, across how many cases, by status."""
    summary = ", ".join(f"{counts.get(s, 0)} {s.replace('_', ' ')}"
                        for s in ("overdue", "due_soon", "due", "done"))
    return f"{items} item(s) across {cases_count} case(s): {summary}"


#: Over this many rows the plain (not --json) list is a fixed-width text table streamed line
#: by line: a Rich table lays out every row before it prints the first (minutes for 100,000s).
PLAIN_TABLE_FROM = 2000
#: Columns of the streamed table: (heading, width); the last is not padded or cut.
_PLAIN_COLUMNS = (("Status", 12), ("Due", 10), ("CRN", 7), ("Name", 24), ("What", 48),
                  ("Source", 20), ("Day 0", 0))
_CONTROL = dict.fromkeys([*range(32), *range(127, 160), 0x2028, 0x2029], "\ufffd")


def _plain_cell(text: str, width: int) -> str:
    """``text`` shown literally on one line (a control character as U+FFFD), padded to
    ``width`` terminal cells, or cut with "…" when longer; width 0: as it is."""
    if not text.isprintable():
        text = text.translate(_CONTROL)
    if not width:
        return text
    if text.isascii():         # one cell per character
        return text[:width - 1] + "…" if len(text) > width else text.ljust(width)
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _plain_line(cells) -> str:
    return " ".join(_plain_cell(text, width)
                    for text, (_, width) in zip(cells, _PLAIN_COLUMNS)).rstrip()


def _print_plain_table(rows: list, cases_count: int, out=None) -> None:
    """The due list as a fixed-width text table, written as it is made (a big list): the same
    columns and order as the Rich table, cells cut to their column with "…"."""
    from omtui.domain.due import Status

    out = out or sys.stdout
    out.write(_plain_line([name for name, _ in _PLAIN_COLUMNS]) + "\n")
    out.write(" ".join("-" * (width or 20) for _, width in _PLAIN_COLUMNS) + "\n")
    counts: dict[str, int] = {}
    status_text = {s.value: f"{s.symbol} {s.label}" for s in Status}
    batch: list[str] = []
    for row in rows:
        cells = table_cells(row)
        value = cells[0]
        counts[value] = counts.get(value, 0) + 1
        cells[0] = status_text[value]
        batch.append(_plain_line(cells))
        if len(batch) >= 5000:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")
    out.write(_summary(len(rows), cases_count, counts) + "\n")
    out.flush()


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
        cases = _cases(ctx, cases_file, db, day)
        if crn:
            wanted = {c.strip().upper() for c in crn}
            cases = [c for c in cases if c.crn in wanted]
        rows = due_rows(cases, day, calendar, book, as_json=as_json, open_only=open_only,
                        jobs=jobs)
        problems = [payload for key, payload in rows if key == PROBLEM_KEY]
        rows = [payload for key, payload in rows if key != PROBLEM_KEY]
        for message in problems:
            typer.echo(f"omtui: {message}", err=True)
        if as_json:
            out = sys.stdout
            out.write("[\n" + ",\n".join(rows) + ("\n]\n" if rows else "]\n"))
            out.flush()
            return
        if len(rows) > PLAIN_TABLE_FROM:
            _print_plain_table(rows, len(cases) - len(problems))
        else:
            _print_due_table(rows, len(cases) - len(problems))

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
