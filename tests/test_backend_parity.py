"""Both backends of connerr.native give identical results for identical inputs.

Every raw helper runs on the C extension and on the pure-Python fallback, against the same real
loopback sockets, with good and bad arguments.
"""

from __future__ import annotations

import errno
import math
import socket
import threading
import time
from types import ModuleType
from typing import Any, Callable, Iterator, List, Tuple

import pytest
from _support import WINDOWS

from connerr import _backend_python

try:
    from connerr import _backend_cffi
except ImportError:  # pragma: no cover - an install without the extension
    _backend_cffi = None  # type: ignore[assignment]

NO_EXTENSION = pytest.mark.skipif(_backend_cffi is None, reason="the extension is not built")
BACKENDS = [
    pytest.param(_backend_python, id="python"),
    pytest.param(_backend_cffi, id="cffi", marks=NO_EXTENSION),
]
TIMED_OUT = 10060 if WINDOWS else errno.ETIMEDOUT


def _both(call: Callable[[ModuleType], Any]) -> Tuple[Any, Any]:
    """(python result, cffi result), an exception counting as its type."""
    if _backend_cffi is None:
        pytest.skip("the extension is not built")
    out = []
    for backend in (_backend_python, _backend_cffi):
        try:
            out.append(call(backend))
        except Exception as exc:  # the type is the result
            out.append(type(exc))
    return out[0], out[1]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("raw_connect", ("127.0.0.1\x00junk", 80, 1.0)),
        ("raw_connect", ("127.0.0.1", 2**31, 1.0)),
        ("raw_connect", ("127.0.0.1", -1, 1.0)),
        ("raw_connect", ("127.0.0.1", 65536, 1.0)),
        ("raw_connect", ("127.0.0.1", "80", 1.0)),
        ("raw_connect", ("127.0.0.1", True, 1.0)),
        ("raw_connect", ("localhost", 80, 1.0)),
        ("raw_connect", (None, 80, 1.0)),
        ("raw_connect", ("127.0.0.1", 80, 0)),
        ("raw_connect", ("127.0.0.1", 80, -1.0)),
        ("raw_connect", ("127.0.0.1", 80, math.nan)),
        ("raw_connect", ("127.0.0.1", 80, math.inf)),
        ("raw_connect", ("127.0.0.1", 80, "1")),
        ("raw_bind", ("127.0.0.1\x00", 0)),
        ("raw_bind", ("::1", 70000)),
        ("raw_exchange", ("127.0.0.1", 80, "text", 1.0)),
        ("raw_exchange", ("127.0.0.1", 80, b"x", 0.0)),
        ("raw_resolve", (None,)),
        ("raw_resolve", ("a\x00b",)),
        ("raw_resolve", (b"1.2.3.4",)),
        ("raw_resolve", ("\udc80",)),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_bad_arguments_raise_the_same(name: str, args: Tuple[Any, ...]) -> None:
    python, cffi = _both(lambda backend: getattr(backend, name)(*args))
    assert python == cffi
    assert python in (TypeError, ValueError)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "::1",
        "1.2.3",
        "db.internal",
        "a" * 64 + ".example",
        "a" * 300,
        "xn--nxasmq6b",
        "bücher.example",
        "",
        " ",
        "256.0.0.1",
        "fe80::1%lo",
    ],
)
def test_resolve_gives_the_same_code(host: str) -> None:
    python, cffi = _both(lambda backend: backend.raw_resolve(host))
    assert python == cffi


def test_refused_and_in_use_give_the_same_code(closed_port: int) -> None:
    assert _both(lambda b: b.raw_connect("127.0.0.1", closed_port, 5.0)) == (errno.ECONNREFUSED,) * 2
    refused = (errno.ECONNREFUSED, 1)
    assert _both(lambda b: b.raw_exchange("127.0.0.1", closed_port, b"x", 5.0)) == (refused, refused)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        python, cffi = _both(lambda b: b.raw_bind("127.0.0.1", port))
    assert python == cffi == (10048 if WINDOWS else errno.EADDRINUSE)


def test_a_tiny_timeout_is_not_zero(closed_port: int) -> None:
    """A timeout of 0.1 ms is rounded up, never to 'no timeout' or 'non-blocking'."""
    python, cffi = _both(lambda b: b.raw_connect("127.0.0.1", closed_port, 0.0001))
    assert python == cffi == errno.ECONNREFUSED


@pytest.fixture
def silent_server() -> Iterator[Tuple[int, List[socket.socket]]]:
    """A loopback server that accepts and then neither reads nor writes (small receive buffer)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: List[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture
def slow_reader() -> Iterator[int]:
    """A loopback server that reads 4 KiB every 50 ms: a send makes a little progress, never enough."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(5)
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(0.05)
            while not stop.is_set():
                try:
                    if not conn.recv(4096):
                        return
                except socket.timeout:
                    pass
                except OSError:
                    return
                stop.wait(0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    listener.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_send_that_cannot_finish_times_out_once(backend: ModuleType, slow_reader: int) -> None:
    """The whole send has one deadline (as sendall has), and its expiry is ETIMEDOUT, not EAGAIN: a
    send that keeps making a little progress must not restart the timeout for every piece."""
    payload = b"x" * (32 << 20)
    start = time.monotonic()
    code, phase = backend.raw_exchange("127.0.0.1", slow_reader, payload, 0.5)
    elapsed = time.monotonic() - start
    assert (code, phase) == (TIMED_OUT, 2)
    assert elapsed < 3.0, f"{elapsed:.2f} s for a 0.5 s timeout"  # a timeout per piece: minutes


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_reply_that_never_comes_times_out(
    backend: ModuleType, silent_server: Tuple[int, List[socket.socket]]
) -> None:
    port, _accepted = silent_server
    assert backend.raw_exchange("127.0.0.1", port, b"GET / HTTP/1.0\r\n\r\n", 0.3) == (TIMED_OUT, 3)
