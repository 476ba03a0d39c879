"""The message wrappers are thread-safe: 8 threads hammering them get the single-threaded answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List

import pytest

from connerr import native

CODES = [*range(-20, 160), 10053, 10054, 11001, 99999]


def _answers(func: Callable[[int], str]) -> Dict[int, str]:
    return {code: func(code) for code in CODES}


def _hammer(func: Callable[[int], str], rounds: int = 200) -> List[Dict[int, str]]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: _answers(func), range(rounds)))


@pytest.mark.parametrize("name", ["strerror", "gai_strerror", "format_message"])
def test_eight_threads_agree_with_one(name: str) -> None:
    func = getattr(native, name, None)
    if func is None:
        pytest.skip(f"{name} is not available with the {native.BACKEND} backend on this OS")
    expected = _answers(func)
    assert all(result == expected for result in _hammer(func))
