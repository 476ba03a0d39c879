#!/usr/bin/env python3
"""Build ``connerr/data/domains.tsv``: the codes that runtimes add on top of the OS codes.

Reads the pinned upstream extracts in ``tools/sources/domains/<domain>.tsv`` (each row: name, number,
Windows number, text, ``owner/repo@commit:path`` source; how each was extracted is in the ``.md``
beside it), ``tools/sources/domains/carries.tsv`` (codes whose message carries an OS error) and
``connerr/data/codes.tsv`` (Windows numbers, for the .NET names), and writes one row per code::

    domain name number os_code numbering carries text source

* ``numbering`` ``negated_errno`` (libuv's ``UV__ERR``): on every platform but Windows the number is
  minus ``os_code``'s errno where the platform defines it; ``number`` is libuv's own literal, used on
  Windows and where the OS lacks the errno. ``fixed``: ``number`` on every platform.
* ``os_code`` the OS code the runtime code stands for: libuv ``UV_X`` is ``X`` (``UV_EAI_X`` is
  ``EAI_X``, translated by name in src/unix/getaddrinfo.c); a .NET ``SocketError`` value is the
  Winsock (or Win32) code of that number (SocketError.cs: ``(10000 + N)``).

Usage: ``python tools/gen_domains.py`` writes; ``--check`` exits 1 with a diff when the committed
file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "sources" / "domains"
OUT = ROOT / "connerr" / "data" / "domains.tsv"
HEADER = ("domain", "name", "number", "os_code", "numbering", "carries", "text", "source")
sys.path.insert(0, str(ROOT))
from connerr._domains import RUNTIME_DOMAINS  # noqa: E402
from tools._regen import read_rows, write_or_check  # noqa: E402


def os_numbers() -> Tuple[Dict[str, int], Dict[int, str]]:
    """(errno and EAI names defined anywhere, Windows number -> Winsock/Win32 name) from codes.tsv."""
    names: Dict[str, int] = {}
    windows: Dict[int, str] = {}
    for row in read_rows(ROOT / "connerr" / "data" / "codes.tsv"):
        if row["domain"] in ("errno", "eai"):
            names[row["name"]] = 1
        if row["platform"] == "windows" and row["domain"] in ("winsock", "win32"):
            number = int(row["number"])
            # the primary Winsock name first (WSAE* before the WSA_* aliases), then Win32
            primary = number in windows and (row["domain"] != "winsock" or windows[number].startswith("WSAE"))
            if not primary:
                windows[number] = row["name"]
    return names, windows


def os_code(
    domain: str, name: str, number: int, names: Dict[str, int], windows: Dict[int, str]
) -> Tuple[str, str]:
    """(os_code, numbering) of one runtime code."""
    if domain == "libuv":
        target = name[3:]
        if target in names:
            return target, "negated_errno" if not target.startswith("EAI_") else "fixed"
        return "", "fixed"
    if domain == "dotnet" and number > 0:
        return windows.get(number, ""), "fixed"
    return "", "fixed"


def build() -> str:
    names, windows = os_numbers()
    carries = {(r["domain"], r["name"]): r["carries"] for r in read_rows(SOURCES / "carries.tsv")}
    out: List[Tuple[str, ...]] = []
    for domain in RUNTIME_DOMAINS:
        for row in read_rows(SOURCES / f"{domain.id}.tsv"):
            number = int(row["windows_number"] or row["number"])
            code, numbering = os_code(domain.id, row["name"], number, names, windows)
            out.append(
                (
                    domain.id,
                    row["name"],
                    str(number),
                    code,
                    numbering,
                    carries.pop((domain.id, row["name"]), ""),
                    row["text"],
                    row["source"],
                )
            )
    if carries:
        raise SystemExit(f"carries.tsv names codes no extract defines: {sorted(carries)}")
    out.sort(key=lambda r: (r[0], int(r[2]), r[1]))
    return "\n".join("\t".join(r) for r in [HEADER, *out]) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail (exit 1) if the committed file is stale")
    return write_or_check(OUT, build(), parser.parse_args(argv).check, ROOT)


if __name__ == "__main__":
    sys.exit(main())
