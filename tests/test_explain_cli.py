"""``connerr explain`` through ``main(argv)`` and, a few times, a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import Dict, Optional, Tuple

import pytest
from _support import CANDIDATE_KEYS

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
    code, out, _ = run(
        [
            "explain",
            "--json",
            "[WinError 10054] An existing connection was forcibly closed by the remote host",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0
    assert (data["schema"], data["input_kind"], data["found"]) == ("connerr.explain/1", "message", True)
    best = data["events"][0]["candidates"][0]
    assert set(best) >= CANDIDATE_KEYS
    assert (best["name"], best["number"], best["platform"]) == ("WSAECONNRESET", 10054, "windows")


def test_ambiguous_number(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["explain", "54"], capsys)
    assert code == 0 and "Ambiguous" in out and "ECONNRESET" in out and "EXFULL" in out


def test_platform_option(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["explain", "54", "--platform", "linux", "--json"], capsys)
    assert code == 0 and json.loads(out)["events"][0]["candidates"][0]["name"] == "EXFULL"


def test_nothing_found_exits_1(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(["explain", "hello"], capsys)
    assert code == 1 and not out and "nothing recognised" in err
    code, out, _ = run(["explain", "--json", "hello"], capsys)
    data = json.loads(out)
    assert code == 1 and not data["found"] and data["events"][0]["candidates"] == []


@pytest.mark.parametrize(
    "argv",
    [["explain"], ["explain", "x", "--platform", "plan9"], ["explain", " "], ["explain", "x", "--bogus"]],
)
def test_bad_usage_exits_2_with_one_line(argv: list, capsys: pytest.CaptureFixture) -> None:
    code, _out, err = run(argv, capsys)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err


def test_stdin_single_traceback(capsys: pytest.CaptureFixture) -> None:
    tb = (
        'Traceback (most recent call last):\n  File "C:\\Python311\\Lib\\socket.py", line 1, in x\n'
        "ConnectionResetError: [WinError 10054] An existing connection was forcibly closed by the "
        "remote host\n"
    )
    code, out, _ = run(["explain", "-"], capsys, stdin=tb)
    assert code == 0 and "WSAECONNRESET" in out and "errors in" not in out


def test_stdin_log_summary(capsys: pytest.CaptureFixture) -> None:
    log = "\n".join(
        ["start"]
        + ["ConnectionResetError: [Errno 104] Connection reset by peer"] * 3
        + ["socket.gaierror: [Errno -2] Name or service not known", "done"]
    )
    code, out, _ = run(["explain", "-"], capsys, stdin=log)
    assert code == 0
    assert "4 errors" in out and "connection_reset 3" in out and "name_not_found 1" in out
    assert out.count("ECONNRESET") == 1  # each signature once
    code, out, _ = run(["explain", "--json", "-"], capsys, stdin=log)
    data = json.loads(out)
    assert (data["input_kind"], data["summary"]["errors"], data["summary"]["lines"]) == ("log", 4, 6)
    assert [(e["count"], e["candidates"][0]["name"]) for e in data["events"]] == [
        (3, "ECONNRESET"),
        (1, "EAI_NONAME"),
    ]


def _subprocess(
    *args: str, env_extra: Optional[Dict[str, str]] = None, stdin: Optional[str] = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=SRC, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "connerr", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        encoding="utf-8",
    )


def test_subprocess_number() -> None:
    proc = _subprocess("explain", "10053")
    assert proc.returncode == 0 and "WSAECONNABORTED" in proc.stdout and not proc.stderr


def test_subprocess_json_and_stdin() -> None:
    proc = _subprocess(
        "explain",
        "--json",
        "-",
        env_extra={"PYTHONIOENCODING": "utf-8"},
        stdin="socket.gaierror: [Errno 8] nodename nor servname provided, or not known",
    )
    assert proc.returncode == 0
    best = json.loads(proc.stdout)["events"][0]["candidates"][0]
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


# -- the compact answer, wrapped to the width; -v ---------------------------------------------------


def _at(width: int, argv: list, capsys: pytest.CaptureFixture, stdin: str = "") -> Tuple[int, str, str]:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        return run(argv, capsys, stdin)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


@pytest.mark.parametrize(
    "query",
    [
        "10053",
        "ECONNRESET",
        "WSAECONNRESET",
        "EAI_AGAIN",
        "ETIMEDOUT",
        "EPIPE",
        "10060",
        "CURLE_COULDNT_CONNECT",
        "UV_ECONNRESET",
        "104",
        "54",
        "-2",
    ],
)
@pytest.mark.parametrize("width", [40, 80, 132])
def test_a_single_code_is_compact_and_wrapped(query: str, width: int, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _at(width, ["explain", query], capsys)
    lines = out.splitlines()
    assert code == 0 and max(len(line) for line in lines) <= min(width, 100)
    if width == 80:
        assert len(lines) <= 12, out


def test_the_compact_answer_has_what_to_know(capsys: pytest.CaptureFixture) -> None:
    _code, out, _ = _at(80, ["explain", "10053"], capsys)
    lines = out.splitlines()
    assert lines[0] == "WSAECONNABORTED (10053) on windows: connection_aborted"
    labels = [line.split(":")[0].strip() for line in lines[1:] if line.startswith("  ") and ":" in line[:12]]
    assert labels[:6] == ["Python", "Message", "Means", "Do", "Retry", "-v"]
    assert "ConnectionAbortedError (errno 10053, winerror 10053)" in out
    assert "[" not in out and "urllib3" not in out  # sources are -v's
    assert lines[-1].startswith("  -v: 11 notes with sources")


def test_verbose_shows_every_note_with_its_sources(capsys: pytest.CaptureFixture) -> None:
    from connerr import explain

    notes = explain("ECONNRESET").candidates[0].notes
    _code, out, _ = _at(100, ["explain", "-v", "ECONNRESET"], capsys)
    flat = " ".join(out.split())
    for note in notes:
        text = (
            note.partition(": ")[2]
            if note.split(": ")[0] in ("operation", "cause", "not_meaning", "distinguish", "action")
            else note
        )
        assert " ".join(text.split()) in flat
    assert "Elsewhere:" in out and "Confidence:" in out and "Others:" in out
    code, same, _ = _at(100, ["explain", "ECONNRESET", "--verbose"], capsys)
    assert code == 0 and same == out


def test_an_ambiguous_number_lists_its_meanings_compactly(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _at(80, ["explain", "104"], capsys)
    lines = out.splitlines()
    assert code == 0 and len(lines) <= 12 and max(map(len, lines)) <= 80
    assert lines[0] == "Ambiguous: 104 is a different code per platform (network codes first):"
    assert lines[1].startswith("  1. ECONNRESET [connection_reset] on linux, ")
    assert "more" in lines[1] + lines[2]  # the platforms beyond the first few are counted
    assert lines[-1].startswith("Give --platform (e.g. --platform linux)")
    code, verbose, _ = _at(80, ["explain", "-v", "104"], capsys)
    assert "cygwin" in verbose and "(errno)" in verbose


def test_no_meaning_of_an_ambiguous_number_has_an_empty_message(capsys: pytest.CaptureFixture) -> None:
    from connerr import explain
    from connerr._explain_cli import ambiguous_rows

    empty = 0
    for number in range(1, 140):
        explanation = explain(str(number))
        if explanation.ambiguous:
            empty += sum(not c.message for c in explanation.candidates)
            for _prefix, segments, _most in ambiguous_rows(explanation, True)[1:-1]:
                assert not " ".join(text for text, _style in segments).rstrip().endswith(":"), number
    assert empty  # the case exists
    _code, out, _ = _at(100, ["explain", "104"], capsys)
    assert "EBADMSG on windows: (no message on windows)" in out


@pytest.mark.parametrize(
    ("words", "names", "kind"),
    [
        ("connection reset", {"ECONNRESET", "WSAECONNRESET"}, "connection_reset"),
        ("Connection Reset", {"ECONNRESET", "WSAECONNRESET"}, "connection_reset"),
        ("connection refused", {"ECONNREFUSED", "WSAECONNREFUSED"}, "connection_refused"),
        ("broken pipe", {"EPIPE"}, "broken_pipe"),
        ("name resolution", {"EAI_AGAIN", "EAI_FAIL"}, None),
        ("timed out", {"ETIMEDOUT", "WSAETIMEDOUT"}, "timed_out"),
        ("host unreachable", {"EHOSTUNREACH", "WSAEHOSTUNREACH"}, "host_unreachable"),
        ("reset by peer", {"ECONNRESET"}, "connection_reset"),
        ("no route", {"EHOSTUNREACH"}, "host_unreachable"),
        ("address in use", {"EADDRINUSE"}, "address_in_use"),
        ("too many open files", {"EMFILE"}, "resource_exhausted"),
        ("non-recoverable", {"EAI_FAIL"}, "name_resolution_failed"),
    ],
)
def test_plain_words_are_answered(
    words: str, names: set, kind: Optional[str], capsys: pytest.CaptureFixture
) -> None:
    code, out, _ = run(["explain", "--json", *words.split()], capsys)
    candidates = json.loads(out)["events"][0]["candidates"]
    assert code == 0 and names <= {c["name"] for c in candidates}
    assert candidates[0]["name"] in names
    if kind is not None:
        assert candidates[0]["kind"] == kind
    code, text, _ = _at(80, ["explain", *words.split()], capsys)
    assert code == 0 and text.splitlines()[0].startswith(candidates[0]["name"])


@pytest.mark.parametrize("words", ["hello world", "connection", "please help me", "good morning"])
def test_words_that_name_nothing_still_exit_1(words: str, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(["explain", *words.split()], capsys)
    assert code == 1 and not out and "nothing recognised" in err


@pytest.mark.parametrize(
    ("log", "lines"),
    [
        ("{a}\n{a}\n{b}\n", 3),
        ("{a}\n{a}\n{b}", 3),
        ("{a}\n{a}\n{b}\n\n\n", 3),
        ("{a}\r\n{a}\r\n{b}\r\n", 3),
        ("\n{a}\n{a}\n{b}\n", 4),
        ("{a}\n\n{a}\n{b}\n  \n", 4),
    ],
    ids=["newline", "no newline", "blank lines after", "CRLF", "blank line before", "blank line inside"],
)
def test_a_log_counts_its_lines(log: str, lines: int, capsys: pytest.CaptureFixture) -> None:
    text = log.format(
        a="ConnectionResetError: [Errno 104] Connection reset by peer",
        b="socket.gaierror: [Errno -2] Name or service not known",
    )
    code, out, _ = run(["explain", "-"], capsys, stdin=text)
    assert code == 0 and out.splitlines()[0] == f"3 errors in {lines} lines"
    code, out, _ = run(["explain", "-", "--json"], capsys, stdin=text)
    assert json.loads(out)["summary"]["lines"] == lines


def test_one_error_is_singular(capsys: pytest.CaptureFixture) -> None:
    log = (
        "x ConnectionResetError: [Errno 104] Connection reset by peer\n"
        + "ok\n" * 3
        + "socket.gaierror: [Errno -2] Name or service not known\n"
    )
    code, out, _ = run(["explain", "-"], capsys, stdin=log)
    assert code == 0 and out.splitlines()[0] == "2 errors in 5 lines"
    assert "  1  ECONNRESET (104) on linux: connection_reset, ConnectionResetError" in out


@pytest.mark.parametrize("cut", [1, 7, 59, 60, 61, 119, 200])
def test_a_log_in_pieces_counts_its_lines_alike(cut: int) -> None:
    """Where the pieces of a streamed log end (inside the blank tail too) does not change the count."""
    from connerr import _logscan

    data = ("x ConnectionResetError: [Errno 104] Connection reset by peer\n" * 3 + "\n \n").encode()
    pieces = [data[i : i + cut] for i in range(0, len(data), cut)]
    assert _logscan.summarize_stream(pieces).lines == 3
