"""``connerr table``: the reference as a text table or JSON."""

from __future__ import annotations

import json
from typing import List, Optional, Sequence

from connerr.reference import Record


def to_json(records: Sequence[Record], platform: Optional[str]) -> str:
    """``table --json``: a list of records, platforms limited to ``platform`` if given."""
    out = []
    for record in records:
        data = record.to_dict()
        if platform is not None:
            data["platforms"] = {platform: data["platforms"][platform]}
        out.append(data)
    return json.dumps(out, indent=1, ensure_ascii=False)


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def to_text(records: Sequence[Record], platform: Optional[str]) -> str:
    """One line per code: on one platform its details, across platforms its numbers."""
    if platform is not None:
        header = ["name", "number", "errno", "exception", "kind", "message"]
        rows = [[r.name, _cell(e.number), _cell(e.python_errno), e.exception, r.kind, _cell(e.message)]
                for r in records for e in (r.platforms[platform],)]
    else:
        tags: List[str] = []
        for record in records:
            tags += [t for t in record.platforms if t not in tags]
        header = ["name", "domain", "kind", *tags]
        rows = [[r.name, r.domain, r.kind, *(_cell(r.platforms[t].number if t in r.platforms else None)
                                             for t in tags)] for r in records]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    return "\n".join(lines)
