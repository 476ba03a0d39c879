"""What every ``connerr`` subcommand shares: exit codes, the usage error, when to use colour."""

from __future__ import annotations

import os

__all__ = ["EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "UsageError", "use_color"]

#: found / ok
EXIT_OK = 0
#: nothing recognised or matched
EXIT_NOT_FOUND = 1
#: bad usage or input (one line on stderr, no traceback)
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit code 2."""


def use_color(out: object) -> bool:
    """Colour only on a terminal that can show it: not with a non-empty ``NO_COLOR`` (no-color.org)
    nor ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(out.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
