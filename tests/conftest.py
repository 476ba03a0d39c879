"""Shared fixtures."""

from __future__ import annotations

import socket
from typing import Iterator

import pytest


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback TCP port that refuses: bound (so nobody else takes it) but never listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])
