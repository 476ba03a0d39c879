"""What the generators of connerr/data share: reading their TSV inputs, writing or checking an output."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Dict, List


def read_rows(path: Path) -> List[Dict[str, str]]:
    """Rows of a TSV with a header line (``#`` lines are comments); SystemExit on a short or long row."""
    lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        if len(cells) != len(header):
            raise SystemExit(f"{path.name}: {len(cells)} cells, expected {len(header)}: {ln[:80]}")
        rows.append(dict(zip(header, cells)))
    return rows


def write_or_check(out: Path, text: str, check: bool, root: Path) -> int:
    """Write ``text`` to ``out``; with ``check``, write nothing and exit 1 (printing a diff) when
    ``out`` differs from it."""
    name = out.relative_to(root)
    if check:
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        if old != text:
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), str(out), "regenerated", n=1
                )
            )
            return 1
        print(f"{name} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {name}")
    return 0
