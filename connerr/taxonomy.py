"""The kinds of network failure connerr reports, with what each one means for a caller.

:class:`Kind` is the one kind table: every member carries a one-line meaning, the ``side`` that
caused it (``local``, ``remote``, ``network``, ``unknown``), the ``phase`` it usually happens in
(``connect``, ``transfer``, ``close``, ``any``), ``retry`` advice, whether it is a failure of
``network`` I/O (only those are translated) and the ``builtin`` exception CPython raises for it on
Linux:

* ``safe``: nothing reached the peer's application; any request may be sent again.
* ``idempotent_only``: the request may have been processed; resend only idempotent ones.
* ``no``: retrying will not help (configuration, programming error, a name that does not exist).

The exception classes of :mod:`connerr.exceptions` and the package's export list are generated from
this table by ``tools/gen_api.py``; the docs' kind pages are built from it.
"""

from __future__ import annotations

from enum import Enum
from types import MappingProxyType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, Mapping, NamedTuple, Tuple
else:
    from connerr._namedtuple import NamedTuple

__all__ = ["DIAGNOSIS_PHASES", "KIND_INFO", "NETWORK_KINDS", "PHASES", "RETRY", "SIDES", "Kind", "KindInfo"]

SIDES: Tuple[str, ...] = ("local", "remote", "network", "unknown")
#: When a kind usually happens.
PHASES: Tuple[str, ...] = ("connect", "transfer", "close", "any")
#: Where a diagnosed failure happened: ``request`` and ``body`` refine ``transfer`` (the request
#: was, at least partly, sent and no response head came back / the response body was cut).
DIAGNOSIS_PHASES: Tuple[str, ...] = ("connect", "request", "body", "transfer", "close", "any")
#: Retry advice, most permissive first.
RETRY: Tuple[str, ...] = ("safe", "idempotent_only", "no")


# fmt: off
class Kind(str, Enum):
    """What went wrong, independent of OS, numbering and library (stable: part of the public contract).

    Each member is written ``value, side, phase, retry, network, builtin, meaning``.
    """

    _value_: str
    #: who caused it: local, remote, network or unknown
    side: str
    #: when it usually happens: connect, transfer, close or any
    phase: str
    #: retry advice when nothing more is known: safe, idempotent_only or no
    retry: str
    #: a failure of network I/O (what :func:`connerr.translate` re-raises); False for kinds that
    #: files, pipes and arguments share (would_block, interrupted, permission_denied, invalid...)
    network: bool
    #: the builtin exception CPython raises for this kind on Linux (dotted for module classes)
    builtin: str
    #: one line: what happened
    meaning: str

    if not TYPE_CHECKING:  # type checkers keep seeing Kind(value) as the lookup by value it is

        def __new__(cls, value: str, side: str, phase: str, retry: str, network: bool,  # noqa: PLR0917
                    builtin: str, meaning: str) -> Kind:
            member = str.__new__(cls, value)
            member._value_ = value
            member.side, member.phase, member.retry, member.network = side, phase, retry, network
            member.builtin, member.meaning = builtin, meaning
            return member

    CONNECTION_REFUSED = (
        "connection_refused", "remote", "connect", "safe", True, "ConnectionRefusedError",
        "Nothing accepted the connection: no listener on that port (the host answered with RST).")
    CONNECTION_RESET = (
        "connection_reset", "remote", "transfer", "idempotent_only", True, "ConnectionResetError",
        "The peer (or a middlebox) reset an established connection.")
    CONNECTION_ABORTED = (
        "connection_aborted", "local", "transfer", "idempotent_only", True, "ConnectionAbortedError",
        "The local stack aborted the connection (Windows: often the peer closed while we wrote).")
    BROKEN_PIPE = (
        "broken_pipe", "remote", "transfer", "idempotent_only", True, "BrokenPipeError",
        "Write after the peer closed the connection.")
    TIMED_OUT = (
        "timed_out", "network", "any", "idempotent_only", True, "TimeoutError",
        "No answer in time: a client timeout or the OS giving up on the peer.")
    HOST_UNREACHABLE = (
        "host_unreachable", "network", "connect", "safe", True, "OSError",
        "No route to the host.")
    NETWORK_UNREACHABLE = (
        "network_unreachable", "network", "connect", "safe", True, "OSError",
        "No route to the destination network.")
    NETWORK_DOWN = (
        "network_down", "local", "any", "idempotent_only", True, "OSError",
        "The local network interface or stack is down.")
    NETWORK_RESET = (
        "network_reset", "network", "transfer", "idempotent_only", True, "OSError",
        "The network dropped the connection (keep-alive failure, reset by the network).")
    HOST_DOWN = (
        "host_down", "remote", "connect", "safe", True, "OSError",
        "The peer host is down.")
    NOT_CONNECTED = (
        "not_connected", "local", "any", "no", True, "OSError",
        "The socket is not connected (used before connect, or after the peer went away).")
    ALREADY_CONNECTED = (
        "already_connected", "local", "connect", "no", True, "OSError",
        "The socket is already connected.")
    ADDRESS_IN_USE = (
        "address_in_use", "local", "connect", "no", True, "OSError",
        "The local address and port are already in use.")
    ADDRESS_NOT_AVAILABLE = (
        "address_not_available", "local", "connect", "no", True, "OSError",
        "The requested local address does not exist on this host (or no ephemeral port is left).")
    WOULD_BLOCK = (
        "would_block", "local", "any", "safe", False, "BlockingIOError",
        "A non-blocking call would block; nothing happened yet.")
    IN_PROGRESS = (
        "in_progress", "local", "connect", "no", True, "BlockingIOError",
        "A non-blocking operation (usually connect) is still in progress: wait, do not retry.")
    INTERRUPTED = (
        "interrupted", "local", "any", "safe", False, "InterruptedError",
        "A signal interrupted the call before it did anything.")
    CANCELLED = (
        "cancelled", "local", "any", "no", False, "OSError",
        "The operation was cancelled locally (closed socket, cancelled I/O).")
    SHUTDOWN = (
        "shutdown", "local", "transfer", "no", True, "BrokenPipeError",
        "Send after this side shut the socket down for writing.")
    NAME_NOT_FOUND = (
        "name_not_found", "network", "connect", "no", True, "socket.gaierror",
        "The host name does not exist or has no address of the wanted family.")
    NAME_TEMPORARY_FAILURE = (
        "name_temporary_failure", "network", "connect", "safe", True, "socket.gaierror",
        "The resolver failed temporarily; the same name may resolve later.")
    NAME_RESOLUTION_FAILED = (
        "name_resolution_failed", "network", "connect", "no", True, "socket.gaierror",
        "Name resolution failed for a reason the resolver calls permanent, or did not say.")
    TLS_EOF = (
        "tls_eof", "remote", "any", "idempotent_only", True, "ssl.SSLEOFError",
        "The TLS stream ended before it was complete (TCP closed without close_notify).")
    TLS_CERTIFICATE = (
        "tls_certificate", "remote", "connect", "no", True, "ssl.SSLCertVerificationError",
        "The peer's certificate was not accepted (untrusted, expired, wrong name).")
    TLS_PROTOCOL = (
        "tls_protocol", "remote", "any", "no", True, "ssl.SSLError",
        "The TLS exchange failed (version, cipher, alert, not TLS at all).")
    REMOTE_DISCONNECTED = (
        "remote_disconnected", "remote", "transfer", "idempotent_only", True, "ConnectionResetError",
        "The peer closed the connection before a complete response (EOF, not RST).")
    PERMISSION_DENIED = (
        "permission_denied", "local", "any", "no", False, "PermissionError",
        "The OS or a firewall refused the operation for this process.")
    RESOURCE_EXHAUSTED = (
        "resource_exhausted", "local", "any", "safe", False, "OSError",
        "Out of descriptors, buffers, memory or ports; retry after backing off.")
    INVALID = (
        "invalid", "local", "any", "no", False, "OSError",
        "Invalid argument, descriptor or address passed by the caller.")
    UNSUPPORTED = (
        "unsupported", "local", "any", "no", False, "OSError",
        "Operation, family, protocol or socket type not supported here.")
    UNKNOWN = (
        "unknown", "unknown", "any", "no", False, "OSError",
        "Not a network failure connerr recognises.")

    def __str__(self) -> str:
        return str(self.value)

    @property
    def info(self) -> KindInfo:
        """The metadata row of this kind."""
        return KIND_INFO[self]

    @property
    def class_name(self) -> str:
        """Name of the :mod:`connerr.exceptions` class for this kind (``ConnectionReset``)."""
        return "".join(part.capitalize() for part in self.value.split("_"))
# fmt: on


class KindInfo(NamedTuple):
    """The metadata of one kind as a tuple (what :data:`KIND_INFO` maps each kind to)."""

    kind: Kind
    meaning: str
    side: str
    phase: str
    retry: str
    builtin: str

    @property
    def class_name(self) -> str:
        """``connection_reset`` -> ``ConnectionReset``."""
        return self.kind.class_name


#: Kind -> metadata, read-only.
KIND_INFO: Mapping[Kind, KindInfo] = MappingProxyType(
    {kind: KindInfo(kind, kind.meaning, kind.side, kind.phase, kind.retry, kind.builtin) for kind in Kind}
)
#: The kinds of network I/O failures: what :func:`connerr.translate` re-raises as connerr's classes.
NETWORK_KINDS: FrozenSet[Kind] = frozenset(kind for kind in Kind if kind.network)

_BY_VALUE: Dict[str, Kind] = {kind.value: kind for kind in Kind}


def kind_of(value: str) -> Kind:
    """The kind whose value is ``value``, else :attr:`Kind.UNKNOWN` (a dict lookup: ``Kind(value)``
    is an Enum call, and the tables name kinds by value on every code read)."""
    return _BY_VALUE.get(value, Kind.UNKNOWN)
