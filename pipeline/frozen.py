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


def maker(cls: type[T], computed: dict[str, str] | None = None) -> Callable[..., T]:
    """A function taking ``cls``'s fields as keywords, like ``cls(**values)``, only faster.

    Made as the dataclass makes its ``__init__``, from source: keyword-only parameters, the
    fields without a default required, each default the field's own, and a body that fills
    the instance's ``__dict__`` with one dict (0.6 µs for a unit's eleven fields, where a
    ``**values`` function merging them with the defaults took 0.95). No validation beyond
    Python's own (a missing or unknown field is a TypeError). Fields with a default factory
    are not supported (the factory would not run).

    ``computed``: values of the class's :class:`cached` properties, by name, as Python
    expressions of the fields, made with the instance, as the property would make them on
    its first read (for a property every instance is asked for: the read then never calls
    the descriptor)."""
    namespace: dict = {"__new": object.__new__, "__cls": cls}  # no field is named so
    parameters, items = [], []
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name} has a default factory; make it with {cls.__name__}()")
        if f.default is MISSING:
            parameters.append(f.name)
        else:
            namespace[f"__default_{f.name}"] = f.default
            parameters.append(f"{f.name}=__default_{f.name}")
        items.append(f"{f.name!r}: {f.name}")
    for name, expression in (computed or {}).items():
        if not isinstance(cls.__dict__.get(name), cached):
            raise TypeError(f"{cls.__name__}.{name} is not a cached property")
        items.append(f"{name!r}: {expression}")
    source = (f"def make(*, {', '.join(parameters)}):\n"
              f"    instance = __new(__cls)\n"
              f"    instance.__dict__.update({{{', '.join(items)}}})\n"
              f"    return instance\n")
    exec(source, namespace)  # noqa: S102 - our own field names, as dataclasses does for __init__
    make = namespace["make"]
    make.__doc__ = f"{cls.__name__}(**values), without its __init__ (pipeline.frozen)."
    make.__qualname__ = f"maker.<{cls.__name__}>"
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
