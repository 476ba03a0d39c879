"""One exception class per :class:`~connerr.taxonomy.Kind`, each also the builtin CPython raises.

The hierarchy (every class also derives from the builtin in brackets, so existing ``except``
clauses keep catching what :func:`connerr.translate` raises)::

    Exception
     +-- ConnError                    root; never raised itself
          +-- ConnectionRefused       [ConnectionRefusedError]
          +-- ConnectionReset         [ConnectionResetError]
          +-- ConnectionAborted       [ConnectionAbortedError]
          +-- BrokenPipe              [BrokenPipeError]
          +-- Shutdown                [BrokenPipeError]
          +-- RemoteDisconnected      [ConnectionResetError, like http.client.RemoteDisconnected]
          +-- TimedOut                [TimeoutError; on 3.9 also socket.timeout]
          +-- HostUnreachable         [OSError]
          +-- NetworkUnreachable      [OSError]
          +-- NetworkDown             [OSError]
          +-- NetworkReset            [OSError]
          +-- HostDown                [OSError]
          +-- NotConnected            [OSError]
          +-- AlreadyConnected        [OSError]
          +-- AddressInUse            [OSError]
          +-- AddressNotAvailable     [OSError]
          +-- WouldBlock              [BlockingIOError]
          +-- InProgress              [BlockingIOError]
          +-- Interrupted             [InterruptedError]
          +-- Cancelled               [OSError]
          +-- NameNotFound            [socket.gaierror]
          +-- NameTemporaryFailure    [socket.gaierror]
          +-- NameResolutionFailed    [socket.gaierror]
          +-- TlsEof                  [ssl.SSLEOFError]               (built on first access)
          +-- TlsCertificate          [ssl.SSLCertVerificationError]  (built on first access)
          +-- TlsProtocol             [ssl.SSLError]                  (built on first access)
          +-- PermissionDenied        [PermissionError]
          +-- ResourceExhausted       [OSError]
          +-- Invalid                 [OSError]
          +-- Unsupported             [OSError]
          +-- Unknown                 [OSError]

Why the TLS classes are lazy: importing :mod:`ssl` loads OpenSSL, which ``import connerr`` and the
CLI must not pay for. The three TLS classes are created by this module's ``__getattr__``
(PEP 562) the first time anything asks for them -- an ``except connerr.TlsEof`` clause, pickle
looking up ``connerr.exceptions.TlsEof``, or :func:`class_for`. That is robust in a way "define them
when somebody else imports ssl" is not: it never depends on import order, and the classes exist
exactly once. Without an ``ssl`` module (a Python built without OpenSSL) they derive from OSError.

Every instance carries ``.kind`` (a class attribute), ``.diagnosis`` (the
:class:`~connerr.diagnosis.Diagnosis` it was raised from, or one computed from the class) and, when
raised by :func:`connerr.translate`, ``__cause__`` = the original exception. Instances pickle.
"""

from __future__ import annotations

import socket
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Optional, Tuple, Type

from connerr.taxonomy import Kind

if TYPE_CHECKING:
    import ssl

    from connerr.diagnosis import Diagnosis

__all__ = [
    "AddressInUse", "AddressNotAvailable", "AlreadyConnected", "BrokenPipe", "Cancelled",
    "ConnError", "ConnectionAborted", "ConnectionRefused", "ConnectionReset", "HostDown",
    "HostUnreachable", "InProgress", "Interrupted", "Invalid", "NameNotFound",
    "NameResolutionFailed", "NameTemporaryFailure", "NetworkDown", "NetworkReset",
    "NetworkUnreachable", "NotConnected", "PermissionDenied", "RemoteDisconnected",
    "ResourceExhausted", "Shutdown", "TimedOut", "TlsCertificate", "TlsEof", "TlsProtocol",
    "Unknown", "Unsupported", "WouldBlock", "class_for", "from_diagnosis",
]


class ConnError(Exception):
    """Root of every connerr exception; never raised directly."""

    kind: ClassVar[Kind] = Kind.UNKNOWN

    @property
    def diagnosis(self) -> Diagnosis:
        """The diagnosis this exception was raised from (computed from the class if none)."""
        stored = self.__dict__.get("_diagnosis")
        if stored is not None:
            return stored  # type: ignore[no-any-return]
        from connerr.normalize import normalize

        return normalize(self)


class ConnectionRefused(ConnError, ConnectionRefusedError):
    """Nothing accepted the connection."""

    kind = Kind.CONNECTION_REFUSED


class ConnectionReset(ConnError, ConnectionResetError):
    """The peer reset an established connection."""

    kind = Kind.CONNECTION_RESET


class ConnectionAborted(ConnError, ConnectionAbortedError):
    """The local stack aborted the connection."""

    kind = Kind.CONNECTION_ABORTED


class BrokenPipe(ConnError, BrokenPipeError):
    """Write after the peer closed."""

    kind = Kind.BROKEN_PIPE


class Shutdown(ConnError, BrokenPipeError):
    """Send after this side shut the socket down."""

    kind = Kind.SHUTDOWN


class RemoteDisconnected(ConnError, ConnectionResetError):
    """The peer closed before a complete response."""

    kind = Kind.REMOTE_DISCONNECTED


if sys.version_info >= (3, 10):  # socket.timeout is TimeoutError since 3.10 (bpo-42413)

    class TimedOut(ConnError, TimeoutError):
        """No answer in time."""

        kind = Kind.TIMED_OUT

else:

    class TimedOut(ConnError, TimeoutError, socket.timeout):
        """No answer in time."""

        kind = Kind.TIMED_OUT


class HostUnreachable(ConnError, OSError):
    """No route to the host."""

    kind = Kind.HOST_UNREACHABLE


class NetworkUnreachable(ConnError, OSError):
    """No route to the network."""

    kind = Kind.NETWORK_UNREACHABLE


class NetworkDown(ConnError, OSError):
    """The local network is down."""

    kind = Kind.NETWORK_DOWN


class NetworkReset(ConnError, OSError):
    """The network dropped the connection."""

    kind = Kind.NETWORK_RESET


class HostDown(ConnError, OSError):
    """The peer host is down."""

    kind = Kind.HOST_DOWN


class NotConnected(ConnError, OSError):
    """The socket is not connected."""

    kind = Kind.NOT_CONNECTED


class AlreadyConnected(ConnError, OSError):
    """The socket is already connected."""

    kind = Kind.ALREADY_CONNECTED


class AddressInUse(ConnError, OSError):
    """The local address is in use."""

    kind = Kind.ADDRESS_IN_USE


class AddressNotAvailable(ConnError, OSError):
    """The local address is not available."""

    kind = Kind.ADDRESS_NOT_AVAILABLE


class WouldBlock(ConnError, BlockingIOError):
    """A non-blocking call would block."""

    kind = Kind.WOULD_BLOCK


class InProgress(ConnError, BlockingIOError):
    """A non-blocking operation is in progress."""

    kind = Kind.IN_PROGRESS


class Interrupted(ConnError, InterruptedError):
    """A signal interrupted the call."""

    kind = Kind.INTERRUPTED


class Cancelled(ConnError, OSError):
    """The operation was cancelled locally."""

    kind = Kind.CANCELLED


class NameNotFound(ConnError, socket.gaierror):
    """The host name does not exist."""

    kind = Kind.NAME_NOT_FOUND


class NameTemporaryFailure(ConnError, socket.gaierror):
    """The resolver failed temporarily."""

    kind = Kind.NAME_TEMPORARY_FAILURE


class NameResolutionFailed(ConnError, socket.gaierror):
    """Name resolution failed."""

    kind = Kind.NAME_RESOLUTION_FAILED


class PermissionDenied(ConnError, PermissionError):
    """The OS refused the operation."""

    kind = Kind.PERMISSION_DENIED


class ResourceExhausted(ConnError, OSError):
    """Out of local resources."""

    kind = Kind.RESOURCE_EXHAUSTED


class Invalid(ConnError, OSError):
    """Invalid argument."""

    kind = Kind.INVALID


class Unsupported(ConnError, OSError):
    """Not supported here."""

    kind = Kind.UNSUPPORTED


class Unknown(ConnError, OSError):
    """Not a failure connerr recognises (never raised by translate)."""

    kind = Kind.UNKNOWN


if TYPE_CHECKING:  # what the lazily built classes look like to a type checker

    class TlsEof(ConnError, ssl.SSLEOFError):
        """The peer cut TLS without close_notify."""

    class TlsCertificate(ConnError, ssl.SSLCertVerificationError):
        """The peer's certificate was rejected."""

    class TlsProtocol(ConnError, ssl.SSLError):
        """The TLS exchange failed."""


#: lazily built class name -> (kind, ssl base class name, docstring)
_TLS: Dict[str, Tuple[Kind, str, str]] = {
    "TlsEof": (Kind.TLS_EOF, "SSLEOFError", "The peer cut TLS without close_notify."),
    "TlsCertificate": (Kind.TLS_CERTIFICATE, "SSLCertVerificationError",
                       "The peer's certificate was rejected."),
    "TlsProtocol": (Kind.TLS_PROTOCOL, "SSLError", "The TLS exchange failed."),
}


def _build_tls(name: str) -> Type[ConnError]:
    kind, base_name, doc = _TLS[name]
    try:
        import ssl
    except ImportError:  # Python without OpenSSL
        base: type = OSError
    else:
        base = getattr(ssl, base_name)
    cls = type(name, (ConnError, base), {"kind": kind, "__doc__": doc, "__module__": __name__})
    globals()[name] = cls
    return cls


def __getattr__(name: str) -> Any:
    if name in _TLS:
        return _build_tls(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def class_for(kind: Kind) -> Type[ConnError]:
    """The exception class of ``kind``."""
    name = kind.class_name
    cls = globals().get(name)
    if cls is None:
        cls = _build_tls(name)
    return cls


def _args_from(source: Optional[BaseException], message: str) -> Tuple[Any, ...]:
    """Constructor args keeping ``.errno``/``.strerror`` (and, on Windows, ``.winerror``)."""
    if isinstance(source, OSError):
        number = source.errno
        text = source.strerror
        if isinstance(number, int) and not isinstance(number, bool) and isinstance(text, str):
            winerror = getattr(source, "winerror", None)
            if sys.platform == "win32" and isinstance(winerror, int):
                return (number, text, None, winerror)
            return (number, text)
    return (message,)


def from_diagnosis(diagnosis: Diagnosis, source: Optional[BaseException] = None) -> ConnError:
    """A new (unraised) instance of the kind's class carrying ``diagnosis``.

    ``source`` is the exception whose errno and text the new one should show (by default the
    diagnosis' own evidence).
    """
    cls = class_for(diagnosis.kind)
    if source is None:
        source = diagnosis.source
    exc = cls(*_args_from(source, diagnosis.message or diagnosis.kind.meaning))
    exc.__dict__["_diagnosis"] = diagnosis
    return exc
