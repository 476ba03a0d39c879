"""Read the package's data files, and cache what was parsed from them in the user's cache directory.

The TSV files are UTF-8, with a header line, tab-separated, without quoting; ``#`` starts a comment
line. Nothing is ever written into the installed package.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: importing typing costs connerr explain's start-up
    from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

__all__ = ["DATA_DIR", "cache_dir", "cached", "read_rows", "read_tsv"]

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def read_rows(name: str) -> Tuple[List[str], List[List[str]]]:
    """(header, rows) of ``connerr/data/<name>``; each row is the list of its fields."""
    with open(os.path.join(DATA_DIR, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    rows = [line.split("\t") for line in lines[1:] if line and not line.startswith("#")]
    return lines[0].split("\t"), rows


def read_tsv(name: str) -> Iterator[Dict[str, str]]:
    """Each row of ``connerr/data/<name>`` as a dict keyed by the header's columns."""
    header, rows = read_rows(name)
    for row in rows:
        yield dict(zip(header, row))


def cache_dir() -> Optional[str]:
    """Where parsed tables are cached: ``$CONNERR_CACHE_DIR`` (empty: no cache), else the user's
    cache directory (``$XDG_CACHE_HOME``, ``~/.cache``, ``~/Library/Caches``, ``%LOCALAPPDATA%``)."""
    chosen = os.environ.get("CONNERR_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return os.path.join(base, "connerr", "Cache") if base else None
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return None if base.startswith("~") else os.path.join(base, "connerr")


def _cache_key(sources: Tuple[str, ...], builder: str) -> Optional[Tuple[Any, ...]]:
    """What a cached table must match: the size and mtime of the data files and of the module that
    parses them, the interpreter's bytecode tag (marshal's format) and the version."""
    from connerr._version import __version__

    try:
        stats = [os.stat(os.path.join(DATA_DIR, name)) for name in sources]
        stats.append(os.stat(builder))
    except OSError:
        return None
    return (__version__, sys.implementation.cache_tag, *((st.st_size, st.st_mtime_ns) for st in stats))


def cached(table: str, sources: Tuple[str, ...], build: Callable[[], Any]) -> Any:
    """``build()``, or the same value marshalled in :func:`cache_dir` by an earlier process.

    Parsing the TSV files is most of what ``connerr explain CODE`` costs; unmarshalling the parsed
    tables is several times faster. Each installation has its own files (named after a checksum of
    its data directory). The cache is written as bytecode is (not with ``-B`` or
    ``PYTHONDONTWRITEBYTECODE``), atomically, and silently skipped where it cannot be written; any
    mismatch or damage falls back to parsing.
    """
    import gc

    paused = gc.isenabled()
    gc.disable()  # loading builds many containers and no cycles: collections would only cost time
    try:
        return _cached(table, sources, build)
    finally:
        if paused:
            gc.enable()


def _cached(table: str, sources: Tuple[str, ...], build: Callable[[], Any]) -> Any:
    import marshal

    directory = cache_dir()
    builder = getattr(getattr(build, "__code__", None), "co_filename", __file__)
    key = _cache_key(sources, builder) if directory is not None else None
    if directory is None or key is None or not sys.implementation.cache_tag:
        return build()
    from binascii import crc32

    install = f"{crc32(DATA_DIR.encode('utf-8', 'surrogatepass')):08x}"
    path = os.path.join(directory, f"{table}.{install}.{sys.implementation.cache_tag}.marshal")
    try:
        with open(path, "rb") as f:
            stored_key, value = marshal.loads(f.read())
        if stored_key == key:
            return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    if not sys.dont_write_bytecode:
        _write(path, marshal.dumps((key, value)))
    return value


def _write(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except (OSError, ValueError):
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(tmp)
