"""CPython's rules for turning a native error code into the exception a user sees.

Each rule is encoded once, here, from CPython's own source (read with the
project's source-search tools; the file is named next to every table):

* ``Objects/exceptions.c``  ``_PyExc_InitState`` errnomap (PEP 3151) and, on
  Windows, ``oserror_parse_args`` plus the ``#undef``/``#define`` block that
  swaps socket errno names for their WSA values before the errnomap is built.
* ``PC/errmap.h``           ``winerror_to_errno`` (Windows only).
* ``Modules/errnomodule.c`` what ``errno.NAME`` is on Windows.
* ``Modules/socketmodule.c`` ``set_gaierror``.

Version boundaries (``python`` is ``(major, minor)``; modelled for 3.9+):

* bpo-46775 (python/cpython#32179, 3.11): ``OSError`` calls
  ``winerror_to_errno`` for every winerror.  Before, a winerror >= 10000 was
  used as errno unchanged.  The change was also backported to 3.10
  (python/cpython#32198) and 3.9 (#32199) in March 2022, so late 3.9.x/3.10.x
  patch releases behave like 3.11; this module models 3.9/3.10 as the
  pre-change behaviour (which patch release first shipped it is unverified).
* 3.13 (gh-89240 per the project's CPython notes): Windows no longer
  redefines ``ETIMEDOUT`` as ``WSAETIMEDOUT`` in exceptions.c, adds
  ``ADD_ERRNO(TimeoutError, WSAETIMEDOUT)``, and ``winerror_to_errno`` maps
  ``WAIT_TIMEOUT`` (258) to ``ETIMEDOUT``.  Because ``errmap.h`` is included
  before that block, its ``ETIMEDOUT`` is the CRT's 138 [derived].
* gh-96005 (python/cpython#96006, backport #96038 "[3.11]", released in
  3.11.1): ``ENOTCAPABLE`` -> ``PermissionError`` (``#ifdef ENOTCAPABLE``).

No I/O happens at import; the caller passes the platform's numbers.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, Mapping, NamedTuple, Optional, Tuple

    PyVersion = Tuple[int, int]
else:
    from connerr._namedtuple import NamedTuple

__all__ = ["PythonView", "python_view", "windows_python_errno", "winerror_to_errno"]


class PythonView(NamedTuple):
    """What CPython shows for one native code: class, ``.errno``, ``.winerror``, rule."""

    exception: str
    errno: int | None
    winerror: int | None
    rule: str


# Objects/exceptions.c, _PyExc_InitState: ADD_ERRNO(TYPE, CODE) in source
# order (a later insertion of the same number wins, as PyDict_SetItem does).
# The third field is the first (major, minor) that has the line.
_ERRNOMAP: Tuple[Tuple[str, str, PyVersion], ...] = (
    ("BlockingIOError", "EAGAIN", (3, 3)),
    ("BlockingIOError", "EALREADY", (3, 3)),
    ("BlockingIOError", "EINPROGRESS", (3, 3)),
    ("BlockingIOError", "EWOULDBLOCK", (3, 3)),
    ("BrokenPipeError", "EPIPE", (3, 3)),
    ("BrokenPipeError", "ESHUTDOWN", (3, 3)),  # under #ifdef ESHUTDOWN
    ("ChildProcessError", "ECHILD", (3, 3)),
    ("ConnectionAbortedError", "ECONNABORTED", (3, 3)),
    ("ConnectionRefusedError", "ECONNREFUSED", (3, 3)),
    ("ConnectionResetError", "ECONNRESET", (3, 3)),
    ("FileExistsError", "EEXIST", (3, 3)),
    ("FileNotFoundError", "ENOENT", (3, 3)),
    ("IsADirectoryError", "EISDIR", (3, 3)),
    ("NotADirectoryError", "ENOTDIR", (3, 3)),
    ("InterruptedError", "EINTR", (3, 3)),
    ("PermissionError", "EACCES", (3, 3)),
    ("PermissionError", "EPERM", (3, 3)),
    # #ifdef ENOTCAPABLE (WASI; gh-96005, 3.11.1+; 3.11.0 lacks it).
    ("PermissionError", "ENOTCAPABLE", (3, 11)),
    ("ProcessLookupError", "ESRCH", (3, 3)),
    ("TimeoutError", "ETIMEDOUT", (3, 3)),
)

# Windows C runtime <errno.h> numbers (MSVC/UCRT errno.h; the same values in
# mingw-w64-headers/crt/errno.h as shipped with zig 0.17.0,
# lib/libc/include/any-windows-any/errno.h).  Only names CPython uses here.
# fmt: off
_CRT_ERRNO: Dict[str, int] = {
    "EPERM": 1, "ENOENT": 2, "ESRCH": 3, "EINTR": 4, "EIO": 5, "ENXIO": 6,
    "E2BIG": 7, "ENOEXEC": 8, "EBADF": 9, "ECHILD": 10, "EAGAIN": 11,
    "ENOMEM": 12, "EACCES": 13, "EFAULT": 14, "EBUSY": 16, "EEXIST": 17,
    "EXDEV": 18, "ENODEV": 19, "ENOTDIR": 20, "EISDIR": 21, "EINVAL": 22,
    "ENFILE": 23, "EMFILE": 24, "ENOTTY": 25, "EFBIG": 27, "ENOSPC": 28,
    "ESPIPE": 29, "EROFS": 30, "EMLINK": 31, "EPIPE": 32, "EDOM": 33,
    "ERANGE": 34, "EDEADLK": 36, "EDEADLOCK": 36, "ENAMETOOLONG": 38,
    "ENOLCK": 39, "ENOSYS": 40, "ENOTEMPTY": 41, "EILSEQ": 42,
    # POSIX supplement (VS2010+)
    "EADDRINUSE": 100, "EADDRNOTAVAIL": 101, "EAFNOSUPPORT": 102,
    "EALREADY": 103, "EBADMSG": 104, "ECANCELED": 105, "ECONNABORTED": 106,
    "ECONNREFUSED": 107, "ECONNRESET": 108, "EDESTADDRREQ": 109,
    "EHOSTUNREACH": 110, "EIDRM": 111, "EINPROGRESS": 112, "EISCONN": 113,
    "ELOOP": 114, "EMSGSIZE": 115, "ENETDOWN": 116, "ENETRESET": 117,
    "ENETUNREACH": 118, "ENOBUFS": 119, "ENODATA": 120, "ENOLINK": 121,
    "ENOMSG": 122, "ENOPROTOOPT": 123, "ENOSR": 124, "ENOSTR": 125,
    "ENOTCONN": 126, "ENOTRECOVERABLE": 127, "ENOTSOCK": 128, "ENOTSUP": 129,
    "EOPNOTSUPP": 130, "EOVERFLOW": 132, "EOWNERDEAD": 133, "EPROTO": 134,
    "EPROTONOSUPPORT": 135, "EPROTOTYPE": 136, "ETIME": 137,
    "ETIMEDOUT": 138, "ETXTBSY": 139, "EWOULDBLOCK": 140,
}
# fmt: on

# <winsock2.h>: WSABASEERR (10000) + n.  Only the names Modules/errnomodule.c
# exports (its WSA* add_errcode lines) and the WSA twins of errno names.
# fmt: off
_WSA: Dict[str, int] = {
    "WSABASEERR": 10000, "WSAEINTR": 10004, "WSAEBADF": 10009,
    "WSAEACCES": 10013, "WSAEFAULT": 10014, "WSAEINVAL": 10022,
    "WSAEMFILE": 10024, "WSAEWOULDBLOCK": 10035, "WSAEINPROGRESS": 10036,
    "WSAEALREADY": 10037, "WSAENOTSOCK": 10038, "WSAEDESTADDRREQ": 10039,
    "WSAEMSGSIZE": 10040, "WSAEPROTOTYPE": 10041, "WSAENOPROTOOPT": 10042,
    "WSAEPROTONOSUPPORT": 10043, "WSAESOCKTNOSUPPORT": 10044,
    "WSAEOPNOTSUPP": 10045, "WSAEPFNOSUPPORT": 10046, "WSAEAFNOSUPPORT": 10047,
    "WSAEADDRINUSE": 10048, "WSAEADDRNOTAVAIL": 10049, "WSAENETDOWN": 10050,
    "WSAENETUNREACH": 10051, "WSAENETRESET": 10052, "WSAECONNABORTED": 10053,
    "WSAECONNRESET": 10054, "WSAENOBUFS": 10055, "WSAEISCONN": 10056,
    "WSAENOTCONN": 10057, "WSAESHUTDOWN": 10058, "WSAETOOMANYREFS": 10059,
    "WSAETIMEDOUT": 10060, "WSAECONNREFUSED": 10061, "WSAELOOP": 10062,
    "WSAENAMETOOLONG": 10063, "WSAEHOSTDOWN": 10064, "WSAEHOSTUNREACH": 10065,
    "WSAENOTEMPTY": 10066, "WSAEPROCLIM": 10067, "WSAEUSERS": 10068,
    "WSAEDQUOT": 10069, "WSAESTALE": 10070, "WSAEREMOTE": 10071,
    "WSASYSNOTREADY": 10091, "WSAVERNOTSUPPORTED": 10092,
    "WSANOTINITIALISED": 10093, "WSAEDISCON": 10101,
}
# fmt: on

# Modules/errnomodule.c (MS_WINDOWS): "constants added to errno.h in VS2010
# but have preferred WSA equivalents" are #undef'd, so the #else branch
# (the WSA value) is used for them.
# fmt: off
_ERRNOMODULE_UNDEF: FrozenSet[str] = frozenset({
    "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EALREADY", "ECONNABORTED",
    "ECONNREFUSED", "ECONNRESET", "EDESTADDRREQ", "EHOSTUNREACH", "EINPROGRESS",
    "EISCONN", "ELOOP", "EMSGSIZE", "ENETDOWN", "ENETRESET", "ENETUNREACH",
    "ENOBUFS", "ENOPROTOOPT", "ENOTCONN", "ENOTSOCK", "EOPNOTSUPP",
    "EPROTONOSUPPORT", "EPROTOTYPE", "ETIMEDOUT", "EWOULDBLOCK",
})
# fmt: on

# Modules/errnomodule.c: names with an "#else #ifdef WSAxxx" fallback.
# fmt: off
_ERRNOMODULE_WSA_FALLBACK: FrozenSet[str] = _ERRNOMODULE_UNDEF | frozenset({
    "EINVAL", "EINTR", "EUSERS", "ENOTEMPTY", "EREMOTE", "EHOSTDOWN",
    "EPFNOSUPPORT", "ESHUTDOWN", "EBADF", "EACCES", "EDQUOT", "EFAULT",
    "ESTALE", "ENAMETOOLONG", "ESOCKTNOSUPPORT", "ETOOMANYREFS", "EMFILE",
})
# fmt: on

# CRT names Modules/errnomodule.c has no add_errcode line for.
_ERRNOMODULE_NOT_EXPORTED: FrozenSet[str] = frozenset({"STRUNCATE", "EOTHER"})

# PC/errmap.h winerror_to_errno: the switch, winerror -> CRT errno name.
# Anything not listed takes the default: EINVAL.
_ERRMAP_SWITCH: Dict[int, str] = {}
# fmt: off
for _errno_name, _codes in (
    # ERROR_FILE_NOT_FOUND, PATH_NOT_FOUND, INVALID_DRIVE, NO_MORE_FILES,
    # BAD_NETPATH, BAD_NET_NAME, BAD_PATHNAME, FILENAME_EXCED_RANGE
    ("ENOENT", (2, 3, 15, 18, 53, 67, 161, 206)),
    ("E2BIG", (10,)),  # ERROR_BAD_ENVIRONMENT
    # ERROR_BAD_FORMAT, INVALID_STARTING_CODESEG .. INFLOOP_IN_RELOC_CHAIN
    ("ENOEXEC", (11, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198,
                 199, 200, 201, 202)),
    # ERROR_INVALID_HANDLE, INVALID_TARGET_HANDLE, DIRECT_ACCESS_HANDLE
    ("EBADF", (6, 114, 130)),
    ("ECHILD", (128, 129)),  # ERROR_WAIT_NO_CHILDREN, CHILD_NOT_COMPLETE
    # ERROR_NO_PROC_SLOTS, MAX_THRDS_REACHED, NESTING_NOT_ALLOWED
    ("EAGAIN", (89, 164, 215)),
    # ERROR_ARENA_TRASHED, NOT_ENOUGH_MEMORY, INVALID_BLOCK, NOT_ENOUGH_QUOTA
    ("ENOMEM", (7, 8, 9, 1816)),
    # ERROR_ACCESS_DENIED, CURRENT_DIRECTORY, WRITE_PROTECT .. WRONG_DISK (19-34),
    # 35 (undefined), SHARING_BUFFER_EXCEEDED, NETWORK_ACCESS_DENIED,
    # CANNOT_MAKE, FAIL_I24, DRIVE_LOCKED, SEEK_ON_DEVICE, NOT_LOCKED, LOCK_FAILED
    ("EACCES", (5, 16, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                33, 34, 35, 36, 65, 82, 83, 108, 132, 158, 167)),
    ("EEXIST", (80, 183)),  # ERROR_FILE_EXISTS, ALREADY_EXISTS
    ("EXDEV", (17,)),  # ERROR_NOT_SAME_DEVICE
    ("ENOTDIR", (267,)),  # ERROR_DIRECTORY (bpo-12802)
    ("EMFILE", (4,)),  # ERROR_TOO_MANY_OPEN_FILES
    ("ENOSPC", (112,)),  # ERROR_DISK_FULL
    ("EPIPE", (109, 232)),  # ERROR_BROKEN_PIPE, ERROR_NO_DATA (bpo-13063)
    ("ENOTEMPTY", (145,)),  # ERROR_DIR_NOT_EMPTY
    ("EILSEQ", (1113,)),  # ERROR_NO_UNICODE_TRANSLATION (bpo-37705)
):
    for _code in _codes:
        _ERRMAP_SWITCH[_code] = _errno_name
# fmt: on
del _errno_name, _codes, _code

_WAIT_TIMEOUT = 258
# winerror_to_errno: WSA codes returned as winerror - 10000 (WinSock2.h
# "Winsock definitions of errno values").
_WSA_MINUS_10000: FrozenSet[int] = frozenset({10004, 10009, 10013, 10014, 10022, 10024})


def winerror_to_errno(winerror: int, python: PyVersion = (3, 13)) -> Tuple[int, str]:
    """``PC/errmap.h`` winerror_to_errno as ``OSError`` applies it; returns (errno, rule)."""
    if python < (3, 11) and winerror >= 10000:
        # Objects/exceptions.c oserror_parse_args before bpo-46775.
        return winerror, "Objects/exceptions.c oserror_parse_args <3.11: winerror >= 10000 is the errno"
    code = winerror
    if (code & 0xFFFF0000) == 0x80070000:  # unwrap FACILITY_WIN32 HRESULT
        code &= 0x0000FFFF
    if 10000 <= code < 12000:
        if code in _WSA_MINUS_10000:
            return code - 10000, "PC/errmap.h winerror_to_errno WSA code - 10000"
        return code, "PC/errmap.h winerror_to_errno Winsock pass-through"
    if code == _WAIT_TIMEOUT and python >= (3, 13):
        return _CRT_ERRNO["ETIMEDOUT"], "PC/errmap.h winerror_to_errno WAIT_TIMEOUT -> ETIMEDOUT (3.13+)"
    name = _ERRMAP_SWITCH.get(code)
    if name is None:
        return _CRT_ERRNO["EINVAL"], "PC/errmap.h winerror_to_errno default EINVAL"
    return _CRT_ERRNO[name], f"PC/errmap.h winerror_to_errno -> {name}"


def _windows_errnomap(python: PyVersion) -> Dict[int, str]:
    """Objects/exceptions.c errnomap as compiled on Windows (MSVC)."""
    # The MS_WINDOWS block #undefs the VS2010 socket errno names and defines
    # EALREADY, ECONNABORTED, ECONNREFUSED, ECONNRESET, EINPROGRESS, ESHUTDOWN
    # and EWOULDBLOCK as their WSA values; up to 3.12 ETIMEDOUT too.
    values: Dict[str, int] = dict(_CRT_ERRNO)
    for name in (
        "EALREADY",
        "ECONNABORTED",
        "ECONNREFUSED",
        "ECONNRESET",
        "EINPROGRESS",
        "ESHUTDOWN",
        "EWOULDBLOCK",
    ):
        values[name] = _WSA["WSA" + name]
    if python < (3, 13):
        values["ETIMEDOUT"] = _WSA["WSAETIMEDOUT"]
    result: Dict[int, str] = {}
    for exc, name, since in _ERRNOMAP:
        if python >= since and name in values:
            result[values[name]] = exc
    if python >= (3, 13):
        result[_WSA["WSAETIMEDOUT"]] = "TimeoutError"  # ADD_ERRNO(TimeoutError, WSAETIMEDOUT)
    return result


def _posix_errnomap(numbers: Mapping[str, int], python: PyVersion) -> Dict[int, str]:
    result: Dict[int, str] = {}
    for exc, name, since in _ERRNOMAP:
        if python >= since and name in numbers:
            result[numbers[name]] = exc
    return result


def python_view(
    platform: str,
    domain: str,
    name: str,
    number: int,
    *,
    python: PyVersion = (3, 13),
    numbers: Mapping[str, int],
) -> PythonView:
    """Return what ``OSError`` (or ``socket.gaierror``) looks like for this code.

    ``numbers`` is the platform's errno name -> number map (its ``errno``
    domain in codes.tsv); it is used for POSIX platforms, where the errnomap is
    built from the platform's own ``<errno.h>``.  Windows uses the CRT/WSA
    values CPython is compiled with.
    """
    if domain == "eai":
        if name == "EAI_SYSTEM":
            # set_gaierror: EAI_SYSTEM -> set_error(): OSError from C errno.
            return PythonView(
                "OSError",
                None,
                None,
                "Modules/socketmodule.c set_gaierror: EAI_SYSTEM -> set_error() (errno of the call)",
            )
        if platform == "windows" and name in _WINDOWS_SDK_EAI:
            value, why = _WINDOWS_SDK_EAI[name]
            return PythonView("socket.gaierror", value, None, why)
        return PythonView(
            "socket.gaierror",
            number,
            None,
            "Modules/socketmodule.c set_gaierror: gaierror(error, gai_strerror)",
        )
    if platform == "windows":
        emap = _windows_errnomap(python)
        if domain == "errno":
            exc = emap.get(number, "OSError")
            rule = "Objects/exceptions.c errnomap (Windows: socket names are WSA values)"
            if exc == "OSError":
                rule += ": no entry -> OSError"
            return PythonView(exc, number, None, rule)
        if domain in ("winsock", "win32"):
            errno_value, rule = winerror_to_errno(number, python)
            exc = emap.get(errno_value, "OSError")
            return PythonView(exc, errno_value, number, rule + "; Objects/exceptions.c errnomap")
        raise ValueError(f"unknown domain for windows: {domain!r}")
    if domain != "errno":
        raise ValueError(f"domain {domain!r} exists only on windows, not {platform!r}")
    exc = _posix_errnomap(numbers, python).get(number, "OSError")
    rule = "Objects/exceptions.c errnomap"
    if exc == "OSError":
        rule += ": no entry -> OSError"
    return PythonView(exc, number, None, rule)


#: EAI codes whose value in CPython on Windows (built with Microsoft's SDK) differs from the mingw-w64
#: header the data's numbers come from: name -> (value Python shows, why).
_WINDOWS_SDK_EAI: Dict[str, Tuple[int, str]] = {
    "EAI_NODATA": (
        11001,
        "python.org builds use Microsoft's SDK, whose ws2tcpip.h has "
        "'#define EAI_NODATA EAI_NONAME' (11001, WSAHOST_NOT_FOUND; the same line in "
        "reactos/reactos@0e6d0ba9ede4:sdk/include/psdk/ws2tcpip.h), so socket.EAI_NODATA "
        "is 11001 there; mingw-w64's ws2tcpip.h says 11004 (WSANO_DATA)",
    ),
}


def windows_python_errno(name: str) -> Optional[int]:
    """``errno.NAME`` on Windows CPython (Modules/errnomodule.c), or None if absent."""
    if name in _WSA:
        return _WSA[name]
    if name in _ERRNOMODULE_NOT_EXPORTED:
        return None
    if name in _CRT_ERRNO and name not in _ERRNOMODULE_UNDEF:
        return _CRT_ERRNO[name]
    if name in _ERRNOMODULE_WSA_FALLBACK:
        return _WSA.get("WSA" + name)
    return None
