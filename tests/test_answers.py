"""The answers of ``connerr explain CODE`` rendered at build time (connerr/_answers.py) are byte for
byte what the full path prints, for every stored code and name, plain and in colour, at any width,
and the CLI prints them exactly as it would have printed the full path's answer."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import List, Set

import pytest

from connerr import _answers
from connerr.cli import main

INSTALLED = os.path.exists(_answers.FILE)
needs_file = pytest.mark.skipif(not INSTALLED, reason="a checkout has no answers.bin (a built wheel has)")


@needs_file
@pytest.mark.parametrize(("color", "width"), [(False, 80), (True, 57)], ids=["plain 80", "colour 57"])
def test_every_stored_answer_is_the_full_paths(color: bool, width: int) -> None:
    queries = _answers.queries()
    assert len(queries) > 1000
    for query in queries:
        assert _answers.lookup(query, color, width) == _answers.render(query, color, width), query


@needs_file
@pytest.mark.parametrize("width", [1, 40, 63, 80, 100, 101, 250])
@pytest.mark.parametrize("query", ["10053", "104", "ECONNRESET", "CURLE_RECV_ERROR", "EAI_AGAIN"])
def test_a_stored_answer_fits_every_width(query: str, width: int) -> None:
    out, err, code = _answers.lookup(query, False, output_width_at(width)) or ("", "", -1)
    assert (out, err, code) == _answers.render(query, False, width)
    assert max(len(line) for line in out.splitlines()) <= max(40, min(width, 100))


def output_width_at(columns: int) -> int:
    """The width the CLI wraps to with ``COLUMNS=columns``."""
    from connerr._cli_common import output_width

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        return output_width(None)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@needs_file
@pytest.mark.parametrize(
    "query", ["10053", "ECONNRESET", "WSAECONNRESET", "EAI_AGAIN", "54", "CURLE_RECV_ERROR"]
)
def test_the_cli_prints_the_stored_answer_in_colour(query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _err, code = _answers.render(query, True, 80)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)  # in the test: pytest resets sys.stdout after setup
    assert main(["explain", query]) == code
    monkeypatch.undo()
    assert terminal.getvalue() == out and "\033[" in out


def test_a_built_file_answers_and_other_queries_are_not_in_it(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(str(tmp_path), "answers.bin")
    assert _answers.build(path) == len(_answers.queries())
    assert _answers.lookup("10053", False, 80, path) == _answers.render("10053", False, 80)
    assert _answers.lookup("10053", True, 40, path) == _answers.render("10053", True, 40)
    for query in ("econnreset", "0x2746", "-2", "10053 10054", "nothing-like-it"):
        assert _answers.lookup(query, False, 80, path) is None
    assert _answers.lookup("10053", False, 80, path + ".missing") is None


@needs_file
@pytest.mark.skipif(sys.platform == "win32", reason="Windows keeps the console-script entry point")
def test_the_installed_command_answers_without_re_enum_or_the_explain_module() -> None:
    command = os.path.join(os.path.dirname(sys.executable), "connerr")
    if not os.path.exists(command):
        pytest.skip("no installed connerr command next to this interpreter")
    with open(command, encoding="utf-8") as f:
        if "import re" in f.read():
            pytest.skip("an editable install's pip wrapper")
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")

    def imports(argv: List[str]) -> Set[str]:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=True)
        assert argv[0] == sys.executable or "WSAECONNABORTED" in proc.stdout
        return {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()}

    # what the interpreter's own start-up imports (site hooks on some versions import re) is not ours
    added = imports([command, "explain", "10053"]) - imports([sys.executable, "-c", "pass"])
    assert not added & {"re", "enum", "connerr._explain"}


@needs_file
@pytest.mark.skipif(sys.platform == "win32", reason="Windows keeps the console-script entry point")
@pytest.mark.parametrize("query", ["10053", "ECONNRESET", "104"])
def test_the_installed_commands_answer_is_compact(query: str) -> None:
    """``COLUMNS=80 connerr explain 10053 | wc -l``: at most 12 lines, none wider than 80, from the
    stored answer as from the full path (``-v`` takes it)."""
    command = os.path.join(os.path.dirname(sys.executable), "connerr")
    if not os.path.exists(command):
        pytest.skip("no installed connerr command next to this interpreter")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env["COLUMNS"] = "80"
    stored = subprocess.run(
        [command, "explain", query], capture_output=True, text=True, env=env, timeout=60, check=True
    ).stdout
    assert stored == _answers.render(query, False, 80)[0]
    lines = stored.splitlines()
    assert len(lines) <= 12 and max(len(line) for line in lines) <= 80
    full = subprocess.run(
        [command, "explain", query, "-v"], capture_output=True, text=True, env=env, timeout=60, check=True
    ).stdout
    assert len(full) > len(stored)
