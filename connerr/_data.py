"""Read the package's TSV data files (UTF-8, header line, tab-separated, no quoting)."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: importing typing costs connerr explain's start-up
    from typing import Dict, Iterator, List

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def read_tsv(name: str) -> Iterator[Dict[str, str]]:
    """Yield each row of ``connerr/data/<name>`` as a dict keyed by the header's columns."""
    with open(os.path.join(DATA_DIR, name), encoding="utf-8") as f:
        header: List[str] = f.readline().rstrip("\n").split("\t")
        for raw in f:
            line = raw.rstrip("\n")
            if line and not line.startswith("#"):
                yield dict(zip(header, line.split("\t")))
