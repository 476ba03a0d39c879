"""connerr.testing, used the way users use it: a user's test file run by pytest with the plugin.

Installed, connerr registers the plugin through its ``pytest11`` entry point; in a source tree it
is not installed, so the runs below load it with ``-p connerr.testing`` unless the entry point is
there.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import connerr
from connerr.taxonomy import Kind
from connerr.testing import FaultyServerFactory, raises_kind

pytest_plugins = ["pytester"]

PACKAGE_ROOT = str(Path(connerr.__file__).resolve().parent.parent)


def plugin_args() -> List[str]:
    """``-p connerr.testing`` unless an installed entry point already loads the plugin."""
    from importlib import metadata

    found = metadata.entry_points()
    group = found.select(group="pytest11") if hasattr(found, "select") else found.get("pytest11", ())  # type: ignore[attr-defined]  # Python 3.9
    return [] if any(ep.value == "connerr.testing" for ep in group) else ["-p", "connerr.testing"]


@pytest.fixture
def same_connerr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subprocesses import the connerr this process tests (the source tree or the installed one)."""
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    )


def faulty_threads() -> List[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("FaultyServer")]


USER_TESTS = """
import threading

import pytest
import requests

import connerr
from connerr import Kind
from connerr.testing import raises_kind


def test_reset_is_connerr_connection_reset(faulty_server):
    srv = faulty_server("reset")
    assert srv.url == f"http://{srv.host}:{srv.port}/"
    with pytest.raises(connerr.ConnectionReset) as info, connerr.translate():
        requests.get(srv.url, timeout=5)
    assert isinstance(info.value, ConnectionResetError)


@pytest.mark.parametrize(("mode", "kind"), [
    ("refuse", Kind.CONNECTION_REFUSED),
    ("reset", Kind.CONNECTION_RESET),
    ("close", Kind.REMOTE_DISCONNECTED),
    ("half_close", Kind.REMOTE_DISCONNECTED),
    ("stall", Kind.TIMED_OUT),
    ("tls_handshake_cut", Kind.TLS_EOF),
])
def test_kind(faulty_server, mode, kind):
    srv = faulty_server(mode)
    with raises_kind(kind) as info:
        requests.get(srv.url, timeout=0.5 if mode == "stall" else 5)
    assert info.kind is kind


def test_tls_midstream_cut(faulty_server):
    srv = faulty_server("tls_midstream_cut")
    with raises_kind(Kind.REMOTE_DISCONNECTED):
        requests.get(srv.url, timeout=5, verify=faulty_server.ca_path)


def test_ipv6(faulty_server):
    srv = faulty_server("refuse", family="ipv6")
    assert srv.host == "::1" and srv.url.startswith("http://[::1]:")
    with raises_kind(Kind.CONNECTION_REFUSED):
        requests.get(srv.url, timeout=5)


def test_drip_completes(faulty_server):
    srv = faulty_server("drip", drip_interval=0.01, drip_bytes=5)
    assert requests.get(srv.url, timeout=5).content == b"xxxxx"


def test_expected_reset_but_refused(faulty_server):
    with raises_kind(Kind.CONNECTION_RESET):
        requests.get(faulty_server("refuse").url, timeout=5)


def test_expected_timeout_but_nothing_raised(faulty_server):
    with raises_kind(Kind.TIMED_OUT):
        requests.get(faulty_server("drip", drip_interval=0.01, drip_bytes=3).url, timeout=5)


def test_zz_every_server_was_stopped():
    assert not [t for t in threading.enumerate() if t.name.startswith("FaultyServer")]
"""


@pytest.mark.usefixtures("same_connerr")
def test_user_suite_with_requests(pytester: pytest.Pytester) -> None:
    pytest.importorskip("requests")
    pytest.importorskip("trustme")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(
        *plugin_args(),
        "-p",
        "no:cacheprovider",
        "-rfs",
        "--tb=short",
        "-W",
        "error::ResourceWarning",
        timeout=120,
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 2, result.stdout.str()
    assert outcomes.get("passed", 0) + outcomes.get("skipped", 0) == 11, result.stdout.str()
    if outcomes.get("skipped"):  # only a machine without an IPv6 loopback may skip, and only that
        result.stdout.fnmatch_lines(["*no IPv6 loopback here*"])
    result.stdout.fnmatch_lines(
        [
            "*expected an error of kind connection_reset, got connection_refused*",
            "*DID NOT RAISE: expected an error of kind timed_out*",
        ]
    )
    assert "FAILED test_user.py::test_expected_reset_but_refused" in result.stdout.str()
    assert "FAILED test_user.py::test_expected_timeout_but_nothing_raised" in result.stdout.str()


def test_in_process_run_leaves_nothing_running(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import socket
        import pytest
        from connerr import Kind
        from connerr.testing import raises_kind

        @pytest.mark.parametrize("mode", ["refuse", "reset", "stall", "half_close"])
        def test_servers(faulty_server, mode):
            srv = faulty_server(mode, timeout=30)
            with raises_kind(Kind.CONNECTION_REFUSED, Kind.CONNECTION_RESET, Kind.TIMED_OUT), \\
                    socket.create_connection((srv.host, srv.port), timeout=0.3) as sock:
                sock.sendall(b"GET / HTTP/1.1\\r\\n\\r\\n")
                sock.recv(1)
                raise TimeoutError("half_close: the FIN came")
    """
    )
    result = pytester.runpytest(*plugin_args(), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert not faulty_threads()


@pytest.mark.usefixtures("same_connerr")
def test_loading_the_plugin_is_cheap() -> None:
    """No ssl, no HTTP library, no reference data, no servers when the plugin loads."""
    code = textwrap.dedent("""
        import sys
        import pytest
        before = set(sys.modules)
        import connerr.testing
        heavy = {"ssl", "requests", "urllib3", "connerr.reference", "connerr._normalize",
                 "connerr.faults", "connerr.native", "connerr._native"}
        print(sorted(heavy & (set(sys.modules) - before)))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (proc.returncode, proc.stdout.strip()) == (0, "[]"), proc.stderr


# -- raises_kind ---------------------------------------------------------------------------------


def refused() -> ConnectionRefusedError:
    return ConnectionRefusedError(errno.ECONNREFUSED, os.strerror(errno.ECONNREFUSED))


def test_raises_kind_passes_on_a_match() -> None:
    with raises_kind(Kind.CONNECTION_REFUSED) as info:
        raise refused()
    assert info.kind is Kind.CONNECTION_REFUSED
    assert isinstance(info.value, ConnectionRefusedError)
    assert info.diagnosis is not None and info.diagnosis.original is info.value


def test_raises_kind_matches_translated_and_wrapped_errors() -> None:
    with raises_kind("connection_refused"), connerr.translate():
        raise refused()
    with raises_kind(Kind.TIMED_OUT, Kind.CONNECTION_REFUSED) as info:
        try:
            raise refused()
        except OSError as exc:
            raise RuntimeError("the client gave up") from exc  # the kind comes from the cause
    assert info.kind is Kind.CONNECTION_REFUSED and isinstance(info.value, RuntimeError)


def test_raises_kind_fails_on_another_kind() -> None:
    with pytest.raises(pytest.fail.Exception) as failed, raises_kind(Kind.CONNECTION_RESET):
        raise refused()
    message = str(failed.value)
    assert message.startswith("expected an error of kind connection_reset, got connection_refused")
    assert "ECONNREFUSED" in message and "ConnectionRefusedError" in message
    assert isinstance(failed.value.__cause__, ConnectionRefusedError)


def test_raises_kind_fails_on_an_unrelated_exception() -> None:
    with (
        pytest.raises(pytest.fail.Exception, match="got unknown from ValueError: nope"),
        raises_kind(Kind.CONNECTION_RESET),
    ):
        raise ValueError("nope")


def test_raises_kind_fails_when_nothing_is_raised() -> None:
    with (
        pytest.raises(
            pytest.fail.Exception,
            match=r"^DID NOT RAISE: expected an error of kind timed_out or connection_reset$",
        ),
        raises_kind(Kind.TIMED_OUT, Kind.CONNECTION_RESET),
    ):
        pass


def test_raises_kind_match() -> None:
    with raises_kind(Kind.CONNECTION_REFUSED, match="[Rr]efused"):
        raise refused()
    with (
        pytest.raises(pytest.fail.Exception, match="does not match"),
        raises_kind(Kind.CONNECTION_REFUSED, match="^no such text$"),
    ):
        raise refused()


def test_raises_kind_lets_base_exceptions_through() -> None:
    with pytest.raises(KeyboardInterrupt), raises_kind(Kind.CONNECTION_RESET):
        raise KeyboardInterrupt


def test_raises_kind_arguments() -> None:
    with pytest.raises(ValueError):
        raises_kind("no_such_kind")
    with pytest.raises(TypeError):
        raises_kind()


# -- the factory, directly -------------------------------------------------------------------------


@pytest.fixture
def factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyServerFactory]:
    made = FaultyServerFactory(tmp_path_factory)
    yield made
    made.close()


def test_factory_stops_every_server(factory: FaultyServerFactory) -> None:
    servers = [factory(mode) for mode in ("reset", "stall", "close")]
    assert len({s.port for s in servers}) == 3 and len(faulty_threads()) >= 3
    factory.close()
    assert not faulty_threads()
    factory.close()  # idempotent


def test_factory_families(factory: FaultyServerFactory) -> None:
    assert factory("refuse", family=socket.AF_INET).host == "127.0.0.1"
    with pytest.raises(ValueError, match="family"):
        factory("refuse", family="ipx")
    with pytest.raises(ValueError, match="unknown mode"):
        factory("explode")


def test_factory_tls(factory: FaultyServerFactory) -> None:
    pytest.importorskip("trustme")
    server = factory("tls_midstream_cut")
    assert server.url.startswith("https://127.0.0.1:")
    assert Path(factory.ca_path).read_bytes() == factory.tls.ca_pem
    assert factory.ca_path == factory.ca_path  # written once


def test_the_plugin_serves_other_protocols(faulty_server: Any) -> None:
    import smtplib

    server = faulty_server("close", protocol="smtp")
    client = smtplib.SMTP(server.host, server.port, timeout=2)  # the greeting came: connected
    with connerr.testing.raises_kind("remote_disconnected"):
        client.ehlo()


def test_the_plugin_fails_only_the_first_connections(faulty_server: Any) -> None:
    import urllib.request

    server = faulty_server("reset", fail_times=1)
    with pytest.raises(ConnectionResetError):
        urllib.request.urlopen(server.url, timeout=2)
    assert urllib.request.urlopen(server.url, timeout=2).read() == b"ok"
