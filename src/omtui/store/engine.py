"""The engine factory: where the database is and how SQLite is set up for safety.

Nothing here runs at import time. ``make_engine`` takes

* ``None``: the default file ``omtui.sqlite`` in ``omtui.paths.user_data_dir()`` (created 0700);
* a plain file path (``~/cases.sqlite``, ``.demo/omtui-demo.sqlite``);
* ``":memory:"`` or ``sqlite://``: a private in-memory database (tests, training);
* any SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``).

SQLite settings, on every connection:

* ``journal_mode=WAL``: readers (the app's caseload) never block the writer and vice versa.
* ``synchronous=FULL``: a commit is on disk before omtui says "saved". With WAL, NORMAL is safe
  against corruption but a power cut can lose the last commits; losing what an officer typed
  is the one thing the store must not do, and one fsync per save is cheap at our write rate
  (an import is one transaction, so one fsync).
* ``foreign_keys=ON``: SQLite does not enforce them otherwise.
* ``busy_timeout`` (10 s): a second writer waits for the first instead of failing at once.
* ``secure_delete=ON``: deleted records are overwritten, not left readable in free pages.
* Transactions: pysqlite's own transaction handling is turned off and omtui emits ``BEGIN``
  itself (SQLAlchemy's documented recipe), ``BEGIN IMMEDIATE`` for a write unit of work, so a
  writer takes the write lock before it reads and two writers queue instead of deadlocking.

File permissions: the database file is created empty with mode 0600 before SQLite opens it
(SQLite gives its ``-wal`` and ``-shm`` files the database file's mode), the process umask is
tightened while a connection is being opened, and any existing ``-wal``/``-shm`` file is chmod
0600 on each new connection. The data directory is created 0700.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from omtui.paths import ensure_private_dir, user_data_dir

DEFAULT_FILE_NAME = "omtui.sqlite"
BUSY_TIMEOUT_SECONDS = 10.0

#: Execution option marking a write unit of work (``BEGIN IMMEDIATE`` on SQLite).
WRITE_OPTION = "omtui_write"

_umask_lock = threading.Lock()


@dataclass(frozen=True)
class Target:
    """Where a database is: its SQLAlchemy URL and, for a SQLite file, the file."""

    url: sa.URL
    file: Path | None          # None for in-memory SQLite and server databases

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_memory(self) -> bool:
        return self.is_sqlite and self.file is None

    def describe(self) -> str:
        if self.file is not None:
            return self.file.name
        if self.is_memory:
            return "in-memory database"
        return self.url.render_as_string(hide_password=True)


def default_database_file() -> Path:
    return user_data_dir() / DEFAULT_FILE_NAME


def resolve(url_or_path: str | os.PathLike | None = None) -> Target:
    """Turn ``--db`` / ``OMTUI_DB`` (or nothing) into a :class:`Target`."""
    if url_or_path is None or (isinstance(url_or_path, str) and not url_or_path.strip()):
        path = default_database_file()
        return Target(make_url(f"sqlite:///{path}"), path)
    text = os.fspath(url_or_path)
    if text in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return Target(make_url("sqlite://"), None)
    if "://" in text:
        try:
            url = make_url(text)
        except Exception as exc:  # sqlalchemy.exc.ArgumentError: tell the user plainly
            raise ValueError(f"not a database URL or file: {text!r} ({exc})") from None
        if url.get_backend_name() == "sqlite":
            database = url.database
            if not database or database == ":memory:":
                return Target(make_url("sqlite://"), None)
            path = Path(database).expanduser().absolute()
            return Target(url.set(database=str(path)), path)
        return Target(url, None)
    path = Path(text).expanduser().absolute()
    return Target(make_url("sqlite://").set(database=str(path)), path)


@contextmanager
def private_umask():
    """Files created inside are owner-only (umask is process-wide: hold a lock)."""
    with _umask_lock:
        old = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(old)


def prepare_file(path: Path, *, default_location: bool) -> None:
    """Create the parent directory (0700) and an empty database file (0600) if missing."""
    parent = path.parent
    if default_location:
        ensure_private_dir(parent)
    elif not parent.exists():
        with private_umask():
            parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if parent.exists() and not parent.is_dir():
        raise ValueError(f"{parent} is not a directory")
    with private_umask():
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass
        else:
            os.close(fd)
    secure_file_modes(path)


def secure_file_modes(path: Path) -> None:
    """chmod 0600 the database file and its -wal/-shm/-journal companions that exist."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = Path(f"{path}{suffix}")
        try:
            if companion.exists() and (companion.stat().st_mode & 0o777) != 0o600:
                os.chmod(companion, 0o600)
        except FileNotFoundError:  # removed between the check and chmod (checkpoint)
            pass


def make_engine(url_or_path: str | os.PathLike | None = None, *,
                busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Engine:
    """An engine for ``url_or_path`` (see the module docstring). Creates the file if needed."""
    target = resolve(url_or_path)
    return engine_for(target, busy_timeout=busy_timeout)


def engine_for(target: Target, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Engine:
    if not target.is_sqlite:
        try:
            return sa.create_engine(target.url, pool_pre_ping=True)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise ValueError(f"cannot use database {target.describe()}: {exc}") from None
    if target.is_memory:
        # One connection shared by every thread: without StaticPool each worker thread would
        # get its own empty in-memory database.
        engine = sa.create_engine("sqlite://", poolclass=StaticPool,
                                  connect_args={"check_same_thread": False})
    else:
        assert target.file is not None
        prepare_file(target.file, default_location=target.file == default_database_file())
        engine = sa.create_engine(
            target.url,
            connect_args={"timeout": busy_timeout, "check_same_thread": False})
    _set_up_sqlite(engine, target.file, busy_timeout)
    return engine


def _set_up_sqlite(engine: Engine, file: Path | None, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from pysqlite; we emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        with private_umask():
            cursor = dbapi_connection.cursor()
            try:
                if file is not None:
                    cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
                cursor.execute("PRAGMA secure_delete=ON")
                # Touch the schema so SQLite creates the -wal/-shm files under our umask.
                cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
            finally:
                cursor.close()
        if file is not None:
            secure_file_modes(file)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def write_engine(engine: Engine) -> Engine:
    """The same engine, marked so that its transactions take the write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})
