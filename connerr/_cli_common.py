"""What every ``connerr`` subcommand shares: exit codes, the usage error, colour, the output width,
the text layout of an answer and the JSON writer.

This module is on the start-up path of ``connerr explain CODE`` (a stored answer is laid out here):
it imports nothing but :mod:`os`.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Sequence, Tuple

    #: one piece of a row's text and its SGR style ("" for none, "1" bold, "36" cyan...)
    Segment = Tuple[str, str]
    #: (first-line prefix, text segments, most lines: 0 for any): continuation lines are indented
    #: as deep as the prefix is long
    Row = Tuple[str, Tuple[Segment, ...], int]

__all__ = [
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_USAGE",
    "JSON_INDENT",
    "MAX_WIDTH",
    "MIN_WIDTH",
    "UsageError",
    "dump_json",
    "layout",
    "output_width",
    "use_color",
]

#: found / ok
EXIT_OK = 0
#: nothing recognised or matched
EXIT_NOT_FOUND = 1
#: bad usage or input (one line on stderr, no traceback)
EXIT_USAGE = 2

#: text is wrapped to the terminal's width, within these bounds (longer lines are hard to read)
MIN_WIDTH, MAX_WIDTH = 40, 100
#: every command's ``--json`` is indented this much
JSON_INDENT = 2
#: what a row cut short at its most lines ends with
ELLIPSIS = "..."


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


def output_width(out: object) -> int:
    """The width text is wrapped to: ``COLUMNS`` if set, else the terminal's, else 80 (as
    :func:`shutil.get_terminal_size` decides, without importing shutil), kept within
    :data:`MIN_WIDTH`..:data:`MAX_WIDTH`."""
    width = 0
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        width = int(columns)
    if width <= 0:
        try:
            width = os.get_terminal_size(out.fileno()).columns  # type: ignore[attr-defined]
        except (AttributeError, ValueError, OSError):
            width = 0
    if width <= 0:
        width = 80
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


def layout(rows: Sequence[Row], width: int, color: bool) -> str:
    """The rows as text lines of at most ``width`` characters (a word longer than a line is cut),
    each row at most its number of lines (the last one then ends with :data:`ELLIPSIS`)."""
    out: List[str] = []
    for prefix, segments, most in rows:
        words = [(word, style) for text, style in segments for word in text.split()]
        room = max(width - len(prefix), 10)
        lines: List[List[Tuple[str, str]]] = [[]]
        used = 0
        for whole, style in words:
            word = whole
            while len(word) > room:  # a URL or a path longer than a line: cut it
                if used:
                    lines.append([])
                lines[-1].append((word[:room], style))
                lines.append([])
                word, used = word[room:], 0
            if used and used + 1 + len(word) > room:
                lines.append([])
                used = 0
            lines[-1].append((word, style))
            used += len(word) + (1 if used else 0)
        if not lines[-1] and len(lines) > 1:
            lines.pop()
        if most and len(lines) > most:
            lines = lines[:most]
            last = lines[-1]
            while last and sum(len(w) + 1 for w, _s in last) + len(ELLIPSIS) > room:
                last.pop()
            last.append((ELLIPSIS, ""))
        for i, line in enumerate(lines):
            lead = prefix if i == 0 else " " * len(prefix)
            out.append((lead + _styled(line, color)).rstrip())
    return "".join(line + "\n" for line in out)


def _styled(words: List[Tuple[str, str]], color: bool) -> str:
    """The words of one line joined by spaces, each run of one style in its SGR codes."""
    parts: List[str] = []
    run: List[str] = []
    current = ""
    for word, style in [*words, ("", "\0")]:
        if style != current and run:
            text = " ".join(run)
            parts.append(f"\033[{current}m{text}\033[0m" if color and current else text)
            run = []
        current = style
        run.append(word)
    return " ".join(parts)


def dump_json(data: Any, out: Any) -> None:
    """``data`` as the JSON every command prints: indented by :data:`JSON_INDENT`, UTF-8 as is;
    written in pieces of about 64 KB (a log's summary is not held twice as one string)."""
    import json

    batch: List[str] = []
    size = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=JSON_INDENT).iterencode(data):
        batch.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            out.write("".join(batch))
            batch, size = [], 0
    batch.append("\n")
    out.write("".join(batch))
