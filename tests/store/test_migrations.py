"""Alembic migrations: from empty they build exactly the models; older files are backed up
and upgraded on open; a newer file is refused."""

from __future__ import annotations

import shutil
import sqlite3
import stat

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from omtui.services import StoreError
from omtui.store import migrate, open_store, tables
from omtui.store.engine import make_engine


def test_every_migration_from_empty_matches_the_models(tmp_path):
    engine = make_engine(tmp_path / "m.sqlite")
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                tables.metadata())
    assert diff == []
    engine.dispose()


def test_downgrade_to_empty_and_up_again(tmp_path):
    engine = make_engine(tmp_path / "m.sqlite")
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
    assert names == ["alembic_version"]
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_open_creates_schema_at_head(db_path):
    s = open_store(db_path)
    assert s.upgrade_result.before is None
    assert s.upgrade_result.after == migrate.head_revision()
    assert migrate.current_revision(s.engine) == migrate.head_revision()
    s.close()
    again = open_store(db_path)
    assert not again.upgrade_result.changed and again.upgrade_result.backup is None
    again.close()


def test_older_file_is_backed_up_then_upgraded(db_path, monkeypatch, tmp_path):
    from tests.store.conftest import make_case

    s = open_store(db_path, officer="t")
    s.save_case(make_case())
    old_head = migrate.head_revision()
    s.close()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.script_location(), scripts)
    (scripts / "versions" / "9999_test_extra.py").write_text(
        f'revision = "9999"\ndown_revision = "{old_head}"\nbranch_labels = None\n'
        "depends_on = None\n"
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        "def upgrade():\n    op.create_table('test_extra', sa.Column('id', sa.Integer, primary_key=True))\n\n"
        "def downgrade():\n    op.drop_table('test_extra')\n")
    monkeypatch.setattr(migrate, "script_location", lambda: str(scripts))

    s = open_store(db_path, officer="t")
    result = s.upgrade_result
    assert (result.before, result.after) == (old_head, "9999")
    assert result.backup is not None and result.backup.exists()
    assert stat.S_IMODE(result.backup.stat().st_mode) == 0o600
    assert [c.crn for c in s.list_cases()] == ["A123456"]
    s.close()
    # The backup is the database as it was before the upgrade.
    with sqlite3.connect(result.backup) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(old_head,)]
        assert raw.execute("SELECT crn FROM cases").fetchall() == [("A123456",)]


def test_open_without_upgrade_refuses_an_old_schema(db_path, monkeypatch, tmp_path):
    e = make_engine(db_path)       # an empty file: schema "empty", needs creating
    e.dispose()
    with pytest.raises(StoreError, match="db upgrade"):
        open_store(db_path, upgrade=False)


def test_newer_database_is_refused_untouched(db_path):
    s = open_store(db_path)
    s.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = 'ffffffff'")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer than this omtui"):
        open_store(db_path)
    assert db_path.read_bytes() == before


def test_cli_db_upgrade(tmp_path):
    from tests.store.conftest import cli

    target = tmp_path / "cli.sqlite"
    first = cli("--db", str(target), "db", "upgrade")
    assert first.exit_code == 0, first.stderr
    assert "created" in first.stdout
    second = cli("--db", str(target), "db", "upgrade")
    assert second.exit_code == 0 and "up to date" in second.stdout
