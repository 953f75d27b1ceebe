"""The sentence plan as Markdown, printable HTML and PDF (``omtui plan export``).

Markdown and HTML come from Jinja2 templates (``omtui/data/templates/plan.{md,html}.j2``; an
office may pass its own template directory). Every value is escaped for the output format, so
names, objectives and notes print literally: ``<script>``, ``**bold**`` and ``[bold]`` appear
as typed. The PDF is laid out with fpdf2 (text cells, never interpreted as markup) in a Unicode
TrueType font when one is found (DejaVu Sans, or ``OMTUI_PDF_FONT``), so non-Latin names print.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from omtui.domain.case import Case
from omtui.domain.plan import NeedArea, PlanGap, SentencePlan, plan_gaps

FORMATS = ("md", "html", "pdf")
NONE = "not recorded"
FONT_ENV = "OMTUI_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


class ExportError(ValueError):
    """An export that cannot be written (bad template, unwritable directory), naming the file."""


# -- the values the templates see -------------------------------------------------------------

def _d(day: date | None) -> str:
    return day.isoformat() if day else NONE


def _t(text: str | None) -> str:
    return text if text and text.strip() else NONE


def _list(values: Iterable[str]) -> str:
    items = [v for v in values if v.strip()]
    return ", ".join(items) if items else "none"


def export_context(plan: SentencePlan, *, case: Case | None, today: date,
                   need_areas: Sequence[NeedArea] = (), gaps: Sequence[PlanGap] | None = None,
                   ) -> dict[str, Any]:
    """Plain strings for the templates and the PDF (the same words in every format)."""
    areas = {a.id: a.label for a in need_areas}
    if gaps is None:
        gaps = plan_gaps(case, plan, today, need_areas or None) if case is not None else []
    person = {
        "crn": case.crn if case else plan.crn,
        "name": case.name if case else NONE,
        "order": case.order_type.label if case else NONE,
        "sentence_date": _d(case.sentence_date) if case else NONE,
        "requirements": _list(r.label for r in case.requirements) if case else NONE,
        "rosh": case.rosh.label if case else NONE,
        "om": _t(case.om) if case else NONE,
    }
    plan_ctx = {
        "completed_on": _d(plan.completed_on) if plan.completed_on else "not yet completed",
        "interim": plan.interim,
        "review_date": _d(plan.review_date),
        "review_reason": _t(plan.review_reason),
        "contact_pattern": _t(plan.contact_pattern),
    }
    objectives = [{
        "id": o.id,
        "what": _t(o.what),
        "need_area": areas.get(o.need_area, o.need_area) if o.need_area else "none",
        "requirements": _list(r.label for r in o.requirements),
        "risks": _list(o.risks),
        "risk_management": o.risk_management,
        "who": _list(o.who) if any(w.strip() for w in o.who) else NONE,
        "by_when": _d(o.by_when),
        "measure": _t(o.measure),
        "status": o.status.label,
        "review_date": _d(o.review_date),
        "notes": o.notes,
        "notes_present": bool(o.notes.strip()),
    } for o in plan.objectives]
    return {"person": person, "plan": plan_ctx, "objectives": objectives,
            "gaps": [{"message": g.message, "source": g.source} for g in gaps],
            "generated": today.isoformat()}


# -- Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=:]|\d+(?=[.)]))")


def md_escape(value: Any) -> str:
    """Text that a Markdown renderer shows exactly as typed (line breaks kept)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = _MD_SPECIAL.sub(r"\\\1", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = []
    for line in text.split("\n"):
        m = _MD_LINE_START.match(line)
        if m and m.group(2).isdigit():
            end = m.end()
            line = line[:end] + "\\" + line[end:]          # "1." -> "1\." (not a list)
        elif m:
            line = f"{m.group(1)}\\{line[len(m.group(1)):]}"
        lines.append(line)
    return "\\\n".join(lines)                               # a hard line break each time


def _environment(kind: str, template_dir: str | os.PathLike[str] | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.PackageLoader("omtui", "data/templates"))
    loader = jinja2.ChoiceLoader(loaders)
    if kind == "html":
        return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                  keep_trailing_newline=True)
    return jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _render(kind: str, context: dict[str, Any], template_dir) -> str:
    name = f"plan.{kind}.j2"
    try:
        return _environment(kind, template_dir).get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise ExportError(f"template {where}{f' line {line}' if line else ''}: {exc}") from None


def render_markdown(plan: SentencePlan, *, case: Case | None, today: date,
                    need_areas: Sequence[NeedArea] = (), template_dir=None) -> str:
    return _render("md", export_context(plan, case=case, today=today, need_areas=need_areas),
                   template_dir)


def render_html(plan: SentencePlan, *, case: Case | None, today: date,
                need_areas: Sequence[NeedArea] = (), template_dir=None) -> str:
    return _render("html", export_context(plan, case=case, today=today, need_areas=need_areas),
                   template_dir)


# -- PDF ------------------------------------------------------------------------------------------

def find_fonts() -> list[Path]:
    """Unicode TrueType fonts for the PDF, main font first, then fallbacks for missing glyphs:
    ``OMTUI_PDF_FONT`` (paths separated by ``os.pathsep``), else the first known system font."""
    env = os.environ.get(FONT_ENV)
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p and Path(p).is_file()]
    return [Path(p) for p in FONT_CANDIDATES if Path(p).is_file()][:1]


def _glyphs(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont                 # an fpdf2 dependency

    with TTFont(str(path), lazy=True) as font:
        return set(font.getBestCmap() or {})


@dataclass
class PdfResult:
    data: bytes
    pages: int
    font: str
    warnings: list[str] = field(default_factory=list)


def render_pdf(plan: SentencePlan, *, case: Case | None, today: date,
               need_areas: Sequence[NeedArea] = (), fonts: Sequence[Path] | None = None) -> PdfResult:
    """The plan as PDF bytes. ``fonts``: TrueType files (main, then fallbacks); default
    :func:`find_fonts`; empty means the built-in Helvetica (Latin-1 only, others print '?')."""
    import logging

    from fpdf import FPDF                              # imported only when a PDF is asked for
    from fpdf.enums import XPos, YPos

    ctx = export_context(plan, case=case, today=today, need_areas=need_areas)
    warnings: list[str] = []
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.set_title(f"Sentence plan {ctx['person']['crn']}")
    pdf.set_creator("omtui")
    fonts = list(fonts) if fonts is not None else find_fonts()
    family, font_name, covered = "helvetica", "Helvetica", set()
    loaded: list[str] = []
    for n, path in enumerate(fonts):
        try:
            pdf.add_font(f"f{n}", "", str(path))
            covered |= _glyphs(path)
            loaded.append(f"f{n}")
        except Exception as exc:                        # a broken font file: skip it, say so
            warnings.append(f"font {path}: cannot be used ({exc})")
    if loaded:
        family, font_name = loaded[0], fonts[int(loaded[0][1:])].name
        if len(loaded) > 1:
            pdf.set_fallback_fonts(loaded[1:])
    missing: set[str] = set()

    def clean(text: str) -> str:
        if family != "helvetica":
            missing.update(ch for ch in text if ord(ch) not in covered and not ch.isspace())
            return text
        out = text.encode("latin-1", "replace").decode("latin-1")
        if out != text and not any("could not be printed" in w for w in warnings):
            warnings.append("some characters could not be printed with the built-in font "
                            f"(they show as '?'); set {FONT_ENV} to a Unicode .ttf font")
        return out

    width = pdf.epw

    def para(text: str, size: float = 10, gap: float = 1.5) -> None:
        pdf.set_font(family, size=size)
        pdf.multi_cell(width, size * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def rows(pairs: list[tuple[str, str]]) -> None:
        for label, value in pairs:
            pdf.set_font(family, size=10)
            pdf.multi_cell(width, 5, clean(f"{label}: {value}"), new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
        pdf.ln(2)

    pdf.add_page()
    p, pl = ctx["person"], ctx["plan"]
    para(f"Sentence plan: {p['name']} ({p['crn']})", size=15, gap=3)
    rows([("Order", p["order"]), ("Sentence date", p["sentence_date"]),
          ("Requirements", p["requirements"]), ("Risk of serious harm", p["rosh"]),
          ("Offender manager", p["om"]),
          ("Plan completed", pl["completed_on"] + (" (interim plan)" if pl["interim"] else "")),
          ("Next review", f"{pl['review_date']}, because {pl['review_reason']}"),
          ("Planned contact", pl["contact_pattern"])])
    para("Objectives", size=13, gap=2)
    if not ctx["objectives"]:
        para("No objectives recorded.")
    for n, o in enumerate(ctx["objectives"], start=1):
        para(f"{n}. {o['what']}", size=11, gap=1)
        pairs = [("Need area", o["need_area"]), ("Requirements", o["requirements"]),
                 ("Risks managed", o["risks"] + (" (risk management plan)" if o["risk_management"] else "")),
                 ("Who", o["who"]), ("By when", o["by_when"]),
                 ("How progress is measured", o["measure"]), ("Status", o["status"]),
                 ("Review", o["review_date"])]
        if o["notes_present"]:
            pairs.append(("Notes", o["notes"]))
        rows(pairs)
    if ctx["gaps"]:
        para("What the plan still lacks (warnings)", size=13, gap=2)
        for g in ctx["gaps"]:
            para(f"- {g['message']} ({g['source']})", gap=0.5)
        pdf.ln(2)
    para("Signatures", size=13, gap=2)
    para("Copy given to and explained to the person on probation (NS 3.3).")
    para("Person on probation: ______________________   Date: ____________", gap=4)
    para("Offender manager: ______________________   Date: ____________", gap=4)
    para(f"Printed {ctx['generated']} by omtui.", size=8)
    if missing:
        shown = "".join(sorted(missing)[:20])
        warnings.append(f"{len(missing)} character(s) are not in the font {font_name} and print "
                        f"blank: {shown}; set {FONT_ENV} to a font that has them")
    quiet = logging.getLogger("fpdf.output")           # we report missing glyphs ourselves
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        data = bytes(pdf.output())
    finally:
        quiet.setLevel(level)
    return PdfResult(data, pdf.page_no(), font_name, warnings)


# -- files --------------------------------------------------------------------------------------

def _write_private(path: Path, data: bytes) -> None:
    """Write owner-only (0600): a plan holds personal data."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@dataclass
class Written:
    path: Path
    format: str
    warnings: list[str] = field(default_factory=list)


def write_exports(plan: SentencePlan, out_dir: str | os.PathLike[str], formats: Iterable[str], *,
                  case: Case | None, today: date, need_areas: Sequence[NeedArea] = (),
                  template_dir=None) -> list[Written]:
    """Write ``<CRN>-plan.<ext>`` for each format into ``out_dir``; returns what was written."""
    out = Path(out_dir)
    if not out.is_dir():
        raise ExportError(f"{out}: not a directory")
    written: list[Written] = []
    stem = f"{case.crn if case else plan.crn}-plan"
    for fmt in dict.fromkeys(formats):
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r} (use md, html or pdf)")
        path = out / f"{stem}.{fmt}"
        warnings: list[str] = []
        if fmt == "md":
            data = render_markdown(plan, case=case, today=today, need_areas=need_areas,
                                   template_dir=template_dir).encode("utf-8")
        elif fmt == "html":
            data = render_html(plan, case=case, today=today, need_areas=need_areas,
                               template_dir=template_dir).encode("utf-8")
        else:
            result = render_pdf(plan, case=case, today=today, need_areas=need_areas)
            data, warnings = result.data, result.warnings
        try:
            _write_private(path, data)
        except OSError as exc:
            raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
        written.append(Written(path, fmt, warnings))
    return written
