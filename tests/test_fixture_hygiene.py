"""1000 FaultyServer runs across its modes leave no open descriptor, thread, socket or ResourceWarning."""

from __future__ import annotations

import gc
import os
import socket
import sys
import threading
import time
import warnings
from typing import List, Optional

import pytest

from connerr.faults import FaultyServer

RUNS = 1000
#: every mode a plain client can drive (tls_midstream_cut needs a certificate: test_faults covers it)
MODES = ("refuse", "reset", "close", "abort", "half_close", "stall", "drip", "tls_handshake_cut")
_REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
_CLIENT_HELLO = b"\x16\x03\x01\x00\x05hello"  # one TLS handshake record (its content is not parsed)


def _open_fds() -> Optional[int]:
    if not sys.platform.startswith("linux"):
        return None
    return len(os.listdir("/proc/self/fd"))


def _client(server: FaultyServer) -> None:
    """Connect, send, read until EOF or error, close: what a real client does to a faulty server."""
    family = socket.AF_INET6 if ":" in server.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(2.0)
        try:
            sock.connect((server.host, server.port))
            sock.sendall(_CLIENT_HELLO if server.mode == "tls_handshake_cut" else _REQUEST)
            if server.mode == "stall":
                server.accepted.wait(2.0)  # leave while the server waits for more
                return
            if server.mode == "drip":
                sock.recv(1)  # the first byte, then hang up mid-body
                return
            while sock.recv(65536):
                pass
        except OSError:
            pass  # refused, reset, broken pipe: the faults themselves


def test_a_thousand_runs_leak_nothing() -> None:
    gc.collect()
    fds_before = _open_fds()
    threads_before = threading.active_count()
    started = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(RUNS):
            mode = MODES[i % len(MODES)]
            with FaultyServer(mode, timeout=2.0, drip_interval=0.001, drip_bytes=3) as server:
                _client(server)
        gc.collect()
    elapsed = time.monotonic() - started
    leaked: List[str] = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == []
    assert threading.active_count() == threads_before, [t.name for t in threading.enumerate()]
    if fds_before is not None:
        assert _open_fds() == fds_before
    assert elapsed < 120, f"{RUNS} runs took {elapsed:.1f} s"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="descriptors are counted in /proc/self/fd")
def test_stop_without_a_client_closes_everything() -> None:
    before = _open_fds()
    for mode in MODES:
        server = FaultyServer(mode)
        server.start()
        server.stop()
        server.stop()  # idempotent
    assert _open_fds() == before
