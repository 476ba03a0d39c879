"""normalize() on constructed exceptions: every OS's shapes, library wrappers, odd input."""

from __future__ import annotations

import asyncio
import http.client
import json
import pickle
import socket
import ssl
import sys
import urllib.error
from typing import Any, List, Optional, Type

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connerr._diagnosis import Diagnosis
from connerr._normalize import MAX_NODES, normalize, retry_advice
from connerr.exceptions import from_diagnosis
from connerr.platforms import PLATFORMS
from connerr.taxonomy import RETRY, Kind

K = Kind


def fake(module: str, name: str, *bases: Type[BaseException]) -> Type[BaseException]:
    """A class that looks like a library's (detected by module and name, never imported)."""
    return type(name, bases or (Exception,), {"__module__": module})


# urllib3-like classes, with urllib3 2.x's real inheritance
U3Timeout = fake("urllib3.exceptions", "TimeoutError")
U3ConnectTimeout = fake("urllib3.exceptions", "ConnectTimeoutError", U3Timeout)
U3NewConnection = fake("urllib3.exceptions", "NewConnectionError", U3ConnectTimeout)
U3NameResolution = fake("urllib3.exceptions", "NameResolutionError", U3NewConnection)
U3Protocol = fake("urllib3.exceptions", "ProtocolError")
U3MaxRetry = fake("urllib3.exceptions", "MaxRetryError")
RqConnectionError = fake("requests.exceptions", "ConnectionError", OSError)
VendoredProtocol = fake("pip._vendor.urllib3.exceptions", "ProtocolError")


def max_retry(reason: BaseException) -> BaseException:
    exc = U3MaxRetry("Max retries exceeded")
    exc.reason = reason  # type: ignore[attr-defined]
    return exc


def caused(exc: BaseException, cause: BaseException) -> BaseException:
    exc.__cause__ = cause
    return exc


WINDOWS_CASES = [
    # (exception as recorded on Windows and read elsewhere, kind, name, domain)
    (
        OSError(22, "The specified network name is no longer available", None, 64, None),
        K.CONNECTION_RESET,
        "ERROR_NETNAME_DELETED",
        "win32",
    ),
    # asyncio proactor: ConnectionResetError(*exc.args) with errno EINVAL
    (
        ConnectionResetError(22, "The specified network name is no longer available", None, 64, None),
        K.CONNECTION_RESET,
        "ERROR_NETNAME_DELETED",
        "win32",
    ),
    (
        ConnectionResetError(22, "The I/O operation has been aborted", None, 995, None),
        K.CONNECTION_RESET,
        "ERROR_OPERATION_ABORTED",
        "win32",
    ),
    (
        OSError(22, "The I/O operation has been aborted", None, 995, None),
        K.CANCELLED,
        "ERROR_OPERATION_ABORTED",
        "win32",
    ),
    (
        ConnectionAbortedError(
            10053,
            "An established connection was aborted by the software in your host machine",
            None,
            10053,
            None,
        ),
        K.CONNECTION_ABORTED,
        "WSAECONNABORTED",
        "winsock",
    ),
    (
        ConnectionResetError(
            10054, "An existing connection was forcibly closed by the remote host", None, 10054, None
        ),
        K.CONNECTION_RESET,
        "WSAECONNRESET",
        "winsock",
    ),
    (
        OSError(10051, "A socket operation was attempted to an unreachable network", None, 10051, None),
        K.NETWORK_UNREACHABLE,
        "WSAENETUNREACH",
        "winsock",
    ),
    (
        OSError(22, "The remote computer refused the network connection", None, 1225, None),
        K.CONNECTION_REFUSED,
        "ERROR_CONNECTION_REFUSED",
        "win32",
    ),
    (
        OSError(10048, "Only one usage of each socket address", None, 10048, None),
        K.ADDRESS_IN_USE,
        "WSAEADDRINUSE",
        "winsock",
    ),
    (socket.gaierror(11001, "getaddrinfo failed"), K.NAME_NOT_FOUND, "EAI_NONAME", "eai"),
    (socket.gaierror(11002, "getaddrinfo failed"), K.NAME_TEMPORARY_FAILURE, "EAI_AGAIN", "eai"),
]


@pytest.mark.parametrize(("exc", "kind", "name", "domain"), WINDOWS_CASES)
def test_windows_shapes(exc: OSError, kind: Kind, name: str, domain: str) -> None:
    d = normalize(exc, platform="windows")
    assert (d.kind, d.name, d.domain, d.platform) == (kind, name, domain, "windows")


def test_windows_args_are_ignored_for_another_named_platform() -> None:
    d = normalize(ConnectionResetError(22, "x", None, 64, None), platform="linux")
    assert d.kind is K.CONNECTION_RESET and d.evidence == "type"  # never errno 22 (EINVAL)


def test_errno_is_read_on_its_platform() -> None:
    assert normalize(OSError(54, "Connection reset by peer"), platform="darwin").name == "ECONNRESET"
    assert normalize(OSError(61, "Connection refused"), platform="darwin").kind is K.CONNECTION_REFUSED
    assert normalize(OSError(131, "x"), platform="linux-mips").kind is K.CONNECTION_RESET
    d = normalize(OSError(104, "Connection reset by peer"), platform="linux")
    assert (d.name, d.number, d.domain, d.evidence) == ("ECONNRESET", 104, "errno", "errno")


@pytest.mark.parametrize(
    ("exc", "platform", "kind"),
    [
        (socket.gaierror(-2, "Name or service not known"), "linux", K.NAME_NOT_FOUND),
        (socket.gaierror(-3, "Temporary failure in name resolution"), "linux", K.NAME_TEMPORARY_FAILURE),
        (socket.gaierror(8, "nodename nor servname provided, or not known"), "darwin", K.NAME_NOT_FOUND),
        (socket.herror(1, "Unknown host"), None, K.NAME_NOT_FOUND),
        (socket.herror(2, "Host name lookup failure"), None, K.NAME_TEMPORARY_FAILURE),
    ],
)
def test_resolver_errors(exc: OSError, platform: Optional[str], kind: Kind) -> None:
    d = normalize(exc, platform=platform)
    assert d.kind is kind and d.phase == "connect"


STDLIB_CASES = [
    (ConnectionRefusedError(111, "Connection refused"), K.CONNECTION_REFUSED),
    (TimeoutError("timed out"), K.TIMED_OUT),
    (socket.timeout("timed out"), K.TIMED_OUT),
    (BrokenPipeError(32, "Broken pipe"), K.BROKEN_PIPE),
    (ssl.SSLEOFError(8, "EOF occurred in violation of protocol"), K.TLS_EOF),  # 8 is not an errno
    (ssl.SSLZeroReturnError(6, "TLS/SSL connection has been closed (EOF)"), K.TLS_EOF),
    (
        ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
        K.TLS_CERTIFICATE,
    ),
    (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), K.TLS_PROTOCOL),
    (ssl.SSLError(1, "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"), K.TLS_EOF),
    (http.client.RemoteDisconnected("Remote end closed connection without response"), K.REMOTE_DISCONNECTED),
    (http.client.IncompleteRead(b"x", 10), K.REMOTE_DISCONNECTED),
    (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), K.CONNECTION_REFUSED),
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), K.NAME_NOT_FOUND),
    (asyncio.IncompleteReadError(b"", 10), K.REMOTE_DISCONNECTED),
    (asyncio.TimeoutError(), K.TIMED_OUT),
    (asyncio.CancelledError(), K.CANCELLED),
    (OSError(99, "Cannot assign requested address"), K.ADDRESS_NOT_AVAILABLE),
    (KeyboardInterrupt(), K.UNKNOWN),
    (ValueError("bad"), K.UNKNOWN),
]


@pytest.mark.parametrize(("exc", "kind"), STDLIB_CASES)
def test_stdlib(exc: BaseException, kind: Kind) -> None:
    assert normalize(exc, platform="linux").kind is kind


def test_http_client_phases() -> None:
    assert normalize(http.client.RemoteDisconnected("x")).phase == "request"
    assert normalize(http.client.IncompleteRead(b"", 3)).phase == "body"


# -- library wrappers, detected by module and class name ---------------------------------------


def test_most_specific_wrapper_wins() -> None:
    # NewConnectionError derives from ConnectTimeoutError but is not a timeout
    d = normalize(U3NewConnection("Failed to establish a new connection"))
    assert d.kind is K.UNKNOWN and d.phase == "connect" and d.library == "urllib3"
    assert normalize(U3ConnectTimeout("timed out")).kind is K.TIMED_OUT


def test_requests_chain_gives_kind_and_phase() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    inner = caused(U3NewConnection("Failed to establish a new connection: [Errno 111]"), refused)
    d = normalize(RqConnectionError(max_retry(inner)))
    assert (d.kind, d.phase, d.retry, d.name, d.library) == (
        K.CONNECTION_REFUSED,
        "connect",
        "safe",
        "ECONNREFUSED",
        "requests",
    )
    assert d.source is refused and d.exception.endswith("ConnectionError")


def test_connection_aborted_means_the_request_was_sent() -> None:
    reset = ConnectionResetError(104, "Connection reset by peer")
    d = normalize(U3Protocol("Connection aborted.", reset), platform="linux")
    assert (d.kind, d.phase, d.retry) == (K.CONNECTION_RESET, "request", "idempotent_only")


def test_connection_broken_means_the_body() -> None:
    exc = VendoredProtocol(
        "Connection broken: IncompleteRead(10 bytes read, 5 more expected)",
        http.client.IncompleteRead(b"x" * 10, 5),
    )
    d = normalize(exc)
    assert (d.kind, d.phase, d.library) == (K.REMOTE_DISCONNECTED, "body", "urllib3")


def test_name_resolution_error_uses_the_gaierror_inside() -> None:
    exc = caused(U3NameResolution("Failed to resolve"), socket.gaierror(-3, "Temporary failure"))
    assert normalize(exc, platform="linux").kind is K.NAME_TEMPORARY_FAILURE
    assert normalize(U3NameResolution("Failed to resolve")).kind is K.NAME_RESOLUTION_FAILED


@pytest.mark.parametrize(
    ("module", "name", "text", "kind", "phase"),
    [
        ("httpx", "ConnectError", "", K.UNKNOWN, "connect"),
        ("httpx._exceptions", "ReadTimeout", "", K.TIMED_OUT, "transfer"),
        (
            "httpx",
            "RemoteProtocolError",
            "Server disconnected without sending a response.",
            K.REMOTE_DISCONNECTED,
            "request",
        ),
        (
            "httpcore",
            "RemoteProtocolError",
            "peer closed connection without sending complete message body",
            K.REMOTE_DISCONNECTED,
            "body",
        ),
        (
            "aiohttp.client_exceptions",
            "ServerDisconnectedError",
            "Server disconnected",
            K.REMOTE_DISCONNECTED,
            "request",
        ),
        ("aiohttp.client_exceptions", "ClientPayloadError", "", K.REMOTE_DISCONNECTED, "body"),
        ("websockets.exceptions", "ConnectionClosedError", "", K.REMOTE_DISCONNECTED, "transfer"),
        ("requests.exceptions", "ConnectTimeout", "", K.TIMED_OUT, "connect"),
    ],
)
def test_library_classes(module: str, name: str, text: str, kind: Kind, phase: str) -> None:
    d = normalize(fake(module, name)(text))
    assert (d.kind, d.phase) == (kind, phase)


def test_httpx_connect_error_over_errno() -> None:
    exc = caused(
        fake("httpx", "ConnectError")("[Errno 111] Connection refused"),
        caused(fake("httpcore", "ConnectError")(), ConnectionRefusedError(111, "refused")),
    )
    d = normalize(exc, platform="linux")
    assert (d.kind, d.phase, d.evidence, d.retry) == (K.CONNECTION_REFUSED, "connect", "errno", "safe")


def test_context_hidden_by_from_none_still_counts() -> None:
    # anyio raises EndOfStream "from None" over the SSLEOFError of a cut handshake
    end = fake("anyio", "EndOfStream")()
    end.__context__ = ssl.SSLEOFError(8, "EOF occurred in violation of protocol")
    end.__suppress_context__ = True
    assert normalize(caused(fake("httpx", "ConnectError")(""), end)).kind is K.TLS_EOF


# -- message text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[WinError 10053] An established connection was aborted", K.CONNECTION_ABORTED),
        ("[Errno 11001] getaddrinfo failed", K.NAME_NOT_FOUND),
        ("Cannot connect to host h:443 ssl:default [Name or service not known]", K.NAME_NOT_FOUND),
        ("远程主机强迫关闭了一个现有的连接。 [WinError 10054]", K.CONNECTION_RESET),
        ("nothing to see", K.UNKNOWN),
    ],
)
def test_message_text(text: str, kind: Kind) -> None:
    d = normalize(Exception(text), platform="linux")
    assert d.kind is kind
    assert d.evidence == ("none" if kind is K.UNKNOWN else "message")


# -- totality ---------------------------------------------------------------------------------


class BadStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no str")


class BadArgs(OSError):
    @property  # type: ignore[override]
    def args(self) -> Any:
        raise RuntimeError("no args")

    @property  # type: ignore[override]
    def errno(self) -> Any:
        raise RuntimeError("no errno")


@pytest.mark.parametrize(
    "exc",
    [
        OSError("a", "b"),
        OSError(None),
        OSError(2**100, "x"),
        OSError(True, "x"),
        OSError(1.5, "x"),
        OSError(),
        OSError(104, None),
        OSError(b"104", "x", None, "64", None),
        BadStr(),
        BadArgs(),
        Exception(object()),
        SystemExit(3),
        GeneratorExit(),
    ],
)
def test_odd_input(exc: BaseException) -> None:
    d = normalize(exc)
    assert isinstance(d, Diagnosis) and d.original is exc
    json.dumps(d.to_dict())


def test_cycles_end() -> None:
    a, b = ConnectionResetError(104, "x"), ValueError("b")
    a.__cause__, b.__cause__ = b, a
    a.__context__ = a
    assert normalize(b).kind is K.CONNECTION_RESET


def test_deep_chain_is_bounded() -> None:
    top: BaseException = ConnectionRefusedError(111, "refused")
    for i in range(10000):
        top = caused(ValueError(i), top)
    assert normalize(top).kind is K.UNKNOWN  # the refusal is beyond MAX_NODES
    near: BaseException = ConnectionRefusedError(111, "refused")
    for i in range(MAX_NODES - 2):
        near = caused(ValueError(i), near)
    assert normalize(near).kind is K.CONNECTION_REFUSED


@pytest.mark.skipif(sys.version_info < (3, 11), reason="ExceptionGroup is 3.11+")
def test_exception_group_members() -> None:
    group = BaseExceptionGroup("all failed", [ValueError("x"), ConnectionRefusedError(111, "r")])  # noqa: F821
    assert normalize(OSError("All connection attempts failed").with_traceback(None)).kind is K.UNKNOWN
    wrapper = caused(OSError("All connection attempts failed"), group)
    assert normalize(wrapper).kind is K.CONNECTION_REFUSED


def test_unknown_platform_tag_does_not_raise() -> None:
    assert normalize(OSError(104, "x"), platform="plan9").kind is K.CONNECTION_RESET


# -- diagnosis ------------------------------------------------------------------------------------


def test_to_dict_is_json_ready() -> None:
    d = normalize(
        OSError(22, "The specified network name is no longer available", None, 64, None), platform="windows"
    )
    data = json.loads(json.dumps(d.to_dict()))
    assert data["kind"] == "connection_reset" and data["name"] == "ERROR_NETNAME_DELETED"
    assert data["number"] == 64 and data["original"] == "OSError" and data["retry"] == "idempotent_only"
    assert any("args[3]" in note for note in data["notes"])


def test_diagnosis_pickles_even_with_an_unpicklable_original() -> None:
    class Local(ConnectionResetError):  # a local class cannot be pickled
        pass

    d = normalize(Local(104, "x"))
    back = pickle.loads(pickle.dumps(d))
    assert back.kind is K.CONNECTION_RESET and "Local" in str(back.original)


def test_stored_diagnosis_is_returned() -> None:
    d = normalize(BrokenPipeError(32, "Broken pipe"))
    assert normalize(from_diagnosis(d)) is d


@pytest.mark.parametrize(
    ("kind", "phase", "retry"),
    [
        (K.CONNECTION_REFUSED, "connect", "safe"),
        (K.TIMED_OUT, "connect", "safe"),
        (K.TIMED_OUT, "transfer", "idempotent_only"),
        (K.CONNECTION_RESET, "connect", "safe"),
        (K.CONNECTION_RESET, "request", "idempotent_only"),
        (K.INTERRUPTED, "any", "safe"),
        (K.RESOURCE_EXHAUSTED, "body", "idempotent_only"),
        (K.NAME_NOT_FOUND, "connect", "no"),
        (K.TLS_CERTIFICATE, "connect", "no"),
    ],
)
def test_retry_rule(kind: Kind, phase: str, retry: str) -> None:
    assert retry_advice(kind, phase) == retry


# -- property: never raises -----------------------------------------------------------------------

_CLASSES: List[Type[BaseException]] = [
    OSError,
    ConnectionResetError,
    BrokenPipeError,
    TimeoutError,
    socket.gaierror,
    socket.herror,
    ssl.SSLError,
    ssl.SSLEOFError,
    Exception,
    ValueError,
    KeyboardInterrupt,
    asyncio.CancelledError,
    http.client.IncompleteRead,
    U3Protocol,
    U3NewConnection,
    RqConnectionError,
    fake("httpx", "RemoteProtocolError"),
    fake("websockets.exceptions", "ConnectionClosed"),
]
_ARG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.sampled_from(["[Errno 104] x", "[WinError 64] y", "Connection aborted.", "timed out"]),
)


@st.composite
def exception_chains(draw: st.DrawFn) -> BaseException:
    nodes: List[BaseException] = []
    for _ in range(draw(st.integers(1, 6))):
        cls = draw(st.sampled_from(_CLASSES))
        args = draw(st.lists(_ARG, max_size=6))
        try:
            nodes.append(cls(*args))
        except Exception:
            nodes.append(cls.__new__(cls))  # never initialised: odder still
    for node in nodes:  # arbitrary links, cycles included
        node.__cause__ = draw(st.sampled_from([None, *nodes]))
        node.__context__ = draw(st.sampled_from([None, *nodes]))
        if draw(st.booleans()):
            node.reason = draw(st.sampled_from([None, "text", *nodes]))  # type: ignore[attr-defined]
    return nodes[0]


@settings(max_examples=300, deadline=None)
@given(exc=exception_chains(), platform=st.one_of(st.none(), st.sampled_from(PLATFORMS), st.text(max_size=8)))
def test_normalize_never_raises(exc: BaseException, platform: Optional[str]) -> None:
    d = normalize(exc, platform=platform)
    assert isinstance(d.kind, Kind) and d.retry in RETRY and d.original is exc
    json.dumps(d.to_dict())


def test_plain_oserror_cache_gives_the_full_answer() -> None:
    from dataclasses import fields

    from connerr import _normalize as module

    errors = [
        ConnectionResetError(104, "Connection reset by peer"),
        OSError(22, "Invalid argument"),
        BrokenPipeError(32, "Broken pipe"),
        OSError(10053, "x"),
    ]
    for platform in (None, "linux", "windows", "darwin"):
        for exc in errors:
            module._PLAIN.clear()
            cold = normalize(exc, platform)
            warm = normalize(exc, platform)
            assert module._PLAIN, "a plain OSError is cached"
            for f in fields(cold):
                assert getattr(cold, f.name) is getattr(warm, f.name) or getattr(cold, f.name) == getattr(
                    warm, f.name
                ), f.name
            assert warm.original is exc and warm.source is exc


def test_chained_or_odd_oserrors_are_not_cached() -> None:
    from connerr import _normalize as module

    module._PLAIN.clear()
    chained = ConnectionResetError(104, "x")
    chained.__cause__ = ValueError("inner")
    normalize(chained)
    normalize(OSError(2, "No such file", "/tmp/x"))
    normalize(ConnectionResetError())
    assert module._PLAIN == {}
