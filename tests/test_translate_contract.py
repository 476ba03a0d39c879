"""translate() is a strict superset of the original: every ``except`` that caught it still does,
nothing of the original is lost, only network errors change, groups keep their shape, nothing leaks.

Each test here is a regression test of a defect found by trying translate() as a user would.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import gc
import http.client
import inspect
import pickle
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import weakref
from typing import Any, AsyncIterator, Iterator, List, NoReturn, Tuple

import pytest
from _support import rule_instance

import connerr
from connerr import _rules, exceptions
from connerr._normalize import normalize
from connerr._translate import convert, translate
from connerr.taxonomy import NETWORK_KINDS, Kind

# -- superset -------------------------------------------------------------------------------------


def _raise_through(exc: BaseException) -> BaseException:
    """What ``with translate(): raise exc`` raises."""
    try:
        with translate():
            raise exc
    except BaseException as caught:
        return caught
    raise AssertionError("nothing raised")


NETWORK_RULES = [r for r in _rules.RULES if r.kind in NETWORK_KINDS]


@pytest.mark.parametrize("rule", NETWORK_RULES, ids=lambda r: f"{r.library}.{r.name}")
def test_every_recognised_class_is_still_caught_by_its_own_except(rule: _rules.TypeRule) -> None:
    original, _dotted = rule_instance(rule)
    caught = _raise_through(original)
    assert isinstance(caught, type(original)), (type(caught).__mro__, type(original))
    assert isinstance(caught, exceptions.class_for(normalize(original).kind))
    assert caught.args == original.args and str(caught) == str(original)
    assert caught.__cause__ is original


@pytest.mark.parametrize(
    ("original", "also"),
    [
        (ssl.SSLZeroReturnError(6, "TLS/SSL connection has been closed (EOF)"), ssl.SSLError),
        (ssl.SSLSyscallError(5, "Some I/O error occurred"), ssl.SSLError),
        (asyncio.IncompleteReadError(b"ab", 10), EOFError),
        (http.client.IncompleteRead(b"ab", 10), http.client.HTTPException),
        (
            http.client.RemoteDisconnected("Remote end closed connection without response"),
            ConnectionResetError,
        ),
        (socket.herror(1, "Unknown host"), OSError),
        (asyncio.TimeoutError(), asyncio.TimeoutError),
        (socket.timeout("timed out"), socket.timeout),
    ],
)
def test_the_classes_users_catch(original: Exception, also: type) -> None:
    caught = _raise_through(original)
    assert isinstance(caught, type(original)) and isinstance(caught, also)
    assert isinstance(caught, connerr.ConnError)


def test_wait_for_timeouts_are_still_asyncio_timeouts() -> None:
    """3.9/3.10: asyncio.TimeoutError is its own class; ``except asyncio.TimeoutError`` must work."""

    async def main() -> str:
        try:
            async with translate():
                await asyncio.wait_for(asyncio.sleep(10), 0.01)
        except asyncio.TimeoutError as exc:
            assert isinstance(exc, connerr.TimedOut)
            return "caught"
        return "missed"

    assert asyncio.run(main()) == "caught"


@pytest.mark.parametrize(
    "original",
    [
        ssl.SSLWantReadError(2, "The operation did not complete (read)"),
        ssl.SSLWantWriteError(3, "The operation did not complete (write)"),
        concurrent.futures.CancelledError(),
        PermissionError(errno.EACCES, "Permission denied", "/etc/shadow"),
        PermissionError(errno.EPERM, "Operation not permitted"),
        OSError(errno.EBADF, "Bad file descriptor"),
        OSError(errno.EINVAL, "Invalid argument"),
        OSError(errno.EMFILE, "Too many open files"),
        OSError(errno.ENOMEM, "Cannot allocate memory"),
        BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable"),
        InterruptedError(errno.EINTR, "Interrupted system call"),
        FileNotFoundError(errno.ENOENT, "No such file or directory", "x.txt"),
        ValueError("connection refused"),
    ],
)
def test_non_network_errors_pass_as_the_same_object(original: Exception) -> None:
    assert _raise_through(original) is original


def test_state_is_kept() -> None:
    reset = ConnectionResetError(errno.ECONNRESET, "Connection reset by peer", "peer.sock")
    reset.custom = "kept"  # type: ignore[attr-defined]
    if sys.version_info >= (3, 11):
        reset.add_note("while fetching /index")
    else:
        reset.__notes__ = ["while fetching /index"]  # type: ignore[attr-defined]
    caught = _raise_through(reset)
    assert isinstance(caught, connerr.ConnectionReset)
    assert (caught.errno, caught.strerror, caught.filename) == (104, "Connection reset by peer", "peer.sock")
    assert caught.custom == "kept" and caught.__notes__ == ["while fetching /index"]  # type: ignore[attr-defined]

    pipe = BrokenPipeError(errno.EPIPE, "Broken pipe")
    pipe.characters_written = 7
    assert _raise_through(pipe).characters_written == 7  # type: ignore[attr-defined]

    cert = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cert.verify_code, cert.verify_message = 18, "self-signed certificate"
    cert.reason, cert.library = "CERTIFICATE_VERIFY_FAILED", "SSL"
    caught = _raise_through(cert)
    assert isinstance(caught, ssl.SSLCertVerificationError) and isinstance(caught, connerr.TlsCertificate)
    assert (caught.verify_code, caught.verify_message, caught.reason, caught.library) == (  # type: ignore[attr-defined]
        18,
        "self-signed certificate",
        "CERTIFICATE_VERIFY_FAILED",
        "SSL",
    )


def test_a_class_that_cannot_be_combined_is_left_alone() -> None:
    """StopIteration's layout (its ``value``) cannot be joined with OSError's."""
    assert exceptions.translated_class(Kind.CONNECTION_RESET, StopIteration) is None


def test_an_errno_property_that_raises_does_not_escape() -> None:
    class Weird(ConnectionResetError):
        @property
        def errno(self) -> int:  # type: ignore[override]
            raise RuntimeError("no errno here")

    caught = _raise_through(Weird("x"))
    assert not isinstance(caught, RuntimeError)
    assert isinstance(caught, Weird)


# -- exception groups -----------------------------------------------------------------------------

needs_groups = pytest.mark.skipif(sys.version_info < (3, 11), reason="ExceptionGroup and except* are 3.11+")


@needs_groups
def test_groups_keep_their_shape_and_except_star_works() -> None:
    code = textwrap.dedent("""
        import connerr
        seen = []
        try:
            with connerr.translate():
                raise ExceptionGroup("two", [ValueError("bad"), ConnectionResetError(104, "reset")])
        except* ValueError as group:
            seen.append(("value", len(group.exceptions)))
        except* connerr.ConnectionReset as group:
            member = group.exceptions[0]
            seen.append(("reset", isinstance(member, ConnectionResetError), member.__cause__.errno))
        print(seen)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[('value', 1), ('reset', True, 104)]"


@needs_groups
def test_task_group_failures_are_translated_in_place() -> None:
    code = textwrap.dedent("""
        import asyncio, connerr
        async def bad():
            raise ConnectionRefusedError(111, "Connection refused")
        async def worse():
            raise KeyError("k")
        async def main():
            try:
                async with connerr.translate():
                    async with asyncio.TaskGroup() as tg:
                        tg.create_task(bad()); tg.create_task(worse())
            except* ConnectionRefusedError as group:
                print("refused", type(group.exceptions[0]).__mro__[1].__name__,
                      isinstance(group.exceptions[0], connerr.ConnectionRefused))
            except* KeyError:
                print("key")
        asyncio.run(main())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert "refused" in out.stdout and "True" in out.stdout and "key" in out.stdout


# -- decorators -----------------------------------------------------------------------------------


def test_generator_functions() -> None:
    @translate
    def lines(n: int) -> Iterator[int]:
        yield n
        raise ConnectionResetError(104, "Connection reset by peer")

    assert inspect.isgeneratorfunction(lines)
    assert str(inspect.signature(lines)) == "(n: 'int') -> 'Iterator[int]'"
    gen = lines(3)
    assert next(gen) == 3
    with pytest.raises(connerr.ConnectionReset):
        next(gen)


def test_async_generator_functions() -> None:
    @translate
    async def chunks() -> AsyncIterator[int]:
        yield 1
        raise ConnectionAbortedError(103, "Software caused connection abort")

    assert inspect.isasyncgenfunction(chunks)

    async def main() -> List[int]:
        got = []
        with pytest.raises(connerr.ConnectionAborted):
            async for item in chunks():
                got.append(item)
        return got

    assert asyncio.run(main()) == [1]


def test_async_callable_objects() -> None:
    class Client:
        async def __call__(self, url: str) -> None:
            raise ConnectionRefusedError(111, "Connection refused")

    fetch = translate(Client())
    assert inspect.iscoroutinefunction(fetch) and fetch.__wrapped__ is not None
    with pytest.raises(connerr.ConnectionRefused):
        asyncio.run(fetch("http://127.0.0.1:9/"))


def test_signature_and_wrapped_are_kept() -> None:
    def fetch(url: str, *, timeout: float = 5.0) -> bytes:
        raise ConnectionResetError(104, "reset")

    wrapped = translate(fetch)
    assert wrapped.__wrapped__ is fetch and inspect.signature(wrapped) == inspect.signature(fetch)


# -- memory, threads, caches, immutability, pickle ------------------------------------------------


@pytest.mark.skipif(
    sys.implementation.name != "cpython",
    reason="without reference counting nothing is freed before the GC runs",
)
def test_no_reference_cycle_keeps_the_frame_alive() -> None:
    class Big:
        pass

    def fail(local: Big) -> NoReturn:
        raise ConnectionResetError(104, "Connection reset by peer")

    gc.disable()
    try:
        big = Big()
        ref = weakref.ref(big)
        try:
            with translate():
                fail(big)
        except connerr.ConnectionReset:
            pass
        del big
        assert ref() is None, "the raising frame (and its locals) outlived the exception"
    finally:
        gc.enable()


def test_lazy_classes_are_built_once_under_concurrent_first_access() -> None:
    code = textwrap.dedent("""
        import threading, pickle
        import connerr.exceptions as ex
        barrier = threading.Barrier(16)
        seen = []
        def touch():
            barrier.wait()
            seen.append(ex.TlsEof)
        threads = [threading.Thread(target=touch) for _ in range(16)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert len({id(c) for c in seen}) == 1, seen
        assert pickle.loads(pickle.dumps(ex.TlsEof("x"))).__class__ is ex.TlsEof
        print("one")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "one"


def test_translated_classes_are_built_once_per_pair() -> None:
    class LibraryError(OSError):
        pass

    barrier = threading.Barrier(8)
    found: List[Any] = []

    def worker() -> None:
        barrier.wait()
        found.append(exceptions.translated_class(Kind.CONNECTION_RESET, LibraryError))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in found}) == 1 and issubclass(found[0], LibraryError)


def test_the_plain_oserror_cache_sees_everything_normalize_reads() -> None:
    """Same errno and text, but attributes normalize also reads: the cached answer of the plain one
    must not be reused for them (answers never depend on call order)."""
    from connerr import _normalize

    with_winerror = OSError(22, "Invalid argument")
    with_winerror.winerror = 10054  # type: ignore[attr-defined]  # as read from a Windows record
    with_reason = OSError(22, "Invalid argument")
    with_reason.reason = ConnectionResetError(104, "reset")  # type: ignore[attr-defined]
    for platform in (None, "windows", "linux"):
        normalize(OSError(22, "Invalid argument"), platform)  # the plain one, cached
        for exc in (with_winerror, with_reason):
            cached, fresh = normalize(exc, platform), _normalize._diagnose(exc, platform)
            assert (cached.kind, cached.name, cached.notes) == (fresh.kind, fresh.name, fresh.notes)
    assert normalize(with_winerror, "windows").name == "WSAECONNRESET"


def test_the_plain_oserror_cache_is_bounded_in_bytes() -> None:
    from connerr import _normalize

    huge = OSError(104, "x" * 300_000)
    normalize(huge)
    assert all(len(key[2]) <= _normalize._PLAIN_TEXT for key in _normalize._PLAIN)


def test_public_results_cannot_be_edited() -> None:
    record = connerr.reference.lookup("ECONNRESET")[0]
    with pytest.raises(TypeError):
        record.platforms["linux"] = record.platforms["darwin"]  # type: ignore[index]
    with pytest.raises(TypeError):
        connerr.KIND_INFO[Kind.UNKNOWN] = connerr.KIND_INFO[Kind.INVALID]  # type: ignore[index]
    best = connerr.explain("ECONNRESET").best
    assert best is not None
    best.numbers["linux"] = 1  # type: ignore[index]  # a fresh copy: the index is not touched
    assert connerr.explain("ECONNRESET").best.numbers["linux"] == 104  # type: ignore[union-attr]


class _OddInit(ConnectionResetError):
    """A library exception whose __init__ does not take its own args."""

    def __init__(self, host: str) -> None:
        super().__init__(104, f"reset by {host}")
        self.host = host


def _pickle_round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


@pytest.mark.parametrize(
    "original",
    [
        ConnectionResetError(104, "Connection reset by peer"),
        _OddInit("db.internal"),
        asyncio.IncompleteReadError(b"ab", 10),
        http.client.IncompleteRead(b"ab", 10),
        ssl.SSLEOFError(8, "EOF occurred in violation of protocol"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_diagnoses_and_translated_errors_round_trip_through_pickle(original: Exception) -> None:
    diagnosis = normalize(original)
    assert _pickle_round_trip(diagnosis).kind is diagnosis.kind
    caught = _raise_through(original)
    back = _pickle_round_trip(caught)
    assert type(back) is type(caught) and back.args == caught.args
    assert back.diagnosis.kind is diagnosis.kind and isinstance(back, type(original))
    if isinstance(original, _OddInit):
        assert back.host == "db.internal" and (back.errno, back.strerror) == (104, "reset by db.internal")


def test_a_local_class_pickles_as_the_kinds_own_class() -> None:
    class Local(ConnectionResetError):
        pass

    back = _pickle_round_trip(_raise_through(Local(104, "reset")))
    assert type(back) is connerr.ConnectionReset and back.errno == 104


def test_normalize_refuses_what_is_not_an_exception() -> None:
    for value in ("connection refused", 104, None, ConnectionResetError):
        with pytest.raises(TypeError):
            normalize(value)  # type: ignore[arg-type]


def test_convert_of_a_plain_group_member_set() -> None:
    assert convert(ValueError("x")) is None
    new = convert(ConnectionRefusedError(111, "Connection refused"))
    assert isinstance(new, connerr.ConnectionRefused)


def _translated_kinds() -> List[Tuple[str, bool]]:
    return [(k.value, k.network) for k in Kind]


def test_network_kinds_are_the_documented_set() -> None:
    local = {k.value for k in Kind if not k.network}
    assert local == {
        "would_block",
        "interrupted",
        "cancelled",
        "permission_denied",
        "resource_exhausted",
        "invalid",
        "unsupported",
        "unknown",
    }
