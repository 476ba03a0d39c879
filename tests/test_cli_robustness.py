"""CLI robustness corpus: hostile or odd input exits 0, 1 or 2, errors are one line, never a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from typing import Iterator, List, Optional, Tuple, Union

import pytest

from connerr.cli import main

Stdin = Union[str, bytes, None]

#: (id, argv, stdin, allowed exit codes); stdin bytes are decoded as the real stdin would (strict UTF-8)
CORPUS: List[Tuple[str, List[str], Stdin, Tuple[int, ...]]] = [
    ("no arguments", [], None, (2,)),
    ("empty query", ["explain", ""], None, (2,)),
    ("whitespace query", ["explain", "   "], None, (2,)),
    ("tab and newline query", ["explain", "\t\n"], None, (2,)),
    ("several empty words", ["explain", "", "", ""], None, (2,)),
    ("googol", ["explain", "1" + "0" * 100], None, (0, 1)),
    ("minus googol", ["explain", "--", "-1" + "0" * 100], None, (0, 1)),
    ("negative as option", ["explain", "-2"], None, (0, 1, 2)),
    ("negative after --", ["explain", "--", "-2"], None, (0, 1)),
    ("negative large", ["explain", "--", "-99999999999999999999"], None, (0, 1)),
    ("zero", ["explain", "0"], None, (0, 1)),
    ("0x alone", ["explain", "0x"], None, (0, 1)),
    ("0x garbage", ["explain", "0xZZZZ"], None, (0, 1)),
    ("0x huge", ["explain", "0x" + "F" * 64], None, (0, 1)),
    ("0x hresult", ["explain", "0x80072746"], None, (0,)),
    ("0b and 0o", ["explain", "0b101", "0o777"], None, (0, 1)),
    ("float", ["explain", "104.5"], None, (0, 1)),
    ("nan and inf", ["explain", "nan", "inf"], None, (0, 1)),
    ("unicode digits", ["explain", "\u0661\u0660\u0664"], None, (0, 1)),
    ("fullwidth digits", ["explain", "\uff11\uff10\uff14"], None, (0, 1)),
    ("emoji", ["explain", "\U0001f4a5 broken"], None, (0, 1)),
    ("lone surrogate", ["explain", "\ud800"], None, (0, 1)),
    ("NUL in argument", ["explain", "10053\x00"], None, (0, 1)),
    ("only NULs", ["explain", "\x00\x00\x00"], None, (0, 1)),
    ("control characters", ["explain", "\x1b[31m104\x1b[0m"], None, (0, 1)),
    ("unknown platform", ["explain", "104", "--platform", "beos"], None, (2,)),
    ("empty platform", ["explain", "104", "--platform="], None, (2,)),
    ("platform case", ["explain", "104", "--platform", "Linux"], None, (2,)),
    ("platform missing value", ["explain", "104", "--platform"], None, (2,)),
    (
        "conflicting platforms",
        ["explain", "104", "--platform", "linux", "--platform", "windows"],
        None,
        (0, 1, 2),
    ),
    ("json twice", ["explain", "104", "--json", "--json"], None, (0,)),
    ("unknown flag", ["explain", "104", "--frobnicate"], None, (2,)),
    ("unknown command", ["frobnicate"], None, (2,)),
    ("misplaced word", ["explain", "104", "--json", "105"], None, (2,)),
    ("help flag", ["explain", "--help"], None, (0,)),
    ("version flag", ["--version"], None, (0,)),
    ("table unknown platform", ["table", "--platform", "plan9"], None, (2,)),
    ("table unknown kind", ["table", "--kind", "exploded"], None, (2,)),
    ("table unknown domain", ["table", "--domain", "hresult"], None, (2,)),
    ("table conflicting filters", ["table", "--kind", "tls_eof", "--domain", "errno"], None, (1,)),
    ("stdin empty", ["explain", "-"], "", (2,)),
    ("stdin whitespace", ["explain", "-"], " \n\t\n", (2,)),
    ("stdin invalid UTF-8", ["explain", "-"], b"\xff\xfe\xfa 104\n", (2,)),
    ("stdin truncated UTF-8", ["explain", "-"], b"Connection reset \xe2\x80", (2,)),
    ("stdin NUL bytes", ["explain", "-"], "\x00" * 1000, (0, 1)),
    ("stdin NULs around a code", ["explain", "-"], "\x00[Errno 104]\x00Connection reset by peer\x00", (0,)),
    ("stdin one 10 MB line", ["explain", "-"], "x" * (10 * 1024 * 1024), (0, 1)),
    ("stdin 10 MB line of codes", ["explain", "-"], "[Errno 104] " * (10 * 1024 * 1024 // 12), (0, 1)),
    ("stdin many blank lines", ["explain", "-"], "\n" * 100_000, (2,)),
    ("stdin CR line ends", ["explain", "-"], "[Errno 104] reset\r\n" * 50, (0,)),
    ("stdin json", ["explain", "-", "--json"], "[WinError 10053] aborted\n" * 5, (0,)),
    ("stdin with platform", ["explain", "-", "--platform", "darwin"], "errno 54\n", (0, 1)),
    ("dash among words", ["explain", "104", "-", "x"], None, (0, 1, 2)),
    ("100k words", ["explain", *(["104"] * 100_000)], None, (0, 1)),
    ("brackets only", ["explain", "[[[[]]]]" * 1000], None, (0, 1)),
    ("quotes only", ["explain", "'\"" * 1000], None, (0, 1)),
    ("kind name", ["explain", "connection_reset"], None, (0,)),
    ("name lower case", ["explain", "econnreset"], None, (0, 1)),
    ("verbose alone", ["explain", "-v"], None, (2,)),
    ("verbose twice", ["explain", "-v", "104", "--verbose"], None, (0,)),
    ("abbreviated json", ["explain", "104", "--js"], None, (2,)),
    ("abbreviated verbose", ["explain", "--verb", "104"], None, (2,)),
    ("table empty search", ["table", "--search", ""], None, (2,)),
    ("table search no match", ["table", "--search", "\x00zz"], None, (1,)),
    ("table all and platform", ["table", "--all", "--platform", "plan9"], None, (2,)),
    ("table unknown language", ["table", "--lang", "tlh", "--json"], None, (1,)),
    ("info extra word", ["info", "now"], None, (2,)),
    ("probe unknown scenario", ["probe", "--scenario", "meteor"], None, (2,)),
    ("matrix missing file", ["matrix", "/nonexistent/probe.json", "--json"], None, (2,)),
    ("matrix json and markdown", ["matrix", "-", "--json", "--markdown"], None, (2,)),
]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 50


@contextlib.contextmanager
def _stdio(stdin: Stdin) -> Iterator[Tuple[io.StringIO, io.StringIO]]:
    raw = stdin.encode("utf-8", "surrogatepass") if isinstance(stdin, str) else (stdin or b"")
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="strict")
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        sys.stdin = old


@pytest.mark.parametrize(("argv", "stdin", "allowed"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_main_is_robust(argv: List[str], stdin: Stdin, allowed: Tuple[int, ...]) -> None:
    with _stdio(stdin) as (out, err):
        code = main(argv)
    assert code in allowed, (code, err.getvalue()[:300])
    errors = err.getvalue()
    assert "Traceback" not in errors and "Traceback" not in out.getvalue()
    if code != 0 and errors and not errors.startswith("usage:"):
        assert errors.count("\n") == 1 and errors.startswith("connerr: "), errors[:300]


def _run(args: List[str], stdin: bytes, env: Optional[dict] = None) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run(
        [sys.executable, "-m", "connerr", *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        env=dict(os.environ, **(env or {})),
    )


@pytest.mark.parametrize(
    ("args", "stdin", "allowed"),
    [
        # undecodable bytes are replaced: a log with some binary junk is still read
        (["explain", "-"], b"\xff\xfe\xfa 104\n", (1,)),
        (["explain", "-"], b"\x00" * 4096 + b"[Errno 104] Connection reset by peer", (0,)),
        (["explain", "-"], b"A" * (10 * 1024 * 1024), (1,)),
        (["explain", "10053", "--platform", "amiga"], b"", (2,)),
        (["explain", "0x"], b"", (0, 1)),
    ],
    ids=["invalid utf-8", "nul bytes", "10 MB line", "unknown platform", "0x"],
)
def test_real_process_is_robust(args: List[str], stdin: bytes, allowed: Tuple[int, ...]) -> None:
    proc = _run(args, stdin, {"PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "1"})
    assert proc.returncode in allowed, proc.stderr[-500:]
    assert b"Traceback" not in proc.stderr
    if proc.returncode != 0:
        assert proc.stderr.count(b"\n") == 1, proc.stderr[-500:]
