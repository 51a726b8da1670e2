"""Frozen dataclasses made without their ``__init__``, for the few made tens of thousands of
times a build.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (it must
go around its own ``__setattr__``, which refuses): about 2 µs for a dozen fields. A build
makes a PO entry for every message of every locale, and a check unit for every
translation, 700,000 of each at 1,000 articles x 20 locales. :func:`maker` fills the
instance's ``__dict__`` directly; equality, hashing, ``repr``, ``replace`` and pickling
read the fields and see the same instance (tests/test_poread.py and tests/checks compare
them with ``__init__``'s).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import TypeVar

T = TypeVar("T")


def maker(cls: type[T]) -> Callable[..., T]:
    """A function taking ``cls``'s fields as keywords, like ``cls(**values)``, only faster.

    No validation: the caller passes every field without a default. Fields with a default
    factory are not supported (the factory would not run)."""
    defaults = {}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name} has a default factory; make it with {cls.__name__}()")
        if f.default is not MISSING:
            defaults[f.name] = f.default
    new = object.__new__

    def make(**values) -> T:
        instance = new(cls)
        instance.__dict__.update(defaults, **values)
        return instance

    make.__doc__ = f"{cls.__name__}(**values), without its __init__ (pipeline.frozen)."
    return make
