"""The CLI as shells run it: closed streams, narrow encodings, Ctrl-C, big inputs, terminals.

Every case ends with exit code 0, 1, 2 or 130 and at most one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from typing import Dict, List, Optional

import pytest
from _support import POSIX

pytestmark = pytest.mark.skipif(not POSIX, reason="shell redirections, signals and ptys are POSIX")

CONNERR = [sys.executable, "-m", "connerr"]


def _shell(script: str, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run ``script`` in sh with ``$PY`` set to this interpreter."""
    return subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "PY": sys.executable, **(env or {})},
    )


def _one_line_no_traceback(stderr: bytes) -> None:
    assert b"Traceback" not in stderr and stderr.count(b"\n") <= 1, stderr[-500:]


def test_closed_stdout_is_a_usage_error() -> None:
    proc = _shell('"$PY" -m connerr explain 104 >&-')
    assert proc.returncode == 2 and proc.stderr == b"connerr: error: standard output is closed\n"


def test_closed_stdin_is_a_usage_error() -> None:
    proc = _shell('"$PY" -m connerr explain - <&-')
    assert proc.returncode == 2 and b"stdin" in proc.stderr
    _one_line_no_traceback(proc.stderr)


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
    ],
    ids=["PYTHONIOENCODING=ascii", "LC_ALL=C"],
)
def test_output_the_encoding_cannot_carry_is_replaced(env: Dict[str, str]) -> None:
    log = "".join(
        f"ssh: connect to host db{i} port 22: Connexion refusée [Errno 111] Connection refused\n"
        for i in range(5)
    ).encode()
    proc = subprocess.run(
        [*CONNERR, "explain", "-"],
        input=log,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr
    assert b"ECONNREFUSED" in proc.stdout and b"Connexion refus?" in proc.stdout  # unreadable -> ?
    _one_line_no_traceback(proc.stderr)


def test_ctrl_c_is_one_line_and_exit_130() -> None:
    proc = subprocess.Popen(
        [*CONNERR, "explain", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None
    proc.stdin.write(b"[Errno 104] Connection reset by peer\n")
    proc.stdin.flush()
    time.sleep(3)  # started, and blocked reading the rest of stdin
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err == b"connerr: interrupted\n", err


def test_stdin_beyond_any_buffer_is_read_to_the_end() -> None:
    """4 MB: past the 1 MiB read at once, the rest is streamed; every line is counted."""
    lines: List[str] = []
    for i in range(60_000):
        if i % 3 == 0:
            lines.append(f"2024-05-01 w-{i} ERROR ConnectionResetError: [Errno 104] Connection reset by peer")
        else:
            lines.append(f"2024-05-01 worker-{i} INFO request {i} served in {i % 97} ms")
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > 3 * 1024 * 1024
    proc = subprocess.run(
        [*CONNERR, "explain", "-", "--json"], input=data, capture_output=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    import json

    summary = json.loads(proc.stdout)["summary"]
    assert (summary["lines"], summary["errors"]) == (60_000, 20_000)


def _on_a_terminal(env: Dict[str, str]) -> bytes:
    """``connerr explain ECONNRESET`` with its stdout on a pseudo-terminal; what the terminal got."""
    leader, follower = pty.openpty()
    try:
        inherited = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
        proc = subprocess.Popen(
            [*CONNERR, "explain", "ECONNRESET"],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={**inherited, **env},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks)


def test_colour_on_a_terminal_unless_told_otherwise() -> None:
    base = {"TERM": "xterm-256color"}
    assert b"\x1b[" in _on_a_terminal(base)
    assert b"\x1b[" in _on_a_terminal({**base, "NO_COLOR": ""})  # set but empty: no effect
    assert b"\x1b[" not in _on_a_terminal({**base, "NO_COLOR": "1"})
    assert b"\x1b[" not in _on_a_terminal({"TERM": "dumb"})
