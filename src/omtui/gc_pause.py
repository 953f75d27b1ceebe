"""Keeping Python's cyclic garbage collector out of bulk work.

Evaluating thousands of cases makes hundreds of thousands of objects that live until the work
is done. Every 700 new objects start a collection, and the older generations' collections walk
every live object: about half the CPU time of a big due list. None of this work makes
reference cycles, so reference counting frees what it drops; the collector is switched off
for the duration and any cycles are collected once it is back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off inside the block (left off only if it was off already)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


__all__ = ["gc_paused"]
