"""``omtui backup FILE``: a consistent copy of a SQLite database while it is in use.

Uses SQLite's online backup API (``sqlite3.Connection.backup``), which copies a consistent
snapshot even while the app is open and writing. The copy is created with mode 0600.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from omtui.services import StoreError
from omtui.store.engine import private_umask


def backup_sqlite(engine: Engine, destination: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Copy the database behind ``engine`` to ``destination`` (a new SQLite file, 0600)."""
    if engine.dialect.name != "sqlite":
        raise StoreError("backup works on a SQLite database; use the server's tools "
                         f"(e.g. pg_dump) for {engine.dialect.name}")
    dest = Path(destination).expanduser().absolute()
    if dest.exists() and not overwrite:
        raise StoreError(f"{dest} already exists (choose a new file name)")
    if not dest.parent.is_dir():
        raise StoreError(f"{dest.parent} is not a directory")
    tmp = dest.with_name(f".{dest.name}.partial")
    with private_umask():
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.close(fd)
        try:
            raw = engine.raw_connection()
            try:
                source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
                target = sqlite3.connect(tmp)
                try:
                    source.backup(target)
                    # A backup is a standalone file: no WAL companions to carry around.
                    target.execute("PRAGMA journal_mode=DELETE")
                finally:
                    target.close()
            finally:
                raw.close()
            os.chmod(tmp, 0o600)
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return dest
