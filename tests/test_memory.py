"""Memory stays flat: normalize() on a million distinct errors, and a thousand translated failures
each holding a 10 MB local with the cyclic GC off (only a reference cycle could keep them).

Runs in the ``memory`` tox env (``CONNERR_MEMORY_TEST=1``): a million calls take a while.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

import pytest

from connerr._normalize import normalize
from connerr._translate import translate

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("CONNERR_MEMORY_TEST") != "1",
        reason="the memory env runs this (CONNERR_MEMORY_TEST=1)",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm"),
]
MB = 1024 * 1024


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_million_distinct_errors_do_not_grow_memory() -> None:
    for i in range(20_000):  # warm up: tables loaded, caches full
        normalize(OSError(104, f"Connection reset by peer #{i}"))
    before = _rss()
    for i in range(1_000_000):
        normalize(ConnectionResetError(104, f"Connection reset by peer ({i})"))
        if i % 3 == 0:
            normalize(OSError(10054, "x" * (i % 1000), None, 10054), "windows")
    grown = _rss() - before
    assert grown < 20 * MB, f"RSS grew by {grown / MB:.1f} MB"


def _fail_holding(size: int) -> NoReturn:
    ballast = bytearray(size)  # noqa: F841 - held by the frame until the exception is gone
    raise ConnectionResetError(104, "Connection reset by peer")


def test_translated_failures_free_their_frames_without_the_gc() -> None:
    gc.collect()
    gc.disable()
    try:
        before = _rss()
        for _ in range(1000):
            try:
                with translate():
                    _fail_holding(10 * MB)
            except ConnectionResetError:
                pass
            assert _rss() - before < 200 * MB
    finally:
        gc.enable()
    assert _rss() - before < 200 * MB
