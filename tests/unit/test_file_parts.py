"""Cutting a case file's text into parts that workers decode: a part is only accepted when it
is a run of whole entries ending where the next starts, so what is decoded is exactly what
json.loads gives, wherever the cuts fall."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.cmd.file_parts import _HEAD, PartError, Parts, cut, decode_part

_SCALARS = (st.none() | st.booleans() | st.integers(-5, 5)
            | st.sampled_from(['x, {"crn": "A1"}', '", {"crn": ', "}, {", "]}", "李", "\n"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["crn", "events", "x"]), inner,
                                         max_size=3), max_leaves=8)
_NO_CRN_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                              | st.dictionaries(st.sampled_from(["events", "x"]), inner,
                                                max_size=3), max_leaves=8)
_CASES = st.lists(st.fixed_dictionaries({"crn": st.sampled_from(["A000001", "B", "x"])},
                                        optional={"events": st.lists(_VALUES, max_size=3),
                                                  "note": _VALUES})
                  | _VALUES, min_size=1, max_size=8)
_LAYOUT = st.sampled_from([{}, {"indent": 1}, {"separators": (",", ":")},
                           {"indent": "\t", "ensure_ascii": False}])


def _decode_all(text: str, parts: Parts) -> list | None:
    try:
        return [e for i in range(len(parts.spans)) for e in decode_part(text, parts, i)]
    except PartError:
        return None


@settings(max_examples=300, deadline=None)
@given(_CASES, _LAYOUT, st.booleans(), st.lists(st.integers(0, 10_000), max_size=6))
def test_any_cuts_decode_to_what_json_loads_gives_or_are_refused(cases, layout, bare, cuts):
    """The soundness the due list relies on: cuts anywhere (not only where cut() puts them)
    either decode to json.loads' entries or are refused."""
    text = json.dumps(cases if bare else {"cases": cases}, **layout)
    start = _HEAD.match(text).end()            # where the first entry starts
    bounds = sorted({start, *(start + c % max(1, len(text) - start) for c in cuts)})
    parts = Parts(tuple(zip(bounds, [*bounds[1:], len(text)])), not bare)
    got = _decode_all(text, parts)
    if got is not None:
        assert got == json.loads(text)["cases" if not bare else slice(None)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"crn": st.text(max_size=4), "n": _NO_CRN_VALUES}),
                min_size=1,
                max_size=30), _LAYOUT, st.integers(1, 12))
def test_cases_written_with_crn_first_are_cut_at_their_starts(cases, layout, parts):
    text = json.dumps({"cases": cases}, **layout)
    found = cut(text, parts)
    assert found is not None and _decode_all(text, found) == cases


def test_a_long_list_is_cut_into_the_parts_asked_for_at_case_starts():
    cases = [{"crn": f"A{i:06d}", "events": [{"type": "contact", "x": {"crn": "no"}}]}
             for i in range(400)]
    for layout in ({}, {"indent": 2}, {"separators": (",", ":")}):
        text = json.dumps({"cases": cases}, **layout)
        parts = cut(text, 8)
        assert len(parts.spans) == 8
        assert all(text.startswith("{", a) for a, _ in parts.spans)
        assert [len(decode_part(text, parts, i)) for i in range(8)] != [400] + [0] * 7
        assert _decode_all(text, parts) == cases


def test_what_is_not_the_plain_form_is_not_cut_or_is_refused():
    one = {"crn": "A000001", "events": []}
    assert cut(json.dumps({"version": 1, "cases": [one, one]}), 4) is None
    assert cut("\ufeff" + json.dumps({"cases": [one, one]}), 4) is None   # json.loads refuses
    assert cut(json.dumps({"cases": []}), 4) is None
    # a second key after the list: the last part is refused
    text = json.dumps({"cases": [one] * 40, "more": 1})
    assert _decode_all(text, cut(text, 4)) is None
    # a case cut inside (an extra field holding something that looks like a case)
    inner = {"crn": "A000002", "extra": [{"crn": "X", "events": []}] * 30}
    text = json.dumps({"cases": [inner] * 3})
    parts = cut(text, 8)
    assert len(parts.spans) > 3 and _decode_all(text, parts) is None
    # a trailing comma, or bad JSON in a later part
    text = json.dumps({"cases": [one] * 40})
    assert _decode_all(text[:-2] + ",]}", cut(text[:-2] + ",]}", 4)) is None
    bad = text.replace('"events": []', '"events": [}', 1)[::-1].replace(
        "[ :\"stneve\"", "} :\"stneve\"", 1)[::-1]
    assert _decode_all(bad, cut(bad, 4)) is None
