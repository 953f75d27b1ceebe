"""Refused attempts (PermissionDenied) are written to the audit trail, in the same hash chain,
with the officer and the reason, whatever the refused operation was (a read, a write, a team
view). Against a SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from omtui.store import audit, open_store
from omtui.store.roles import PermissionDenied
from tests.store.test_roles import CONTACT, _office, _raw_history


def _refusals(url) -> list[tuple[str, str | None, str]]:
    with open_store(url, officer="mo") as s, s.reading() as session:
        rows = session.execute(sa.select(audit.AUDIT.c.officer, audit.AUDIT.c.crn,
                                         audit.AUDIT.c.new)
                               .where(audit.AUDIT.c.action == "refused")
                               .order_by(audit.AUDIT.c.seq)).all()
    import json

    return [(r.officer, r.crn, json.loads(r.new)["reason"]) for r in rows]


def test_refused_reads_and_writes_are_audited_with_the_reason(store_url):
    _office(store_url)
    assert _refusals(store_url) == []
    with open_store(store_url, officer="ann") as s:
        with pytest.raises(PermissionDenied, match="not on your caseload"):
            s.add_event("A000002", CONTACT)
        with pytest.raises(PermissionDenied, match="outside your team"):
            s.get_case("A000003")
        with pytest.raises(PermissionDenied, match="only a team manager"):
            s.team_due(date(2026, 11, 23), None)
    with open_store(store_url, officer="dee") as s:
        with pytest.raises(PermissionDenied, match="read-only"):
            s.save_case(replace(s.lookup_case("A000001"), tier=4))
    with open_store(store_url, officer="stranger") as s:
        with pytest.raises(PermissionDenied, match="not registered"):
            s.add_event("A000001", CONTACT)
    got = _refusals(store_url)
    assert [(who, crn) for who, crn, _ in got] == [
        ("ann", "A000002"), ("ann", "A000003"), ("ann", None), ("dee", "A000001"),
        ("stranger", None)]
    assert "not on your caseload" in got[0][2]
    assert "only a team manager sees a team's caseload" in got[2][2]
    # The refused write itself left nothing; the chain still verifies.
    with open_store(store_url, officer="mo") as s:
        assert len(s.get_case("A000002").events) == 2
        assert s.verify_audit().ok
        assert ("ann", "refused") in _raw_history(s, "A000003")     # omtui audit show lists it
