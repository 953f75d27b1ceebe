"""Every command reads JSON files through one decoder: one message, saying where."""

from __future__ import annotations

import gc

import pytest

from omtui.json_text import JsonTextError, decode_json


def test_good_text_is_what_json_loads_gives_and_the_collector_is_back_on():
    assert gc.isenabled()
    assert decode_json('{"cases": [{"name": "[bold]Зоя"}]}') == {"cases": [{"name": "[bold]Зоя"}]}
    assert gc.isenabled()


@pytest.mark.parametrize("text, message", [
    ('{"cases": [\n  {"crn": 1,}\n]}', "not valid JSON: Expecting property name enclosed in "
                                        "double quotes at line 2, column 13"),
    ("[" * 100_000, "not valid JSON: nested too deeply"),
])
def test_bad_text_is_one_message_saying_where(text, message):
    with pytest.raises(JsonTextError) as found:
        decode_json(text)
    assert str(found.value) == message
    assert gc.isenabled()


def test_every_command_reading_json_says_it_the_same_way(tmp_path):
    from typer.testing import CliRunner

    from omtui.cli import app

    bad = tmp_path / "bad.json"
    bad.write_text('{"cases": [\n  {"crn": 1,}\n]}', "utf-8")
    where = "not valid JSON: Expecting property name enclosed in double quotes at line 2, column 13"
    for args in (["due", "--cases", str(bad), "--today", "2026-11-23"],
                 ["explain", "X123456", "--cases", str(bad), "--today", "2026-11-23"]):
        r = CliRunner().invoke(app, args)
        assert r.exit_code != 0 and r.stderr.strip() == f"omtui: {bad}: {where}", r.stderr
