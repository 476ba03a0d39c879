"""Constants shared by the tests (importable as ``_support``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import sys

WINDOWS = sys.platform == "win32"
LINUX = sys.platform.startswith("linux")
MACOS = sys.platform == "darwin"
POSIX = not WINDOWS
