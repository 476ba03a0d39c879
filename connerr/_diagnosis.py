"""The answer :func:`connerr.normalize` gives about one exception."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Dict, Optional, Tuple

from connerr.taxonomy import DIAGNOSIS_PHASES, Kind

__all__ = ["DIAGNOSIS_PHASES", "EVIDENCE", "Diagnosis", "type_name"]

#: What decided the kind, strongest first: a Windows error code, an errno (or EAI/h_errno) code, a
#: standard-library exception type, a library's wrapper type, the message text, or nothing.
EVIDENCE: Tuple[str, ...] = ("winerror", "errno", "type", "wrapper", "message", "none")


@dataclass(frozen=True)
class Diagnosis:
    """What went wrong, independent of OS and library."""

    kind: Kind
    #: code name ("WSAECONNABORTED", "ECONNRESET", "EAI_NONAME") when a code decided or was seen
    name: Optional[str]
    number: Optional[int]
    #: numbering domain of ``number``: errno, winsock, win32, eai, h_errno
    domain: Optional[str]
    #: platform tag the number was read for
    platform: Optional[str]
    message: str
    notes: Tuple[str, ...]
    retry: str
    side: str
    original: BaseException = field(compare=False, repr=False)
    phase: str = "any"
    #: what decided the kind: one of :data:`EVIDENCE`
    evidence: str = "none"
    #: the library whose wrapper was recognised (urllib3, requests, httpx, ...), if any
    library: Optional[str] = None
    #: dotted type name of ``original``
    exception: str = ""
    #: the exception in the chain that decided the kind (``original`` or one of its causes)
    source: Optional[BaseException] = field(default=None, compare=False, repr=False)

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready dict (exceptions appear as their type names)."""
        out: Dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "kind":
                value = self.kind.value
            elif f.name == "notes":
                value = list(value)
            elif isinstance(value, BaseException):
                value = type_name(value)
            out[f.name] = value
        return out

    def __reduce__(self) -> Tuple[Callable[..., Diagnosis], Tuple[Any, ...]]:
        # Exceptions from libraries are not always picklable (they hold requests, sockets...):
        # keep the diagnosis picklable by replacing those with a plain stand-in.
        safe = replace(self, original=_picklable(self.original),
                       source=None if self.source is None else _picklable(self.source))
        return (_rebuild, tuple(getattr(safe, f.name) for f in fields(safe)))


def _rebuild(*values: Any) -> Diagnosis:
    return Diagnosis(*values)


def type_name(exc: BaseException) -> str:
    """The dotted name of ``exc``'s class (``ssl.SSLEOFError``; builtins without a module)."""
    cls = type(exc)
    module = getattr(cls, "__module__", "") or ""
    qualname = getattr(cls, "__qualname__", cls.__name__)
    return qualname if module == "builtins" else f"{module}.{qualname}"


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives a pickle round trip, else a plain ``Exception`` naming it (a library's
    exception can hold sockets, or have an ``__init__`` that its own ``args`` do not fit)."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        try:
            text = str(exc)
        except Exception:
            text = ""
        return Exception(f"{type_name(exc)}: {text}")
    return exc
