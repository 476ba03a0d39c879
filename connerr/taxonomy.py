"""The kinds of network failure connerr reports, with what each one means for a caller.

Every :class:`Kind` carries a one-line meaning, the ``side`` that caused it (``local``, ``remote``,
``network``, ``unknown``), the ``phase`` it usually happens in (``connect``, ``transfer``, ``close``,
``any``) and ``retry`` advice:

* ``safe``: nothing reached the peer's application; any request may be sent again.
* ``idempotent_only``: the request may have been processed; resend only idempotent ones.
* ``no``: retrying will not help (configuration, programming error, a name that does not exist).

``builtin`` names the exception CPython raises for the kind on Linux; the matching
:mod:`connerr.exceptions` class also derives from it.
"""

from __future__ import annotations

from enum import Enum

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, NamedTuple, Tuple
else:
    from connerr._fastindex import NamedTuple

__all__ = ["KIND_INFO", "PHASES", "RETRY", "SIDES", "Kind", "KindInfo"]

SIDES: Tuple[str, ...] = ("local", "remote", "network", "unknown")
PHASES: Tuple[str, ...] = ("connect", "transfer", "close", "any")
#: Retry advice, most permissive first.
RETRY: Tuple[str, ...] = ("safe", "idempotent_only", "no")


class Kind(str, Enum):
    """What went wrong, independent of OS, numbering and library (a DESIGN contract)."""

    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_RESET = "connection_reset"
    CONNECTION_ABORTED = "connection_aborted"
    BROKEN_PIPE = "broken_pipe"
    TIMED_OUT = "timed_out"
    HOST_UNREACHABLE = "host_unreachable"
    NETWORK_UNREACHABLE = "network_unreachable"
    NETWORK_DOWN = "network_down"
    NETWORK_RESET = "network_reset"
    HOST_DOWN = "host_down"
    NOT_CONNECTED = "not_connected"
    ALREADY_CONNECTED = "already_connected"
    ADDRESS_IN_USE = "address_in_use"
    ADDRESS_NOT_AVAILABLE = "address_not_available"
    WOULD_BLOCK = "would_block"
    IN_PROGRESS = "in_progress"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"
    SHUTDOWN = "shutdown"
    NAME_NOT_FOUND = "name_not_found"
    NAME_TEMPORARY_FAILURE = "name_temporary_failure"
    NAME_RESOLUTION_FAILED = "name_resolution_failed"
    TLS_EOF = "tls_eof"
    TLS_CERTIFICATE = "tls_certificate"
    TLS_PROTOCOL = "tls_protocol"
    REMOTE_DISCONNECTED = "remote_disconnected"
    PERMISSION_DENIED = "permission_denied"
    RESOURCE_EXHAUSTED = "resource_exhausted"
    INVALID = "invalid"
    UNSUPPORTED = "unsupported"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def info(self) -> KindInfo:
        """The metadata row of this kind."""
        return KIND_INFO[self]

    @property
    def meaning(self) -> str:
        """One line: what happened."""
        return KIND_INFO[self].meaning

    @property
    def side(self) -> str:
        """Who caused it: local, remote, network or unknown."""
        return KIND_INFO[self].side

    @property
    def phase(self) -> str:
        """When it usually happens: connect, transfer, close or any."""
        return KIND_INFO[self].phase

    @property
    def retry(self) -> str:
        """Retry advice when nothing more is known: safe, idempotent_only or no."""
        return KIND_INFO[self].retry

    @property
    def class_name(self) -> str:
        """Name of the :mod:`connerr.exceptions` class for this kind (``ConnectionReset``)."""
        return KIND_INFO[self].class_name


class KindInfo(NamedTuple):
    """Metadata of one kind (a named tuple: ``import dataclasses`` would cost explain's start-up)."""

    kind: Kind
    meaning: str
    side: str
    phase: str
    retry: str
    #: the builtin exception CPython raises for this kind on Linux (dotted for module classes)
    builtin: str

    @property
    def class_name(self) -> str:
        """``connection_reset`` -> ``ConnectionReset``."""
        return "".join(part.capitalize() for part in self.kind.value.split("_"))


_ROWS: Tuple[Tuple[Kind, str, str, str, str, str], ...] = (
    # kind, side, phase, retry, builtin, meaning
    (Kind.CONNECTION_REFUSED, "remote", "connect", "safe", "ConnectionRefusedError",
     "Nothing accepted the connection: no listener on that port (the host answered with RST)."),
    (Kind.CONNECTION_RESET, "remote", "transfer", "idempotent_only", "ConnectionResetError",
     "The peer (or a middlebox) reset an established connection."),
    (Kind.CONNECTION_ABORTED, "local", "transfer", "idempotent_only", "ConnectionAbortedError",
     "The local stack aborted the connection (Windows: often the peer closed while we wrote)."),
    (Kind.BROKEN_PIPE, "remote", "transfer", "idempotent_only", "BrokenPipeError",
     "Write after the peer closed the connection."),
    (Kind.TIMED_OUT, "network", "any", "idempotent_only", "TimeoutError",
     "No answer in time: a client timeout or the OS giving up on the peer."),
    (Kind.HOST_UNREACHABLE, "network", "connect", "safe", "OSError",
     "No route to the host."),
    (Kind.NETWORK_UNREACHABLE, "network", "connect", "safe", "OSError",
     "No route to the destination network."),
    (Kind.NETWORK_DOWN, "local", "any", "idempotent_only", "OSError",
     "The local network interface or stack is down."),
    (Kind.NETWORK_RESET, "network", "transfer", "idempotent_only", "OSError",
     "The network dropped the connection (keep-alive failure, reset by the network)."),
    (Kind.HOST_DOWN, "remote", "connect", "safe", "OSError",
     "The peer host is down."),
    (Kind.NOT_CONNECTED, "local", "any", "no", "OSError",
     "The socket is not connected (used before connect, or after the peer went away)."),
    (Kind.ALREADY_CONNECTED, "local", "connect", "no", "OSError",
     "The socket is already connected."),
    (Kind.ADDRESS_IN_USE, "local", "connect", "no", "OSError",
     "The local address and port are already in use."),
    (Kind.ADDRESS_NOT_AVAILABLE, "local", "connect", "no", "OSError",
     "The requested local address does not exist on this host (or no ephemeral port is left)."),
    (Kind.WOULD_BLOCK, "local", "any", "safe", "BlockingIOError",
     "A non-blocking call would block; nothing happened yet."),
    (Kind.IN_PROGRESS, "local", "connect", "no", "BlockingIOError",
     "A non-blocking operation (usually connect) is still in progress: wait, do not retry."),
    (Kind.INTERRUPTED, "local", "any", "safe", "InterruptedError",
     "A signal interrupted the call before it did anything."),
    (Kind.CANCELLED, "local", "any", "no", "OSError",
     "The operation was cancelled locally (closed socket, cancelled I/O)."),
    (Kind.SHUTDOWN, "local", "transfer", "no", "BrokenPipeError",
     "Send after this side shut the socket down for writing."),
    (Kind.NAME_NOT_FOUND, "network", "connect", "no", "socket.gaierror",
     "The host name does not exist or has no address of the wanted family."),
    (Kind.NAME_TEMPORARY_FAILURE, "network", "connect", "safe", "socket.gaierror",
     "The resolver failed temporarily; the same name may resolve later."),
    (Kind.NAME_RESOLUTION_FAILED, "network", "connect", "no", "socket.gaierror",
     "Name resolution failed for a reason the resolver calls permanent, or did not say."),
    (Kind.TLS_EOF, "remote", "any", "idempotent_only", "ssl.SSLEOFError",
     "The TLS stream ended before it was complete (TCP closed without close_notify)."),
    (Kind.TLS_CERTIFICATE, "remote", "connect", "no", "ssl.SSLCertVerificationError",
     "The peer's certificate was not accepted (untrusted, expired, wrong name)."),
    (Kind.TLS_PROTOCOL, "remote", "any", "no", "ssl.SSLError",
     "The TLS exchange failed (version, cipher, alert, not TLS at all)."),
    (Kind.REMOTE_DISCONNECTED, "remote", "transfer", "idempotent_only", "ConnectionResetError",
     "The peer closed the connection before a complete response (EOF, not RST)."),
    (Kind.PERMISSION_DENIED, "local", "any", "no", "PermissionError",
     "The OS or a firewall refused the operation for this process."),
    (Kind.RESOURCE_EXHAUSTED, "local", "any", "safe", "OSError",
     "Out of descriptors, buffers, memory or ports; retry after backing off."),
    (Kind.INVALID, "local", "any", "no", "OSError",
     "Invalid argument, descriptor or address passed by the caller."),
    (Kind.UNSUPPORTED, "local", "any", "no", "OSError",
     "Operation, family, protocol or socket type not supported here."),
    (Kind.UNKNOWN, "unknown", "any", "no", "OSError",
     "Not a network failure connerr recognises."),
)

#: Kind -> metadata (one declarative table).
KIND_INFO: Dict[Kind, KindInfo] = {
    kind: KindInfo(kind, meaning, side, phase, retry, builtin)
    for kind, side, phase, retry, builtin, meaning in _ROWS
}
