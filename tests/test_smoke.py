"""Smoke tests: the package imports, the extension is there, its constants are sane."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys

import pytest
from _support import POSIX, WINDOWS

import connerr
from connerr import native


def test_version_is_a_string() -> None:
    assert connerr.__version__.count(".") == 2


def test_extension_is_the_backend_when_installed() -> None:
    # tox installs the built wheel: the C extension must be what is used.
    if os.environ.get("CONNERR_NO_EXTENSION"):
        pytest.skip("fallback forced by CONNERR_NO_EXTENSION")
    assert native.BACKEND == "cffi"
    import connerr._native  # noqa: F401


def _constants() -> dict[tuple[str, str], int]:
    return {(c.domain, c.name): c.value for c in native.constants()}


@pytest.mark.skipif(not POSIX, reason="on Windows errno.ECONNRESET is the WSA value")
def test_econnreset_matches_python_errno() -> None:
    assert _constants()[("errno", "ECONNRESET")] == errno.ECONNRESET


@pytest.mark.skipif(not WINDOWS, reason="Windows only")
def test_windows_has_both_errno_worlds() -> None:
    consts = _constants()
    assert consts[("winsock", "WSAECONNRESET")] == 10054 == errno.ECONNRESET
    assert consts[("errno", "ECONNRESET")] == 108  # the CRT's POSIX supplement value


def test_every_python_errno_name_is_reported_with_its_value() -> None:
    consts = _constants()
    for number, name in errno.errorcode.items():
        if WINDOWS and not name.startswith("WSA"):
            continue  # Windows' errno module gives socket names their WSA values, not the CRT's
        assert consts.get(("winsock" if WINDOWS else "errno", name)) == number, name


def test_eai_constants_match_socket_module() -> None:
    consts = _constants()
    for name in ("EAI_NONAME", "EAI_AGAIN", "EAI_FAIL"):
        assert consts[("eai", name)] == getattr(socket, name)


def test_strerror_matches_os_strerror() -> None:
    for number in (errno.ECONNRESET, errno.EPIPE, errno.ECONNREFUSED, 12345):
        assert native.strerror(number) == os.strerror(number)


def test_compiled_for_this_machine() -> None:
    expected = "windows" if WINDOWS else sys.platform.rstrip("0123456789")
    assert native.compiled_os() == expected


def test_raw_connect_to_closed_port_is_refused(closed_port: int) -> None:
    code = native.raw_connect("127.0.0.1", closed_port, 5.0)
    assert code == (10061 if WINDOWS else errno.ECONNREFUSED)


def test_raw_bind_on_a_bound_port_is_address_in_use() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert native.raw_bind("127.0.0.1", port) == (10048 if WINDOWS else errno.EADDRINUSE)


def test_raw_resolve_non_numeric_host_is_eai_noname() -> None:
    assert native.raw_resolve("no-such-host.invalid") == socket.EAI_NONAME
    assert native.raw_resolve("127.0.0.1") == 0


@pytest.mark.parametrize("ip", ["not-an-ip", "", "999.1.1.1"])
def test_raw_calls_reject_unusable_arguments(ip: str) -> None:
    with pytest.raises(ValueError):
        native.raw_connect(ip, 80, 1.0)
    with pytest.raises(ValueError):
        native.raw_bind("127.0.0.1", 70000)


def test_python_m_connerr_info_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "connerr", "info"], capture_output=True, text=True, check=True, timeout=60
    )
    assert "backend:" in out.stdout
