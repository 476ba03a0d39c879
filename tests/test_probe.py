"""connerr probe: every scenario runs for real here, through Python and through the C extension."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Set, Tuple

import pytest
from _support import LINUX, WINDOWS

import connerr
from connerr import native, probe
from connerr.cli import main
from connerr.native import current_platform
from connerr.taxonomy import Kind

K = Kind
ROW_KEYS = {
    "scenario",
    "layer",
    "via",
    "exception",
    "errno",
    "winerror",
    "message",
    "domain",
    "native_code",
    "phase",
    "name",
    "kind",
    "unavailable",
}
#: the keys tools/cross.py's C-probe scenario entries carry (enrich())
C_PROBE_KEYS = {"scenario", "layer", "domain", "native_code", "phase", "name", "kind"}
#: after a FIN then RST: EPIPE on POSIX; Windows gives WSAECONNABORTED or WSAECONNRESET (timing)
WRITE_AFTER_ABORT = {K.CONNECTION_ABORTED, K.CONNECTION_RESET} if WINDOWS else {K.BROKEN_PIPE}

#: scenario -> kinds the Python layer may give on this OS (None: no error at all)
PYTHON_KINDS: Dict[str, Set[Optional[Kind]]] = {
    "refused": {K.CONNECTION_REFUSED},
    "reset": {K.CONNECTION_RESET},
    "close": {K.REMOTE_DISCONNECTED},
    "stall": {K.TIMED_OUT},
    "address_in_use": {K.ADDRESS_IN_USE},
    "address_not_available": {K.ADDRESS_NOT_AVAILABLE},
    "name_not_found": {K.NAME_NOT_FOUND},
    "broken_pipe": set(WRITE_AFTER_ABORT),
    "tls_handshake_cut": {K.TLS_EOF},
    # CPython 3.9's _ssl.c reads OpenSSL 3's unexpected EOF as a clean close (bpo-43794)
    "tls_midstream_cut": {K.TLS_EOF} if sys.version_info >= (3, 10) else {K.TLS_EOF, None},
}
#: scenario -> kinds of the C layer's native code (None: code 0, a clean end of stream)
C_KINDS: Dict[str, Set[Optional[Kind]]] = {
    **PYTHON_KINDS,
    "close": {None},
    "tls_handshake_cut": {None},
    # the C layer writes 16 MB into the abort server: the send meets the FIN+RST on Linux; other
    # stacks may deliver the RST to a send still in progress as a reset
    "broken_pipe": set(WRITE_AFTER_ABORT) if LINUX or WINDOWS else {K.BROKEN_PIPE, K.CONNECTION_RESET},
}


@pytest.fixture(scope="module")
def result() -> Dict[str, Any]:
    return probe.run_probe()


def rows_of(result: Dict[str, Any]) -> Dict[Tuple[str, str], Dict[str, Any]]:
    return {(r["scenario"], r["layer"]): r for r in result["scenarios"]}


def kind_of(row: Dict[str, Any]) -> Optional[Kind]:
    return Kind(row["kind"]) if row["kind"] else None


def test_top_level_shape(result: Dict[str, Any]) -> None:
    assert result["source"] == "connerr-probe"
    assert result["connerr"] == connerr.__version__
    assert (result["os"], result["arch"], result["libc"]) == (
        native.compiled_os(),
        native.compiled_arch(),
        native.compiled_libc(),
    )
    assert result["platform"] == current_platform()
    assert result["python"].split()[-1] == ".".join(map(str, sys.version_info[:3]))
    assert result["verified_by"] == "native run"
    assert result["backend"] == native.BACKEND
    json.loads(probe.to_json(result))  # JSON-ready


def test_bounded_in_time(result: Dict[str, Any]) -> None:
    assert result["seconds"] < probe.BUDGET


def test_every_scenario_on_both_layers(result: Dict[str, Any]) -> None:
    got = [(r["scenario"], r["layer"]) for r in result["scenarios"]]
    assert got == [(s, layer) for s in probe.SCENARIOS for layer in ("python-socket", "c-raw")]
    for row in result["scenarios"]:
        assert set(row) == ROW_KEYS
        assert set(row) >= C_PROBE_KEYS


@pytest.mark.parametrize("scenario", probe.SCENARIOS)
def test_python_layer(result: Dict[str, Any], scenario: str) -> None:
    row = rows_of(result)[(scenario, "python-socket")]
    if row["unavailable"]:
        assert scenario == "tls_midstream_cut" and "trustme" in row["unavailable"]
        return
    assert kind_of(row) in PYTHON_KINDS[scenario], row
    if row["kind"] is not None:
        assert row["exception"] and row["message"]
    if row["native_code"] is not None:  # a code: its name on this platform, and what the OS said
        assert row["name"] and row["domain"] in ("errno", "winsock", "eai", "win32")
        assert row["native_code"] in (row["errno"], row["winerror"])


@pytest.mark.skipif(native.BACKEND != "cffi", reason="needs the C extension")
@pytest.mark.parametrize("scenario", probe.SCENARIOS)
def test_c_layer(result: Dict[str, Any], scenario: str) -> None:
    row = rows_of(result)[(scenario, "c-raw")]
    if scenario == "tls_midstream_cut":
        assert row["unavailable"] == "the C layer has no TLS" and row["native_code"] is None
        return
    assert row["unavailable"] is None and isinstance(row["native_code"], int)
    assert kind_of(row) in C_KINDS[scenario], row
    assert row["exception"] is None and row["errno"] is None
    if row["native_code"] == 0:
        assert row["phase"] == "eof" and row["name"] is None
    else:
        assert row["name"] and row["message"]
        socket_domain = "winsock" if WINDOWS else "errno"
        assert row["domain"] == ("eai" if scenario == "name_not_found" else socket_domain)


@pytest.mark.skipif(native.BACKEND != "cffi", reason="needs the C extension")
def test_both_layers_name_the_same_code(result: Dict[str, Any]) -> None:
    rows = rows_of(result)
    for scenario in ("refused", "reset", "address_in_use", "address_not_available", "name_not_found"):
        py, c = rows[(scenario, "python-socket")], rows[(scenario, "c-raw")]
        assert (py["name"], py["native_code"]) == (c["name"], c["native_code"]), scenario


def test_python_backend_marks_the_c_layer_unavailable() -> None:
    row = probe.c_row("refused", current_platform(), "python")
    assert row["unavailable"] == "no C extension (connerr.native backend: python)"
    assert row["native_code"] is None and row["kind"] is None
    assert "n/a" in probe.to_text(
        {
            "connerr": "x",
            "platform": "p",
            "os": "o",
            "arch": "a",
            "libc": "l",
            "python": "py",
            "backend": "python",
            "seconds": 0.0,
            "scenarios": [row],
        }
    )


def test_cli_without_the_extension() -> None:
    """The whole command on the pure-Python backend: every C row says why it is empty."""
    env = {
        **os.environ,
        "CONNERR_NO_EXTENSION": "1",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(connerr.__file__).parent.parent), os.environ.get("PYTHONPATH", "")]
        ),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "connerr", "probe", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["backend"] == "python"
    c_rows = [r for r in data["scenarios"] if r["layer"] == "c-raw"]
    assert len(c_rows) == len(probe.SCENARIOS)
    assert all(r["unavailable"].startswith("no C extension") for r in c_rows)


@contextlib.contextmanager
def stdout() -> Iterator[io.StringIO]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        yield buf


def test_cli_text_and_json() -> None:
    with stdout() as text:
        assert main(["probe"]) == 0
    lines = text.getvalue().splitlines()
    assert lines[0].startswith(f"connerr {connerr.__version__} probe: {current_platform()} (")
    assert lines[2].split()[:3] == ["scenario", "layer", "exception"]
    assert {line.split()[0] for line in lines[4:]} == set(probe.SCENARIOS)
    with stdout() as out:
        assert main(["probe", "--json"]) == 0
    assert json.loads(out.getvalue())["source"] == "connerr-probe"
