"""Rule packs: the packaged pack is complete and cites real sections; bad packs are reported
precisely; an office's local pack overrides, adds and switches off rules."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from omtui.domain.agenda import case_agenda, explain_case
from omtui.domain.caseformat import parse_case
from omtui.domain.rules.loader import PackError, build_rulebook, load_pack
from omtui.rulepacks import (
    ENV_VAR,
    RulePackFileError,
    default_packs,
    load_rulebook,
    local_pack_paths,
    packaged_packs,
    read_pack,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
PACK_FILE = REPO / "src" / "omtui" / "data" / "rules" / "national-standards-2007.toml"


@pytest.fixture(autouse=True)
def no_local_packs(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def ns_pack():
    return packaged_packs()[0]


# -- the packaged pack --------------------------------------------------------------------------

_CITE = re.compile(r"^(NS|HMIP|CO-spec row|Custody-spec row)\s+(\S+)$")


def cited_sections_missing(rules, shared: Path) -> list[tuple[str, str]]:
    """(rule id, citation) for every citation not found in the source documents.

    NS sections must appear in the National Standards seed (001) or in timescales.md (the
    OCR drops some, e.g. "A3 1"); HMIP sections in the inspectorate seed (004) or in
    timescales.md; specification rows as "CO-spec row N" / "Custody-spec row N" there.
    """
    seeds = {p.name[:3]: p.read_text("utf-8", errors="replace")
             for p in (shared / "seeds").glob("*.txt")}
    md = (shared / "domain" / "timescales.md").read_text("utf-8")
    missing = []
    for rule in rules:
        for cite in (c.strip() for c in rule.source.split(";")):
            m = _CITE.match(cite)
            if not m:
                missing.append((rule.id, cite))
                continue
            doc, section = m.groups()
            inside = re.compile(rf"(?<![\w.]){re.escape(section)}(?![\w])")
            if doc == "NS":
                found = inside.search(seeds.get("001", "")) or inside.search(md)
            elif doc == "HMIP":
                found = inside.search(seeds.get("004", "")) or inside.search(md)
            else:
                found = f"{doc} {section}" in md
            if not found:
                missing.append((rule.id, cite))
    return missing


def test_every_rule_cites_a_section_found_in_the_sources():
    if not SHARED.is_dir():
        pytest.skip(f"the shared source documents are not beside the repository ({SHARED})")
    rules = ns_pack().rules
    assert all(r.source for r in rules)
    assert cited_sections_missing(rules, SHARED) == []


def test_a_made_up_citation_is_caught():
    if not SHARED.is_dir():
        pytest.skip(f"the shared source documents are not beside the repository ({SHARED})")
    from dataclasses import replace

    rule = ns_pack().rules[0]
    fakes = [replace(rule, id="fake-1", source="NS 9z.99"),
             replace(rule, id="fake-2", source="HMIP Z.9.9.9"),
             replace(rule, id="fake-3", source="Custody-spec row 999"),
             replace(rule, id="fake-4", source="section 5")]
    assert [m[0] for m in cited_sections_missing(fakes, SHARED)] == [
        "fake-1", "fake-2", "fake-3", "fake-4"]


def test_every_timescale_family_has_a_rule():
    ids = {r.id for r in ns_pack().rules}
    expected = {
        "ns-1-1-allocate-tier4-ppo", "ns-1-1-allocate", "ns-1-3-offender-supervisor",
        "ns-2c6-first-meeting-tier4", "ns-2c6-first-meeting", "ns-2d92-drr-first-contact",
        "ns-2d93-drr-treatment-contact", "hmip-c213-first-appointment-high-rosh",
        "ns-2c13-licence-first-contact", "ns-2c13-licence-second-contact",
        "ns-2c13-police-notified", "hmip-c213-see-within-week",
        "ns-2a4-assessment-tier4-ppo", "ns-2a4-assessment", "ns-2a5-home-visit-high-rosh",
        "ns-2b3-plan-tier4-ppo", "ns-2b3-plan", "ns-2b3-plan-custody-short",
        "ns-2b3-plan-custody-long", "hmip-c218-plan-window-high-rosh",
        "hmip-b4111-risk-management-plan", "ns-2c4-plan-copy",
        "ns-2e5-review-community", "ns-2e5-review-custody", "ns-2e5-review-release-tier4-ppo",
        "ns-2e5-review-release", "ns-2e5-review-recall", "ns-2e5-review-before-release",
        "ns-2e8-termination-evaluation", "ns-2b7-mappa-before-release",
        "hmip-b4120-mappa-referral-community", "ns-4-2-victim-contact",
        "ns-3-5-correspondence-reply", "ns-2c5-psr-to-prison", "ns-a6-hdc-assessment",
        "ns-a52-rotl-report", "ns-2d14-upw-first-session", "ns-2d61-attendance-centre-start",
        "ns-2d71-activity-start", "ns-2d72-activity-first-weeks", "ns-2d81-programme-start",
        "ns-a31-drr-review-early", "ns-a31-drr-review",
    }
    assert expected <= ids, sorted(expected - ids)


def test_timescales_table_sections_are_all_cited():
    """Every section in the date-bound tables of timescales.md is cited by some rule."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared source documents are not beside the repository ({SHARED})")
    md = (SHARED / "domain" / "timescales.md").read_text("utf-8")
    cited = " ; ".join(r.source for r in ns_pack().rules)
    wanted = ["NS 1.1", "NS 1.3", "NS 2c.6", "NS 2d.9.2", "NS 2d.9.3", "HMIP C.2.1.3",
              "HMIP D.2.2.8", "NS 2c.13", "Custody-spec row 43", "NS 2a.4", "NS 2a.5",
              "NS 2b.3", "HMIP C.2.1.8", "HMIP B.4.1.11", "NS 2c.4", "NS 2e.5", "NS 2e.8",
              "NS 2b.7", "HMIP B.4.1.20", "NS 4.2", "NS 3.5", "NS 2c.5", "NS A6", "NS A5.2",
              "NS 2d.1.4", "NS 2d.6.1", "NS 2d.7.1", "NS 2d.8.1", "NS A3.1"]
    for ref in wanted:
        assert ref.split(" ", 1)[1].split(" ")[-1] in md, ref       # the table really has it
        assert ref in cited, f"no rule cites {ref}"


def test_bare_days_rules_say_they_count_working_days():
    for rule in ns_pack().rules:
        if "days" in rule.text and "bare" in rule.text:
            assert rule.offset.unit.value == "working-days", rule.id
            assert "NS Note 9" in rule.text


def test_rule_ids_are_stable_and_unique():
    ids = [r.id for r in ns_pack().rules]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]+", i) for i in ids)


def test_default_packs_is_cached_and_carries_policies():
    book = default_packs()
    assert default_packs() is book
    assert len(book) == len(ns_pack().rules)


# -- bad packs: file, rule id, field ------------------------------------------------------------

GOOD_RULE = """
[[rule]]
id = "{id}"
title = "A rule"
source = "NS 2b.3"
text = "something"
trigger = "sentence"
offset = {{ n = 5, unit = "working-days" }}
satisfied_by = "plan_completed"
when = "{when}"
"""

HEAD = """
[pack]
id = "local-office"
title = "Local office rules"
effective_from = 2027-01-01
"""


def pack_text(*rules: str) -> str:
    return HEAD + "".join(rules)


def problems_of(text: str, origin: str = "local.toml") -> list[str]:
    with pytest.raises(PackError) as exc:
        load_pack(tomllib.loads(text), origin)
    return [str(p) for p in exc.value.problems]


def test_bad_condition_names_file_rule_field_and_position():
    got = problems_of(pack_text(GOOD_RULE.format(id="local-x", when="tier == 4 and rosh >= hihg")))
    assert got == ["local.toml: rule local-x: when: 'hihg' is not a value of rosh (one of: low, "
                   "medium, high, very_high) at position 23: 'tier == 4 and rosh >= hihg'"]


@pytest.mark.parametrize("replace, field, message", [
    ('trigger = "sentence"', "trigger", "'sentance' is not an event type"),
    ('offset = { n = 5, unit = "working-days" }', "offset", "unknown unit 'fortnights'"),
    ('satisfied_by = "plan_completed"', "satisfied_by", "'plan_done' is not an event type"),
    ('title = "A rule"', "title", "must be non-empty text"),
])
def test_bad_fields(replace, field, message):
    bad = {"trigger": 'trigger = "sentance"',
           "offset": 'offset = { n = 5, unit = "fortnights" }',
           "satisfied_by": 'satisfied_by = "plan_done"',
           "title": 'title = ""'}[field]
    text = pack_text(GOOD_RULE.format(id="local-y", when="true").replace(replace, bad))
    got = problems_of(text)
    assert len(got) == 1
    assert got[0].startswith(f"local.toml: rule local-y: {field}: ")
    assert message in got[0]


def test_missing_fields_unknown_fields_duplicates_all_reported():
    text = pack_text(
        '\n[[rule]]\nid = "local-a"\ntitle = "t"\nsource = "NS 1.1"\ntext = "x"\nwhen = "true"\n'
        'colour = "red"\n',
        GOOD_RULE.format(id="local-b", when="true"),
        GOOD_RULE.format(id="local-b", when="true"),
        '\n[[rule]]\nid = "Bad Id"\n')
    got = problems_of(text)
    assert "local.toml: rule local-a: colour: unknown field" in got[0]
    assert any("rule local-a: trigger: is missing" in g for g in got)
    assert any("rule local-a: offset: is missing" in g for g in got)
    assert any("rule local-a: satisfied_by: is missing" in g for g in got)
    assert any("rule local-b: id: duplicate" in g for g in got)
    assert any("rule [[rule]] #4: id: 'Bad Id' is not a rule id" in g for g in got)


def test_bad_pack_header():
    got = problems_of('[pack]\nid = "x y"\n')
    assert any("pack.id" in g for g in got)
    assert any("pack.title: is missing" in g for g in got)
    assert any("pack.effective_from" in g for g in got)


def test_rules_check_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[pack\nid=", "utf-8")
    with pytest.raises(RulePackFileError, match="bad.toml: not valid TOML"):
        read_pack(bad)
    with pytest.raises(RulePackFileError, match="cannot read"):
        read_pack(tmp_path / "missing.toml")


def test_packaged_pack_file_checks_clean():
    pack = read_pack(PACK_FILE)
    assert pack.info.id == "national-standards-2007"
    assert pack.info.effective_from == date(2007, 4, 1)


# -- local packs ------------------------------------------------------------------------------------

def _case(**kw):
    raw = {"crn": "X100002", "name": "Local Test", "order_type": "CO", "tier": 2,
           "rosh": "low", "ppo": False, "requirements": [], "events": [],
           "sentence_date": "2027-01-04"}
    raw.update(kw)
    return parse_case(raw)[0]


def test_local_pack_overrides_from_its_effective_date(tmp_path, fixed_cal):
    local = tmp_path / "office.toml"
    local.write_text(HEAD + """
[[rule]]
id = "ns-1-1-allocate"
title = "Allocate an offender manager (office: 2 days)"
source = "NS 1.1"
text = "Our office allocates within 2 working days."
trigger = ["sentence", "transfer_in"]
offset = { n = 2, unit = "working-days" }
satisfied_by = "allocated"
when = "tier < 4 and not ppo"

[[rule]]
id = "local-welcome-letter"
title = "Welcome letter"
source = "NS 2c.7"
text = "A welcome letter within 1 working day."
trigger = "sentence"
offset = "1 working-days"
satisfied_by = "contact(contact_type=letter)"

[[rule]]
id = "hmip-c213-see-within-week"
disabled = true
""", "utf-8")
    book = load_rulebook([local], use_env=False, policies=False)
    # New case (sentence Mon 4 Jan 2027, after the local pack's 1 Jan 2027): 2 working days.
    new = {i.rule: i for i in case_agenda(_case(), date(2027, 1, 4), fixed_cal, book)}
    assert new["ns-1-1-allocate"].due == date(2027, 1, 6)
    assert new["ns-1-1-allocate"].title.endswith("(office: 2 days)")
    assert new["local-welcome-letter"].due == date(2027, 1, 5)
    assert "hmip-c213-see-within-week" not in new
    # Older case (sentence Mon 7 Dec 2026): the national 3 working days still apply.
    old = {i.rule: i for i in case_agenda(_case(sentence_date="2026-12-07"), date(2026, 12, 7),
                                          fixed_cal, book)}
    assert old["ns-1-1-allocate"].due == date(2026, 12, 10)
    assert ("hmip-c213-see-within-week", "local-office") in book.disabled


def test_local_packs_from_environment(tmp_path, monkeypatch):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(pack_text(GOOD_RULE.format(id="local-a", when="true")), "utf-8")
    b.write_text(pack_text(GOOD_RULE.format(id="local-b", when="ppo")), "utf-8")
    monkeypatch.setenv(ENV_VAR, f"{a}:{b}")
    assert local_pack_paths() == [a, b]
    book = load_rulebook(policies=False)
    assert book.rule("local-a") is not None and book.rule("local-b") is not None
    assert default_packs().rule("local-b") is not None     # the cache is keyed on the variable
    monkeypatch.delenv(ENV_VAR)
    assert default_packs().rule("local-b") is None


def test_bad_local_pack_is_reported_not_used(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(pack_text(GOOD_RULE.format(id="local-z", when="tier === 4")), "utf-8")
    with pytest.raises(PackError) as exc:
        load_rulebook([bad], use_env=False)
    (problem,) = exc.value.problems
    assert problem.file == str(bad) and problem.rule == "local-z" and problem.field == "when"


def test_explain_lists_every_rule(fixed_cal):
    book = build_rulebook([ns_pack()])
    decisions = explain_case(_case(), date(2027, 1, 5), fixed_cal, book)
    assert {d.rule for d in decisions} == {r.id for r in ns_pack().rules}
    by = {d.rule: d for d in decisions}
    assert by["ns-4-2-victim-contact"].reason.startswith("not applicable: flags is none")
    assert by["ns-1-1-allocate"].applies and by["ns-1-1-allocate"].item is not None
