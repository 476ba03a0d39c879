"""``NamedTuple`` without importing :mod:`typing` (its import costs more than ``connerr explain``).

Type checkers are shown :class:`typing.NamedTuple` itself; at run time the same class statement
builds a :func:`collections.namedtuple`, with methods and properties copied over.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, NamedTuple, Tuple
else:

    class _NamedTupleMeta(type):
        def __new__(mcls, name: str, bases: Tuple[type, ...], ns: Dict[str, Any]) -> type:
            if not bases:
                return type.__new__(mcls, name, bases, ns)
            fields = list(ns.get("__annotations__", {}))
            defaults = [ns[f] for f in fields if f in ns]
            if any(f not in ns for f in fields[len(fields) - len(defaults) :]):
                raise TypeError(f"{name}: a field without a default follows a field with one")
            cls = namedtuple(name, fields, defaults=defaults, module=ns.get("__module__"))
            for key, value in ns.items():  # what typing.NamedTupleMeta does
                if key not in fields and key not in ("__module__", "__annotations__", "__slots__"):
                    setattr(cls, key, value)
            return cls

    class NamedTuple(metaclass=_NamedTupleMeta):
        """``class X(NamedTuple): a: int; b: str = ""``, as :class:`typing.NamedTuple`."""


__all__ = ["NamedTuple"]
