"""fast_frozen_init: the quick constructor behaves as the dataclass's own."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from omtui.domain.case import Event, EventType
from omtui.domain.records import fast_frozen_init


@dataclasses.dataclass(frozen=True)
class _Plain:
    a: int
    b: str = "b"
    c: list = dataclasses.field(default_factory=list)


_Reference = dataclasses.make_dataclass(
    "_Reference", [("a", int), ("b", str, dataclasses.field(default="b")),
                   ("c", list, dataclasses.field(default_factory=list))], frozen=True)
fast_frozen_init(_Plain)


@pytest.mark.parametrize(("args", "kwargs"), [((1,), {}), ((1, "x"), {}), ((1,), {"c": [2]}),
                                              ((), {"a": 3, "b": "y", "c": [4]})])
def test_same_fields_as_the_generated_constructor(args, kwargs):
    fast, ref = _Plain(*args, **kwargs), _Reference(*args, **kwargs)
    assert dataclasses.astuple(fast) == dataclasses.astuple(ref)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.a = 2                                     # still frozen


def test_each_record_gets_its_own_default_from_the_factory():
    one, two = _Plain(1), _Plain(2)
    assert one.c == [] and one.c is not two.c
    first, second = Event(EventType.CONTACT, date(2026, 1, 5)), Event(EventType.CONTACT,
                                                                      date(2026, 1, 6))
    assert first.extra == {} and first.extra is not second.extra


def test_missing_and_unknown_arguments_are_refused_as_before():
    with pytest.raises(TypeError):
        _Plain()
    with pytest.raises(TypeError):
        _Plain(1, d=2)
