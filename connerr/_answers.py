"""``connerr explain CODE`` answered from answers rendered when the wheel was built.

A bare code or name is the commonest query, and rendering its answer costs most of the command's
start-up: the ``Kind`` enum, the explain module, the tables. ``setup.py`` runs ``python -m
connerr._answers PATH`` at build time, which renders every code name and every non-negative number of
the code table, and every runtime code name, through the full path's own function
(:func:`connerr._explain_cli.query_answer`) into ``connerr/data/answers.bin``: one source of truth, the
same code and tables. What is stored is the answer's rows, not its text: :func:`lookup` lays them out
with :func:`connerr._cli_common.layout` at the output's width and in colour or not, as the full path
does, so the stored answer serves every terminal. ``connerr explain QUERY`` with nothing else prints
the stored answer when there is one; anything else (another spelling, ``-v``, ``--json``,
``--platform``, a checkout without the file) takes the full path. ``tests/test_answers.py`` checks
every stored answer is byte-identical to the full path.
"""

from __future__ import annotations

import os
import sys

from connerr._cli_common import layout
from connerr._data import DATA_DIR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

__all__ = ["FILE", "build", "lookup", "queries"]

FILE = os.path.join(DATA_DIR, "answers.bin")
#: the file: 8 bytes (the index's size, little-endian), the index (marshal: query -> (offset, size)),
#: then the answers, each a zlib-compressed marshal of (rows, stderr, code)
_HEADER = 8


def lookup(query: str, color: bool, width: int, path: str = FILE) -> Optional[Tuple[str, str, int]]:
    """The stored (stdout, stderr, exit code) of ``connerr explain QUERY`` at ``width``, or None."""
    import marshal
    import zlib

    try:
        with open(path, "rb") as f:
            size = int.from_bytes(f.read(_HEADER), "little")
            entry = marshal.loads(f.read(size)).get(query)
            if entry is None:
                return None
            offset, length = entry
            f.seek(_HEADER + size + offset)
            data = f.read(length)
        rows, err, code = marshal.loads(zlib.decompress(data))
        out = layout(rows, width, color)
    except (OSError, EOFError, ValueError, TypeError, KeyError, zlib.error):
        return None
    return out, str(err), int(code)


def queries() -> List[str]:
    """Every query an answer is stored for: code names, runtime code names, non-negative numbers."""
    from connerr import _fastindex

    ix = _fastindex.get()
    numbers = {
        number for by_platform in ix.numbers.values() for number in by_platform.values() if number >= 0
    }
    return sorted(ix.code_names) + [str(n) for n in sorted(numbers)]


def render(query: str, color: bool, width: int) -> Tuple[str, str, int]:
    """What the full path prints for ``connerr explain QUERY`` at ``COLUMNS=width`` (stdout, stderr,
    exit code)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout
    from types import SimpleNamespace

    from connerr import _explain_cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return color

    out, err = Terminal(), io.StringIO()
    hidden = {name: os.environ.pop(name) for name in ("NO_COLOR", "TERM", "COLUMNS") if name in os.environ}
    os.environ["COLUMNS"] = str(width)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            args = SimpleNamespace(query=[query], platform=None, json=False, verbose=False)
            code = _explain_cli.run_explain(args)  # type: ignore[arg-type]
    finally:
        del os.environ["COLUMNS"]
        os.environ.update(hidden)
    return out.getvalue(), err.getvalue(), int(code)


def build(path: str) -> int:
    """Render every answer into ``path``; returns how many queries it holds."""
    import marshal
    import zlib

    from connerr._explain_cli import query_answer

    index: Dict[str, Tuple[int, int]] = {}
    blob = bytearray()
    for query in queries():
        data = zlib.compress(marshal.dumps(query_answer(query, None, False)), 9)
        index[query] = (len(blob), len(data))
        blob += data
    header = marshal.dumps(index)
    with open(path + ".tmp", "wb") as f:
        f.write(len(header).to_bytes(_HEADER, "little") + header + bytes(blob))
    os.replace(path + ".tmp", path)
    return len(index)


if __name__ == "__main__":
    print(f"{sys.argv[1]}: {build(sys.argv[1])} answers")
