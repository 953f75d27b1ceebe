"""``omtui.domain`` stays pure: no UI or database libraries, and it never reads the clock.

"Today" and the calendar are always arguments, so every due date can be reproduced in a test,
a training scenario or a court report.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import omtui.domain

FORBIDDEN = ("textual", "rich", "sqlmodel", "sqlalchemy")
DOMAIN_DIR = Path(omtui.domain.__file__).resolve().parent
CLOCK_ATTRS = {"today", "now", "utcnow"}
CLOCK_OWNERS = {"date", "datetime"}


def domain_modules() -> list[str]:
    """Every module under omtui.domain, sub-packages included (from the files, no import)."""
    names = []
    for path in DOMAIN_DIR.rglob("*.py"):
        parts = path.relative_to(DOMAIN_DIR).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("omtui", "domain", *parts)))
    return sorted(names)


def test_there_are_domain_modules_to_check():
    modules = domain_modules()
    assert "omtui.domain" in modules and "omtui.domain.calendar" in modules
    assert all(name.startswith("omtui.domain") for name in modules)


def test_domain_imports_no_ui_or_database_library():
    script = (
        "import importlib, json, sys\n"
        f"for name in {domain_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(FORBIDDEN)!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], f"omtui.domain pulled in {done.stdout.strip()}"


def clock_calls(source: str) -> list[int]:
    """Line numbers of ``date.today(`` / ``datetime.now(`` / ``datetime.today(`` calls (any
    spelling that reaches them: ``datetime.datetime.now()``, ``date.today ()``); words in
    docstrings and comments do not count."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if node.func.attr in CLOCK_ATTRS and name in CLOCK_OWNERS:
                lines.append(node.lineno)
    return lines


def test_domain_never_reads_the_clock():
    offenders = []
    for path in sorted(DOMAIN_DIR.rglob("*.py")):
        source = path.read_text("utf-8")
        for number in clock_calls(source):
            offenders.append(f"{path.name}:{number}: {source.splitlines()[number - 1].strip()}")
    assert offenders == [], "domain code must take today as an argument:\n" + "\n".join(offenders)


def test_the_clock_scan_catches_what_it_should():
    assert clock_calls("x = date.today()") == [1]
    assert clock_calls("import datetime\nt = datetime.datetime.now(tz=None)") == [2]
    assert clock_calls("d = datetime.today ()") == [1]
    assert clock_calls('"""no date.today() here"""\ntoday = clock()  # not datetime.now()') == []
