"""The store: omtui's private local database (SQLite by default, any SQLAlchemy URL).

``open_store(url_or_path=None, officer=None)`` is the one entry point: it makes the engine,
brings the schema up to date (backing up an older file first) and returns a
:class:`~omtui.store.repository.SqlStore`, which implements :class:`omtui.services.CaseStore`.
See docs/store.md.
"""

from __future__ import annotations

import os

from omtui.services import StoreError

__all__ = ["open_store", "StoreError", "SqlStore", "StoreBusy", "InvalidRecord", "DuplicateCases"]

_LAZY = {"SqlStore", "StoreBusy", "InvalidRecord", "DuplicateCases"}


def __getattr__(name: str):
    """The repository's names, imported on first use (keeps ``import omtui.store`` light)."""
    if name in _LAZY:
        from omtui.store import repository

        return getattr(repository, name)
    raise AttributeError(name)


def open_store(url_or_path: str | os.PathLike | None = None, officer: str | None = None, *,
               upgrade: bool = True, busy_timeout: float | None = None, create: bool = True):
    """Open (creating and migrating as needed) the database at ``url_or_path``.

    ``None`` is the default file in the user data directory; a plain path is a SQLite file;
    ``":memory:"`` is a private in-memory database; anything with ``://`` is a SQLAlchemy URL.
    ``officer`` is recorded in the audit trail (default: the login name).
    With ``upgrade=False`` an out-of-date schema raises :class:`StoreError` instead.
    ``busy_timeout``: seconds a writer waits for another's lock (SQLite; default 10).
    ``create=False``: a SQLite file that does not exist is an error instead of a new database
    (for commands that only read, so a mistyped ``--db`` is not silently a new empty file).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from omtui.store import migrate
    from omtui.store.engine import BUSY_TIMEOUT_SECONDS, engine_for, resolve
    from omtui.store.access import OfficeStore as SqlStore   # roles + read audit (office mode)

    try:
        target = resolve(url_or_path)
        if not create and target.file is not None and not target.file.exists():
            raise StoreError(f"no database at {target.file} (create one with `omtui db upgrade` "
                             "or `omtui import`)")
        engine = engine_for(target, busy_timeout=busy_timeout or BUSY_TIMEOUT_SECONDS)
    except OSError as exc:
        raise StoreError(f"cannot open {url_or_path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    try:
        if upgrade:
            result = migrate.upgrade(engine, target)
        else:
            result = None
            current, head = migrate.current_revision(engine), migrate.head_revision()
            if current != head:
                raise StoreError(f"{target.describe()} needs `omtui db upgrade` "
                                 f"(schema {current or 'empty'}, this omtui {head})")
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        raise StoreError(f"cannot open {target.describe()}: {reason}") from None
    store = SqlStore(engine, target, officer)
    store.upgrade_result = result
    return store
