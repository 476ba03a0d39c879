"""Real loopback servers that fail on purpose, for tests and ``connerr probe``.

::

    with FaultyServer("reset") as server:        # IPv4 by default; family=socket.AF_INET6 for ::1
        requests.get(server.url)                 # -> ConnectionResetError inside requests' wrapper

Modes (each connection is handled the same way, one after the other):

``refuse``             bound but not listening: connecting is refused (RST to SYN).
``reset``              reads the request (its head and a ``Content-Length`` body), sets SO_LINGER 0
                       and closes: RST.
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

``protocol`` says what the server reads (and first says) before the fault, so that clients of other
protocols reach the point where it bites:

``http``        (default) reads the request head.
``raw``         reads whatever the client sends first (Redis, MongoDB, Kafka, AMQP, gRPC...).
``smtp``, ``ftp``, ``pop3``, ``imap``
                sends the protocol's greeting (``220``, ``+OK``, ``* OK``), then reads the client's
                first command line.
``mysql``       sends a MySQL protocol-10 handshake, then reads the client's login packet.
``postgresql``  answers the client's SSLRequest with ``N`` (``S`` in the TLS modes, so that the
                handshake follows), then reads its startup message.

In the TLS modes the STARTTLS of ``smtp`` (``STARTTLS``), ``ftp`` (``AUTH TLS``), ``pop3``
(``STLS``) and ``imap`` (``STARTTLS``) is accepted before the handshake is cut.

``fail_times=N`` fails only the first N connections: later ones read the request and get
``HTTP/1.1 200 OK`` with the body ``ok`` (``Connection: close``), so that a test can show a retry
succeeding (not with ``refuse``: a port that refuses cannot later accept).

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

__all__ = ["MODES", "PROTOCOLS", "FaultyServer", "TLSFixture", "self_signed"]

MODES = (
    "refuse",
    "reset",
    "close",
    "abort",
    "half_close",
    "stall",
    "drip",
    "tls_handshake_cut",
    "tls_midstream_cut",
)
PROTOCOLS = ("http", "raw", "smtp", "ftp", "pop3", "imap", "mysql", "postgresql")
#: what the server says first, and what it answers to the client's STARTTLS (RFC 3207, 4217, 2595)
_GREETINGS = {
    "smtp": (b"220 faulty ESMTP connerr\r\n", b"220 2.0.0 Ready to start TLS\r\n"),
    "ftp": (b"220 faulty FTP connerr\r\n", b"234 AUTH TLS successful\r\n"),
    "pop3": (b"+OK faulty POP3 connerr\r\n", b"+OK Begin TLS negotiation\r\n"),
    "imap": (
        b"* OK [CAPABILITY IMAP4rev1 STARTTLS] faulty IMAP connerr\r\n",
        b"{tag} OK Begin TLS negotiation now\r\n",
    ),
}
_PG_SSL_REQUEST = 80877103  # PostgreSQL's SSLRequest code (src/include/libpq/pqcomm.h)
_TLS_MODES = ("tls_handshake_cut", "tls_midstream_cut")
_HEAD_END = b"\r\n\r\n"
_HEAD_LIMIT = 65536


class _Stopped(Exception):
    """The server was asked to stop, or a wait ran out of time."""


class FaultyServer:
    """A threaded loopback TCP server applying one fault to every connection."""

    def __init__(
        self,
        mode: str,
        *,
        family: int = socket.AF_INET,
        timeout: float = 5.0,
        ssl_context: Optional[ssl.SSLContext] = None,
        drip_interval: float = 0.05,
        drip_bytes: int = 20,
        protocol: str = "http",
        fail_times: Optional[int] = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
        if fail_times is not None and (
            fail_times < 0 or mode == "refuse" or mode in _TLS_MODES or protocol != "http"
        ):
            raise ValueError("fail_times is a count >= 0, for the plain-HTTP modes other than refuse")
        if mode == "tls_midstream_cut" and ssl_context is None:
            raise ValueError("tls_midstream_cut needs a server ssl_context (see self_signed())")
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise ValueError("family must be AF_INET or AF_INET6")
        self.mode = mode
        self.protocol = protocol
        #: connections after the first ``fail_times`` succeed (None: every connection fails)
        self.fail_times = fail_times
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

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
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
            self._thread = threading.Thread(target=self._serve, name=f"FaultyServer-{self.mode}", daemon=True)
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

    def _read_body(self, sock: socket.socket, head: bytes, deadline: float) -> None:
        """The rest of a ``Content-Length`` body whose start came with ``head`` (at most 1 MB)."""
        header, _, start = head.partition(_HEAD_END)
        for line in header.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and value.strip().isdigit():
                missing = min(int(value), 1 << 20) - len(start)
                if missing > 0:
                    self._recv_exact(sock, missing, deadline)
                return

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

    def _read_line(self, sock: socket.socket, deadline: float) -> bytes:
        data = b""
        while b"\n" not in data and len(data) < _HEAD_LIMIT:
            chunk = self._recv(sock, deadline, 1)  # byte by byte: what follows may be a TLS record
            if not chunk:
                break
            data += chunk
        return data

    def _opening(self, conn: socket.socket, deadline: float) -> None:
        """The protocol's exchange before the fault: its greeting, and the client's first message
        (in the TLS modes, up to the client's ClientHello)."""
        protocol, tls = self.protocol, self.mode in _TLS_MODES
        if protocol in _GREETINGS:
            greeting, starttls = _GREETINGS[protocol]
            conn.sendall(greeting)
            line = self._read_line(conn, deadline)
            while tls and line and not _asks_for_tls(line):
                # EHLO, CAPA, CAPABILITY...: answer OK until the client asks for TLS
                tag = line.split(b" ")[0] if protocol == "imap" else b""
                conn.sendall(_ok(protocol, tag))
                line = self._read_line(conn, deadline)
            if tls and line:
                tag = line.split(b" ")[0] if protocol == "imap" else b""
                conn.sendall(starttls.replace(b"{tag}", tag))
        elif protocol == "mysql":
            conn.sendall(_mysql_handshake(tls))
            # the login packet, or (TLS) the short SSL request that precedes the ClientHello
            self._recv_exact(conn, 4 + 32 if tls else 4, deadline)
            if not tls:
                self._recv(conn, deadline)
        elif protocol == "postgresql":
            first = self._recv_exact(conn, 8, deadline)
            if len(first) == 8 and struct.unpack("!ii", first)[1] == _PG_SSL_REQUEST:
                conn.sendall(b"S" if tls else b"N")
                if not tls:
                    first = self._recv_exact(conn, 8, deadline)
            if not tls and len(first) == 8:  # the startup message: length, then the rest of it
                self._recv_exact(conn, struct.unpack("!i", first[:4])[0] - 8, deadline)
        elif protocol == "raw" and not tls:
            self._recv(conn, deadline)
        elif protocol == "http" and not tls:
            self._read_head(conn, deadline)

    def _handle(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + self.timeout
        if self.fail_times is not None and self.connections > self.fail_times:
            self._read_body(conn, self._read_head(conn, deadline), deadline)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            return
        if self.protocol != "http":
            self._opening(conn, deadline)
        if self.mode == "tls_handshake_cut":
            header = self._recv_exact(conn, 5, deadline)  # TLS record header: type, version, length
            if len(header) == 5:
                self._recv_exact(conn, struct.unpack("!H", header[3:5])[0], deadline)
            self.faulted.set()
            return  # closed by the caller: FIN in the middle of the handshake
        if self.mode == "tls_midstream_cut":
            self._cut_midstream(conn, deadline)
            return
        if self.protocol == "http":
            head = self._read_head(conn, deadline)
            if self.mode == "reset":  # the whole request: a client still sending its body would
                self._read_body(conn, head, deadline)  # see EPIPE first, and then maybe only EOF
        self._fault(conn, deadline)

    def _cut_midstream(self, conn: socket.socket, deadline: float) -> None:
        """Complete TLS, read the request, send part of a response and close without close_notify."""
        assert self.ssl_context is not None
        conn.settimeout(self.timeout)
        tls = self.ssl_context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        self._track(tls)
        try:
            tls.do_handshake()
            if self.protocol == "http":
                self._read_head(tls, deadline)
            elif self.protocol == "raw":
                self._recv(tls, deadline)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" + b"x" * 100)
            self.faulted.set()
        finally:
            self._untrack(tls)  # SSLSocket.close() sends no close_notify: a truncation

    def _fault(self, conn: socket.socket, deadline: float) -> None:
        """The plain-TCP faults, once the opening is read."""
        mode = self.mode
        if mode in ("reset", "abort"):
            if mode == "abort":
                conn.shutdown(socket.SHUT_WR)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._untrack(conn)
            self.faulted.set()
        elif mode == "close":
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
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % self.drip_bytes
            )
            for _ in range(self.drip_bytes):
                if self._stop.wait(self.drip_interval):  # the drip's pace, not synchronisation
                    break
                conn.sendall(b"x")
            self.faulted.set()


def _asks_for_tls(line: bytes) -> bool:
    """``STARTTLS`` (SMTP, IMAP with its tag), ``STLS`` (POP3), ``AUTH TLS`` (FTP)."""
    return line.upper().split()[-1:] in ([b"STARTTLS"], [b"STLS"], [b"TLS"])


def _ok(protocol: str, tag: bytes) -> bytes:
    """A positive answer to any command before STARTTLS (EHLO, CAPA, CAPABILITY, FEAT...)."""
    if protocol == "smtp":
        return b"250-faulty\r\n250 STARTTLS\r\n"
    if protocol == "pop3":
        return b"+OK\r\nSTLS\r\n.\r\n"
    if protocol == "imap":
        return b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + b" OK done\r\n"
    return b"200 OK\r\n"


def _mysql_handshake(tls: bool) -> bytes:
    """A MySQL protocol-10 initial handshake packet (sql/auth/sql_authentication.cc,
    ``send_server_handshake_packet``): version, thread id, 20 bytes of salt, capabilities
    (LONG_PASSWORD, PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH; SSL in the TLS modes), utf8mb4,
    status, plugin name."""
    capabilities = 0x1 | 0x200 | 0x8000 | 0x80000 | (0x800 if tls else 0)
    payload = (
        b"\x0a"
        + b"8.0.0-connerr\x00"
        + struct.pack("<I", 1)
        + b"abcdefgh\x00"
        + struct.pack("<H", capabilities & 0xFFFF)
        + b"\xff"
        + struct.pack("<H", 2)
        + struct.pack("<H", capabilities >> 16)
        + bytes([21])
        + b"\x00" * 10
        + b"ijklmnopqrst\x00"
        + b"mysql_native_password\x00"
    )
    return struct.pack("<I", len(payload))[:3] + b"\x00" + payload


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
