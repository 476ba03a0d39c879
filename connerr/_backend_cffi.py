"""The ``cffi`` backend of :mod:`connerr.native`: calls into ``connerr._native``."""

from __future__ import annotations

import sys

from connerr._native import ffi as _ffi
from connerr._native import lib as _lib
from connerr._native_types import (
    BAD_ARGUMENT,
    Constant,
    check_address,
    check_data,
    check_timeout,
    host_bytes,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Tuple

_BUF = 1024


def _text(fill: object, code: int) -> str | None:
    buf = _ffi.new("char[]", _BUF)
    if fill(code, buf, _BUF) != 0:  # type: ignore[operator]
        return None
    return str(_ffi.string(buf).decode("utf-8", "replace"))


def compiled_os() -> str:
    """The OS the extension was compiled for (from compiler macros)."""
    return str(_ffi.string(_lib.connerr_os()).decode())


def compiled_arch() -> str:
    """The CPU architecture the extension was compiled for."""
    return str(_ffi.string(_lib.connerr_arch()).decode())


def compiled_libc() -> str:
    """The C library the extension was compiled against."""
    return str(_ffi.string(_lib.connerr_libc()).decode())


def constants() -> Tuple[Constant, ...]:
    """Every code constant the platform headers defined at compile time."""
    out = []
    for i in range(_lib.connerr_const_count()):
        c = _lib.connerr_const_at(i)
        out.append(Constant(_ffi.string(c.domain).decode(), _ffi.string(c.name).decode(), int(c.value)))
    return tuple(out)


def strerror(code: int) -> str:
    """The C library's message for errno ``code`` (thread-safe)."""
    return _text(_lib.connerr_strerror, code) or ""


def gai_strerror(code: int) -> str:
    """The resolver's message for getaddrinfo error ``code``."""
    return _text(_lib.connerr_gai_strerror, code) or ""


def last_socket_error() -> int:
    """``WSAGetLastError()`` on Windows, ``errno`` elsewhere, as the C library sees it now."""
    return int(_lib.connerr_last_socket_error())


def _checked(code: int, what: str) -> int:
    if code == BAD_ARGUMENT:
        raise ValueError(f"unusable arguments for {what}")
    return int(code)


def _milliseconds(timeout: float) -> int:
    return max(1, round(check_timeout(timeout) * 1000))


def raw_connect(ip: str, port: int, timeout: float) -> int:
    """Connect in C; return the native error code (0 on success)."""
    check_address(ip, port)
    return _checked(_lib.connerr_raw_connect(ip.encode(), port, _milliseconds(timeout)), "raw_connect")


def raw_bind(ip: str, port: int) -> int:
    """Bind a TCP socket in C; return the native error code (0 on success)."""
    check_address(ip, port)
    return _checked(_lib.connerr_raw_bind(ip.encode(), port), "raw_bind")


def raw_exchange(ip: str, port: int, data: bytes, timeout: float) -> Tuple[int, int]:
    """Connect, send ``data`` and read to the end in C; return (native code, phase).

    ``timeout`` bounds the connect, the whole send (one deadline) and each receive."""
    check_address(ip, port)
    payload = check_data(data)
    phase = _ffi.new("int *")
    code = _lib.connerr_raw_exchange(ip.encode(), port, payload, len(payload), _milliseconds(timeout), phase)
    return _checked(code, "raw_exchange"), int(phase[0])


def raw_resolve(host: str) -> int:
    """``getaddrinfo`` with AI_NUMERICHOST in C; return the EAI code (0 on success)."""
    return _checked(_lib.connerr_raw_resolve(host_bytes(host)), "raw_resolve")


if sys.platform == "win32":

    def format_message(code: int) -> str:
        """``FormatMessageW`` text for a Win32/Winsock code, UTF-8, trailing whitespace stripped."""
        return _text(_lib.connerr_format_message, code) or ""
