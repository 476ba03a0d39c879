"""``connerr probe``: real loopback failures on this machine, seen by Python and by the C extension.

Every scenario runs twice: through Python's :mod:`socket` / :mod:`ssl` layer (the exception a user
gets, its errno/winerror and connerr's normalized kind) and through the C extension's raw calls
(:mod:`connerr.native` ``raw_*``: the bare native code, named with :mod:`connerr.reference`). The
JSON is shaped like tools/cross.py's C-probe files so that ``connerr matrix`` can merge both::

    {"source": "connerr-probe", "connerr", "os", "arch", "libc", "platform", "python",
     "verified_by": "native run", "backend", "seconds",
     "scenarios": [{"scenario", "layer": "python-socket"|"c-raw", "via", "exception", "errno",
                    "winerror", "message", "domain", "native_code", "phase", "name", "kind",
                    "unavailable"}, ...]}

``unavailable`` is null, or why the row has no observation (no C extension, no TLS in C, no
``trustme`` for the TLS certificate). The whole probe is bounded: every wait has a timeout and the
scenarios run side by side, so it ends well within :data:`BUDGET` seconds.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import socket
import sys
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from connerr.faults import FaultyServer

__all__ = ["BUDGET", "SCENARIOS", "run_probe", "to_json", "to_text"]

#: the whole probe ends within this many seconds
BUDGET = 10.0
#: connect/read timeout of each scenario (Windows retries a refused SYN for about 2 s)
TIMEOUT = 3.0
#: the read timeout of the stall scenario
STALL = 0.3
HOST = "127.0.0.1"
TEST_NET = "192.0.2.1"  # RFC 5737: never an address of this host; bound, never contacted
NO_SUCH_HOST = "no-such-host.invalid"  # resolved with AI_NUMERICHOST: no DNS traffic
REQUEST = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
#: a TLS handshake record header and a few bytes: what the tls_handshake_cut server waits for
TLS_RECORD = b"\x16\x03\x01\x00\x04\x01\x00\x00\x00"
#: more than loopback buffers hold: the C send is still running when the peer's FIN and RST arrive
UPLOAD = 16 << 20

SCENARIOS = (
    "refused",
    "reset",
    "close",
    "stall",
    "address_in_use",
    "address_not_available",
    "name_not_found",
    "broken_pipe",
    "tls_handshake_cut",
    "tls_midstream_cut",
)
PYTHON, C_RAW = "python-socket", "c-raw"

Row = Dict[str, Any]
#: a Python-layer outcome: (exception or None, phase, via)
Outcome = Tuple[Optional[BaseException], Optional[str], str]


class _Unavailable(Exception):
    """This layer cannot observe the scenario here (the message says why)."""


@contextlib.contextmanager
def _server(mode: str, **kwargs: Any) -> Iterator[FaultyServer]:
    with FaultyServer(mode, timeout=TIMEOUT, **kwargs) as server:
        yield server


@contextlib.contextmanager
def _holder() -> Iterator[int]:
    """A listening loopback socket; yields its port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


# -- the Python layer: each returns the exception the call ended with ---------------------------


def _py_exchange(mode: str, timeout: float = TIMEOUT) -> Outcome:
    with _server(mode) as server:
        phase = "connect"
        try:
            with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
                phase = "send"
                sock.sendall(REQUEST)
                phase = "receive"
                while sock.recv(65536):
                    pass
        except Exception as exc:
            return exc, phase, "socket"
    return None, "eof", "socket"


def _py_close() -> Outcome:
    """recv() returning b"" is not an error: http.client shows what a client makes of the FIN."""
    with _server("close") as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
        try:
            conn.request("GET", "/")
            conn.getresponse().close()
        except Exception as exc:
            return exc, "receive", "http.client"
        finally:
            conn.close()
    return None, "eof", "http.client"


def _py_bind(address: Tuple[str, int]) -> Outcome:
    try:
        with socket.socket() as sock:
            sock.bind(address)
    except Exception as exc:
        return exc, None, "socket"
    return None, None, "socket"


def _py_address_in_use() -> Outcome:
    with _holder() as port:
        return _py_bind((HOST, port))


def _py_name_not_found() -> Outcome:
    try:
        socket.getaddrinfo(NO_SUCH_HOST, 80, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except Exception as exc:
        return exc, None, "socket"
    return None, None, "socket"


def _py_broken_pipe() -> Outcome:
    """Write after the peer's FIN then RST (the ``abort`` server): EPIPE on POSIX."""
    with _server("abort") as server:
        phase = "connect"
        try:
            with socket.create_connection((server.host, server.port), timeout=TIMEOUT) as sock:
                phase = "receive"
                sock.sendall(REQUEST)
                while sock.recv(65536):
                    pass
                phase = "send"
                for _ in range(1000):  # bounded: the RST is there after the first send at the latest
                    sock.sendall(b"x" * 65536)
        except Exception as exc:
            return exc, phase, "socket"
    return None, "send", "socket"


def _py_tls(mode: str) -> Outcome:
    import ssl

    tls = None
    if mode == "tls_midstream_cut":
        tls = _self_signed()
        client = tls.client_context
    else:  # the handshake is cut before any certificate is sent: nothing to verify
        client = ssl.create_default_context()
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
    with _server(mode, ssl_context=tls.server_context if tls else None) as server:
        phase = "connect"
        try:
            with (
                socket.create_connection((server.host, server.port), timeout=TIMEOUT) as raw,
                client.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False) as sock,
            ):
                phase = "receive"
                sock.sendall(REQUEST)
                while sock.recv(65536):
                    pass
        except Exception as exc:
            return exc, phase, "ssl"
    return None, "eof", "ssl"


def _self_signed() -> Any:
    from connerr.faults import self_signed

    try:
        return self_signed()
    except ImportError as exc:
        raise _Unavailable(f"needs trustme for a test certificate ({exc})") from None


PYTHON_SCENARIOS: Dict[str, Callable[[], Outcome]] = {
    "refused": lambda: _py_exchange("refuse"),
    "reset": lambda: _py_exchange("reset"),
    "close": _py_close,
    "stall": lambda: _py_exchange("stall", STALL),
    "address_in_use": _py_address_in_use,
    "address_not_available": lambda: _py_bind((TEST_NET, 0)),
    "name_not_found": _py_name_not_found,
    "broken_pipe": _py_broken_pipe,
    "tls_handshake_cut": lambda: _py_tls("tls_handshake_cut"),
    "tls_midstream_cut": lambda: _py_tls("tls_midstream_cut"),
}

# -- the C layer: each returns (native code, phase, domain) ----------------------------------------

RawOutcome = Tuple[int, Optional[str], str]


def _socket_domain() -> str:
    return "winsock" if sys.platform == "win32" else "errno"


def _raw_exchange(mode: str, data: bytes = REQUEST, timeout: float = TIMEOUT) -> RawOutcome:
    from connerr import native

    with _server(mode) as server:
        code, phase = native.raw_exchange(server.host, server.port, data, timeout)
    return code, native.EXCHANGE_STEPS.get(phase), _socket_domain()


def _raw_connect_refused() -> RawOutcome:
    from connerr import native

    with _server("refuse") as server:
        return native.raw_connect(server.host, server.port, TIMEOUT), "connect", _socket_domain()


def _raw_address_in_use() -> RawOutcome:
    from connerr import native

    with _holder() as port:
        return native.raw_bind(HOST, port), None, _socket_domain()


def _raw_bind_test_net() -> RawOutcome:
    from connerr import native

    return native.raw_bind(TEST_NET, 0), None, _socket_domain()


def _raw_resolve() -> RawOutcome:
    from connerr import native

    return native.raw_resolve(NO_SUCH_HOST), None, "eai"


def _raw_no_tls() -> RawOutcome:
    raise _Unavailable("the C layer has no TLS")


C_SCENARIOS: Dict[str, Callable[[], RawOutcome]] = {
    "refused": _raw_connect_refused,
    "reset": lambda: _raw_exchange("reset"),
    "close": lambda: _raw_exchange("close"),
    "stall": lambda: _raw_exchange("stall", timeout=STALL),
    "address_in_use": _raw_address_in_use,
    "address_not_available": _raw_bind_test_net,
    "name_not_found": _raw_resolve,
    "broken_pipe": lambda: _raw_exchange("abort", REQUEST + b"x" * UPLOAD),
    # TCP's view of the cut handshake: the record goes out, a FIN comes back
    "tls_handshake_cut": lambda: _raw_exchange("tls_handshake_cut", TLS_RECORD),
    "tls_midstream_cut": _raw_no_tls,
}

# -- rows ----------------------------------------------------------------------------------------


def _row(scenario: str, layer: str, **values: Any) -> Row:
    row: Row = {
        "scenario": scenario,
        "layer": layer,
        "via": None,
        "exception": None,
        "errno": None,
        "winerror": None,
        "message": None,
        "domain": None,
        "native_code": None,
        "phase": None,
        "name": None,
        "kind": None,
        "unavailable": None,
    }
    row.update(values)
    return row


def _int_or_none(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def python_row(scenario: str, platform: str) -> Row:
    """Run ``scenario`` through Python's socket layer and describe the outcome."""
    try:
        exc, phase, via = PYTHON_SCENARIOS[scenario]()
    except _Unavailable as why:
        return _row(scenario, PYTHON, unavailable=str(why))
    except Exception as error:  # the set-up failed (no loopback?): say so, keep probing
        return _row(scenario, PYTHON, unavailable=f"could not run: {error!r}")
    if exc is None:
        return _row(scenario, PYTHON, via=via, phase=phase, message="no error")
    from connerr._normalize import normalize

    diagnosis = normalize(exc, platform)
    return _row(
        scenario,
        PYTHON,
        via=via,
        phase=phase,
        exception=_qualname(exc),
        errno=_int_or_none(getattr(exc, "errno", None)),
        winerror=_int_or_none(getattr(exc, "winerror", None)),
        message=str(exc),
        domain=diagnosis.domain,
        native_code=diagnosis.number,
        name=diagnosis.name,
        kind=diagnosis.kind.value,
    )


def _qualname(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def c_row(scenario: str, platform: str, backend: str) -> Row:
    """Run ``scenario`` through the C extension's raw calls (unavailable on the python backend)."""
    if backend != "cffi":
        return _row(scenario, C_RAW, unavailable=f"no C extension (connerr.native backend: {backend})")
    try:
        code, phase, domain = C_SCENARIOS[scenario]()
    except _Unavailable as why:
        return _row(scenario, C_RAW, unavailable=str(why))
    except Exception as error:
        return _row(scenario, C_RAW, unavailable=f"could not run: {error!r}")
    name = kind = None
    if code != 0:
        from connerr import reference

        found = reference.resolve(domain, code, platform)
        name, kind = found if found else (None, None)
    return _row(
        scenario,
        C_RAW,
        via="connerr.native",
        domain=domain,
        native_code=code,
        phase=phase,
        name=name,
        kind=kind,
        message=_native_message(domain, code, phase),
    )


def _native_message(domain: str, code: int, phase: Optional[str]) -> str:
    from connerr import native

    if code == 0:
        return "end of stream" if phase == "eof" else "success"
    if domain == "eai":
        text = native.gai_strerror(code) if hasattr(native, "gai_strerror") else ""
    elif sys.platform == "win32" and hasattr(native, "format_message"):
        text = native.format_message(code)
    else:
        text = native.strerror(code)
    return str(text)


def _scenario_rows(scenario: str, platform: str, backend: str) -> List[Row]:
    return [python_row(scenario, platform), c_row(scenario, platform, backend)]


def run_probe(scenarios: Tuple[str, ...] = SCENARIOS) -> Dict[str, Any]:
    """Run ``scenarios`` on this machine and return the probe JSON object."""
    import platform as pyplatform

    from connerr import native
    from connerr._version import __version__
    from connerr.native import current_platform

    started = time.monotonic()
    tag = current_platform()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="connerr-probe") as pool:
        futures = [pool.submit(_scenario_rows, s, tag, native.BACKEND) for s in scenarios]
        rows = [row for future in futures for row in future.result(timeout=BUDGET)]
    return {
        "source": "connerr-probe",
        "connerr": __version__,
        "os": native.compiled_os(),
        "arch": native.compiled_arch(),
        "libc": native.compiled_libc(),
        "platform": tag,
        "python": f"{pyplatform.python_implementation()} {pyplatform.python_version()}",
        "verified_by": "native run",
        "backend": native.BACKEND,
        "seconds": round(time.monotonic() - started, 3),
        "scenarios": rows,
    }


# -- output --------------------------------------------------------------------------------------


def to_json(probe: Dict[str, Any]) -> str:
    """The probe as indented JSON."""
    import json

    return json.dumps(probe, indent=1)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _code_cell(row: Row) -> str:
    if row["unavailable"]:
        return "n/a"
    code, name = row["native_code"], row["name"]
    if code is None:
        return "-"
    return f"{name} {code}" if name else str(code)


def _clip(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def to_text(probe: Dict[str, Any]) -> str:
    """A readable table of the probe."""
    head = (
        f"connerr {probe['connerr']} probe: {probe['platform']} ({probe['os']} {probe['arch']} "
        f"{probe['libc']}), {probe['python']}, backend {probe['backend']}, {probe['seconds']:.1f}s"
    )
    header = (
        "scenario",
        "layer",
        "exception",
        "errno",
        "winerror",
        "native code",
        "phase",
        "kind",
        "message",
    )
    rows = [
        (
            r["scenario"],
            r["layer"],
            _cell(r["exception"]),
            _cell(r["errno"]),
            _cell(r["winerror"]),
            _code_cell(r),
            _cell(r["phase"]),
            _cell(r["kind"]),
            _clip(r["unavailable"] or r["message"] or ""),
        )
        for r in probe["scenarios"]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [head, ""]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in [header, tuple("-" * w for w in widths), *rows]
    ]
    return "\n".join(lines)
