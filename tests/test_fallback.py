"""The pure-Python backend works when the extension is hidden."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys

from _support import WINDOWS

from connerr import _backend_python as fallback

# Run in a fresh interpreter with an import hook that makes ``connerr._native`` unimportable.
HIDE_EXTENSION = """
import importlib.abc, json, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "connerr._native":
            raise ImportError("hidden by the test")
sys.meta_path.insert(0, Hide())
import connerr.native as n
print(json.dumps({"backend": n.BACKEND, "strerror": n.strerror(32),
                  "has_gai": hasattr(n, "gai_strerror")}))
"""


def test_backend_falls_back_when_extension_is_hidden() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CONNERR_NO_EXTENSION"}
    out = subprocess.run(
        [sys.executable, "-c", HIDE_EXTENSION],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=60,
    )
    result = json.loads(out.stdout)
    assert result == {"backend": "python", "strerror": os.strerror(32), "has_gai": False}


def test_fallback_constants_come_from_errno_and_socket() -> None:
    consts = {(c.domain, c.name): c.value for c in fallback.constants()}
    assert consts[("eai", "EAI_NONAME")] == socket.EAI_NONAME
    assert (
        consts[("winsock" if WINDOWS else "errno", "WSAECONNRESET" if WINDOWS else "ECONNRESET")]
        == errno.ECONNRESET
    )


def test_fallback_raw_calls(closed_port: int) -> None:
    assert fallback.raw_connect("127.0.0.1", closed_port, 5.0) == errno.ECONNREFUSED
    assert fallback.raw_exchange("127.0.0.1", closed_port, b"x", 5.0) == (errno.ECONNREFUSED, 1)
    assert fallback.raw_resolve("no-such-host.invalid") == socket.EAI_NONAME
