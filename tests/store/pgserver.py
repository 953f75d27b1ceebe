"""A real PostgreSQL server for the tests, started in a temporary directory.

One server per test session (per xdist worker), on a free local port with its socket in the
temporary directory; a fresh database per test, copied from a migrated template
(``CREATE DATABASE ... TEMPLATE``), so each test starts from an empty schema at head in a few
milliseconds. Torn down at the end of the session.

Needs the server binaries (Debian: ``apt-get install postgresql`` puts them in
``/usr/lib/postgresql/<version>/bin``; ``OMTUI_PG_BIN`` may name another directory). When they
are missing the PostgreSQL tests are *skipped with the reason printed* in the summary
(``pytest -rs``); they never pass silently. As root, the server runs as the ``postgres`` user
(PostgreSQL refuses to run as root).

The fixtures are made available to tests/store by tests/store/conftest.py (one import line),
so the session shares one server.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TEMPLATE = "omtui_template"
_counter = itertools.count(1)


def find_bin_dir() -> Path | None:
    explicit = os.environ.get("OMTUI_PG_BIN")
    if explicit:
        path = Path(explicit)
        return path if (path / "initdb").exists() else None
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                        reverse=True)
    for path in candidates:
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bin_dir: Path
    root: Path
    port: int
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _cmd(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        return [*prefix, *args]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(self._cmd(*args), capture_output=True, text=True, check=check,
                              timeout=120, cwd="/")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://omtui@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "omtui",
                 "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=60 -c shared_buffers=64MB")
        self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l",
                 str(self.root / "server.log"), "-o", opts, "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                 "-w", "stop", check=False)

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="omtui",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def fresh_database(self, template: str | None = TEMPLATE) -> str:
        name = f"t{os.getpid()}_{next(_counter)}"
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)


def start_server() -> PgServer:
    """Start a private server, or raise ``RuntimeError`` saying why not."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql, "
                           "or set OMTUI_PG_BIN)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise RuntimeError("psycopg is not installed") from None
    run_as = None
    root = Path(tempfile.mkdtemp(prefix="omtui-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no 'postgres' user to run the "
                               "server as") from None
        run_as = "postgres"
        os.chown(root, user.pw_uid, user.pw_gid)
    os.chmod(root, 0o700)
    server = PgServer(bin_dir, root, _free_port(), run_as)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        log = root / "server.log"
        detail = (exc.stderr or "").strip().splitlines()[-1:] or [""]
        if log.exists():
            detail = log.read_text(errors="replace").strip().splitlines()[-1:] or detail
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {detail[0]}") from None
    for _ in range(100):
        try:
            server.admin("SELECT 1")
            break
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.05)
    return server


def _migrate_template(server: PgServer) -> None:
    from omtui.store import open_store

    server.admin(f'CREATE DATABASE "{TEMPLATE}"')
    store = open_store(server.url(TEMPLATE), officer="setup")
    store.close()


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (skips, with the reason, if it cannot be started)."""
    try:
        server = start_server()
    except RuntimeError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        _migrate_template(server)
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh database, already migrated to head, on the session's server."""
    return pg_server.fresh_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """The same test against a SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "office.sqlite")
    return request.getfixturevalue("pg_url")
