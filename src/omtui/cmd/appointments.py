"""``omtui appointments export CRN FILE.ics`` / ``omtui appointments export --officer X FILE.ics``.

Writes the appointments (contacts arranged, with no outcome yet) dated from today on into an
iCalendar file for the officer's own calendar. The cases come from the database (the global
``--db``), or from a case-format JSON file given with ``--cases FILE.json``. The file holds the
CRN and the contact type only (see docs/contacts.md); it is written owner-only (0600).
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from omtui.cmd.common import fail, options, resolve_today
from omtui.domain.case import Case
from omtui.domain.caseformat import CRN_PATTERN, parse_caseload
from omtui.domain.entry import EntryError, parse_entry_date
from omtui.json_text import JsonTextError, decode_json


def _load_cases_file(path: str) -> list[Case]:
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read --cases {path}: {getattr(exc, 'strerror', None) or exc}")
    try:
        data = decode_json(text)
    except JsonTextError as exc:
        fail(f"--cases {path}: {exc}")
    result = parse_caseload(data)
    if result.problems and not result.cases:
        fail(f"--cases {path}: no usable case ({result.problems[0]})")
    if result.problems:
        typer.echo(f"omtui: --cases {path}: {len(result.rejected) or len(result.problems)} "
                   f"case(s) skipped ({result.problems[0]})", err=True)
    return result.cases


def _open_store(ctx: typer.Context):
    from omtui.services import StoreError
    from omtui.store import open_store
    from omtui.store.engine import resolve

    db = options(ctx).db
    try:
        target = resolve(db)
    except Exception as exc:  # a malformed URL
        fail(f"bad --db {db!r}: {exc}")
    if target.file is not None and not target.file.exists():
        fail(f"no database at {target.file} (give --db FILE, or --cases FILE.json)")
    try:
        return open_store(db, options(ctx).officer, upgrade=False)
    except StoreError as exc:
        fail(str(exc))


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by the owner only, replacing it in one step."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(app: typer.Typer) -> None:
    appointments_app = typer.Typer(
        name="appointments", help="Appointments: export them for your own calendar.",
        no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(appointments_app)

    @appointments_app.command("export")
    def export(
        ctx: typer.Context,
        args: Annotated[list[str], typer.Argument(
            metavar="[CRN] FILE.ics",
            help="The case's CRN and the file to write; with --officer, only the file.")],
        officer: Annotated[Optional[str], typer.Option(
            "--officer", help="Every case allocated to this offender manager.")] = None,
        cases_file: Annotated[Optional[str], typer.Option(
            "--cases", help="Read the cases from this case-format JSON file, not the database.")
        ] = None,
        from_date: Annotated[Optional[str], typer.Option(
            "--from", help="Leave out appointments before this date (default: today; e.g. 1/12, 2026-12-01).")] = None,
    ) -> None:
        """Write appointments to an iCalendar (.ics) file: CRN and contact type only."""
        from omtui.domain.outcomes import TaxonomyError
        from omtui.ical_export import appointments_to_ics, case_appointments
        from omtui.outcomes_file import load_taxonomy

        if officer is not None:
            if not officer.strip():
                fail("--officer needs a name")
            if len(args) != 1:
                fail("with --officer give only the file: omtui appointments export "
                     "--officer NAME FILE.ics")
            crn, out = None, args[0]
        else:
            if len(args) != 2:
                fail("give a CRN and a file (omtui appointments export CRN FILE.ics) "
                     "or --officer NAME FILE.ics")
            crn, out = args[0].strip().upper(), args[1]
            if not CRN_PATTERN.fullmatch(crn):
                fail(f"{args[0]!r} is not a CRN (one capital letter and six digits, e.g. X123456)")
        path = Path(out)
        if out == "-" or path.suffix.lower() != ".ics":
            fail(f"{out!r}: the file to write must end in .ics")
        if path.is_dir():
            fail(f"{out!r} is a directory")
        today = resolve_today(ctx)
        start = today
        if from_date is not None:
            try:
                start = parse_entry_date(from_date, today)
            except EntryError as exc:
                fail(f"bad --from: {exc}")
        try:
            taxonomy = load_taxonomy()
        except TaxonomyError as exc:
            fail(str(exc))

        if cases_file is not None:
            cases = _load_cases_file(cases_file)
            if crn is not None:
                cases = [c for c in cases if c.crn == crn]
                if not cases:
                    fail(f"no case {crn} in {cases_file}")
        else:
            from omtui.services import NotFound, StoreError

            store = _open_store(ctx)
            try:
                cases = [store.get_case(crn)] if crn is not None else store.list_cases()
            except NotFound:
                fail(f"no case {crn}")
            except StoreError as exc:
                fail(str(exc))
            finally:
                close = getattr(store, "close", None)
                if callable(close):
                    close()
        found = case_appointments(cases, from_date=start, officer=officer)
        data = appointments_to_ics(found, stamp=datetime.now(timezone.utc), taxonomy=taxonomy)
        try:
            _write_private(path, data)
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
        whose = crn if crn is not None else f"officer {officer.strip()}"
        n_cases = len({a.crn for a in found})
        typer.echo(f"wrote {len(found)} appointment(s) from {start.isoformat()} for {whose}"
                   + (f" ({n_cases} case(s))" if crn is None else "") + f" to {out}")
