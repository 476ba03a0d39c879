"""What static tools see: a user's module type-checks against the installed connerr, and every
exported symbol has a known type (trio's ``test_static_tool_sees_all_symbols``, done from outside).

Runs in the ``type`` tox env, which installs mypy and pyright and sets
``CONNERR_REQUIRE_TYPECHECKERS=1`` so that a missing checker fails instead of skipping.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import connerr

REQUIRED = os.environ.get("CONNERR_REQUIRE_TYPECHECKERS") == "1"


def _need(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        if REQUIRED:
            pytest.fail(f"{module} is not installed")
        pytest.skip(f"{module} is not installed (the type env runs this)")


USER_MODULE = '''
"""A user's module: every public name of connerr, used as the docs show."""
from __future__ import annotations

import asyncio
from typing import Tuple, Type

import connerr
from connerr import Candidate, Diagnosis, Explanation, Kind, explain, normalize, translate


def classify(exc: BaseException) -> Kind:
    diagnosis: Diagnosis = connerr.normalize(exc)
    again: Diagnosis = normalize(exc, platform="windows")
    return diagnosis.kind if diagnosis.retry != "no" else again.kind


@translate
def fetch(url: str) -> bytes:
    return url.encode()


@connerr.translate
async def fetch_async(url: str) -> bytes:
    await asyncio.sleep(0)
    return url.encode()


@connerr.translate(platform="windows")
def fetch_logged(url: str) -> int:
    return len(url)


def use() -> Tuple[Kind, str]:
    data: bytes = fetch("http://127.0.0.1/")
    size: int = fetch_logged("x") + len(data) + len(asyncio.run(fetch_async("y")))
    translator: connerr.Translator = connerr.translate()
    with translator:
        pass
    try:
        fetch("http://127.0.0.1/")
    except connerr.ConnectionReset as exc:
        reset: Diagnosis = exc.diagnosis
        print(reset.kind.meaning, exc.errno, size)
    except connerr.ConnError as exc:
        print(exc.kind.retry)
    found: Explanation = explain("[WinError 10053] An established connection was aborted")
    best: Candidate = found.candidates[0]
    kind: Kind = best.kind
    records = connerr.reference.lookup("ECONNRESET")
    number: int = records[0].platforms["linux"].number
    again = connerr.lookup(10053, platform="windows")
    info: connerr.KindInfo = connerr.KIND_INFO[kind]
    backend: str = connerr.native.BACKEND
    with connerr.FaultyServer("reset") as server:
        port: int = server.port
    print(number, again, info.side, backend, port, connerr.__version__)
    transient: bool = connerr.should_retry(ConnectionResetError(104, "reset"), idempotent=True)
    predicate = connerr.retryable(idempotent=True)
    print(transient, predicate(TimeoutError("timed out")))
    return kind, best.message
'''


def _user_module() -> str:
    """The module above, plus one line per exported exception class (so a new kind is covered)."""
    exported = {name: getattr(connerr, name) for name in connerr.__all__}
    classes = [
        name
        for name, value in exported.items()
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert "ConnectionReset" in classes and "TlsEof" in classes
    lines = ", ".join(f"connerr.{name}" for name in classes)
    return (
        textwrap.dedent(USER_MODULE) + f"\n\nEXCEPTIONS: Tuple[Type[connerr.ConnError], ...] = ({lines},)\n"
    )


def test_every_export_exists_at_run_time() -> None:
    for name in connerr.__all__:
        assert getattr(connerr, name) is not None, name
    assert callable(connerr.normalize) and callable(connerr.translate) and callable(connerr.explain)


def test_user_module_passes_mypy_strict(tmp_path: Path) -> None:
    _need("mypy")
    module = tmp_path / "user_module.py"
    module.write_text(_user_module(), encoding="utf-8")
    # run from an empty directory: the installed package is checked, never a source tree
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--warn-unreachable",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            module.name,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pyright_sees_every_exported_symbol_typed(tmp_path: Path) -> None:
    _need("pyright")
    env = dict(
        os.environ,
        VIRTUAL_ENV=sys.prefix,
        PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pyright", "--verifytypes", "connerr", "--ignoreexternal", "--outputjson"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(proc.stdout)
    completeness = report["typeCompleteness"]
    assert completeness["exportedSymbolCounts"]["withKnownType"] > 400
    problems = [s["name"] for s in completeness["symbols"] if not s["isTypeKnown"]]
    assert completeness["completenessScore"] == 1.0, problems
