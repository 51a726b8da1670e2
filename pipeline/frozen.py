"""Frozen dataclasses made fast: without their ``__init__`` (:func:`maker`), and with
values computed once per instance (:class:`cached`), for the few classes a build makes or
reads hundreds of thousands of times.

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


class cached:
    """``functools.cached_property`` without its lock.

    Python 3.11's takes a lock on the first read of each instance's value (3.12 dropped
    it): 1 to 2 µs, paid for each of a build's 700,000 PO entries, check units and source
    messages. Like it, this stores the value in the instance's ``__dict__`` (which a frozen
    dataclass leaves writable), so later reads never reach the descriptor. A build reads an
    instance from one thread only.
    """

    def __init__(self, function: Callable) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner: type | None = None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value
