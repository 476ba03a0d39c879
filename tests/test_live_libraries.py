"""normalize() on what 26 network libraries really raise, against real faulty loopback servers.

Every library (tests/_libraries.py) x every scenario it supports: refused, reset, closed, stalled,
TLS handshake cut, name not found (a synthetic resolver failure: ``socket.getaddrinfo`` answers
EAI_NONAME for one name, no DNS is asked). Each cell asserts the kind. Where a library throws away
what would tell the scenarios apart, the cell is listed in :data:`UNKNOWABLE` with the reason from
its source, and asserts what connerr can say. Libraries that are not installed skip (the ``libs``
tox env installs them all, and fails on a missing one: ``CONNERR_REQUIRE_LIBS=1``).
"""

from __future__ import annotations

import importlib
import os
import socket
from typing import Dict, Iterator, Tuple

import pytest
from _libraries import LIBS, Target
from _support import exhaustive_diagnosis

from connerr import Kind, normalize
from connerr.faults import FaultyServer, TLSFixture, self_signed

#: the importable module of each library
MODULES = {
    "grpcio": "grpc",
    "websocket-client": "websocket",
    "botocore": "botocore",
    "clickhouse-connect": "clickhouse_connect",
    "kafka-python": "kafka",
    "twisted": "twisted.web",
}
SCENARIOS: Dict[str, Tuple[str, Kind]] = {
    "refused": ("refuse", Kind.CONNECTION_REFUSED),
    "reset": ("reset", Kind.CONNECTION_RESET),
    "closed": ("close", Kind.REMOTE_DISCONNECTED),
    "stalled": ("stall", Kind.TIMED_OUT),
    "tls_cut": ("tls_handshake_cut", Kind.TLS_EOF),
    "name": ("refuse", Kind.NAME_NOT_FOUND),
}
#: cells where the library keeps too little to tell: (what connerr answers, why, from the source)
UNKNOWABLE: Dict[Tuple[str, str], Tuple[Kind, str]] = {
    ("psycopg2", "reset"): (
        Kind.REMOTE_DISCONNECTED,
        "libpq reports ECONNRESET as 'server closed the "
        "connection unexpectedly' (src/interfaces/libpq/fe-secure.c pqsecure_raw_read)",
    ),
    ("psycopg", "reset"): (Kind.REMOTE_DISCONNECTED, "the same libpq message as psycopg2's"),
    ("websockets", "reset"): (
        Kind.REMOTE_DISCONNECTED,
        "websockets raises InvalidMessage('did not receive a "
        "valid HTTP response') from an EOFError for a reset during the opening "
        "handshake too",
    ),
    ("pycurl", "refused"): (
        Kind.UNKNOWN,
        "pycurl.error keeps CURLE_COULDNT_CONNECT and curl's 'Could not "
        "connect to server'; the errno is only in Curl.getinfo(pycurl.OS_ERRNO)",
    ),
    ("twisted", "stalled"): (
        Kind.CANCELLED,
        "Agent keeps the cancellation Deferred.addTimeout makes, "
        "wrapped in ResponseNeverReceived, so addTimeout cannot turn it into a timeout",
    ),
    ("twisted", "tls_cut"): (
        Kind.CONNECTION_RESET,
        "TLSMemoryBIOProtocol reports an EOF in the handshake "
        "as ConnectionLost, the same as a reset (twisted/protocols/tls.py), and keeps "
        "no OpenSSL reason",
    ),
    ("twisted", "name"): (
        Kind.NAME_RESOLUTION_FAILED,
        "Twisted's resolver turns the gaierror into "
        'DNSLookupError("Couldn\'t find the hostname") and keeps no EAI code',
    ),
    ("kafka-python", "refused"): (
        Kind.TIMED_OUT,
        "kafka-python retries the bootstrap servers until "
        "max_block_ms and raises KafkaTimeoutError without their errors",
    ),
    ("kafka-python", "reset"): (Kind.TIMED_OUT, "as for refused"),
    ("kafka-python", "closed"): (Kind.TIMED_OUT, "as for refused"),
    ("kafka-python", "tls_cut"): (Kind.TIMED_OUT, "as for refused"),
    ("kafka-python", "name"): (Kind.TIMED_OUT, "as for refused"),
}
#: cells that do not exist for a library
NOT_APPLICABLE: Dict[Tuple[str, str], str] = {
    ("paramiko", "tls_cut"): "SSH has no TLS",
    ("trio", "closed"): "trio reports the end of a stream as b'' from receive_some, not as an error",
    ("aiomysql", "stalled"): "aiomysql has no read timeout for the handshake (connect_timeout covers the "
    "TCP connect only): a stall lasts until the server gives up",
    ("psycopg2", "name"): "libpq resolves in C: the synthetic failure cannot reach it (no real DNS here)",
    ("psycopg", "name"): "libpq resolves in C, as for psycopg2",
    ("pycurl", "name"): "libcurl resolves in C, as for libpq",
    ("grpcio", "name"): "gRPC core resolves in C (c-ares or its native resolver), as for libpq",
}
BAD_NAME = "name-not-found.invalid"


def _cells() -> Iterator[Tuple[str, str]]:
    for library in LIBS:
        for scenario in SCENARIOS:
            yield library, scenario


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tuple[TLSFixture, str]:
    pytest.importorskip("trustme")
    fixture = self_signed()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_bytes(fixture.ca_pem)
    return fixture, str(path)


def _require(library: str) -> None:
    module = MODULES.get(library, library)
    try:
        importlib.import_module(module)
    except ImportError:
        if os.environ.get("CONNERR_REQUIRE_LIBS"):
            raise
        pytest.skip(f"{library} is not installed (tox -e libs installs it)")


@pytest.mark.parametrize(("library", "scenario"), list(_cells()), ids=[f"{lib}-{s}" for lib, s in _cells()])
def test_cell(
    library: str, scenario: str, tls: Tuple[TLSFixture, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if (library, scenario) in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[library, scenario])
    _require(library)
    call, protocol = LIBS[library]
    mode, expected = SCENARIOS[scenario]
    fixture, ca_path = tls
    if scenario == "name":
        real = socket.getaddrinfo

        def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
            if host in (BAD_NAME, BAD_NAME.encode()):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return real(host, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with FaultyServer(mode, protocol=protocol, timeout=4.0) as server:
        host = BAD_NAME if scenario == "name" else server.host
        url = server.url.replace(server.host, host)
        target = Target(host, server.port, url, fixture.client_context, ca_path, mode.startswith("tls"))
        with pytest.raises(BaseException) as caught:
            call(target)
    diagnosis = normalize(caught.value)
    assert diagnosis == exhaustive_diagnosis(caught.value)  # the walk's shortcuts change nothing
    want, why = UNKNOWABLE.get((library, scenario), (expected, ""))
    assert diagnosis.kind is want, (
        f"{type(caught.value).__module__}.{type(caught.value).__name__}: {str(caught.value)[:300]}",
        diagnosis.evidence,
        why,
    )
    if library in ("botocore", "elasticsearch") and not why:  # not the requests/urllib3 inside them
        assert diagnosis.library == library, diagnosis


def test_the_matrix_is_mostly_right() -> None:
    """Every cell a library can tell apart is right; the rest are the documented UNKNOWABLE ones.

    The share right is 143 of 155 (92.3%): kafka-python keeps no connection error at all (5 cells),
    libpq, websockets, pycurl and Twisted throw away the rest (7). The assertion pins those counts, so
    a cell that stops being right fails here as well as in its own test."""
    cells = [c for c in _cells() if c not in NOT_APPLICABLE]
    right = [c for c in cells if c not in UNKNOWABLE]
    assert all(c in cells for c in UNKNOWABLE)
    assert (len(right), len(cells)) == (143, 155), (len(right), len(cells))


def test_import_connerr_imports_none_of_them() -> None:
    """The rule table names these libraries' classes by module and name: it never imports them."""
    import subprocess
    import sys

    modules = sorted(
        {MODULES.get(lib, lib) for lib in LIBS} - {"ftplib", "smtplib", "poplib", "imaplib", "xmlrpc.client"}
    )
    code = (
        "import sys, connerr; connerr.normalize(ConnectionResetError(104, 'x')); "
        "connerr.explain('redis.exceptions.ConnectionError: Connection closed by server.'); "
        f"print([m for m in {modules!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
