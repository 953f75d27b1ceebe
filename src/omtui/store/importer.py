"""``omtui import FILE``: validate everything first, then write in ONE transaction.

Two formats:

* JSON, the interchange format (``docs/case-format.md``): ``{"cases": [...]}`` with events;
* CSV, a flat caseload list without events, one case per row (columns: :data:`CSV_COLUMNS`;
  see docs/store.md). Lists (requirements, flags) are separated by ``;``; ``ppo`` is
  true/false (also yes/no, y/n, 1/0; empty is false); MAPPA is two columns.

Every problem is collected with the case's index (JSON) or line (CSV), CRN, field and reason:
format errors, a sentence date or date of birth after "today", and CRNs already in the database
(unless ``replace``). Nothing is written unless every case is valid, or with ``skip_bad`` only
the valid ones are (and the report lists the rest).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from omtui.domain.case import Case
from omtui.domain.caseformat import (
    ParseResult,
    Problem,
    check_against_today,
    parse_case,
)

CSV_COLUMNS = ("crn", "name", "order_type", "sentence_date", "tier", "rosh", "ppo",
               "requirements", "gender", "dob", "mappa_category", "mappa_level", "release_date",
               "custody_months", "time_to_serve_months", "start_date", "end_date", "om", "flags")
CSV_REQUIRED = ("crn", "name", "order_type", "sentence_date", "tier", "rosh")
_INT_COLUMNS = ("tier", "custody_months", "time_to_serve_months")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
MAX_FILE_BYTES = 2 * 1024 ** 3


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, not UTF-8, not JSON, wrong CSV header)."""


@dataclass
class Checked:
    """The outcome of validation: good cases (with their position) and every problem."""

    cases: list[Case] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)     # index (JSON) or line (CSV)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    @property
    def bad(self) -> int:
        return self.total - len(self.cases)


def detect_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        fmt = explicit.lower()
        if fmt not in ("json", "csv"):
            raise ImportFileError(f"unknown format {explicit!r} (json or csv)")
        return fmt
    return "csv" if path.suffix.lower() == ".csv" else "json"


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path}: {size} bytes is too large to import at once")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a directory") from None


def parse_json_text(text: str) -> ParseResult:
    from omtui.domain.caseformat import parse_caseload
    from omtui.gc_pause import gc_paused
    from omtui.json_text import JsonTextError, decode_json

    try:
        data = decode_json(text)
    except JsonTextError as exc:
        raise ImportFileError(str(exc)) from None
    with gc_paused():          # a caseload's worth of new objects, none of them garbage
        return parse_caseload(data)


def _csv_value(column: str, raw: str) -> Any:
    text = raw.strip()
    if column in ("requirements", "flags"):
        return [p.strip() for p in text.split(";") if p.strip()]
    if column == "ppo":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return text  # parse_case reports "must be true or false"
    if text == "":
        return None
    if column in _INT_COLUMNS or column in ("mappa_category", "mappa_level"):
        try:
            return int(text)
        except ValueError:
            return text
    return text


def csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    """(line, case dict) for each data row; raises ImportFileError for a bad header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the CSV file is empty (it needs a header row)") from None
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        raise ImportFileError(f"CSV header: {'; '.join(parts)} (columns: {', '.join(CSV_COLUMNS)})")
    rows: list[tuple[int, dict[str, Any]]] = []
    line = reader.line_num
    try:
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                rows.append((start, {"__error__": f"has {len(values)} fields, the header has "
                                                  f"{len(header)}", "crn": values[0] if values else None}))
                continue
            raw = {h: _csv_value(h, v) for h, v in zip(header, values, strict=True)}
            case: dict[str, Any] = {k: v for k, v in raw.items()
                                    if k not in ("mappa_category", "mappa_level") and v is not None}
            case.setdefault("ppo", False)
            case.setdefault("requirements", [])
            if raw.get("mappa_category") is not None or raw.get("mappa_level") is not None:
                case["mappa"] = {"category": raw.get("mappa_category"),
                                 "level": raw.get("mappa_level")}
            case["events"] = []
            rows.append((start, case))
    except csv.Error as exc:
        raise ImportFileError(f"CSV line {reader.line_num}: {exc}") from None
    return rows


def check_file(path: Path, *, today: date, existing: Sequence[str] = (), fmt: str | None = None,
               replace: bool = False) -> Checked:
    """Read and validate a caseload file. ``existing``: CRNs already in the database."""
    fmt = detect_format(path, fmt)
    text = read_text(path)
    return check_text(text, fmt=fmt, today=today, existing=existing, replace=replace)


def check_text(text: str, *, fmt: str, today: date, existing: Sequence[str] = (),
               replace: bool = False) -> Checked:
    out = Checked()
    taken = set(existing)
    if fmt == "json":
        result = parse_json_text(text)
        if result.problems and not result.cases and not result.rejected:
            out.problems = result.problems          # the file as a whole is wrong
            return out
        rejected = set(result.rejected)
        out.total = len(result.cases) + len(rejected)
        good_positions = [i for i in range(out.total) if i not in rejected]
        out.problems.extend(result.problems)
        candidates = list(zip(good_positions, result.cases, strict=True))
        line_based = False
    else:
        rows = csv_rows(text)
        out.total = len(rows)
        candidates = []
        seen: dict[str, int] = {}
        for index, (line, raw) in enumerate(rows):
            if "__error__" in raw:
                out.problems.append(Problem(index, raw.get("crn"), "row", raw["__error__"], line))
                continue
            case, problems = parse_case(raw, index)
            if case is not None and case.crn in seen:
                problems = [Problem(index, case.crn, "crn", f"duplicate of line {seen[case.crn]}")]
                case = None
            if case is None:
                out.problems.extend(Problem(p.index, p.crn, p.field, p.reason, line)
                                    for p in problems)
                continue
            seen[case.crn] = line
            candidates.append((line, case))
        line_based = True
    for position, case in candidates:
        index = None if line_based else position
        problems = check_against_today(case, today, index)
        if case.crn in taken and not replace:
            problems.append(Problem(index, case.crn, "crn",
                                    "already in the database (use --replace to replace it)"))
        if line_based:
            problems = [Problem(p.index, p.crn, p.field, p.reason, position) for p in problems]
        if problems:
            out.problems.extend(problems)
        else:
            out.cases.append(case)
            out.positions.append(position)
    out.problems.sort(key=lambda p: (p.line if p.line is not None else -1,
                                     p.index if p.index is not None else -1))
    return out
