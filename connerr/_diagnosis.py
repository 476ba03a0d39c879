"""The answer :func:`connerr.normalize` gives about one exception."""

from __future__ import annotations

from connerr.taxonomy import DIAGNOSIS_PHASES, Kind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import Field
    from typing import Any, Callable, ClassVar, Dict, NoReturn, Optional, Tuple

__all__ = ["DIAGNOSIS_PHASES", "EVIDENCE", "Diagnosis", "type_name"]

#: What decided the kind, strongest first: a Windows error code, an errno (or EAI/h_errno) code, a
#: standard-library exception type, a library's wrapper type, the message text, or nothing.
EVIDENCE: Tuple[str, ...] = ("winerror", "errno", "type", "wrapper", "message", "none")

#: fields that neither equality, hashing nor repr look at: the exceptions themselves
_HIDDEN = frozenset({"original", "source"})


class _DataclassMetadata:
    """``__dataclass_fields__``/``__dataclass_params__``, built on first use: ``dataclasses`` (with
    the ``inspect`` it imports) costs more than the first :func:`connerr.normalize` may."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        import dataclasses
        import inspect

        parameters = inspect.signature(owner.__init__).parameters  # type: ignore[misc]

        def spec(name: str) -> Tuple[str, Any, Any]:
            shown = name not in _HIDDEN
            default = parameters[name].default
            given = {} if default is inspect.Parameter.empty else {"default": default}
            return name, owner.__annotations__[name], dataclasses.field(compare=shown, repr=shown, **given)

        shape = dataclasses.make_dataclass(owner.__name__, [spec(name) for name in FIELD_NAMES], frozen=True)
        for attribute in ("__dataclass_fields__", "__dataclass_params__"):
            setattr(owner, attribute, getattr(shape, attribute))
        return getattr(owner, self.name)


class Diagnosis:
    """What went wrong, independent of OS and library.

    A frozen dataclass (``dataclasses.fields``, ``replace`` and ``asdict`` work on it), written out
    by hand so that the first :func:`connerr.normalize` does not import :mod:`dataclasses`.
    """

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
    original: BaseException
    phase: str
    #: what decided the kind: one of :data:`EVIDENCE`
    evidence: str
    #: the library whose wrapper was recognised (urllib3, requests, httpx, ...), if any
    library: Optional[str]
    #: dotted type name of ``original``
    exception: str
    #: the exception in the chain that decided the kind (``original`` or one of its causes)
    source: Optional[BaseException]

    #: the fields in order, as ``Diagnosis(...)`` takes them
    __match_args__ = (
        "kind",
        "name",
        "number",
        "domain",
        "platform",
        "message",
        "notes",
        "retry",
        "side",
        "original",
        "phase",
        "evidence",
        "library",
        "exception",
        "source",
    )
    if TYPE_CHECKING:
        __dataclass_fields__: ClassVar[Dict[str, Field[Any]]]
    else:
        __dataclass_fields__ = _DataclassMetadata()
        __dataclass_params__ = _DataclassMetadata()

    def __init__(  # noqa: PLR0917
        self,
        kind: Kind,
        name: Optional[str],
        number: Optional[int],
        domain: Optional[str],
        platform: Optional[str],
        message: str,
        notes: Tuple[str, ...],
        retry: str,
        side: str,
        original: BaseException,
        phase: str = "any",
        evidence: str = "none",
        library: Optional[str] = None,
        exception: str = "",
        source: Optional[BaseException] = None,
    ) -> None:
        self.__dict__.update(
            kind=kind,
            name=name,
            number=number,
            domain=domain,
            platform=platform,
            message=message,
            notes=notes,
            retry=retry,
            side=side,
            original=original,
            phase=phase,
            evidence=evidence,
            library=library,
            exception=exception,
            source=source,
        )

    def __setattr__(self, name: str, value: object) -> NoReturn:
        _frozen(name)

    def __delattr__(self, name: str) -> NoReturn:
        _frozen(name)

    def _compared(self) -> Tuple[Any, ...]:
        values = self.__dict__
        return tuple(values[name] for name in _SHOWN)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Diagnosis)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        values = self.__dict__
        shown = ", ".join(f"{name}={values[name]!r}" for name in _SHOWN)
        return f"{type(self).__qualname__}({shown})"

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready dict (exceptions appear as their type names)."""
        out: Dict[str, Any] = {}
        for name in FIELD_NAMES:
            value = self.__dict__[name]
            if name == "kind":
                value = self.kind.value
            elif name == "notes":
                value = list(value)
            elif isinstance(value, BaseException):
                value = type_name(value)
            out[name] = value
        return out

    def __reduce__(self) -> Tuple[Callable[..., Diagnosis], Tuple[Any, ...]]:
        # Exceptions from libraries are not always picklable (they hold requests, sockets...):
        # keep the diagnosis picklable by replacing those with a plain stand-in.
        values = dict(self.__dict__)
        values["original"] = _picklable(self.original)
        values["source"] = None if self.source is None else _picklable(self.source)
        return (_rebuild, tuple(values[name] for name in FIELD_NAMES))


FIELD_NAMES: Tuple[str, ...] = Diagnosis.__match_args__
_SHOWN: Tuple[str, ...] = tuple(name for name in FIELD_NAMES if name not in _HIDDEN)


if TYPE_CHECKING:
    _Pair = Tuple[BaseException, Optional[str]]
else:
    _Pair = tuple  # typing is not imported at run time


class Deferred(_Pair):
    """``(original, platform)``: the diagnosis of an error :func:`connerr.translate` re-raised,
    worked out when first asked for (most translated errors are caught by their class and never
    normalized). A tuple: made without a Python ``__init__``."""

    __slots__ = ()

    #: :func:`connerr.normalize`, set by its module
    normalize: ClassVar[Callable[[BaseException, Optional[str]], Diagnosis]]

    def resolve(self) -> Diagnosis:
        return Deferred.normalize(self[0], self[1])

    def __reduce__(self) -> Tuple[Callable[..., Diagnosis], Tuple[Any, ...]]:
        return self.resolve().__reduce__()  # pickled as the diagnosis it stands for


def stored_diagnosis(exc: BaseException) -> Optional[Diagnosis]:
    """The diagnosis :func:`connerr.translate` (or ``from_diagnosis``) attached to ``exc``, if any."""
    values = getattr(exc, "__dict__", None)
    stored = values.get("_diagnosis") if isinstance(values, dict) else None
    if isinstance(stored, Deferred):
        stored = values["_diagnosis"] = stored.resolve()  # type: ignore[index]
    return stored if isinstance(stored, Diagnosis) else None


def _frozen(name: str) -> NoReturn:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


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
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        try:
            text = str(exc)
        except Exception:
            text = ""
        return Exception(f"{type_name(exc)}: {text}")
    return exc
