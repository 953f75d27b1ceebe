"""Snapshots of the sentence-plan builder and its objective form at 80x24 and 160x48.

Each test also reads the SVG's text, so what a user sees is asserted, not just "unchanged"."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from tests.tui.tui_helpers import load_cases, settle

from omtui.domain.case import Requirement
from omtui.domain.plan import PERSON, Objective, ObjectiveStatus, SentencePlan
from omtui.services import InMemoryStore

SIZES = [(80, 24), (160, 48)]
SUPERVISION_GAP = "No objective says how the supervision requirement will be met"


def svg_text(svg: str) -> str:
    """The visible characters of a Textual SVG screenshot (non-breaking spaces as spaces)."""
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return html.unescape("".join(parts)).replace("\xa0", " ")


def stored_plan_app(make_app):
    store = InMemoryStore(load_cases())
    store.save_plan(SentencePlan("X100001", objectives=(
        Objective("obj-1", "Complete 120 hours of unpaid work", requirements=(Requirement.UNPAID_WORK,),
                  who=(PERSON, "UPW supervisor"), by_when=date(2027, 6, 30),
                  measure="Hours on the UPW record", status=ObjectiveStatus.IN_PROGRESS),
        Objective("obj-2", "[bold]Stay away[/bold] from the victim's street",
                  risks=("DA to ex-partner",), who=("OM",), by_when=date(2027, 1, 31)),
    ), review_date=date(2027, 3, 2), review_reason="Review (4-monthly in the community)"))
    return make_app(store=store)


def builder(*keys: str, crn: str = "X100001"):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_case(crn)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


def saved_svg(request) -> str:
    """The snapshot file this test compared against. (syrupy writes updated files at the end of
    the session, so a ``--snapshot-update`` run checks the previous file: run once more.)"""
    module = request.node.path.stem
    path = request.node.path.parent / "__snapshots__" / module / f"{request.node.name}.svg"
    return svg_text(path.read_text("utf-8"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_plan_builder(make_app, snap_compare, size, request):
    app = stored_plan_app(make_app)
    assert snap_compare(app, run_before=builder(), terminal_size=size)
    text = saved_svg(request)
    assert "Sentence plan (tier 4 / PPO)" in text
    assert "[bold]Stay away[" in text                        # literal, never markup
    assert "obj-1" in text and "obj-2" in text
    assert "warning(s)" in text
    if size[0] >= 120:
        assert SUPERVISION_GAP + " (NS 2b.4; HMIP C.2.1.14)" in text
    else:                                                    # short lines: the source first
        assert "! NS 2b.4; HMIP C.2.1.14: " + SUPERVISION_GAP[:30] in text
        # Links and measure, left out of the narrow table, for the highlighted objective.
        assert "obj-1 links: unpaid work · measure: Hours on the UPW record" in text


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_objective_form_errors_at_the_fields(make_app, snap_compare, size, request):
    app = make_app()

    async def run_before(pilot):
        await builder("a")(pilot)
        pilot.app.screen.query_one("#f-by_when").focus()
        await pilot.press(*"30/02/2027", "ctrl+s")
        await settle(pilot)
        pilot.app.screen.query_one("#f-what").focus()
        pilot.app.clear_notifications()                      # the toast would hide the form
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=size)
    text = saved_svg(request)
    assert "New objective obj-1" in text
    assert "✗ is empty: say what will be done" in text
