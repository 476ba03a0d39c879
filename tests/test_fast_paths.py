"""The fast paths answer exactly what the full paths answer: normalize() and translate() of a plain
builtin OSError (cached per class, errno, message and platform) for every code on every platform and
every builtin OSError class of this machine's errnos, a translated error's deferred diagnosis, and the
inert-class exit for exceptions no rule knows."""

from __future__ import annotations

import errno
from typing import Any, List, Tuple, Type

import pytest
from _support import exhaustive_diagnosis
from hypothesis import given, settings
from hypothesis import strategies as st
from test_normalize import exception_chains

from connerr import _translate, normalize
from connerr._rules import is_inert

CLASSES = (
    OSError,
    ConnectionResetError,
    ConnectionRefusedError,
    ConnectionAbortedError,
    TimeoutError,
    BrokenPipeError,
    BlockingIOError,
    InterruptedError,
)


def _shape(exc: Any) -> Tuple[Any, ...]:
    if exc is None:
        return (None,)
    return (
        type(exc),
        exc.args,
        exc.errno,
        exc.strerror,
        str(exc),
        exc.diagnosis,  # the fast path's is worked out when asked for: equal all the same
    )


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("platform", [None, "linux", "darwin", "windows"])
def test_translate_fast_path_equals_the_full_path(cls: Type[OSError], platform: Any) -> None:
    for number in sorted(errno.errorcode):
        _translate._PLAIN_CLASS.clear()
        slow = _translate.convert(cls(number, "message"), platform)
        if slow is not None:  # a network error: the fast path knows its class from now on
            assert len(_translate._PLAIN_CLASS) == 1, number
        fast = _translate.convert(cls(number, "message"), platform)
        assert _shape(fast) == _shape(slow), number


def test_a_deferred_diagnosis_is_the_original_one_and_pickles_as_it() -> None:
    import pickle

    _translate._PLAIN_CLASS.clear()
    for _ in range(2):  # the first fills the class cache, the second takes the fast path
        original = ConnectionResetError(104, "Connection reset by peer")
        new = _translate.convert(original)
    assert type(new.__dict__["_diagnosis"]).__name__ == "Deferred"
    copy = pickle.loads(pickle.dumps(new))
    assert new.diagnosis == normalize(original) == copy.diagnosis
    assert new.diagnosis.original is original
    assert type(new.__dict__["_diagnosis"]).__name__ == "Diagnosis"  # resolved once, then kept


@pytest.mark.parametrize(
    "exc, inert",
    [
        (ValueError("connection refused"), True),
        (KeyError("x"), True),
        (RuntimeError("x"), True),
        (ConnectionResetError(104, "x"), False),
        (EOFError(), False),
        (TimeoutError(), False),
        (ValueError(ConnectionResetError(104, "x")), False),
    ],
)
def test_inert_exceptions(exc: BaseException, inert: bool) -> None:
    assert is_inert(exc) is inert


def test_a_chain_or_attributes_make_an_exception_not_inert() -> None:
    try:
        try:
            raise ConnectionResetError(104, "x")
        except OSError:
            raise RuntimeError("wrapped")  # noqa: B904 - the implicit context is the point
    except RuntimeError as wrapped:
        assert not is_inert(wrapped)
    tagged = ValueError("x")
    tagged.reason = ConnectionResetError(104, "x")  # type: ignore[attr-defined]
    assert not is_inert(tagged)


def test_the_fast_path_keeps_what_a_plain_oserror_carries_besides_errno() -> None:
    for _ in range(2):  # the first call fills the cache, the second takes the fast path
        pipe = BrokenPipeError(errno.EPIPE, "Broken pipe")
        pipe.characters_written = 7
        new = _translate.convert(pipe)
        assert new is not None and new.characters_written == 7  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(exc=exception_chains(), platform=st.sampled_from([None, "linux", "windows", "darwin"]))
def test_a_settled_walk_answers_as_the_exhaustive_one(exc: BaseException, platform: Any) -> None:
    assert normalize(exc, platform) == exhaustive_diagnosis(exc, platform)


def test_a_winerror_set_after_construction_is_not_answered_from_the_plain_cache() -> None:
    # Windows' OSError has a winerror field (None unless given); elsewhere setting it makes an
    # attribute of its own: neither may be answered as the plain OSError(22) cached before
    assert normalize(OSError(22, "Invalid argument")).kind.value != "connection_reset"
    late = OSError(22, "Invalid argument")
    late.winerror = 10054  # type: ignore[attr-defined]  # WSAECONNRESET
    assert normalize(late).kind.value == "connection_reset"


def _every_code() -> List[Tuple[str, int, str]]:
    """(platform, number, message) of every errno code on every platform, plus Windows' Winsock and
    Win32 codes as the errno a Windows OSError carries."""
    from connerr import platforms, reference

    out = []
    for row in platforms.REGISTRY:
        for record in reference.records(platform=row.tag, domain="errno"):
            entry = record.platforms[row.tag]
            out.append((row.tag, entry.python_errno, entry.message or record.name))
    for domain in ("winsock", "win32"):
        for record in reference.records(platform="windows", domain=domain):
            entry = record.platforms["windows"]
            out.append(("windows", entry.number, entry.message or record.name))
    return out


def test_the_plain_cache_answers_as_the_exhaustive_walk_for_every_code_on_every_platform() -> None:
    from connerr import _normalize

    codes = _every_code()
    assert len({platform for platform, _, _ in codes}) == 21 and len(codes) > 2500
    for platform, number, message in codes:
        _normalize._PLAIN.clear()
        cold = normalize(OSError(number, message), platform)
        exc = OSError(number, message)  # the builtin subclass CPython maps this number to here
        warm = normalize(exc, platform)
        assert _normalize._PLAIN, (platform, number)  # warm came from the cache
        assert warm == cold == exhaustive_diagnosis(exc, platform), (platform, number)
        assert warm.original is exc and warm.source is exc


def test_the_translate_fast_path_equals_the_full_path_for_every_code_on_every_platform() -> None:
    for platform, number, message in _every_code():
        _translate._PLAIN_CLASS.clear()
        slow = _translate.convert(OSError(number, message), platform)
        fast = _translate.convert(OSError(number, message), platform)
        assert _shape(fast) == _shape(slow), (platform, number)


def test_the_walk_visits_each_exception_once() -> None:
    # requests' ConnectionError holds urllib3's MaxRetryError in args[0] and as __context__; each
    # wrapper down the chain does the same: visiting each holder's copies again doubled the work
    from connerr import _normalize

    class Counting(_normalize._Walker):
        def visit(self, node: BaseException) -> None:
            visits.append(id(node))
            super().visit(node)

    inner = ConnectionRefusedError(111, "Connection refused")
    middle = RuntimeError(inner)
    middle.__context__ = inner
    outer = ValueError(middle, middle)
    outer.__context__ = middle
    visits: List[int] = []
    _normalize._walk(outer, Counting(None))
    assert sorted(visits) == sorted({id(outer), id(middle), id(inner)})
