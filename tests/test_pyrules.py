"""CPython's exception rules as encoded in connerr.pyrules."""

from __future__ import annotations

import errno
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    try:
        return importlib.import_module("connerr.pyrules")
    except ImportError:  # package __init__ not there yet: load the file itself
        spec = importlib.util.spec_from_file_location("connerr_pyrules", ROOT / "connerr" / "pyrules.py")
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod


pyrules = _load()
LOCAL_NUMBERS: Dict[str, int] = {n: getattr(errno, n) for n in dir(errno) if n.startswith("E")}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX errnomap check")
@pytest.mark.parametrize("number,name", sorted(errno.errorcode.items()))
def test_live_posix_errnomap(number: int, name: str) -> None:
    view = pyrules.python_view(
        "linux", "errno", name, number, python=sys.version_info[:2], numbers=LOCAL_NUMBERS
    )
    assert view.exception == type(OSError(number, "x")).__name__
    assert view.errno == number
    assert view.winerror is None
    assert view.rule.startswith("Objects/exceptions.c")


# (domain, name, number, python) -> (exception, errno, winerror); derived from
# PC/errmap.h and Objects/exceptions.c (see connerr/pyrules.py).
WINDOWS_CASES: Dict[Tuple[str, str, int, Tuple[int, int]], Tuple[str, Optional[int], Optional[int]]] = {
    ("winsock", "WSAECONNABORTED", 10053, (3, 13)): ("ConnectionAbortedError", 10053, 10053),
    ("winsock", "WSAECONNABORTED", 10053, (3, 10)): ("ConnectionAbortedError", 10053, 10053),
    ("winsock", "WSAECONNRESET", 10054, (3, 12)): ("ConnectionResetError", 10054, 10054),
    ("winsock", "WSAECONNREFUSED", 10061, (3, 13)): ("ConnectionRefusedError", 10061, 10061),
    ("winsock", "WSAEWOULDBLOCK", 10035, (3, 13)): ("BlockingIOError", 10035, 10035),
    ("winsock", "WSAESHUTDOWN", 10058, (3, 13)): ("BrokenPipeError", 10058, 10058),
    ("win32", "ERROR_NETNAME_DELETED", 64, (3, 13)): ("OSError", 22, 64),
    ("win32", "ERROR_BROKEN_PIPE", 109, (3, 13)): ("BrokenPipeError", 32, 109),
    ("win32", "ERROR_NO_DATA", 232, (3, 13)): ("BrokenPipeError", 32, 232),
    ("win32", "ERROR_CONNECTION_REFUSED", 1225, (3, 13)): ("OSError", 22, 1225),
    ("win32", "ERROR_OPERATION_ABORTED", 995, (3, 13)): ("OSError", 22, 995),
    ("win32", "ERROR_ACCESS_DENIED", 5, (3, 13)): ("PermissionError", 13, 5),
    ("win32", "ERROR_FILE_NOT_FOUND", 2, (3, 13)): ("FileNotFoundError", 2, 2),
    ("winsock", "WSAETIMEDOUT", 10060, (3, 13)): ("TimeoutError", 10060, 10060),
    # up to 3.12 exceptions.c redefined ETIMEDOUT as WSAETIMEDOUT [derived]
    ("winsock", "WSAETIMEDOUT", 10060, (3, 12)): ("TimeoutError", 10060, 10060),
    ("winsock", "WSAEHOSTUNREACH", 10065, (3, 13)): ("OSError", 10065, 10065),
    ("winsock", "WSAENETUNREACH", 10051, (3, 13)): ("OSError", 10051, 10051),
    ("winsock", "WSAEACCES", 10013, (3, 11)): ("PermissionError", 13, 10013),
    ("winsock", "WSAEACCES", 10013, (3, 13)): ("PermissionError", 13, 10013),
    ("winsock", "WSAEACCES", 10013, (3, 10)): ("OSError", 10013, 10013),
    ("winsock", "WSAEINTR", 10004, (3, 13)): ("InterruptedError", 4, 10004),
    ("winsock", "WSAEINVAL", 10022, (3, 13)): ("OSError", 22, 10022),
    ("winsock", "WSA_OPERATION_ABORTED", 995, (3, 13)): ("OSError", 22, 995),
    ("win32", "WAIT_TIMEOUT", 258, (3, 13)): ("TimeoutError", 138, 258),
    ("win32", "WAIT_TIMEOUT", 258, (3, 12)): ("OSError", 22, 258),
    # errno domain: CRT numbers, not the WSA values the errnomap holds
    ("errno", "ECONNABORTED", 106, (3, 13)): ("OSError", 106, None),
    ("errno", "ECONNRESET", 108, (3, 13)): ("OSError", 108, None),
    ("errno", "EPIPE", 32, (3, 13)): ("BrokenPipeError", 32, None),
    ("errno", "EAGAIN", 11, (3, 13)): ("BlockingIOError", 11, None),
    ("errno", "ETIMEDOUT", 138, (3, 13)): ("TimeoutError", 138, None),
    ("errno", "ETIMEDOUT", 138, (3, 12)): ("OSError", 138, None),
    ("errno", "EWOULDBLOCK", 140, (3, 13)): ("OSError", 140, None),
    ("eai", "EAI_NONAME", 11001, (3, 13)): ("socket.gaierror", 11001, None),
}


@pytest.mark.parametrize("key", sorted(WINDOWS_CASES))
def test_windows_cases(key: Tuple[str, str, int, Tuple[int, int]]) -> None:
    domain, name, number, python = key
    view = pyrules.python_view("windows", domain, name, number, python=python, numbers={})
    assert (view.exception, view.errno, view.winerror) == WINDOWS_CASES[key]
    assert view.rule


def test_eai_posix() -> None:
    view = pyrules.python_view("linux", "eai", "EAI_AGAIN", -3, numbers=LOCAL_NUMBERS)
    assert (view.exception, view.errno, view.winerror) == ("socket.gaierror", -3, None)
    system = pyrules.python_view("linux", "eai", "EAI_SYSTEM", -11, numbers=LOCAL_NUMBERS)
    assert system.exception == "OSError" and system.errno is None


def test_enotcapable_wasi() -> None:
    numbers = {"ENOTCAPABLE": 76, "EACCES": 2}
    new = pyrules.python_view("wasi", "errno", "ENOTCAPABLE", 76, python=(3, 12), numbers=numbers)
    old = pyrules.python_view("wasi", "errno", "ENOTCAPABLE", 76, python=(3, 10), numbers=numbers)
    assert (new.exception, old.exception) == ("PermissionError", "OSError")


def test_posix_uses_platform_numbers() -> None:
    # Darwin ECONNRESET is 54; on Linux 54 is EXFULL.
    darwin = {"ECONNRESET": 54, "EPIPE": 32}
    view = pyrules.python_view("darwin", "errno", "ECONNRESET", 54, numbers=darwin)
    assert view.exception == "ConnectionResetError"
    linux = {"EXFULL": 54, "ECONNRESET": 104}
    assert pyrules.python_view("linux", "errno", "EXFULL", 54, numbers=linux).exception == "OSError"


def test_winsock_outside_windows_rejected() -> None:
    with pytest.raises(ValueError):
        pyrules.python_view("linux", "winsock", "WSAECONNRESET", 10054, numbers=LOCAL_NUMBERS)


@pytest.mark.parametrize(
    "name,value",
    [
        ("ECONNABORTED", 10053),
        ("ECONNRESET", 10054),
        ("ECONNREFUSED", 10061),
        ("ETIMEDOUT", 10060),
        ("ENETUNREACH", 10051),
        ("EHOSTUNREACH", 10065),
        ("EWOULDBLOCK", 10035),
        ("ESHUTDOWN", 10058),
        ("EHOSTDOWN", 10064),
        ("EPIPE", 32),
        ("EINTR", 4),
        ("EINVAL", 22),
        ("EAGAIN", 11),
        ("ECANCELED", 105),
        ("WSAECONNABORTED", 10053),
        ("WSAEINVAL", 10022),
        ("WSAHOST_NOT_FOUND", None),
        ("STRUNCATE", None),
        ("EXFULL", None),
    ],
)
def test_windows_python_errno(name: str, value: Optional[int]) -> None:
    assert pyrules.windows_python_errno(name) == value


def test_embedded_numbers_match_data() -> None:
    """pyrules' WSA and CRT constants equal the imported Microsoft data."""
    path = ROOT / "connerr" / "data" / "messages.tsv"
    if not path.exists():
        pytest.skip("messages.tsv not generated")
    numbers: Dict[Tuple[str, str], int] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        msgset, domain, name, number = line.split("\t")[:4]
        if msgset in ("windows", "windows-crt"):
            numbers[(domain, name)] = int(number)
    for name, value in pyrules._WSA.items():
        if ("winsock", name) in numbers:
            assert numbers[("winsock", name)] == value, name
    for name, value in pyrules._CRT_ERRNO.items():
        if ("errno", name) in numbers:
            assert numbers[("errno", name)] == value, name


def test_embedded_numbers_match_codes() -> None:
    """pyrules' WSA and CRT constants equal the header-derived codes.tsv (mingw-w64)."""
    path = ROOT / "connerr" / "data" / "codes.tsv"
    if not path.exists():
        pytest.skip("codes.tsv not generated yet")
    numbers: Dict[Tuple[str, str], int] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        platform, domain, name, number = line.split("\t")[:4]
        if platform == "windows":
            numbers[(domain, name)] = int(number)
    for name, value in pyrules._WSA.items():
        if ("winsock", name) in numbers:
            assert numbers[("winsock", name)] == value, name
    for name, value in pyrules._CRT_ERRNO.items():
        assert numbers.get(("errno", name)) == value, name
