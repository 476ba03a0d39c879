"""Explain's parser is linear: 1 MB adversarial inputs parse within a bound proportional to their size.

Each input is timed at 100 kB and at 1 MB: ten times the text may take at most ``_GROWTH`` times as long
(linear gives 10, quadratic 100), and 1 MB at most ``_SECONDS_PER_MB`` (generous: slow CI machines,
sanitizer builds and PyPy's warm-up all fit).
"""

from __future__ import annotations

import random
import time
from typing import Callable, Dict, List

import pytest
from _support import read_corpus

from connerr._explain import explain
from connerr._logscan import summarize

_GROWTH = 30.0
_SECONDS_PER_MB = 20.0
_FLOOR = 0.05  # below this a timing is noise: compare against the floor instead


def _runtime_lines() -> List[str]:
    """The real strings of every runtime in tests/data/runtime_cases.tsv, one log line each."""
    return [row.query.replace("\n", " ").replace("\t", " ") for row in read_corpus("runtime_cases.tsv")]


def _mixed_runtime_log(size: int) -> str:
    """A log of mixed runtimes: noise lines with Node, Go, JVM, curl, nginx... errors between them."""
    rng = random.Random(size)
    errors = _runtime_lines()
    out: List[str] = []
    total = 0
    while total < size:
        noise = f"INFO request {rng.randint(1, 99999)} ok in 3 ms"
        line = rng.choice(errors) if rng.random() < 0.2 else noise
        out.append(line[: size - total - 1])
        total += len(out[-1]) + 1
    return "\n".join(out)


ADVERSARIAL: Dict[str, Callable[[int], str]] = {
    "mixed runtimes log": _mixed_runtime_log,
    "recogniser anchors": lambda n: "curl: (" * (n // 7),
    "recogniser gaps": lambda n: ("lookup " + "x" * 150 + " ") * (n // 158),
    "repeated digits": lambda n: "7" * n,
    "digits and spaces": lambda n: "1 " * (n // 2),
    "brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "parentheses": lambda n: "(" * n,
    "quotes": lambda n: "'\"" * (n // 2),
    "[Errno prefixes": lambda n: "[Errno " * (n // 7),
    "[WinError numbers": lambda n: "[WinError 1" * (n // 11),
    "nested reprs": lambda n: "ConnectionResetError(104, '" * (n // 27),
    "context words": lambda n: "errno errno= code:" * (n // 18),
    "phrase starts": lambda n: "connection " * (n // 11),
    "hex prefixes": lambda n: "0x" * (n // 2),
    "one long line of errors": lambda n: "[Errno 104] Connection reset by peer; " * (n // 38),
    "many lines of errors": lambda n: "OSError: [WinError 10054] An existing connection\n" * (n // 50),
}


def _seconds(func: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    func(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
@pytest.mark.parametrize("func", [explain, summarize], ids=["explain", "summarize"])
def test_linear_in_input_size(name: str, func: Callable[[str], object]) -> None:
    make = ADVERSARIAL[name]
    small, large = make(100_000), make(1_000_000)
    assert 0.9e6 <= len(large) <= 1.0e6
    func(small[:1000])  # data loaded outside the timing
    t_small = _seconds(func, small)
    t_large = _seconds(func, large)
    assert t_large <= _SECONDS_PER_MB * len(large) / 1e6, f"{name}: {t_large:.2f} s for 1 MB"
    assert t_large <= _GROWTH * max(t_small, _FLOOR), f"{name}: {t_small:.3f} s -> {t_large:.3f} s for 10x"
