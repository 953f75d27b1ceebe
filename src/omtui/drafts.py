"""Never lose what was typed: drafts of half-filled forms, saved atomically as the officer types.

One JSON file per (officer, form key) in a private directory (0700; files 0600), by default
``user_data_dir()/drafts``. Each save writes a temporary file in the same directory, fsyncs it,
renames it over the old draft (``os.replace`` is atomic) and fsyncs the directory, so a crash or
a power cut leaves either the previous draft or the new one, never a torn file.

The interface is deliberately small (``save``, ``load``, ``discard``, ``list``) so the store may
later keep drafts in the database instead. Debouncing belongs to the screen (a Textual timer);
:class:`Autosaver` is the tiny piece of bookkeeping the screen needs for it.

Screens call these from thread workers: every method does file I/O.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any
from urllib.parse import quote

from omtui.paths import ensure_private_dir, user_data_dir

DRAFT_FORMAT = "omtui-draft"
_TMP_PREFIX = ".tmp-"
_MAX_NAME = 180
#: Temporary files older than this are left-overs of a crash and are swept away.
STALE_TMP_SECONDS = 3600


class DraftError(OSError):
    """A draft that cannot be read or written; the message names the file."""


@dataclass(frozen=True, order=True)
class DraftKey:
    """Whose draft of which form, e.g. ``DraftKey("jsmith", "plan:A123456")``."""

    officer: str
    form: str

    def __post_init__(self) -> None:
        for name in ("officer", "form"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or "\x00" in value:
                raise ValueError(f"draft {name} must be non-empty text")

    def filename(self) -> str:
        name = f"{quote(self.officer, safe='')}@{quote(self.form, safe='')}"
        if len(name) > _MAX_NAME:            # keep it readable, unique and within NAME_MAX
            digest = sha256(f"{self.officer}\x00{self.form}".encode()).hexdigest()[:24]
            name = f"{name[:_MAX_NAME - 25]}~{digest}"
        return name + ".json"


@dataclass(frozen=True)
class DraftInfo:
    key: DraftKey | None          # None when the file could not be read
    saved_at: str | None          # ISO timestamp (UTC) of the save
    path: Path
    problem: str | None = None    # why the file could not be read (it is left in place)


@dataclass(frozen=True)
class Draft:
    key: DraftKey
    saved_at: str
    payload: Any


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return                                          # not supported (e.g. Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class DraftStore:
    """Drafts as files in one private directory."""

    def __init__(self, directory: str | os.PathLike[str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else user_data_dir() / "drafts"
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()

    def _ready(self) -> Path:
        return ensure_private_dir(self.directory)

    def path_for(self, key: DraftKey) -> Path:
        return self.directory / key.filename()

    def save(self, key: DraftKey, payload: Any) -> Draft:
        """Write the draft atomically. ``payload`` must be JSON-able (raises TypeError if not)."""
        saved_at = self._clock().isoformat(timespec="seconds")
        doc = {"format": DRAFT_FORMAT, "version": 1, "officer": key.officer, "form": key.form,
               "saved_at": saved_at, "payload": payload}
        data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        with self._lock:
            directory = self._ready()
            fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".json", dir=directory)
            try:
                with os.fdopen(fd, "wb") as fh:          # mkstemp: mode 0600
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path_for(key))
            except BaseException as exc:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                if isinstance(exc, OSError):
                    raise DraftError(f"{self.path_for(key)}: cannot save the draft: {exc}") from exc
                raise
            _fsync_dir(directory)
        return Draft(key, saved_at, payload)

    def load(self, key: DraftKey) -> Draft | None:
        """The draft, or None if there is none. A damaged file raises DraftError (and is kept)."""
        path = self.path_for(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DraftError(f"{path}: cannot read the draft: {exc}") from exc
        doc = self._decode(raw, path)
        return Draft(DraftKey(doc["officer"], doc["form"]), doc["saved_at"], doc["payload"])

    @staticmethod
    def _decode(raw: bytes, path: Path) -> dict[str, Any]:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DraftError(f"{path}: the draft is damaged ({exc}); it has been left in place") from None
        if (not isinstance(doc, dict) or doc.get("format") != DRAFT_FORMAT
                or not all(isinstance(doc.get(k), str) for k in ("officer", "form", "saved_at"))
                or "payload" not in doc):
            raise DraftError(f"{path}: not an omtui draft; it has been left in place")
        return doc

    def discard(self, key: DraftKey) -> bool:
        """Delete the draft (after the officer said so, or once the form is saved)."""
        with self._lock:
            try:
                os.unlink(self.path_for(key))
            except FileNotFoundError:
                return False
            except OSError as exc:
                raise DraftError(f"{self.path_for(key)}: cannot discard the draft: {exc}") from exc
            _fsync_dir(self.directory)
            return True

    def list(self, officer: str | None = None) -> list[DraftInfo]:
        """Every draft (of one officer, if given), newest first; damaged files listed with why."""
        if not self.directory.is_dir():
            return []
        self.sweep()
        out: list[DraftInfo] = []
        for path in self.directory.glob("*.json"):
            if path.name.startswith(_TMP_PREFIX):
                continue
            try:
                doc = self._decode(path.read_bytes(), path)
            except (DraftError, OSError) as exc:
                out.append(DraftInfo(None, None, path, str(exc)))
                continue
            key = DraftKey(doc["officer"], doc["form"])
            if officer is None or key.officer == officer:
                out.append(DraftInfo(key, doc["saved_at"], path))
        return sorted(out, key=lambda d: (d.saved_at or "", str(d.path)), reverse=True)

    def sweep(self, now: float | None = None) -> int:
        """Remove temporary files a crash left behind (only old ones: another save may be running)."""
        now = time.time() if now is None else now
        removed = 0
        for path in self.directory.glob(f"{_TMP_PREFIX}*"):
            try:
                if now - path.stat().st_mtime > STALE_TMP_SECONDS:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed


class Autosaver:
    """Debounce bookkeeping for one form: the screen calls ``changed`` on every edit and
    ``flush_if_due`` from a timer (in a worker); ``flush`` saves at once (on blur or quit).

    ``clock`` is a monotonic clock in seconds (injected in tests).
    """

    def __init__(self, store: DraftStore, key: DraftKey, delay: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.key, self.delay, self._clock = store, key, delay, clock
        self._pending: Any = None
        self._has_pending = False
        self._changed_at = 0.0
        self._lock = threading.Lock()
        self.saves = 0

    @property
    def pending(self) -> bool:
        return self._has_pending

    def changed(self, payload: Any) -> None:
        with self._lock:
            self._pending, self._has_pending = payload, True
            self._changed_at = self._clock()

    def due(self) -> bool:
        return self._has_pending and self._clock() - self._changed_at >= self.delay

    def flush_if_due(self) -> bool:
        return self.flush() if self.due() else False

    def flush(self) -> bool:
        """Save the pending payload now. Returns whether anything was saved."""
        with self._lock:
            if not self._has_pending:
                return False
            payload, self._has_pending = self._pending, False
        try:
            self.store.save(self.key, payload)
        except BaseException:
            with self._lock:                    # keep it pending so the next flush retries
                if not self._has_pending:
                    self._pending, self._has_pending = payload, True
            raise
        self.saves += 1
        return True

    def discard(self) -> None:
        """The form was saved or the officer chose to discard: forget the pending edit and the file."""
        with self._lock:
            self._pending, self._has_pending = None, False
        self.store.discard(self.key)
