"""Plan export: what the printed plan says, that names print literally, and real PDF files."""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from omtui.domain.plan import PERSON, Objective, ObjectiveStatus, SentencePlan
from omtui.plan_data import load_need_areas
from omtui.plan_export import (
    _glyphs,
    ExportError,
    find_fonts,
    md_escape,
    render_html,
    render_markdown,
    render_pdf,
    write_exports,
)
from tests.unit.test_plan import TODAY, complete_plan, make_case

AREAS = load_need_areas()
NASTY = "Zoë <script>alert(1)</script> [bold]Ōkubo[/bold] **x** _y_ [link=http://e.vil]z[/link] &amp;"


def nasty_case():
    return replace(make_case(), name=NASTY, om="J <b>Smith</b>")


def nasty_plan() -> SentencePlan:
    plan = complete_plan()
    first = replace(plan.objectives[0], what="Attend <img src=x onerror=alert(1)> [red]UPW[/red]",
                    notes="line one\n- not a list\n1. not numbered\n# not a heading\n> not a quote")
    return replace(plan.with_objective(first), review_reason="End of programme [i]x[/i] <u>")


class TextAndTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> TextAndTags:
    parser = TextAndTags()
    parser.feed(html)
    return parser


# -- Markdown --------------------------------------------------------------------------------

def test_markdown_says_what_the_plan_says():
    md = render_markdown(complete_plan(), case=make_case(om="J Smith"), today=TODAY, need_areas=AREAS)
    assert md.startswith("# Sentence plan: Sam Example (A123456)")
    assert "- Requirements: supervision, unpaid work" in md
    assert "- Risk of serious harm: high" in md
    assert "- Next review: 2027-03-02, because 4 months after sentence (NS 2e.5)" in md
    assert "### 1. Complete 120 hours of unpaid work" in md
    assert "- Who: person on probation, UPW supervisor" in md
    assert "- Need area: Relationships" in md                 # the label, not the id
    assert "(risk management plan)" in md
    assert "Printed 2026-11-23 by omtui." in md
    assert "What the plan still lacks" not in md             # a complete plan has no gaps


def test_markdown_lists_the_gaps_with_sources():
    plan = replace(complete_plan(), review_date=None)
    md = render_markdown(plan, case=make_case(), today=TODAY)
    assert "## What the plan still lacks (warnings)" in md
    assert "- The plan has no review date (NS 2e.5; HMIP C.2.1.18)" in md


def test_markdown_renders_names_and_notes_literally():
    md = render_markdown(nasty_plan(), case=nasty_case(), today=TODAY, need_areas=AREAS)
    html = MarkdownIt("commonmark").render(md)
    parsed = parse_html(html)
    text = "".join(parsed.text)
    assert NASTY in text                                      # exactly as typed
    assert "Attend <img src=x onerror=alert(1)> [red]UPW[/red]" in text
    assert "End of programme [i]x[/i] <u>" in text
    assert not {"script", "img", "b", "u", "strong", "em", "a", "blockquote", "ol"} & set(parsed.tags)
    # the note's lines stay lines, none becomes a list item, heading or quote
    assert "line one\n- not a list\n1. not numbered\n# not a heading\n> not a quote" in text
    assert parsed.tags.count("h3") == 2


@pytest.mark.parametrize("value", ["plain", "a*b*c", "1. x", "- y", "#z", "x\\y", "`code`",
                                   "<!-- c -->", "[a](http://b)", "|t|", "~~s~~", "&copy;", "+ p",
                                   "line\n===", "a\r\nb"])
def test_md_escape_round_trips_through_a_renderer(value):
    html = MarkdownIt("commonmark").render(f"- {md_escape(value)}\n")
    parsed = parse_html(html)
    assert parsed.tags == ["ul", "li"] + ["br"] * value.replace("\r\n", "\n").count("\n")
    assert "".join(parsed.text).strip() == value.replace("\r\n", "\n").strip()


# -- HTML -----------------------------------------------------------------------------------

def test_html_is_printable_and_escaped():
    html = render_html(nasty_plan(), case=nasty_case(), today=TODAY, need_areas=AREAS)
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert "<script>" not in html and "<img" not in html and "<b>Smith" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parsed = parse_html(html)
    text = "".join(parsed.text)
    assert NASTY in text and "J <b>Smith</b>" in text
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "Copy given to and explained to the person on probation (NS 3.3)." in text


def test_html_without_a_case_still_exports():
    html = render_html(complete_plan(), case=None, today=TODAY)
    assert "Sentence plan: <span class=\"text\">not recorded</span> (A123456)" in html


def test_office_template_directory_overrides(tmp_path):
    (tmp_path / "plan.md.j2").write_text("Office plan for {{ person.name }}\n", encoding="utf-8")
    md = render_markdown(complete_plan(), case=nasty_case(), today=TODAY, template_dir=tmp_path)
    assert md.startswith("Office plan for Zoë \\<script\\>")      # still escaped
    html = render_html(complete_plan(), case=make_case(), today=TODAY, template_dir=tmp_path)
    assert html.startswith("<!DOCTYPE html>")                       # falls back to packaged


def test_broken_office_template_is_named(tmp_path):
    (tmp_path / "plan.md.j2").write_text("{{ person.name \n", encoding="utf-8")
    with pytest.raises(ExportError, match="plan.md.j2"):
        render_markdown(complete_plan(), case=make_case(), today=TODAY, template_dir=tmp_path)


# -- PDF -------------------------------------------------------------------------------------

def page_count(data: bytes) -> int:
    """Page objects in the file (``/Type /Page``), checked against the page tree's /Count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    tree = re.search(rb"<<(?:(?!>>).)*?/Type\s*/Pages(?:(?!>>).)*>>", data, re.S)
    assert tree, "no page tree"
    count = re.search(rb"/Count\s+(\d+)", tree.group(0))
    assert count and int(count.group(1)) == pages
    return pages


def test_pdf_is_a_real_pdf_with_pages():
    result = render_pdf(nasty_plan(), case=nasty_case(), today=TODAY, need_areas=AREAS)
    assert result.data.startswith(b"%PDF-") and result.data.rstrip().endswith(b"%%EOF")
    assert result.pages >= 1 and page_count(result.data) == result.pages


def test_long_plans_flow_onto_more_pages():
    many = tuple(Objective(f"obj-{i}", f"Objective {i} " + "long words " * 25, who=(PERSON,),
                           by_when=date(2027, 1, 1), measure="measured weekly " * 10,
                           status=ObjectiveStatus.IN_PROGRESS) for i in range(16))
    result = render_pdf(replace(complete_plan(), objectives=many), case=make_case(), today=TODAY)
    assert result.pages > 2 and page_count(result.data) == result.pages


@pytest.mark.skipif(not find_fonts(), reason="no Unicode TrueType font on this machine")
def test_pdf_uses_a_unicode_font_and_reports_missing_glyphs():
    case = replace(make_case(), name="Zoë Ōkubo Ярослава 山田")
    result = render_pdf(complete_plan(), case=case, today=TODAY)
    assert result.font.lower().endswith((".ttf", ".otf"))
    assert result.data.count(b"/FontFile2") >= 1              # the font is embedded
    # characters the font lacks are reported (DejaVu Sans: no CJK), the rest are not
    glyphs = _glyphs(find_fonts()[0])
    lacking = [c for c in case.name if not c.isspace() and ord(c) not in glyphs]
    reported = " ".join(result.warnings)
    assert all(c in reported for c in lacking)
    assert "Я" not in reported if ord("Я") in glyphs else "Я" in reported
    assert bool(result.warnings) == bool(lacking)


def test_pdf_without_a_font_file_uses_helvetica_and_says_what_was_lost():
    case = replace(make_case(), name="Ярослава")
    result = render_pdf(complete_plan(), case=case, today=TODAY, fonts=[])
    assert result.font == "Helvetica" and result.data.startswith(b"%PDF-")
    assert any("could not be printed" in w for w in result.warnings)
    latin = render_pdf(complete_plan(), case=make_case(name="Zoë"), today=TODAY, fonts=[])
    assert latin.warnings == []


def test_broken_font_file_falls_back(tmp_path):
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    result = render_pdf(complete_plan(), case=make_case(), today=TODAY, fonts=[bad])
    assert result.font == "Helvetica" and any("bad.ttf" in w for w in result.warnings)


# -- files ----------------------------------------------------------------------------------

def test_write_exports_writes_private_files(tmp_path):
    written = write_exports(complete_plan(), tmp_path, ["md", "html", "pdf"], case=make_case(),
                            today=TODAY, need_areas=AREAS)
    assert [w.path.name for w in written] == ["A123456-plan.md", "A123456-plan.html", "A123456-plan.pdf"]
    for w in written:
        assert stat.S_IMODE(w.path.stat().st_mode) == 0o600
    assert (tmp_path / "A123456-plan.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(w.path.name for w in written)


def test_write_exports_refuses_bad_format_and_missing_directory(tmp_path):
    with pytest.raises(ExportError, match="unknown format 'docx'"):
        write_exports(complete_plan(), tmp_path, ["docx"], case=None, today=TODAY)
    with pytest.raises(ExportError, match="not a directory"):
        write_exports(complete_plan(), tmp_path / "nope", ["md"], case=None, today=TODAY)


@settings(max_examples=200)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF,
                             blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60))
def test_md_escape_any_single_line_prints_as_typed(value):
    html = MarkdownIt("commonmark").render(f"- {md_escape(value)}\n")
    parsed = parse_html(html)
    assert [t for t in parsed.tags if t not in ("ul", "li", "p")] == []
    assert "".join(parsed.text).strip() == value.strip()


@settings(max_examples=150)
@given(st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=0x24F,
                                      blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
                .filter(str.strip), min_size=2, max_size=4))
def test_md_escape_keeps_every_line_of_a_note(lines):
    value = "\n".join(lines)
    html = MarkdownIt("commonmark").render(f"- Notes: {md_escape(value)}\n")
    parsed = parse_html(html)
    assert [t for t in parsed.tags if t not in ("ul", "li", "p", "br")] == []
    assert parsed.tags.count("br") == len(lines) - 1
    rendered = "".join(parsed.text).strip()[len("Notes: "):]
    assert [s.strip() for s in rendered.split("\n")] == [s.strip() for s in lines]
