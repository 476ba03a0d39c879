"""FaultyServer: each mode does what it says, is bounded in time and cleans up."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from typing import Iterator

import pytest

from connerr._normalize import normalize
from connerr.faults import MODES, FaultyServer, self_signed
from connerr.taxonomy import Kind

REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.name.startswith("FaultyServer")]
    assert not leaked


def exchange(server: FaultyServer, timeout: float = 3.0) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    sock.sendall(REQUEST)
    return sock


def test_refuse() -> None:
    with FaultyServer("refuse") as server, pytest.raises(ConnectionRefusedError):
        socket.create_connection((server.host, server.port), timeout=3).close()


def test_reset() -> None:
    with FaultyServer("reset") as server, exchange(server) as sock:
        with pytest.raises(ConnectionResetError):
            sock.recv(1)
        assert server.faulted.wait(3) and server.connections == 1


def test_close_sends_fin() -> None:
    with FaultyServer("close") as server, exchange(server) as sock:
        assert sock.recv(1) == b""


def test_abort_sends_fin_then_rst() -> None:
    with FaultyServer("abort") as server, exchange(server) as sock:
        assert sock.recv(1) == b""
        assert server.faulted.wait(3)
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            for _ in range(100):
                sock.sendall(b"x" * 65536)


def test_half_close_keeps_reading() -> None:
    with FaultyServer("half_close") as server, exchange(server) as sock:
        assert sock.recv(1) == b""
        sock.sendall(b"still writable")  # the server only shut down its sending side


def test_stall_times_out_and_stops_promptly() -> None:
    with FaultyServer("stall", timeout=30) as server:
        sock = exchange(server, timeout=0.2)
        with sock, pytest.raises(socket.timeout):
            sock.recv(1)
        started = time.monotonic()
    assert time.monotonic() - started < 2  # stop() woke the waiting server thread


def test_drip() -> None:
    with FaultyServer("drip", drip_interval=0.01, drip_bytes=5) as server, exchange(server) as sock:
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    assert data.endswith(b"\r\n\r\nxxxxx") and b"Content-Length: 5" in data


def test_tls_modes() -> None:
    tls = self_signed()
    with FaultyServer("tls_handshake_cut") as server:
        assert server.url.startswith("https://")
        with (
            socket.create_connection((server.host, server.port), timeout=3) as raw,
            pytest.raises(ssl.SSLError) as info,
        ):
            tls.client_context.wrap_socket(raw, server_hostname="localhost")
    assert normalize(info.value).kind is Kind.TLS_EOF
    with (
        FaultyServer("tls_midstream_cut", ssl_context=tls.server_context) as server,
        socket.create_connection((server.host, server.port), timeout=3) as raw,
        tls.client_context.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False) as sock,
    ):
        sock.sendall(REQUEST)
        received = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break  # CPython 3.9 with OpenSSL 3 reads the cut as a clean close
                received += chunk
        except ssl.SSLEOFError:
            pass
    assert received.startswith(b"HTTP/1.1 200 OK") and received.endswith(b"x" * 100)


def test_ipv6_url() -> None:
    server = FaultyServer("refuse", family=socket.AF_INET6)
    assert server.host == "::1"
    try:
        server.start()
    except OSError:
        pytest.skip("no IPv6 loopback")
    with server:
        assert server.url == f"http://[::1]:{server.port}/"


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_starts_and_stops_without_clients(mode: str) -> None:
    context = self_signed().server_context if mode == "tls_midstream_cut" else None
    server = FaultyServer(mode, ssl_context=context)
    with server:
        assert server.port > 0
    server.stop()  # idempotent


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        FaultyServer("explode")
    with pytest.raises(ValueError, match="ssl_context"):
        FaultyServer("tls_midstream_cut")
    with pytest.raises(ValueError, match="family"):
        FaultyServer("reset", family=socket.AF_UNIX)
