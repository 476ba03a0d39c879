"""connerr matrix: merges a real probe of this machine with other OSes' probes; bad files exit 2.

The other OSes are FIXTURES written by hand below (a Windows connerr probe with WSA codes, a
sparc64 C probe shaped like tools/cross.py's output): their numbers are the documented ones, but
nothing here ran on those systems.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from connerr import matrix, probe
from connerr.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _row(scenario: str, layer: str, code: Any, name: Any, kind: Any, **extra: Any) -> Dict[str, Any]:
    """A probe row of a Windows machine (Winsock codes), as connerr.probe writes them."""
    values = {"domain": "winsock", "native_code": code, "name": name, "kind": kind, **extra}
    return probe._row(scenario, layer, **values)


def _py(scenario: str, exc: str, code: int, name: str, kind: str, **extra: Any) -> Dict[str, Any]:
    values = {"exception": exc, "errno": code, "winerror": code, **extra}
    return _row(scenario, "python-socket", code, name, kind, **values)


#: FIXTURE (hand-made): what `connerr probe --json` looks like from Windows. Not a real run.
WINDOWS_FIXTURE: Dict[str, Any] = {
    "source": "connerr-probe",
    "connerr": "0.1.0",
    "os": "windows",
    "arch": "x86_64",
    "libc": "msvcrt",
    "platform": "windows",
    "python": "CPython 3.12.7",
    "verified_by": "hand-made test fixture",
    "backend": "cffi",
    "seconds": 4.2,
    "scenarios": [
        _py(
            "refused",
            "ConnectionRefusedError",
            10061,
            "WSAECONNREFUSED",
            "connection_refused",
            phase="connect",
        ),
        _row("refused", "c-raw", 10061, "WSAECONNREFUSED", "connection_refused", phase="connect"),
        _py("reset", "ConnectionResetError", 10054, "WSAECONNRESET", "connection_reset"),
        _row("reset", "c-raw", 10054, "WSAECONNRESET", "connection_reset", phase="receive"),
        _row(
            "stall",
            "python-socket",
            None,
            None,
            "timed_out",
            exception="TimeoutError",
            domain=None,
            phase="receive",
        ),
        _py(
            "broken_pipe",
            "ConnectionAbortedError",
            10053,
            "WSAECONNABORTED",
            "connection_aborted",
            phase="send",
        ),
        _py(
            "name_not_found",
            "socket.gaierror",
            11001,
            "EAI_NONAME",
            "name_not_found",
            domain="eai",
            winerror=None,
        ),
        _row(
            "tls_midstream_cut", "c-raw", None, None, None, domain=None, unavailable="the C layer has no TLS"
        ),
    ],
}

#: FIXTURE (hand-made): a tools/cross.py C probe of sparc64 Linux (its own errno numbering).
SPARC_C_FIXTURE: Dict[str, Any] = {
    "source": "c-probe",
    "os": "linux",
    "arch": "sparc",
    "libc": "glibc",
    "platform": "linux-sparc",
    "target": "sparc64-linux-gnu",
    "verified_by": "hand-made test fixture",
    "constants": [],
    "scenarios": [
        {
            "scenario": "refused",
            "layer": "c-raw",
            "domain": "errno",
            "native_code": 61,
            "phase": "connect",
            "name": "ECONNREFUSED",
            "kind": "connection_refused",
        },
        {
            "scenario": "reset",
            "layer": "c-raw",
            "domain": "errno",
            "native_code": 54,
            "phase": "receive",
            "name": "ECONNRESET",
            "kind": "connection_reset",
        },
        {
            "scenario": "broken_pipe",
            "layer": "c-raw",
            "domain": "errno",
            "native_code": 32,
            "phase": "send",
            "name": "EPIPE",
            "kind": "broken_pipe",
        },
    ],
}


@contextlib.contextmanager
def captured() -> Iterator[Tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


@pytest.fixture(scope="module")
def here(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSON of a real `connerr probe --json` run on this machine."""
    with captured() as (out, _):
        assert main(["probe", "--json"]) == 0
    path = tmp_path_factory.mktemp("probes") / "probe-here.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(*argv: str) -> Tuple[int, str, str]:
    with captured() as (out, err):
        code = main(["matrix", *argv])
    return code, out.getvalue(), err.getvalue()


def lines_of(matrix_: matrix.Matrix) -> Dict[Tuple[str, str], matrix.Line]:
    return {(line.scenario, line.layer): line for line in matrix_.lines}


def test_merges_this_machine_with_other_oses(here: Path, tmp_path: Path) -> None:
    windows = write(tmp_path, "windows.json", WINDOWS_FIXTURE)
    sparc = write(tmp_path, "sparc.json", SPARC_C_FIXTURE)
    code, text, err = run(str(here), windows, sparc)
    assert (code, err) == (0, "")
    real = json.loads(here.read_text(encoding="utf-8"))
    merged = matrix.build([matrix.load(str(here)), matrix.load(windows), matrix.load(sparc)])
    labels = [r.label for r in merged.runs]
    assert labels[1:] == ["windows x86_64 py3.12", "sparc64-linux-gnu C"]
    assert labels[0].startswith(f"{real['platform']} {real['arch']} py")
    for label in labels:
        assert label in text
    # every row this machine probed is in the table
    assert {(r["scenario"], r["layer"]) for r in real["scenarios"]} <= set(lines_of(merged))
    assert "kind per scenario:" in text


def test_highlights_differences() -> None:
    linux = copy.deepcopy(SPARC_C_FIXTURE)
    linux.update(platform="linux", arch="x86_64", target="x86_64-linux-gnu")
    for row, number in zip(linux["scenarios"], (111, 104, 32)):
        row["native_code"] = number
    merged = matrix.build(
        [matrix.parse(WINDOWS_FIXTURE, "w"), matrix.parse(linux, "l"), matrix.parse(SPARC_C_FIXTURE, "s")]
    )
    lines = lines_of(merged)
    refused = lines[("refused", "c-raw")]
    assert refused.cells == ["WSAECONNREFUSED 10061", "ECONNREFUSED 111", "ECONNREFUSED 61"]
    assert refused.codes == "differ" and refused.kinds == {
        "connection_refused": ["windows x86_64 py3.12", "x86_64-linux-gnu C", "sparc64-linux-gnu C"]
    }
    assert refused.odd == [True, True, True]  # no value is the most common: all marked
    assert lines[("reset", "python-socket")].odd == [False, False, False]  # one run only
    broken = lines[("broken_pipe", "c-raw")]
    assert broken.cells == ["-", "EPIPE 32", "EPIPE 32"] and broken.codes == "same"
    summary = dict(matrix._scenario_summary(merged))
    assert summary["refused"].startswith("agreed everywhere: connection_refused")
    assert summary["broken_pipe"].startswith("DIFFERED: broken_pipe: x86_64-linux-gnu C (c-raw)")
    assert "connection_aborted: windows x86_64 py3.12 (python-socket)" in summary["broken_pipe"]
    text = matrix.to_text(merged)
    assert "WSAECONNREFUSED 10061*" in text and "ECONNREFUSED 61*" in text
    assert lines[("tls_midstream_cut", "c-raw")].cells[0] == "n/a"
    assert lines[("stall", "python-socket")].cells[0] == "TimeoutError"


def test_same_names_other_numbers() -> None:
    linux = copy.deepcopy(SPARC_C_FIXTURE)
    linux.update(platform="linux", arch="x86_64", target="x86_64-linux-gnu")
    linux["scenarios"][0]["native_code"] = 111
    merged = matrix.build([matrix.parse(linux, "l"), matrix.parse(SPARC_C_FIXTURE, "s")])
    assert lines_of(merged)[("refused", "c-raw")].codes == "numbers differ"
    assert lines_of(merged)[("broken_pipe", "c-raw")].codes == "same"
    third = copy.deepcopy(linux)
    third["target"] = "aarch64-linux-gnu"
    merged = matrix.build(
        [matrix.parse(linux, "l"), matrix.parse(third, "t"), matrix.parse(SPARC_C_FIXTURE, "s")]
    )
    assert lines_of(merged)[("refused", "c-raw")].odd == [False, False, True]


def test_markdown(here: Path, tmp_path: Path) -> None:
    code, md, err = run("--markdown", str(here), write(tmp_path, "w.json", WINDOWS_FIXTURE))
    assert (code, err) == (0, "")
    assert md.startswith("## connerr probe matrix\n")
    tables: List[List[str]] = []
    for line in md.splitlines():
        if line.startswith("|"):
            if not tables or not tables[-1]:
                tables.append([])
            tables[-1].append(line)
        elif tables and tables[-1]:
            tables.append([])
    tables = [t for t in tables if t]
    assert len(tables) == 3  # runs, rows, kind per scenario
    for table in tables:
        widths = {len(line.replace("\\|", "").split("|")) for line in table}
        assert len(widths) == 1, table  # every row of a table has the same number of cells
    assert "**WSAECONNREFUSED 10061**" in md or "**differ**" in md


def test_no_error_where_others_fail_is_a_difference() -> None:
    quiet = copy.deepcopy(WINDOWS_FIXTURE)
    quiet["python"] = "CPython 3.9.18"
    quiet["scenarios"] = [
        _row("stall", "python-socket", None, None, None, domain=None, phase="eof", message="no error")
    ]
    merged = matrix.build([matrix.parse(WINDOWS_FIXTURE, "w"), matrix.parse(quiet, "q")])
    line = lines_of(merged)[("stall", "python-socket")]
    assert line.cells == ["TimeoutError", "no error"] and line.codes == "differ"
    assert line.kinds == {"timed_out": ["windows x86_64 py3.12"], "no error": ["windows x86_64 py3.9"]}
    # a C code 0 (a clean end of stream) is not a kind: nothing to disagree with
    eof = _row("close", "c-raw", 0, None, None, phase="eof")
    merged = matrix.build([matrix.parse({**SPARC_C_FIXTURE, "scenarios": [eof]}, "s")])
    assert lines_of(merged)[("close", "c-raw")].kinds == {}


def test_runs_without_scenarios_get_no_column() -> None:
    headers_only = {
        "source": "c-probe",
        "os": "openbsd",
        "arch": "x86_64",
        "libc": "libc",
        "platform": "openbsd",
        "target": "x86_64-openbsd-none",
        "verified_by": "header-only",
        "constants": [["errno", "ECONNRESET", 54]],
        "scenarios": [],
    }
    merged = matrix.build([matrix.parse(headers_only, "h"), matrix.parse(SPARC_C_FIXTURE, "s")])
    assert all(len(line.cells) == 1 for line in merged.lines)
    text = matrix.to_text(merged)
    assert "x86_64-openbsd-none C" in text and "no scenarios" in text


def test_duplicate_labels_are_numbered() -> None:
    merged = matrix.build([matrix.parse(SPARC_C_FIXTURE, "a"), matrix.parse(SPARC_C_FIXTURE, "b")])
    assert [r.label for r in merged.runs] == ["sparc64-linux-gnu C", "sparc64-linux-gnu C #2"]


def _load_cross() -> Any:
    path = ROOT / "tools" / "cross.py"
    if not path.exists():
        pytest.skip("tools/cross.py is not in this tree")
    spec = importlib.util.spec_from_file_location("_connerr_cross", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
    except ImportError as exc:
        pytest.skip(f"tools/cross.py does not import here: {exc}")
    finally:
        del sys.modules[spec.name]
    return module


def test_reads_what_tools_cross_writes(tmp_path: Path) -> None:
    """A raw C-probe object (as csrc/probe_main.c prints it) enriched by tools/cross.py's enrich()."""
    cross = _load_cross()
    target = next(t for t in cross.TARGETS if t.name == "sparc64-linux-gnu")
    raw = {
        "source": "c-probe",
        "os": "linux",
        "arch": "sparc",
        "libc": "glibc",
        "constants": [],
        "scenarios": [
            {
                "scenario": "refused",
                "layer": "c-raw",
                "domain": "errno",
                "native_code": 61,
                "phase": "connect",
                "so_error_code": 61,
            }
        ],
    }
    path = write(
        tmp_path, "c-probe-sparc64-linux-gnu.json", cross.enrich(raw, target, "hand-made test fixture")
    )
    code, text, err = run(path)
    assert (code, err) == (0, "")
    assert "ECONNREFUSED 61" in text and "sparc64-linux-gnu C" in text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ("[]", "not a JSON object"),
        ({"source": "elsewhere", "scenarios": []}, "'source' is 'elsewhere'"),
        (
            {"source": "c-probe", "os": "linux", "arch": "x", "platform": "linux"},
            "'scenarios' must be a list",
        ),
        (
            {
                "source": "c-probe",
                "os": "linux",
                "arch": "x",
                "platform": "linux",
                "scenarios": [{"layer": "c-raw"}],
            },
            "scenarios[0]: 'scenario' must be a string",
        ),
        (
            {
                "source": "c-probe",
                "os": "linux",
                "arch": "x",
                "platform": "linux",
                "scenarios": [{"scenario": "reset", "layer": "c-raw", "native_code": "104"}],
            },
            "'native_code' must be an integer or null",
        ),
        (
            {"source": "connerr-probe", "os": 3, "arch": "x", "platform": "linux", "scenarios": []},
            "'os' must be a string",
        ),
    ],
)
def test_bad_files_exit_2_with_one_line(tmp_path: Path, content: Any, reason: str) -> None:
    good = write(tmp_path, "good.json", SPARC_C_FIXTURE)
    bad = str(tmp_path / "bad.json") if content is None else write(tmp_path, "bad.json", content)
    code, out, err = run(good, bad)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"connerr: error: {bad}: ")
    assert reason in err and "Traceback" not in err


def test_needs_a_file() -> None:
    code, _, err = run()
    assert code == 2 and err.startswith("connerr: error:") and err.count("\n") == 1
