"""What every ``connerr`` subcommand shares: exit codes and the usage error."""

from __future__ import annotations

__all__ = ["EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "UsageError"]

#: found / ok
EXIT_OK = 0
#: nothing recognised or matched
EXIT_NOT_FOUND = 1
#: bad usage or input (one line on stderr, no traceback)
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit code 2."""
