"""The duty look-up's name and CRN index: what a duty officer types, what they find."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from omtui.domain.lookup import LookupIndex, fold, token_score, tokens

CASES = [
    ("X100001", "John Smith"),
    ("X100002", "Siobhán Ó Súilleabháin"),
    ("X100003", "Zoë Müller-Lefèvre"),
    ("X100004", "Иван Петров"),
    ("X100005", "Γιώργος Παπαδόπουλος"),
    ("X100006", "王小明"),
    ("X100007", "Łukasz Wiśniewski"),
    ("X100008", "Patrick O'Neil"),
    ("X100009", "Jane Smithson"),
    ("Y200001", "James McCarthy"),
    ("Y200002", "[bold]Markup[/bold] Person"),
]


def index() -> LookupIndex:
    return LookupIndex(CASES)


def crns(matches) -> list[str]:
    return [m.key for m in matches]


def test_fold_removes_accents_and_case_in_any_script():
    assert fold("Siobhán Ó SÚILLEABHÁIN") == "siobhan o suilleabhain"
    assert fold("Łukasz Ørjan Æsir") == "lukasz orjan aesir"
    assert fold("ΓΙΏΡΓΟΣ") == fold("γιώργος") == "γιωργοσ"
    assert fold("ИВАН") == "иван"
    assert tokens("Patrick O'Neil-Smith") == ("patrick", "oneil", "smith")


def test_exact_crn_first_and_crn_prefix_lists_the_family():
    assert crns(index().search("x100004")) == ["X100004"]
    assert set(crns(index().search("Y2"))) == {"Y200001", "Y200002"}


def test_name_without_accents_finds_accented_name():
    assert crns(index().search("siobhan"))[0] == "X100002"
    assert crns(index().search("suilleabhain"))[0] == "X100002"
    assert crns(index().search("zoe muller"))[0] == "X100003"
    assert crns(index().search("lefevre"))[0] == "X100003"
    assert crns(index().search("lukasz wisniewski"))[0] == "X100007"
    assert crns(index().search("oneil"))[0] == "X100008"
    assert crns(index().search("o'neil"))[0] == "X100008"


def test_non_latin_names_are_found_in_their_own_script():
    assert crns(index().search("иван"))[0] == "X100004"
    assert crns(index().search("ПЕТР"))[0] == "X100004"       # prefix, any case
    assert crns(index().search("γιωργος"))[0] == "X100005"    # accents dropped in Greek too
    assert crns(index().search("小明"))[0] == "X100006"       # no spaces: substring


def test_exact_beats_prefix_beats_typo():
    found = crns(index().search("smith"))
    assert found[:2] == ["X100001", "X100009"]                 # exact Smith, then Smithson
    assert crns(index().search("smtih"))[0] == "X100001"       # transposition typo
    assert "X100001" in crns(index().search("jon smith"))


def test_every_word_must_match_something():
    assert crns(index().search("john mccarthy")) == []
    assert crns(index().search("james mccarthy")) == ["Y200001"]


def test_abbreviation_typed_without_spaces():
    assert crns(index().search("jsmth"))[0] == "X100001"


def test_markup_in_a_name_is_just_text():
    assert crns(index().search("bold markup"))[0] == "Y200002"
    assert index().search("[bold]")[0].name == "[bold]Markup[/bold] Person"


def test_empty_or_punctuation_query_finds_nothing():
    assert index().search("") == []
    assert index().search("  -- ") == []


def test_limit():
    big = LookupIndex([(f"A{i:06d}", f"Smith {i}") for i in range(100)])
    assert len(big.search("smith", limit=7)) == 7


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=15), st.text(max_size=12))
def test_any_text_never_crashes_and_scores_are_ordered(names, query):
    idx = LookupIndex((f"A{i:06d}", n) for i, n in enumerate(names))
    found = idx.search(query)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


@given(st.text(min_size=1, max_size=15).filter(lambda s: tokens(s)))
def test_a_name_always_finds_itself(name):
    idx = LookupIndex([("A000001", name), ("B000002", "Zzyzx Qwerty")])
    assert "A000001" in crns(idx.search(name))


def test_token_score_tiers():
    assert token_score("smith", "smith") > token_score("smi", "smith") > token_score("smyth", "smith")
    assert token_score("xyz", "smith") == 0


def test_non_latin_names_are_found_by_their_latin_reading():
    idx = LookupIndex(CASES + [("Z300001", "Наталья Смирнова")])
    assert crns(idx.search("smirnova"))[0] == "Z300001"
    assert crns(idx.search("natalya smirnova"))[0] == "Z300001"
    assert crns(idx.search("ivan petrov"))[0] == "X100004"
    assert crns(idx.search("papadopoulos"))[0] == "X100005"      # the reading says "oy": fuzzy
    assert crns(idx.search("xiao ming"))[0] == "X100006"
