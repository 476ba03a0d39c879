"""Every command's ``--json`` validates against its JSON Schema in docs/schema/ (draft 2020-12), for
every kind of input: the schemas are the contract docs/cli.md documents.

Skipped only when ``jsonschema`` is not installed and ``CONNERR_REQUIRE_JSONSCHEMA`` is unset (CI sets it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from connerr.cli import main

if os.environ.get("CONNERR_REQUIRE_JSONSCHEMA"):
    import jsonschema
else:
    jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schema"
COMMANDS = ("explain", "table", "info", "probe", "matrix")


def _validator(command: str) -> Any:
    schema = json.loads((SCHEMAS / f"{command}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _json_of(argv: List[str], stdin: Optional[str] = None, expect: int = 0) -> Dict[str, Any]:
    """Run ``connerr ARGV`` and return its JSON, after checking the exit code and the indentation."""
    out, old = io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out):
            code = main(argv)
    finally:
        sys.stdin = old
    assert code == expect, (argv, code)
    text = out.getvalue()
    data = json.loads(text)
    assert text.startswith('{\n  "schema": '), text[:40]  # one object, indent 2, the version first
    return data


def _check(command: str, data: Dict[str, Any]) -> None:
    errors = sorted(_validator(command).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert data["schema"] == f"connerr.{command}/1"


def test_every_command_has_a_schema() -> None:
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted(COMMANDS)


TRACEBACK = (
    'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
    "    sock.connect(addr)\nConnectionRefusedError: [Errno 111] Connection refused\n"
)
LOG = (
    "".join(
        f"2024-05-01 w{i} ERROR ConnectionResetError: [Errno 104] Connection reset by peer\n"
        for i in range(4)
    )
    + "2024-05-01 w9 socket.gaierror: [Errno -2] Name or service not known\n"
)


@pytest.mark.parametrize(
    ("argv", "stdin", "kind", "code"),
    [
        (["explain", "10053"], None, "code", 0),
        (["explain", "0x2746"], None, "code", 0),
        (["explain", "ECONNRESET"], None, "name", 0),
        (["explain", "CURLE_COULDNT_CONNECT"], None, "name", 0),
        (
            ["explain", "[WinError", "10054]", "An", "existing", "connection", "was", "forcibly", "closed"],
            None,
            "message",
            0,
        ),
        (["explain", "Conexão", "recusada"], None, "message", 0),
        (["explain", "connection", "reset"], None, "message", 0),
        (["explain", "-"], TRACEBACK, "traceback", 0),
        (["explain", "-"], LOG, "log", 0),
        (["explain", "104"], None, "code", 0),
        (["explain", "hello"], None, "name", 1),
        (["explain", "-"], "nothing\nto see\nhere\n", "message", 1),
        (["explain", "54", "--platform", "linux"], None, "code", 0),
    ],
    ids=[
        "number",
        "hex",
        "name",
        "runtime name",
        "message",
        "localized",
        "plain words",
        "traceback",
        "log",
        "ambiguous",
        "unknown",
        "unknown lines",
        "with platform",
    ],
)
def test_explain(argv: List[str], stdin: Optional[str], kind: str, code: int) -> None:
    data = _json_of([*argv, "--json"], stdin, code)
    _check("explain", data)
    assert data["input_kind"] == kind and data["found"] == (code == 0)
    assert data["input"] == ("-" if stdin is not None else " ".join(argv[1:]).split(" --platform")[0])
    if kind == "log":
        assert [e["count"] for e in data["events"]] == [4, 1]
        assert data["summary"] == {
            "lines": 5,
            "errors": 5,
            "platforms": {"linux": 5},
            "kinds": {"connection_reset": 4, "name_not_found": 1},
        }
    else:
        assert len(data["events"]) == 1 and data["events"][0]["count"] == 1
        assert data["summary"]["errors"] == (code == 0)
    if argv[1:] == ["104"]:
        assert data["events"][0]["ambiguous"] and len(data["events"][0]["candidates"]) > 1


@pytest.mark.parametrize(
    "argv",
    [
        ["table"],
        ["table", "--all"],
        ["table", "--platform", "windows"],
        ["table", "--kind", "connection_reset"],
        ["table", "--domain", "eai", "--all"],
        ["table", "--search", "refused"],
        ["table", "--domain", "curl"],
        ["table", "--domain", "libuv", "--platform", "darwin"],
        ["table", "--lang", "pt_BR"],
    ],
    ids=lambda argv: " ".join(argv[1:]) or "default",
)
def test_table(argv: List[str]) -> None:
    data = _json_of([*argv, "--json"])
    _check("table", data)
    assert data["records"]


def test_table_that_matches_nothing_is_still_the_contract() -> None:
    data = _json_of(["table", "--search", "no-such-word-anywhere", "--json"], expect=1)
    _check("table", data)
    assert data["records"] == []


def test_info() -> None:
    _check("info", _json_of(["info", "--json"]))


@pytest.fixture(scope="module")
def probe_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real probe run of two fast scenarios."""
    data = _json_of(["probe", "--scenario", "refused", "--scenario", "address_in_use", "--json"])
    _check("probe", data)
    assert {row["scenario"] for row in data["scenarios"]} == {"refused", "address_in_use"}
    path = tmp_path_factory.mktemp("probe") / "here.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_probe_and_matrix(probe_file: Path) -> None:
    data = _json_of(["matrix", str(probe_file), str(probe_file), "--json"])
    _check("matrix", data)
    assert len(data["runs"]) == 2 and data["rows"]
