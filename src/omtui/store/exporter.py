"""``omtui export``: cases to the JSON interchange format (the same one ``import`` reads).

The file is written atomically (a temporary file renamed into place) with mode 0600: an export
holds the same sensitive records as the database.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from omtui.domain.case import Case
from omtui.domain.caseformat import caseload_to_dict
from omtui.store.engine import private_umask


def caseload_json(cases: Iterable[Case]) -> str:
    return json.dumps(caseload_to_dict(cases), ensure_ascii=False, indent=2) + "\n"


def write_private(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, owner read/write only. ``-`` is stdout."""
    if os.fspath(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return Path("-")
    dest = Path(path).expanduser().absolute()
    if not dest.parent.is_dir():
        raise OSError(f"{dest.parent} is not a directory")
    tmp = dest.with_name(f".{dest.name}.partial")
    with private_umask():
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return dest


def export_to_file(cases: Iterable[Case], path: str | os.PathLike) -> Path:
    return write_private(path, caseload_json(cases))
