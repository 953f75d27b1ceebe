"""The store on a real PostgreSQL server (started by the tests, see tests/store/pgserver.py):
migrations from empty, the append-only audit trail, and the CLI with ``--db URL`` / OMTUI_DB."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from omtui.store import migrate, open_store, tables
from omtui.store.engine import make_engine
from tests.store.conftest import cli, make_case

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_pg(pg_server):
    return pg_server.fresh_database(template=None)


def test_every_migration_from_empty_on_postgresql_matches_the_models(empty_pg):
    engine = make_engine(empty_pg)
    try:
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(conn), "head")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    tables.metadata())
            assert conn.dialect.name == "postgresql"
        assert diff == []
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "base")
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(conn), "head")
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_open_store_creates_the_schema_on_an_empty_server_database(empty_pg):
    with open_store(empty_pg, officer="t") as s:
        assert s.upgrade_result.before is None
        assert s.upgrade_result.after == migrate.head_revision()
        assert s.upgrade_result.backup is None       # a server database: no file to copy
        s.save_case(make_case("C000001"))
        assert [c.crn for c in s.list_cases()] == ["C000001"]


def test_audit_rows_are_append_only_in_postgresql(pg_url):
    with open_store(pg_url, officer="t") as s:
        s.save_case(make_case("C000002"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with s.engine.begin() as conn:
                conn.execute(sa.text("UPDATE audit_log SET officer = 'x'"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with s.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM audit_log"))
        assert s.verify_audit().ok


def test_without_officer_the_database_role_is_the_officer(pg_url):
    with open_store(pg_url) as s:
        assert s.officer == "omtui"             # the role the test server's URL logs in as
        s.save_case(make_case("C000003"))
        assert s.audit_history("C000003")[-1].officer == "omtui"


def test_cli_works_on_a_postgresql_url(pg_url, tmp_path, monkeypatch):
    from omtui.store.demo import generate
    from omtui.store.exporter import caseload_json

    source = tmp_path / "cases.json"
    source.write_text(caseload_json(generate(12, seed=3)), encoding="utf-8")
    up = cli("--db", pg_url, "db", "upgrade")
    assert up.exit_code == 0 and "up to date" in up.stdout, up.stderr
    imported = cli("--db", pg_url, "--officer", "ann", "import", str(source),
                   "--today", "2026-11-23")
    assert imported.exit_code == 0, imported.stderr
    assert "imported 12 case(s)" in imported.stdout
    out = tmp_path / "back.json"
    exported = cli("--db", pg_url, "export", str(out))
    assert exported.exit_code == 0, exported.stderr
    assert json.loads(out.read_text())["cases"] == json.loads(source.read_text())["cases"]
    monkeypatch.setenv("OMTUI_DB", pg_url)         # the environment variable, no --db
    verified = cli("audit", "verify")
    # 12 imported cases and the row recording officer "ann" on her first write
    assert verified.exit_code == 0 and "intact: 13 rows" in verified.stdout
    due = cli("--today", "2026-11-23", "due", "--json")
    assert due.exit_code == 0, due.stderr
    assert {i["crn"] for i in json.loads(due.stdout)} == \
        {c["crn"] for c in json.loads(source.read_text())["cases"]}
    first = cli("--officer", "boss", "officer", "add", "boss", "--role", "team_manager",
                "--team", "north")
    assert first.exit_code == 0 and "office mode is on" in first.stdout, first.stderr
    team = cli("--officer", "boss", "--today", "2026-11-23", "team", "due", "--json")
    assert team.exit_code == 0, team.stderr
    body = json.loads(team.stdout)
    assert body["team"] == "north" and body["total"]["cases"] == 12   # all unallocated
    denied = cli("--officer", "nobody", "team", "due")
    assert denied.exit_code == 2 and "not registered" in denied.stderr
    assert "Traceback" not in denied.stderr


def test_a_big_import_leaves_the_tables_vacuumed_and_analysed(pg_url, monkeypatch):
    """After a bulk import the first readers should not pay for it (hint bits, autovacuum):
    the importer vacuums and analyses what it filled; a small import leaves it to autovacuum."""
    from omtui.store import repository

    def tidied(s) -> dict[str, bool]:
        with s.engine.connect() as conn:
            return {name: vacuumed is not None and analysed is not None
                    for name, vacuumed, analysed in conn.execute(sa.text(
                        "SELECT relname, last_vacuum, last_analyze FROM pg_stat_user_tables "
                        "WHERE relname IN ('cases', 'events', 'requirements') ORDER BY relname"))}

    with open_store(pg_url, officer="t") as s:
        small = [make_case(f"C{i:06d}") for i in range(1, 4)]
        s.import_cases(small)
        assert not any(tidied(s).values())
        monkeypatch.setattr(repository, "TIDY_AFTER_ROWS", 4)
        s.import_cases([make_case(f"C{i:06d}") for i in range(4, 8)])
        assert tidied(s) == {"cases": True, "events": True, "requirements": True}
        assert len(s.list_cases()) == 7
