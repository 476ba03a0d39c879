"""``connerr explain`` through ``main(argv)`` and, a few times, a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import Tuple

import pytest

from connerr._cli_common import use_color
from connerr.cli import main

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv: list, capsys: pytest.CaptureFixture, stdin: str = "") -> Tuple[int, str, str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def test_number(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(["explain", "10053"], capsys)
    assert code == 0 and not err
    assert "WSAECONNABORTED" in out and "windows" in out and "ConnectionAbortedError" in out
    assert "\033[" not in out  # not a TTY: no colour


def test_words_are_joined(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["explain", "[Errno", "104]", "Connection", "reset", "by", "peer"], capsys)
    assert code == 0 and "ECONNRESET (104) on linux" in out


def test_json_contract(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["explain", "--json", "[WinError 10054] An existing connection was forcibly "
                        "closed by the remote host"], capsys)
    data = json.loads(out)
    assert code == 0 and set(data) >= {"query", "candidates"}
    best = data["candidates"][0]
    for key in ("name", "number", "domain", "platform", "kind", "exception", "message", "notes", "retry",
                "confidence"):
        assert key in best
    assert (best["name"], best["number"], best["platform"]) == ("WSAECONNRESET", 10054, "windows")


def test_ambiguous_number(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["explain", "54"], capsys)
    assert code == 0 and "Ambiguous" in out and "ECONNRESET" in out and "EXFULL" in out


def test_platform_option(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["explain", "54", "--platform", "linux", "--json"], capsys)
    assert code == 0 and json.loads(out)["candidates"][0]["name"] == "EXFULL"


def test_nothing_found_exits_1(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(["explain", "hello"], capsys)
    assert code == 1 and not out and "nothing recognised" in err
    code, out, _ = run(["explain", "--json", "hello"], capsys)
    assert code == 1 and json.loads(out)["candidates"] == []


@pytest.mark.parametrize("argv", [["explain"], ["explain", "x", "--platform", "plan9"], ["explain", " "],
                                  ["explain", "x", "--bogus"]])
def test_bad_usage_exits_2_with_one_line(argv: list, capsys: pytest.CaptureFixture) -> None:
    code, _out, err = run(argv, capsys)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err


def test_stdin_single_traceback(capsys: pytest.CaptureFixture) -> None:
    tb = ('Traceback (most recent call last):\n  File "C:\\Python311\\Lib\\socket.py", line 1, in x\n'
          "ConnectionResetError: [WinError 10054] An existing connection was forcibly closed by the "
          "remote host\n")
    code, out, _ = run(["explain", "-"], capsys, stdin=tb)
    assert code == 0 and "WSAECONNRESET" in out and "errors in" not in out


def test_stdin_log_summary(capsys: pytest.CaptureFixture) -> None:
    log = "\n".join(["start"] + ["ConnectionResetError: [Errno 104] Connection reset by peer"] * 3 + [
        "socket.gaierror: [Errno -2] Name or service not known", "done"])
    code, out, _ = run(["explain", "-"], capsys, stdin=log)
    assert code == 0
    assert "4 errors" in out and "connection_reset 3" in out and "name_not_found 1" in out
    assert out.count("ECONNRESET") == 1  # each signature once
    code, out, _ = run(["explain", "--json", "-"], capsys, stdin=log)
    data = json.loads(out)
    assert data["summary"]["errors"] == 4 and data["candidates"][0]["name"] == "ECONNRESET"


def _subprocess(*args: str, env_extra: dict = {}) -> subprocess.CompletedProcess:  # noqa: B006
    env = dict(os.environ, PYTHONPATH=SRC, **env_extra)
    return subprocess.run([sys.executable, "-m", "connerr", *args], capture_output=True, text=True,
                          env=env, timeout=60, check=False, encoding="utf-8")


def test_subprocess_number() -> None:
    proc = _subprocess("explain", "10053")
    assert proc.returncode == 0 and "WSAECONNABORTED" in proc.stdout and not proc.stderr


def test_subprocess_json_and_stdin() -> None:
    env = dict(os.environ, PYTHONPATH=SRC, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "connerr", "explain", "--json", "-"],
                          input="socket.gaierror: [Errno 8] nodename nor servname provided, or not known",
                          capture_output=True, text=True, env=env, timeout=60, check=False, encoding="utf-8")
    assert proc.returncode == 0
    best = json.loads(proc.stdout)["candidates"][0]
    assert (best["name"], best["number"], best["platform"]) == ("EAI_NONAME", 8, "darwin")


def test_subprocess_bad_usage_has_no_traceback() -> None:
    proc = _subprocess("explain", "x", "--platform", "nope")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_subprocess_no_colour_with_no_color() -> None:
    proc = _subprocess("explain", "ECONNRESET", env_extra={"NO_COLOR": "1"})
    assert proc.returncode == 0 and "\033[" not in proc.stdout


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_tty_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_Tty())
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: only a non-empty value turns colour off
    assert use_color(_Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not use_color(_Tty())
