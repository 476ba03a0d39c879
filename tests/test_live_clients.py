"""Scenario x client matrix: real loopback servers (connerr.faults), real clients, one kind.

Each cell runs a real client against a real :class:`~connerr.faults.FaultyServer` and asserts the
kind :func:`connerr.normalize` gives the exception the client raised. The expected kind
is the one every OS should give (from CPython's rules and the documented behaviour of each OS);
where an OS legitimately gives one of two kinds, the cell says why and accepts exactly that set.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import io
import socket
import ssl
import sys
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Iterator, Optional, Tuple, Union

import pytest
from _support import WINDOWS, exhaustive_diagnosis

from connerr._normalize import normalize
from connerr.faults import FaultyServer, TLSFixture, self_signed
from connerr.taxonomy import Kind

aiohttp = pytest.importorskip("aiohttp")
httpx = pytest.importorskip("httpx")
requests = pytest.importorskip("requests")
urllib3 = pytest.importorskip("urllib3")

TIMEOUT = 3.0  # generous: Windows retries a refused connect for about 2 s
STALL = 0.3
BIG_BODY = b"x" * (8 << 20)  # larger than loopback socket buffers: the upload must hit the close
NO_SUCH_HOST = "name-not-found.invalid"


@dataclass
class Target:
    """What a client is pointed at."""

    scenario: str
    url: str
    host: str
    port: int
    tls: Optional[TLSFixture]
    ca_path: str
    timeout: float
    body: Optional[bytes]


# -- clients: each returns the exception it ended with, or None ------------------------------

_REQUEST = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


def _raw_socket(t: Target) -> Optional[BaseException]:
    try:
        with socket.create_connection((t.host, t.port), timeout=t.timeout) as plain:
            sock: socket.socket = plain
            if t.tls is not None:
                sock = t.tls.client_context.wrap_socket(
                    plain, server_hostname="localhost", suppress_ragged_eofs=False
                )
            with sock:
                sock.sendall(_REQUEST)
                if t.scenario == "broken_pipe":
                    while sock.recv(65536):  # the server's FIN
                        pass
                    for _ in range(1000):  # bounded: the peer's RST arrives after the first send
                        sock.sendall(b"x" * 65536)
                while sock.recv(65536):
                    pass
    except Exception as exc:
        return exc
    return None


def _asyncio_streams(t: Target) -> Optional[BaseException]:
    async def main() -> None:
        ctx = t.tls.client_context if t.tls is not None else None
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(t.host, t.port, ssl=ctx, server_hostname="localhost" if ctx else None),
            t.timeout,
        )
        try:
            writer.write(_REQUEST)
            await writer.drain()
            if t.scenario == "broken_pipe":
                await asyncio.wait_for(reader.read(), t.timeout)  # the server's FIN
                for _ in range(1000):
                    writer.write(b"x" * 65536)
                    await writer.drain()
            await asyncio.wait_for(reader.readexactly(1 << 20), t.timeout)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    try:
        asyncio.run(main())
    except Exception as exc:
        return exc
    return None


def _http_client(t: Target) -> Optional[BaseException]:
    conn: http.client.HTTPConnection
    if t.tls is not None:
        conn = http.client.HTTPSConnection(t.host, t.port, timeout=t.timeout, context=t.tls.client_context)
    else:
        conn = http.client.HTTPConnection(t.host, t.port, timeout=t.timeout)
    try:
        conn.request("POST" if t.body else "GET", "/", body=t.body)
        with conn.getresponse() as response:
            response.read()
    except Exception as exc:
        return exc
    finally:
        conn.close()
    return None


def _urllib_request(t: Target) -> Optional[BaseException]:
    ctx = t.tls.client_context if t.tls is not None else None
    try:
        with urllib.request.urlopen(t.url, data=t.body, timeout=t.timeout, context=ctx) as response:
            response.read()
    except Exception as exc:
        return exc
    return None


def _requests(t: Target) -> Optional[BaseException]:
    try:
        with (
            requests.Session() as session,
            session.request(
                "POST" if t.body else "GET", t.url, data=t.body, timeout=t.timeout, verify=t.ca_path
            ) as response,
        ):
            response.content  # noqa: B018
    except Exception as exc:
        return exc
    return None


def _urllib3(t: Target) -> Optional[BaseException]:
    try:
        with urllib3.PoolManager(ca_certs=t.ca_path) as pool:
            pool.request("POST" if t.body else "GET", t.url, body=t.body, retries=False, timeout=t.timeout)
    except Exception as exc:
        return exc
    return None


def _httpx_sync(t: Target) -> Optional[BaseException]:
    verify: Union[bool, ssl.SSLContext] = t.tls.client_context if t.tls is not None else True
    try:
        with httpx.Client(verify=verify, timeout=t.timeout) as client:
            client.request("POST" if t.body else "GET", t.url, content=t.body)
    except Exception as exc:
        return exc
    return None


def _httpx_async(t: Target) -> Optional[BaseException]:
    verify: Union[bool, ssl.SSLContext] = t.tls.client_context if t.tls is not None else True

    async def main() -> None:
        async with httpx.AsyncClient(verify=verify, timeout=t.timeout) as client:
            await client.request("POST" if t.body else "GET", t.url, content=t.body)

    try:
        asyncio.run(main())
    except Exception as exc:
        return exc
    return None


def _aiohttp(t: Target) -> Optional[BaseException]:
    ssl_arg: Union[bool, ssl.SSLContext] = t.tls.client_context if t.tls is not None else True

    async def main() -> None:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=t.timeout, sock_read=t.timeout)
        data = io.BytesIO(t.body) if t.body else None  # aiohttp warns about large raw bytes
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.request("POST" if t.body else "GET", t.url, data=data, ssl=ssl_arg) as response,
        ):
            await response.read()

    try:
        asyncio.run(main())
    except Exception as exc:
        return exc
    return None


CLIENTS: Dict[str, Callable[[Target], Optional[BaseException]]] = {
    "raw_socket": _raw_socket,
    "asyncio_streams": _asyncio_streams,
    "http_client": _http_client,
    "urllib_request": _urllib_request,
    "requests": _requests,
    "urllib3": _urllib3,
    "httpx": _httpx_sync,
    "httpx_async": _httpx_async,
    "aiohttp": _aiohttp,
}

# -- expected kinds ----------------------------------------------------------------------------

K = Kind
Expected = Union[Kind, None, FrozenSet[Kind]]

#: Writing after the server sent FIN then RST ("abort" mode). POSIX: an RST received in CLOSE_WAIT
#: sets EPIPE (Linux tcp_reset(), BSD tcp_input()): BrokenPipeError. Windows reports
#: WSAECONNABORTED 10053 ("where POSIX gives EPIPE, Windows gives 10053", python/cpython#9713) or
#: WSAECONNRESET 10054, depending on timing.
_WRITE_AFTER_ABORT: Expected = (
    frozenset({K.CONNECTION_ABORTED, K.CONNECTION_RESET}) if WINDOWS else K.BROKEN_PIPE
)
#: urllib3 and httpcore swallow a failed body write to read an early response (urllib3#1524):
#: after EPIPE the read sees the FIN, so the user gets "closed without response". urllib3 swallows
#: only BrokenPipeError: on Windows the 10053/10054 of the write comes through.
_UPLOAD_SWALLOWED: Expected = (
    frozenset({K.REMOTE_DISCONNECTED, K.CONNECTION_ABORTED, K.CONNECTION_RESET})
    if WINDOWS
    else K.REMOTE_DISCONNECTED
)
#: asyncio's StreamWriter.drain() raises the transport's error (EPIPE) when connection_lost ran
#: first, else its own ConnectionResetError("Connection lost"): timing, on every OS.
_ASYNCIO_DRAIN: FrozenSet[Kind] = frozenset(
    {K.BROKEN_PIPE, K.CONNECTION_RESET, K.CONNECTION_ABORTED}
    if WINDOWS
    else {K.BROKEN_PIPE, K.CONNECTION_RESET}
)

#: scenario -> kind every client gets, with per-client exceptions
DEFAULT: Dict[str, Expected] = {
    "refused": K.CONNECTION_REFUSED,
    "reset": K.CONNECTION_RESET,
    "close": K.REMOTE_DISCONNECTED,
    "stall": K.TIMED_OUT,
    "tls_handshake_cut": K.TLS_EOF,
    # After the response head, ssl's default suppress_ragged_eofs turns the missing close_notify
    # into a plain EOF: HTTP clients report an incomplete body (the raw client below opts out).
    "tls_midstream_cut": K.REMOTE_DISCONNECTED,
    "broken_pipe": _WRITE_AFTER_ABORT,
    "name_not_found": K.NAME_NOT_FOUND,
}
OVERRIDES: Dict[Tuple[str, str], Expected] = {
    # recv() returning b"" is how a socket reports a FIN: not an error, connerr invents none
    ("close", "raw_socket"): None,
    # the raw client wraps with suppress_ragged_eofs=False: the truncation itself shows -- except
    # on CPython 3.9, whose _ssl.c predates OpenSSL 3's UNEXPECTED_EOF reason (handled from 3.10,
    # bpo-43794) and reports the cut as a clean close: recv() returns b""
    ("tls_midstream_cut", "raw_socket"): K.TLS_EOF if sys.version_info >= (3, 10) else None,
    # anyio on 3.9 keeps no OS error behind BrokenResourceError (connerr: connection_reset)
    ("broken_pipe", "httpx_async"): frozenset({K.BROKEN_PIPE, K.CONNECTION_RESET}),
    ("broken_pipe", "asyncio_streams"): _ASYNCIO_DRAIN,
    # aiohttp writes through the same asyncio transport: "Can not write request body" wraps either
    # the EPIPE or asyncio's ConnectionResetError("Connection lost"), by the same timing
    ("broken_pipe", "aiohttp"): _ASYNCIO_DRAIN,
    ("broken_pipe", "requests"): _UPLOAD_SWALLOWED,
    ("broken_pipe", "urllib3"): _UPLOAD_SWALLOWED,
    ("broken_pipe", "httpx"): _UPLOAD_SWALLOWED,
}


def expected(scenario: str, client: str) -> Expected:
    return OVERRIDES.get((scenario, client), DEFAULT[scenario])


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[TLSFixture, str]]:
    fixture = self_signed()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_bytes(fixture.ca_pem)
    yield fixture, str(path)


@pytest.fixture
def numeric_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """getaddrinfo with AI_NUMERICHOST: a real resolver failure, no DNS traffic."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any) -> Any:
        family, type_, proto, flags = [*args, 0, 0, 0, 0][:4]
        return real(host, port, family, type_, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


_SERVER_MODE = {
    "refused": "refuse",
    "reset": "reset",
    "close": "close",
    "stall": "stall",
    "tls_handshake_cut": "tls_handshake_cut",
    "tls_midstream_cut": "tls_midstream_cut",
    "broken_pipe": "abort",
}


def run_cell(scenario: str, client: str, tls: Tuple[TLSFixture, str]) -> Optional[BaseException]:
    fixture, ca_path = tls
    use_tls = scenario.startswith("tls_")
    body = BIG_BODY if scenario == "broken_pipe" and client not in ("raw_socket", "asyncio_streams") else None
    timeout = STALL if scenario == "stall" else TIMEOUT
    if scenario == "name_not_found":
        target = Target(scenario, f"http://{NO_SUCH_HOST}/", NO_SUCH_HOST, 80, None, ca_path, timeout, None)
        return CLIENTS[client](target)
    with FaultyServer(
        _SERVER_MODE[scenario], timeout=TIMEOUT, ssl_context=fixture.server_context if use_tls else None
    ) as server:
        target = Target(
            scenario,
            server.url,
            server.host,
            server.port,
            fixture if use_tls else None,
            ca_path,
            timeout,
            body,
        )
        return CLIENTS[client](target)


SCENARIOS = list(DEFAULT)


@pytest.mark.parametrize("client", list(CLIENTS))
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_cell(
    scenario: str, client: str, tls: Tuple[TLSFixture, str], request: pytest.FixtureRequest
) -> None:
    if scenario == "name_not_found":
        request.getfixturevalue("numeric_only")
    exc = run_cell(scenario, client, tls)
    want = expected(scenario, client)
    if want is None:
        assert exc is None, f"{client} raised {exc!r}"
        return
    assert exc is not None, f"{client} raised nothing"
    got = normalize(exc).kind
    assert normalize(exc) == exhaustive_diagnosis(exc)  # the walk's shortcuts change nothing
    allowed = want if isinstance(want, frozenset) else frozenset({want})
    assert got in allowed, f"{client}: {type(exc).__name__}: {exc!r} -> {got.value}"


# -- bind-only scenarios: the listening side ---------------------------------------------------

TEST_NET = "192.0.2.1"  # RFC 5737: never assigned to this host; bind only, no traffic


def _bind_raw(host: str, port: int) -> Optional[BaseException]:
    try:
        with socket.socket() as sock:
            sock.bind((host, port))
    except Exception as exc:
        return exc
    return None


def _bind_asyncio(host: str, port: int) -> Optional[BaseException]:
    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: None, host, port)
        server.close()
        await server.wait_closed()

    try:
        asyncio.run(main())
    except Exception as exc:
        return exc
    return None


@pytest.mark.parametrize("bind", [_bind_raw, _bind_asyncio], ids=["raw_socket", "asyncio_server"])
def test_address_in_use(bind: Callable[[str, int], Optional[BaseException]]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        exc = bind("127.0.0.1", holder.getsockname()[1])
    assert exc is not None
    assert normalize(exc).kind is K.ADDRESS_IN_USE, repr(exc)


@pytest.mark.parametrize("bind", [_bind_raw, _bind_asyncio], ids=["raw_socket", "asyncio_server"])
def test_address_not_available(bind: Callable[[str, int], Optional[BaseException]]) -> None:
    exc = bind(TEST_NET, 0)
    assert exc is not None
    assert normalize(exc).kind is K.ADDRESS_NOT_AVAILABLE, repr(exc)


# -- phase and retry where the wrapper shows them ------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "client", "phase", "retry"),
    [
        ("refused", "requests", "connect", "safe"),
        ("refused", "httpx", "connect", "safe"),
        ("refused", "aiohttp", "connect", "safe"),
        ("reset", "requests", "request", "idempotent_only"),
        ("reset", "urllib3", "request", "idempotent_only"),
        ("close", "httpx", "request", "idempotent_only"),
        ("close", "aiohttp", "request", "idempotent_only"),
        ("tls_midstream_cut", "requests", "body", "idempotent_only"),
        ("tls_midstream_cut", "httpx", "body", "idempotent_only"),
        ("tls_handshake_cut", "httpx", "connect", "safe"),
        ("stall", "requests", "transfer", "idempotent_only"),
        ("name_not_found", "requests", "connect", "no"),
    ],
)
def test_phase_and_retry(  # noqa: PLR0917
    scenario: str,
    client: str,
    phase: str,
    retry: str,
    tls: Tuple[TLSFixture, str],
    request: pytest.FixtureRequest,
) -> None:
    if scenario == "name_not_found":
        request.getfixturevalue("numeric_only")
    exc = run_cell(scenario, client, tls)
    assert exc is not None
    diagnosis = normalize(exc)
    assert (diagnosis.phase, diagnosis.retry) == (phase, retry), repr(exc)


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
@pytest.mark.parametrize("mode", ["refuse", "reset"])
def test_ipv6_loopback(mode: str) -> None:
    try:
        server = FaultyServer(mode, family=socket.AF_INET6, timeout=TIMEOUT)
        server.start()
    except OSError as error:  # ::1 not configured (some containers)
        pytest.skip(f"no IPv6 loopback: {error}")
    with server:
        target = Target(mode, server.url, server.host, server.port, None, "", TIMEOUT, None)
        exc = _requests(target)
    assert exc is not None
    assert normalize(exc).kind is (K.CONNECTION_REFUSED if mode == "refuse" else K.CONNECTION_RESET)
