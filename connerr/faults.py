"""Real loopback servers that fail on purpose, for tests and ``connerr probe``.

::

    with FaultyServer("reset") as server:        # IPv4 by default; family=socket.AF_INET6 for ::1
        requests.get(server.url)                 # -> ConnectionResetError inside requests' wrapper

Modes (each connection is handled the same way, one after the other):

``refuse``             bound but not listening: connecting is refused (RST to SYN).
``reset``              reads the request head, sets SO_LINGER 0 and closes: RST.
``close``              reads the request head and closes without a response: FIN (RST instead if
                       the client had sent more than the head, as when a server rejects an upload).
``abort``              reads the request head, sends FIN then RST (shutdown, SO_LINGER 0, close):
                       a client still writing gets EPIPE deterministically on Linux.
``half_close``         reads the request head, shuts down writing (FIN), keeps reading until the
                       client closes.
``stall``              reads the request head and never answers (until the client closes).
``drip``               answers ``Content-Length: drip_bytes`` and sends one byte per
                       ``drip_interval`` (defeats per-read timeouts).
``tls_handshake_cut``  reads the TLS ClientHello record and closes: FIN in the middle of the handshake.
``tls_midstream_cut``  completes TLS (``ssl_context`` required), reads the request head, sends the
                       response head and part of the body, closes without close_notify.

Bounded in time: every server-side wait ends after ``timeout`` seconds or when the server stops;
``__exit__`` wakes the thread, joins it and closes every socket. Synchronisation uses events
(``accepted``, ``faulted``) and a wake-up socket pair, never sleeps.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, List, Optional, Set, Type

if TYPE_CHECKING:
    import ssl

__all__ = ["MODES", "FaultyServer", "TLSFixture", "self_signed"]

MODES = ("refuse", "reset", "close", "abort", "half_close", "stall", "drip", "tls_handshake_cut",
         "tls_midstream_cut")
_TLS_MODES = ("tls_handshake_cut", "tls_midstream_cut")
_HEAD_END = b"\r\n\r\n"
_HEAD_LIMIT = 65536


class _Stopped(Exception):
    """The server was asked to stop, or a wait ran out of time."""


class FaultyServer:
    """A threaded loopback TCP server applying one fault to every connection."""

    def __init__(self, mode: str, *, family: int = socket.AF_INET, timeout: float = 5.0,
                 ssl_context: Optional[ssl.SSLContext] = None, drip_interval: float = 0.05,
                 drip_bytes: int = 20) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        if mode == "tls_midstream_cut" and ssl_context is None:
            raise ValueError("tls_midstream_cut needs a server ssl_context (see self_signed())")
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise ValueError("family must be AF_INET or AF_INET6")
        self.mode = mode
        self.family = family
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.drip_interval = drip_interval
        self.drip_bytes = drip_bytes
        self.host = "127.0.0.1" if family == socket.AF_INET else "::1"
        #: the listening port (0 until :meth:`start`)
        self.port: int = 0
        #: set when a connection was accepted / when the fault was applied to it
        self.accepted: threading.Event = threading.Event()
        self.faulted: threading.Event = threading.Event()
        #: exceptions the server thread met (a client vanishing is normal: they are kept for debugging)
        self.errors: List[BaseException] = []
        #: connections accepted so far
        self.connections: int = 0
        self._listener: Optional[socket.socket] = None
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._wake_r: Optional[socket.socket] = None
        self._wake_w: Optional[socket.socket] = None
        self._open: Set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def scheme(self) -> str:
        """``https`` for the TLS modes, else ``http``."""
        return "https" if self.mode in _TLS_MODES else "http"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/`` (``[::1]`` for IPv6)."""
        host = self.host if self.family == socket.AF_INET else f"[{self.host}]"
        return f"{self.scheme}://{host}:{self.port}/"

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FaultyServer:
        self.start()
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.stop()

    def start(self) -> None:
        """Bind (and, except for ``refuse``, listen and start the thread). Idempotent."""
        if self._listener is not None:
            return
        listener = socket.socket(self.family, socket.SOCK_STREAM)
        self._listener = listener
        try:
            listener.bind((self.host, 0))
            self.port = int(listener.getsockname()[1])
            if self.mode == "refuse":
                return
            listener.listen(8)
            listener.setblocking(False)
            self._wake_r, self._wake_w = socket.socketpair()
            self._thread = threading.Thread(target=self._serve, name=f"FaultyServer-{self.mode}",
                                            daemon=True)
            self._thread.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Wake the thread, join it (bounded) and close every socket. Idempotent."""
        self._stop.set()
        if self._wake_w is not None:
            with contextlib.suppress(OSError):
                self._wake_w.send(b"x")
        if self._thread is not None:
            self._thread.join(self.timeout + 2.0)
            self._thread = None
        with self._lock:
            leftovers = list(self._open)
            self._open.clear()
        for sock in [*leftovers, self._listener, self._wake_r, self._wake_w]:
            if sock is not None:
                sock.close()
        self._listener = self._wake_r = self._wake_w = None

    # -- server thread -----------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._listener is not None and self._wake_r is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self._listener, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            while not self._stop.is_set():
                ready = {key.fileobj for key, _ in sel.select()}
                if self._wake_r in ready or self._stop.is_set():
                    return
                try:
                    conn, _ = self._listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as exc:
                    self.errors.append(exc)
                    return
                self._track(conn)
                self.connections += 1
                self.accepted.set()
                try:
                    self._handle(conn)
                except _Stopped:
                    pass
                except Exception as exc:
                    self.errors.append(exc)
                finally:
                    self._untrack(conn)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
        sock.close()

    def _wait_readable(self, sock: socket.socket, deadline: float) -> None:
        """Return when ``sock`` is readable; raise :class:`_Stopped` on stop or at the deadline."""
        assert self._wake_r is not None
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Stopped
            ready = {key.fileobj for key, _ in sel.select(remaining)}
        if self._stop.is_set() or sock not in ready:
            raise _Stopped

    def _recv(self, sock: socket.socket, deadline: float, size: int = 65536) -> bytes:
        pending = getattr(sock, "pending", None)  # TLS: decrypted bytes already buffered
        if not (pending is not None and pending()):
            self._wait_readable(sock, deadline)
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        return sock.recv(size)

    def _read_head(self, sock: socket.socket, deadline: float) -> bytes:
        data = b""
        while _HEAD_END not in data and len(data) < _HEAD_LIMIT:
            chunk = self._recv(sock, deadline)
            if not chunk:
                break
            data += chunk
        return data

    def _recv_exact(self, sock: socket.socket, n: int, deadline: float) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self._recv(sock, deadline, n - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def _drain_until_eof(self, sock: socket.socket, deadline: float) -> None:
        while self._recv(sock, deadline):
            pass

    def _handle(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + self.timeout
        mode = self.mode
        if mode == "tls_handshake_cut":
            header = self._recv_exact(conn, 5, deadline)  # TLS record header: type, version, length
            if len(header) == 5:
                self._recv_exact(conn, struct.unpack("!H", header[3:5])[0], deadline)
            self.faulted.set()
            return  # closed by the caller: FIN in the middle of the handshake
        if mode == "tls_midstream_cut":
            assert self.ssl_context is not None
            conn.settimeout(self.timeout)
            tls = self.ssl_context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
            self._track(tls)
            try:
                tls.do_handshake()
                self._read_head(tls, deadline)
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
                            + b"x" * 100)
                self.faulted.set()
            finally:
                self._untrack(tls)  # SSLSocket.close() sends no close_notify: a truncation
            return
        self._read_head(conn, deadline)
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._untrack(conn)
            self.faulted.set()
        elif mode == "close":
            self._untrack(conn)
            self.faulted.set()
        elif mode == "abort":
            conn.shutdown(socket.SHUT_WR)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._untrack(conn)
            self.faulted.set()
        elif mode == "half_close":
            conn.shutdown(socket.SHUT_WR)
            self.faulted.set()
            self._drain_until_eof(conn, deadline)
        elif mode == "stall":
            self.faulted.set()
            self._drain_until_eof(conn, deadline)
        elif mode == "drip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                         % self.drip_bytes)
            for _ in range(self.drip_bytes):
                if self._stop.wait(self.drip_interval):  # the drip's pace, not synchronisation
                    break
                conn.sendall(b"x")
            self.faulted.set()


@dataclass(frozen=True)
class TLSFixture:
    """A throw-away CA and a certificate for localhost, 127.0.0.1 and ::1."""

    server_context: ssl.SSLContext
    client_context: ssl.SSLContext
    #: PEM of the CA (write it to a file for clients that want a path, like requests)
    ca_pem: bytes


def self_signed() -> TLSFixture:
    """Generate a CA and a server certificate with ``trustme`` (imported here, only when asked)."""
    import ssl

    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1", "::1")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return TLSFixture(server, client, ca.cert_pem.bytes())
