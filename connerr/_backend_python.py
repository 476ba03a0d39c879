"""The pure-Python backend of :mod:`connerr.native`, used when the extension cannot be imported.

Built from :mod:`errno`, :mod:`socket` and :func:`os.strerror`. The raw_* calls go through Python's
socket module here (the C backend bypasses it). There is no ``gai_strerror`` or
``last_socket_error``: Python exposes neither.
"""

from __future__ import annotations

import errno
import os
import platform
import socket
import sys
from typing import Optional, Tuple

from connerr._native_types import Constant, check_address, check_data, check_timeout, host_bytes
from connerr.platforms import os_of_sys_platform

_ARCH_ALIASES = {"amd64": "x86_64", "arm64": "aarch64", "i686": "x86", "i386": "x86", "ppc64le": "powerpc64"}


def compiled_os() -> str:
    """The OS this interpreter runs on (``sys.platform`` spelled as the C backend does)."""
    version = platform.uname().version if sys.platform.startswith("sunos") else ""
    return os_of_sys_platform(sys.platform, version)


def compiled_arch() -> str:
    """The CPU architecture, from :func:`platform.machine`."""
    machine = platform.machine().lower()
    return _ARCH_ALIASES.get(machine, machine or "unknown")


def compiled_libc() -> str:
    """The C library, from :func:`platform.libc_ver` (empty on musl, so guessed from that)."""
    if sys.platform == "win32":
        return "msvcrt"
    name = platform.libc_ver()[0]
    if name == "glibc":
        return "glibc"
    return "musl" if sys.platform.startswith("linux") else "system"


def _domain(name: str) -> str:
    return "winsock" if name.startswith("WSA") else "errno"


def constants() -> Tuple[Constant, ...]:
    """Codes from :mod:`errno` and the ``EAI_*`` names of :mod:`socket`."""
    found = [
        Constant(_domain(name), name, number)
        for name, number in vars(errno).items()
        if name.startswith(("E", "WSA")) and isinstance(number, int)
    ]
    found += [
        Constant("eai", name, number)
        for name, number in vars(socket).items()
        if name.startswith("EAI_") and isinstance(number, int)
    ]
    return tuple(sorted(found))


def strerror(code: int) -> str:
    """:func:`os.strerror`."""
    return os.strerror(code)


def _native_code(exc: OSError) -> int:
    winerror: Optional[int] = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror
    if isinstance(exc, (TimeoutError, socket.timeout)) and exc.errno is None:  # socket.timeout: 3.9
        return errno.ETIMEDOUT
    return exc.errno or 0


def _family(ip: str) -> socket.AddressFamily:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, ip)
        except (OSError, ValueError):
            continue
        return family
    raise ValueError(f"not a numeric IP address: {ip!r}")


def raw_connect(ip: str, port: int, timeout: float) -> int:
    """Connect with :mod:`socket`; return the native error code (0 on success)."""
    check_address(ip, port)
    seconds = check_timeout(timeout)
    with socket.socket(_family(ip), socket.SOCK_STREAM) as s:
        s.settimeout(seconds)
        try:
            s.connect((ip, port))
        except OSError as exc:
            return _native_code(exc)
    return 0


def raw_bind(ip: str, port: int) -> int:
    """Bind with :mod:`socket`; return the native error code (0 on success)."""
    check_address(ip, port)
    with socket.socket(_family(ip), socket.SOCK_STREAM) as s:
        try:
            s.bind((ip, port))
        except OSError as exc:
            return _native_code(exc)
    return 0


def raw_exchange(ip: str, port: int, data: bytes, timeout: float) -> Tuple[int, int]:
    """Connect, send and read to the end with :mod:`socket`; return (native code, phase).

    ``timeout`` bounds the connect, the whole send (as ``sendall`` does) and each receive."""
    check_address(ip, port)
    seconds = check_timeout(timeout)
    payload = check_data(data)
    with socket.socket(_family(ip), socket.SOCK_STREAM) as s:
        s.settimeout(seconds)
        phase = 1
        try:
            s.connect((ip, port))
            phase = 2
            s.sendall(payload)
            phase = 3
            while s.recv(4096):
                pass
        except OSError as exc:
            return _native_code(exc), phase
    return 0, 4


def raw_resolve(host: str) -> int:
    """``getaddrinfo`` with AI_NUMERICHOST; return the EAI code (0 on success)."""
    name = host_bytes(host)
    try:
        socket.getaddrinfo(name, None, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except socket.gaierror as exc:
        return exc.errno or 0
    return 0
