"""Re-raise recognised network errors as connerr's classes.

::

    with connerr.translate():                 # or: async with connerr.translate():
        requests.get(url)                     # -> connerr.ConnectionRefused, still a ConnectionRefusedError

    @connerr.translate                        # sync functions and coroutine functions
    async def fetch(): ...

    async with connerr.translate(session.get(url)) as response:   # wraps an async context manager
        ...

The new exception is the kind's class (:func:`connerr.exceptions.class_for`), raised ``from`` the
original, with the original's traceback and its ``errno``/``strerror``. Left untouched: exceptions
normalize() does not recognise, exceptions recognised only by their message text unless they are
``OSError``\\ s or come from a known network library, connerr's own exceptions, and every
``BaseException`` that is not an ``Exception`` (KeyboardInterrupt, asyncio.CancelledError...).
"""

from __future__ import annotations

import functools
import inspect
from types import TracebackType
from typing import (
    Any,
    AsyncContextManager,
    Awaitable,
    Callable,
    Generator,
    Generic,
    Optional,
    Type,
    TypeVar,
    cast,
    overload,
)

from connerr._normalize import normalize
from connerr.exceptions import ConnError, from_diagnosis
from connerr.taxonomy import Kind

__all__ = ["TranslatedContextManager", "Translator", "convert", "translate"]

F = TypeVar("F", bound=Callable[..., object])
T = TypeVar("T")


def convert(exc: BaseException, platform: Optional[str] = None) -> Optional[ConnError]:
    """The connerr exception ``exc`` would be translated to (not raised), or None to leave it."""
    if not isinstance(exc, Exception) or isinstance(exc, ConnError):
        return None
    diagnosis = normalize(exc, platform)
    if diagnosis.kind is Kind.UNKNOWN:
        return None
    if diagnosis.evidence == "message" and diagnosis.library is None and not isinstance(exc, OSError):
        return None  # a ValueError that merely mentions "connection refused" is not one
    return from_diagnosis(diagnosis)


def _reraise(exc: Optional[BaseException], platform: Optional[str]) -> None:
    if exc is None:
        return
    new = convert(exc, platform)
    if new is not None:
        raise new.with_traceback(exc.__traceback__) from exc


class Translator:
    """Context manager (sync and async) and decorator; see :func:`translate`."""

    __slots__ = ("platform",)

    def __init__(self, platform: Optional[str] = None) -> None:
        #: the tag of the OS the errors come from (None: this machine)
        self.platform: Optional[str] = platform

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        if exc is not None:  # the no-error path costs one test
            _reraise(exc, self.platform)

    async def __aenter__(self) -> Translator:
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        _reraise(exc, self.platform)

    def __call__(self, func: F) -> F:
        platform = self.platform
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await func(*args, **kwargs)
                except Exception as exc:
                    _reraise(exc, platform)
                    raise

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                _reraise(exc, platform)
                raise

        return cast(F, wrapper)


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

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> Optional[bool]:
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
def translate(target: AsyncContextManager[T], *,
              platform: Optional[str] = None) -> TranslatedContextManager[T]: ...


def translate(target: Any = None, *, platform: Optional[str] = None) -> Any:
    """Context manager, decorator or async-context-manager wrapper re-raising recognised errors.

    ``translate()`` / ``translate(platform="windows")``: a context manager usable with ``with``
    and ``async with``, and as a decorator. ``@translate`` decorates a function or coroutine
    function directly. ``translate(cm)`` wraps an async context manager such as aiohttp's
    ``session.get(url)``.
    """
    if target is None:
        # a Translator holds nothing but its platform: the default one is shared
        return _DEFAULT if platform is None else Translator(platform)
    translator = Translator(platform)
    if hasattr(target, "__aenter__") and hasattr(target, "__aexit__"):
        return TranslatedContextManager(target, platform)
    if callable(target):
        return translator(target)
    raise TypeError(f"translate() takes a function, a coroutine function or an async context "
                    f"manager, not {type(target).__name__}")

