"""Shared fixtures, and a guard: the tests run against an installed connerr with its C extension."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import socket
from pathlib import Path
from typing import Iterator, Optional

import pytest

#: the checkout (or unpacked sdist) these tests belong to
ROOT = Path(__file__).resolve().parent.parent


def source_tree_problem() -> Optional[str]:
    """Why this run would silently test the source tree on the fallback backend, or None.

    ``python -m pytest`` in a checkout puts the checkout first on ``sys.path``; without a compiled
    ``connerr/_native`` beside the sources (as an editable install leaves it), connerr would then run
    on its pure-Python backend. ``CONNERR_NO_EXTENSION=1`` asks for that backend on purpose.
    """
    if os.environ.get("CONNERR_NO_EXTENSION"):
        return None
    spec = importlib.util.find_spec("connerr")
    if spec is None or spec.origin is None:
        return None  # not importable: every test module says so itself
    package = Path(spec.origin).resolve().parent
    if package != ROOT / "connerr":
        return None  # an installed connerr (a wheel, or an editable install's own mapping)
    if any((package / f"_native{suffix}").exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES):
        return None  # the source tree with its extension built in place (`pip install -e .`)
    return (
        f"connerr is imported from the source tree {package} without its C extension; run the "
        "tests with `tox`, or `pip install .` first (CONNERR_NO_EXTENSION=1 tests the "
        "pure-Python backend on purpose)"
    )


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, with one line, instead of testing the source tree's fallback backend."""
    problem = source_tree_problem()
    if problem:
        raise pytest.UsageError(problem)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback TCP port that refuses: bound (so nobody else takes it) but never listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])
