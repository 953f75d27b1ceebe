"""CLI commands for the store: db upgrade, import, export, demo, backup, audit verify/show.

Every command opens the database given by the global ``--db`` / ``OMTUI_DB`` (default: the
file in the user data directory) and records the global ``--officer`` in the audit trail.
Errors are one line on stderr with a non-zero exit; problems in an import file are listed one
per line on stderr.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from omtui.cmd.common import fail, friendly_errors, options, parse_day, resolve_today

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True, rich_markup_mode=None)
audit_app = typer.Typer(help="The audit trail of every change to case data.",
                        no_args_is_help=True, rich_markup_mode=None)


def _open(ctx: typer.Context, *, upgrade: bool = True, create: bool = True):
    from omtui.services import StoreError
    from omtui.store import open_store

    try:
        return open_store(options(ctx).db, options(ctx).officer, upgrade=upgrade, create=create)
    except StoreError as exc:
        fail(str(exc))


def _store_errors():
    """friendly_errors plus the store's own errors (one line, exit 2)."""
    from contextlib import contextmanager

    from omtui.services import StoreError
    from omtui.store.importer import ImportFileError

    @contextmanager
    def guard():
        with friendly_errors():
            try:
                yield
            except (StoreError, ImportFileError) as exc:
                fail(str(exc))

    return guard()


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database or bring its schema up to date (backing up an older file first)."""
    with _store_errors():
        store = _open(ctx)
        try:
            result = store.upgrade_result
            if result is None or not result.changed:
                typer.echo(f"{store.describe()}: schema up to date ({result.after if result else '?'})")
            elif result.before is None:
                typer.echo(f"{store.describe()}: created (schema {result.after})")
            else:
                typer.echo(f"{store.describe()}: upgraded {result.before} -> {result.after}"
                           + (f" (backup: {result.backup})" if result.backup else ""))
        finally:
            store.close()


def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A JSON caseload (interchange format) or a CSV caseload list.")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="json or csv (default: from the file name).")] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Import the valid cases and report the rest.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace cases whose CRN is already in the database.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Check dates against this day (YYYY-MM-DD).")] = None,
) -> None:
    """Import cases in one transaction: all or nothing (or only the valid ones with --skip-bad)."""
    from omtui.store.importer import detect_format, read_text

    day = resolve_today(ctx, today)
    with _store_errors():
        # Read and parse the file before touching the database.
        kind = detect_format(file, fmt)
        text = read_text(file)
        store = _open(ctx)
        try:
            _import_text(store, text, kind, day, skip_bad=skip_bad, replace=replace,
                         label=str(file))
        finally:
            store.close()


def _import_text(store, text: str, kind: str, day: date, *, skip_bad: bool, replace: bool,
                 label: str) -> None:
    from omtui.store.importer import check_text

    existing = store.crns()
    checked = check_text(text, fmt=kind, today=day, existing=existing, replace=replace)
    for problem in checked.problems:
        typer.echo(f"{label}: {problem}", err=True)
    if checked.problems and not skip_bad:
        fail(f"nothing imported: {len(checked.problems)} problem(s) in {checked.bad} of "
             f"{checked.total} case(s) (fix them, or use --skip-bad to import the "
             f"{len(checked.cases)} valid case(s))", code=1)
    summary = store.import_cases(checked.cases, replace=replace, validated=True)
    parts = [f"imported {len(summary.inserted)} case(s)"]
    if summary.replaced:
        parts.append(f"replaced {len(summary.replaced)}")
    parts.append(f"{summary.events} event(s)")
    if checked.bad:
        parts.append(f"skipped {checked.bad} bad case(s)")
    typer.echo(", ".join(parts) + f" into {store.describe()}")


def export_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="Where to write the JSON (- for standard output).")],
    crn: Annotated[Optional[list[str]], typer.Option("--crn", help="Only this case (repeatable).")] = None,
) -> None:
    """Export cases to the JSON interchange format (the file `omtui import` reads)."""
    from omtui.store.exporter import export_to_file

    with _store_errors():
        store = _open(ctx, create=False)
        try:
            cases = store.export_cases(crn or None)
        finally:
            store.close()
        dest = export_to_file(cases, file)
        if str(dest) != "-":
            typer.echo(f"exported {len(cases)} case(s) to {dest}", err=True)


def demo_cmd(
    ctx: typer.Context,
    cases: Annotated[int, typer.Option("--cases", min=0, help="How many cases.")] = 40,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same caseload).")] = 2026,
    out: Annotated[str, typer.Option("--out", help="Write the JSON here (- for standard output).")] = "-",
    today: Annotated[Optional[str], typer.Option("--today", help="The demo's today (default 2026-11-23).")] = None,
    load: Annotated[bool, typer.Option("--load", help="Import into the database instead of writing JSON.")] = False,
    ensure: Annotated[bool, typer.Option("--ensure", help="Create/upgrade the database and load the demo caseload if it has no cases.")] = False,
) -> None:
    """A realistic, entirely fictional demo caseload."""
    from omtui.store import demo
    from omtui.store.exporter import caseload_json, write_private

    day = parse_day(today, "--today") if today else demo.DEMO_TODAY
    with _store_errors():
        if ensure:
            store = _open(ctx)
            try:
                if store.has_cases():
                    typer.echo(f"{store.describe()}: ready ({len(store.crns())} cases)")
                    return
                text, label = _demo_source(cases, seed, day)
                _import_text(store, text, "json", day, skip_bad=False, replace=False,
                             label=label)
            finally:
                store.close()
            return
        generated = demo.generate(cases, seed, day)
        if load:
            store = _open(ctx)
            try:
                _import_text(store, caseload_json(generated), "json", day, skip_bad=False,
                             replace=False, label="demo")
            finally:
                store.close()
            return
        write_private(out, caseload_json(generated))


def _demo_source(cases: int, seed: int, day: date) -> tuple[str, str]:
    """The committed demo file when running from a checkout with the defaults, else generate."""
    from omtui.paths import repo_root
    from omtui.store import demo
    from omtui.store.exporter import caseload_json

    root = repo_root()
    default = (cases, seed, day) == (demo.DEFAULT_CASES, demo.DEFAULT_SEED, demo.DEMO_TODAY)
    if root is not None and default:
        path = root / "data" / "demo" / "caseload.json"
        if path.is_file():
            return path.read_text(encoding="utf-8"), str(path)
    return caseload_json(demo.generate(cases, seed, day)), "generated demo"


def backup_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The new backup file (must not exist).")],
) -> None:
    """Copy the database to FILE with SQLite's online backup (safe while omtui is open)."""
    with _store_errors():
        store = _open(ctx, create=False)
        try:
            dest = store.backup(str(file))
        finally:
            store.close()
        typer.echo(f"backed up {store.describe()} to {dest}")


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the hash chain of the whole audit trail (exit 1 and name the first bad row)."""
    with _store_errors():
        store = _open(ctx, create=False)
        try:
            result = store.verify_audit()
        finally:
            store.close()
    if result.ok:
        typer.echo(result.describe())
    else:
        fail(result.describe(), code=1)


@audit_app.command("show")
def audit_show(
    ctx: typer.Context,
    crn: Annotated[str, typer.Argument(help="The case's CRN.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON list of entries.")] = False,
) -> None:
    """Print a case's history: who changed what, when, from what to what."""
    with _store_errors():
        store = _open(ctx, create=False)
        try:
            entries = store.audit_history(crn)
        finally:
            store.close()
    if as_json:
        typer.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        fail(f"no audit entries for {crn}", code=1)
    for e in entries:
        typer.echo(f"#{e.seq} {e.at} {e.officer} {e.action} {e.table_name} {e.record_key}")
        for line in _describe_change(e):
            typer.echo(f"    {line}")


def _short(value, limit: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _describe_change(e) -> list[str]:
    if e.action in ("import", "replace") and isinstance(e.new, dict):
        lines = [f"whole case: {len(e.new.get('events', []))} event(s), "
                 f"{len(e.new.get('requirements', []))} requirement(s)"]
        if isinstance(e.old, dict):
            changed = sorted(k for k in set(e.old) | set(e.new) if e.old.get(k) != e.new.get(k))
            lines.append("changed: " + (", ".join(changed) or "nothing"))
        return lines
    old, new = e.old or {}, e.new or {}
    keys = [k for k in (new if new else old) if k not in ("id", "version")]
    out = []
    for k in keys:
        if e.action == "update":
            out.append(f"{k}: {_short(old.get(k))} -> {_short(new.get(k))}")
        elif e.action == "insert" and new.get(k) is not None:
            out.append(f"{k} = {_short(new.get(k))}")
        elif e.action == "delete" and old.get(k) is not None:
            out.append(f"{k} was {_short(old.get(k))}")
    return out


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
    app.command("demo")(demo_cmd)
    app.command("backup")(backup_cmd)
