"""Schema migrations (Alembic), run from code: ``omtui db upgrade`` and on every open.

The migration scripts ship inside the package (``omtui/store/migrations``); there is no
alembic.ini. Opening a database whose schema is older than this omtui first copies the file
(SQLite online backup, 0600) to ``<file>.pre-<revision>-<UTC time>.bak`` and then upgrades it.
A database newer than this omtui is refused rather than touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from omtui.services import StoreError
from omtui.store.engine import Target, write_engine


class SchemaTooNew(StoreError):
    pass


def script_location() -> str:
    return str(resources.files("omtui.store") / "migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location())
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade(engine: Engine, target: Target, *, backup: bool = True) -> UpgradeResult:
    """Bring the schema to the newest revision (one transaction); back up an older file first."""
    head = head_revision()
    before = current_revision(engine)
    if before == head:
        return UpgradeResult(before, head, None)
    if before is not None and before not in known_revisions():
        raise SchemaTooNew(f"the database schema ({before}) is newer than this omtui; "
                           "upgrade omtui before opening it")
    backup_path = None
    if backup and before is not None and target.file is not None:
        from omtui.store.backup import backup_sqlite

        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        backup_path = target.file.with_name(f"{target.file.name}.pre-{head}-{stamp}.bak")
        backup_sqlite(engine, backup_path)
    with write_engine(engine).begin() as conn:
        # Check again under the write lock: another process may have upgraded meanwhile.
        now = MigrationContext.configure(conn).get_current_revision()
        if now != head:
            command.upgrade(alembic_config(conn), "head")
    return UpgradeResult(before, head, backup_path)
