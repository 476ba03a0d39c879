"""Fuzz the explain parser: ``connerr._evidence.scan``, ``connerr.explain`` and ``summarize``.

With atheris (coverage-guided, libFuzzer options pass through)::

    python fuzz/fuzz_explain.py -atheris_runs=20000 -max_len=4096

Without atheris the same target runs on seeded random inputs built from a corpus of pasted-error
fragments (``--runs N``), so the check also works where atheris has no wheel (PyPy, new CPythons).
Any exception is a finding: explain() and summarize() are documented never to raise.
"""

from __future__ import annotations

import random
import sys
from typing import List

from connerr import _evidence
from connerr._explain import explain
from connerr._logscan import summarize
from connerr.platforms import PLATFORMS

FRAGMENTS = [
    "[Errno 104]",
    "[WinError 10053]",
    "[Errno -2]",
    "errno=",
    "errno 54",
    "os error 111",
    "code: ",
    "ConnectionResetError(",
    "gaierror(-3, 'Temporary failure in name resolution')",
    "(10054, 'An existing connection was forcibly closed', None, 10054, None)",
    "Connection reset by peer",
    "0x80072746",
    "0x",
    "-",
    "10053",
    "\n",
    "\t",
    "'",
    '"',
    "(",
    ")",
    "[",
    "]",
    "C:\\Python311\\",
    "/usr/lib/python3/",
    "ssl.SSLEOFError",
    "ENOTFOUND",
    "UV_ECONNRESET",
    "WSAECONNRESET",
    "\x00",
    "\u2019",
    "\u0130",
    "connection_reset",
    "getaddrinfo failed",
    "requests.exceptions.ConnectionError: ",
]


def check(data: bytes) -> None:
    """The fuzz target: the first byte picks a platform (or none), the rest is the text."""
    choice = data[0] if data else 0
    platform = PLATFORMS[choice % len(PLATFORMS)] if choice & 0x80 else None
    text = data[1:].decode("utf-8", "replace")
    _evidence.scan(text)
    result = explain(text, platform)
    result.to_dict()
    if "\n" in text:
        summarize(text, platform).to_dict()


def _random_input(rng: random.Random) -> bytes:
    parts: List[bytes] = [bytes([rng.randrange(256)])]
    for _ in range(rng.randrange(40)):
        if rng.random() < 0.7:
            parts.append(rng.choice(FRAGMENTS).encode("utf-8"))
        else:
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))))
    return b"".join(parts)


def fallback(runs: int, seed: int = 0) -> int:
    """Run :func:`check` on ``runs`` seeded random inputs; 0, or re-raise the first finding."""
    rng = random.Random(seed)
    for i in range(runs):
        data = _random_input(rng)
        try:
            check(data)
        except Exception:
            print(f"fuzz_explain: run {i} failed on {data!r}", file=sys.stderr)
            raise
    print(f"fuzz_explain: {runs} random inputs (seed {seed}), no finding")
    return 0


def main(argv: List[str]) -> int:
    if "--fallback" not in argv:
        try:
            import atheris
        except ImportError:
            print("fuzz_explain: atheris is not installed; running the random fallback", file=sys.stderr)
        else:
            atheris.instrument_all()
            atheris.Setup([argv[0], *[a for a in argv[1:] if a.startswith("-")]], check)
            atheris.Fuzz()
            return 0
    runs = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--runs=")), 5000)
    return fallback(runs)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
