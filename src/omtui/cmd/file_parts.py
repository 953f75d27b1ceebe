"""A big case file's JSON text cut where its cases start, so that worker processes can each
decode their own part (and own what they decode: no heap shared with the parent, whose pages
every reference count written would copy).

Only the plain form is cut: ``{"cases": [...]}`` with no other key, or a bare list, each case
an object whose first key is ``"crn"`` (as omtui writes them). A cut is a guess, and each part
is checked as it is decoded (:func:`decode_part`): whole entries one after another, ending
exactly where the next part starts; the last at the list's end, with nothing after it but the
object's close. Every part starts where the previous one was seen to end, the first at the
list's first entry, so every cut is a true boundary and the entries are exactly what
``json.loads`` gives (the same decoder decodes them). For anything else :func:`cut` or
:func:`decode_part` says no and the caller decodes the whole text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_WS = re.compile(r"[ \t\n\r]*")
_HEAD = re.compile(r'[ \t\n\r]*(\{[ \t\n\r]*"cases"[ \t\n\r]*:[ \t\n\r]*)?\[[ \t\n\r]*')
_CUT = re.compile(r',[ \t\n\r]*(\{)[ \t\n\r]*"crn"[ \t\n\r]*:')
_OBJECT_CLOSE = re.compile(r"[ \t\n\r]*\}[ \t\n\r]*")
_scan = json.JSONDecoder().scan_once         # what json.loads decodes each value with


class PartError(ValueError):
    """A part is not a run of whole entries of the list (the text is decoded whole)."""


@dataclass(frozen=True)
class Parts:
    spans: tuple[tuple[int, int], ...]     # [start, end) of each part, in file order
    in_object: bool                        # {"cases": [...]} rather than a bare list


def cut(text: str, parts: int) -> Parts | None:
    """``text`` cut into at most ``parts`` parts at places that look like the start of a
    case; None when it is not in the plain form (or holds no case)."""
    head = _HEAD.match(text)
    if head is None:
        return None
    start = head.end()
    if start >= len(text) or text[start] != "{":
        return None
    bounds = [start]
    step = max(1, (len(text) - start) // max(1, parts))
    for k in range(1, parts):
        found = _CUT.search(text, max(start + k * step, bounds[-1] + 1))
        if found is None:
            break
        if found.start(1) > bounds[-1]:
            bounds.append(found.start(1))
    ends = [*bounds[1:], len(text)]
    return Parts(tuple(zip(bounds, ends)), head.group(1) is not None)


def decode_part(text: str, parts: Parts, index: int) -> list:
    """The entries of part ``index``; :class:`PartError` unless it is a run of whole entries
    ending where the next part starts (the last: at the end of the list and the text)."""
    pos, end = parts.spans[index]
    last = index == len(parts.spans) - 1
    out: list = []
    while True:
        try:
            value, pos = _scan(text, pos)
        except (StopIteration, ValueError, RecursionError):
            raise PartError(f"part {index}: not a run of whole entries") from None
        out.append(value)
        pos = _WS.match(text, pos).end()
        ch = text[pos:pos + 1]
        if ch == ",":
            pos = _WS.match(text, pos + 1).end()
            if pos == end and not last:
                return out
            if pos >= end:
                raise PartError(f"part {index}: ends inside an entry or after a comma")
            continue
        if ch == "]" and last:
            rest = text[pos + 1:]
            if (_OBJECT_CLOSE.fullmatch(rest) if parts.in_object
                    else _WS.fullmatch(rest)) is not None:
                return out
        raise PartError(f"part {index}: not a run of whole entries")


__all__ = ["PartError", "Parts", "cut", "decode_part"]
