"""Re-raise network errors as connerr's classes without breaking a single ``except`` clause.

::

    with connerr.translate():                 # or: async with connerr.translate():
        requests.get(url)                     # -> still a requests.ConnectionError, now also
                                              #    a connerr.ConnectionRefused (a ConnectionRefusedError)

    @connerr.translate                        # functions, coroutines, generators, async generators
    async def fetch(): ...

    async with connerr.translate(session.get(url)) as response:   # wraps an async context manager
        ...

The contract:

* **Superset.** A translated error is an instance of the original's class *and* of the kind's class
  (:func:`connerr.exceptions.translated_class`): every ``except`` that caught the original still
  catches it. It carries the original's attributes, OSError fields and ``__notes__``, its traceback,
  and ``__cause__`` is the original. Where no such class can be made, the original is left as is.
* **Network errors only**: kinds in :data:`connerr.taxonomy.NETWORK_KINDS`. File-system and
  generic errors (EACCES, EBADF, EINVAL, EMFILE, EAGAIN on files, EINTR...) pass through as the
  same object, and so do exceptions recognised only by their text (unless an ``OSError`` or a known
  network library's), connerr's own, and every ``BaseException`` that is not an ``Exception``.
* **Exception groups** keep their shape: members are translated in place (``derive``), so
  ``except*`` clauses on the original classes and on connerr's both work.
* **No reference cycles**: the raising frame does not keep the new exception alive.
"""

from __future__ import annotations

import functools
import inspect
from types import TracebackType
from typing import (
    Any,
    AsyncContextManager,
    AsyncGenerator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    List,
    Optional,
    Tuple,
    Type,
    TypeVar,
    cast,
    overload,
)

from connerr._diagnosis import Deferred, Diagnosis
from connerr._normalize import PLAIN_CLASSES, normalize, plain_key
from connerr._rules import is_inert, safe_attr
from connerr.exceptions import _OSERROR_FIELDS, ConnError, blank_instance, oserror_fields, translated_class
from connerr.taxonomy import NETWORK_KINDS

__all__ = ["TranslatedContextManager", "Translator", "convert", "translate"]

F = TypeVar("F", bound=Callable[..., object])
T = TypeVar("T")


#: the class a plain builtin OSError is translated to, by :func:`connerr._normalize.plain_key`
#: (None: left as it is); bounded
_PLAIN_CLASS: Dict[Tuple[Any, ...], Optional[Type[ConnError]]] = {}
_MISSING: Any = object()


def convert(exc: BaseException, platform: Optional[str] = None) -> Optional[BaseException]:
    """What ``exc`` is re-raised as (not raised), or None to leave it as it is.

    For an exception group, a group of the same shape whose network members are translated.
    """
    if is_inert(exc):
        return None  # a class no rule knows is never translated for what its message says
    return _convert_live(exc, platform)


def _convert_live(exc: BaseException, platform: Optional[str]) -> Optional[BaseException]:
    """:func:`convert` of an exception :func:`is_inert` said no to."""
    if not isinstance(exc, Exception) or isinstance(exc, ConnError):
        return None
    key = plain_key(exc, platform)
    if key is not None and key in _PLAIN_CLASS:
        return _known_plain_translation(exc, key)
    if _is_group(exc):
        return _convert_group(exc, platform)
    diagnosis = normalize(exc, platform)
    cls = _network_class(exc, diagnosis)
    if key is not None and diagnosis.evidence != "message" and (cls is None or _built_by_call(cls)):
        if len(_PLAIN_CLASS) >= 4096:
            _PLAIN_CLASS.clear()
        _PLAIN_CLASS[key] = cls
    if cls is None:
        return None
    cloned = _clone(exc, cls)
    if cloned is not None:
        cloned.__dict__["_diagnosis"] = diagnosis
    return cloned


def _known_plain_translation(exc: BaseException, key: Tuple[Any, ...]) -> Optional[ConnError]:
    """:func:`convert` of a plain builtin OSError whose :func:`plain_key` is in :data:`_PLAIN_CLASS`:
    ``cls(*args)`` sets its args, errno and strerror, and it has no attributes of its own."""
    cls = _PLAIN_CLASS[key]
    if cls is None:
        return None
    new = cls(*exc.args)
    for name in _LATE_FIELDS:
        value = getattr(exc, name, None)
        if value is not None:
            setattr(new, name, value)
    new.__dict__["_diagnosis"] = Deferred((exc, key[-1]))  # most are never asked for
    return new


def _built_by_call(cls: type) -> bool:
    """``cls(*args)`` is what :func:`blank_instance` makes (and 2.5x cheaper): only builtin classes
    along its MRO define ``__init__`` or ``__new__``."""
    return not any(
        "__init__" in vars(c) or "__new__" in vars(c) for c in cls.__mro__ if c.__module__ != "builtins"
    )


def _network_class(exc: BaseException, diagnosis: Diagnosis) -> Optional[Type[ConnError]]:
    """The class ``exc`` is translated to, or None: not a network error, or a ValueError that merely
    mentions "connection refused"."""
    if diagnosis.kind not in NETWORK_KINDS:
        return None
    if diagnosis.evidence == "message" and diagnosis.library is None and not isinstance(exc, OSError):
        return None
    return translated_class(diagnosis.kind, type(exc))


def _clone(exc: BaseException, cls: Type[ConnError]) -> Optional[ConnError]:
    """An instance of ``cls`` with ``exc``'s args, attributes, OSError fields and notes (no __init__
    runs: the original's may want other arguments than its args)."""
    try:
        new = blank_instance(cls, exc.args)
        new.__dict__.update(exc.__dict__)
    except Exception:  # an exotic class: leave the original untouched
        return None
    for name, value in oserror_fields(exc).items():
        try:  # noqa: SIM105 - one field that cannot be set must not lose the others
            setattr(new, name, value)
        except (AttributeError, TypeError):
            pass
    return new


#: the OSError fields a plain OSError (see plain_key: no filename, no winerror) may have besides the
#: errno and strerror its constructor set: they are set after construction
_LATE_FIELDS = tuple(
    name for name in _OSERROR_FIELDS if name not in ("errno", "strerror", "filename", "winerror")
)


def _is_group(exc: BaseException) -> bool:
    """An ``ExceptionGroup`` (3.11+ or the ``exceptiongroup`` backport): members and ``derive``."""
    return isinstance(safe_attr(exc, "exceptions"), tuple) and callable(safe_attr(exc, "derive"))


def _convert_group(group: BaseException, platform: Optional[str]) -> Optional[BaseException]:
    members: List[BaseException] = []
    changed = False
    for member in group.exceptions:  # type: ignore[attr-defined]
        new = convert(member, platform)
        if new is None:
            members.append(member)
            continue
        changed = True
        new.__traceback__ = member.__traceback__
        if not _is_group(member):
            new.__cause__ = member
        members.append(new)
    if not changed:
        return None
    try:
        out: BaseException = group.derive(members)  # type: ignore[attr-defined]
    except Exception:
        return None
    out.__cause__, out.__context__ = group.__cause__, group.__context__
    out.__suppress_context__ = True  # not "during handling of" the group it replaces
    out.__traceback__ = group.__traceback__
    notes = safe_attr(group, "__notes__")
    if isinstance(notes, list):
        out.__dict__["__notes__"] = list(notes)
    return out


def _reraise(exc: Optional[BaseException], platform: Optional[str]) -> None:
    if exc is not None:
        _raise_instead(exc, convert(exc, platform))


def _raise_instead(exc: BaseException, new: Optional[BaseException]) -> None:
    """Raise ``new`` (if any) in place of ``exc``."""
    if new is None:
        return
    try:
        if isinstance(new, ConnError):
            raise new.with_traceback(exc.__traceback__) from exc
        raise new  # an exception group: the same group, its members translated
    finally:
        # this frame is in new's traceback: holding new here would keep both alive in a cycle
        del new, exc


class Translator:
    """Context manager (sync and async) and decorator; see :func:`translate`."""

    __slots__ = ("platform",)

    def __init__(self, platform: Optional[str] = None) -> None:
        #: the tag of the OS the errors come from (None: this machine)
        self.platform: Optional[str] = platform

    def __enter__(self) -> Translator:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if exc is None:
            return  # the no-error path costs one test
        key = plain_key(exc, self.platform) if type(exc) in PLAIN_CLASSES else None
        if key is None or key not in _PLAIN_CLASS:
            if not is_inert(exc):
                _raise_instead(exc, _convert_live(exc, self.platform))
            return
        new = _known_plain_translation(exc, key)  # the common case, without a frame more
        if new is not None:
            try:
                raise new.with_traceback(tb) from exc
            finally:
                del new, exc  # see _raise_instead

    async def __aenter__(self) -> Translator:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        _reraise(exc, self.platform)

    def __call__(self, func: F) -> F:
        """Decorate a function, coroutine function, generator or async generator function, or an
        object whose ``__call__`` is one of those; signature, ``__wrapped__`` and what
        :mod:`inspect` reports are kept."""
        return cast(F, _wrap(func, self.platform))


def _is(test: Callable[[object], bool], func: Callable[..., Any]) -> bool:
    """``test`` of a function, or of the ``__call__`` of a callable object."""
    return test(func) or (not inspect.isroutine(func) and test(safe_attr(func, "__call__")))


def _wrap(func: Callable[..., Any], platform: Optional[str]) -> Callable[..., Any]:
    if _is(inspect.isasyncgenfunction, func):

        async def async_gen_wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
            inner = func(*args, **kwargs)
            try:
                value = await inner.__anext__()
                while True:
                    try:
                        sent = yield value
                    except GeneratorExit:
                        await inner.aclose()
                        raise
                    except BaseException as thrown:
                        value = await inner.athrow(thrown)
                    else:
                        value = await inner.asend(sent)
            except StopAsyncIteration:
                return
            except Exception as exc:
                _reraise(exc, platform)
                raise

        return functools.wraps(func)(async_gen_wrapper)
    if _is(inspect.isgeneratorfunction, func):

        def gen_wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            try:
                return (yield from func(*args, **kwargs))
            except Exception as exc:
                _reraise(exc, platform)
                raise

        return functools.wraps(func)(gen_wrapper)
    if _is(inspect.iscoroutinefunction, func):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return await func(*args, **kwargs)
            except Exception as exc:
                _reraise(exc, platform)
                raise

        return functools.wraps(func)(async_wrapper)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            _reraise(exc, platform)
            raise

    return functools.wraps(func)(wrapper)


class TranslatedContextManager(Generic[T]):
    """An async context manager wrapped by :func:`translate` (awaitable too when the wrapped one is,
    as aiohttp's ``session.get(url)`` is)."""

    def __init__(self, inner: AsyncContextManager[T], platform: Optional[str]) -> None:
        self._inner = inner
        self._platform = platform

    async def __aenter__(self) -> T:
        try:
            return await self._inner.__aenter__()
        except Exception as exc:
            _reraise(exc, self._platform)
            raise

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> Optional[bool]:
        try:
            suppress = await self._inner.__aexit__(exc_type, exc, tb)
        except Exception as error:
            _reraise(error, self._platform)
            raise
        if not suppress:
            _reraise(exc, self._platform)
        return bool(suppress)

    def __await__(self) -> Generator[object, None, T]:
        return self._await().__await__()

    async def _await(self) -> T:
        try:
            return await cast(Awaitable[T], self._inner)
        except Exception as exc:
            _reraise(exc, self._platform)
            raise


_DEFAULT = Translator()


@overload
def translate(target: F, *, platform: Optional[str] = None) -> F: ...
@overload
def translate(target: None = None, *, platform: Optional[str] = None) -> Translator: ...
@overload
def translate(
    target: AsyncContextManager[T], *, platform: Optional[str] = None
) -> TranslatedContextManager[T]: ...


def translate(target: Any = None, *, platform: Optional[str] = None) -> Any:
    """Context manager, decorator or async-context-manager wrapper re-raising network errors as
    connerr's classes (see the module documentation for the contract).

    ``translate()`` / ``translate(platform="windows")``: a context manager usable with ``with``
    and ``async with``, and as a decorator. ``@translate`` decorates a function directly (sync,
    async, generator, async generator, or an object with such a ``__call__``). ``translate(cm)``
    wraps an async context manager such as aiohttp's ``session.get(url)``.
    """
    if target is None:
        # a Translator holds nothing but its platform: the default one is shared
        return _DEFAULT if platform is None else Translator(platform)
    if hasattr(target, "__aenter__") and hasattr(target, "__aexit__"):
        return TranslatedContextManager(target, platform)
    if callable(target):
        return Translator(platform)(target)
    raise TypeError(
        f"translate() takes a function, a coroutine function or an async context "
        f"manager, not {type(target).__name__}"
    )
