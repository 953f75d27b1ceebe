"""JSON text decoded the one way every command reads a file (case files, plans, imports):
with the cycle collector paused (a big caseload is millions of new containers, none of them
garbage) and a bad text turned into one message that says where."""

from __future__ import annotations

import json
from typing import Any

from omtui.gc_pause import gc_paused


class JsonTextError(ValueError):
    """Not valid JSON; the message says why and where (line and column)."""


def decode_json(text: str) -> Any:
    """``json.loads(text)``; :class:`JsonTextError` for a text that is not JSON."""
    try:
        with gc_paused():
            return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}") from None
    except RecursionError:
        raise JsonTextError("not valid JSON: nested too deeply") from None


__all__ = ["JsonTextError", "decode_json"]
