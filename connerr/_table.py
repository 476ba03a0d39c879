"""``connerr table``: the reference as a text table or JSON."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

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
    return "\n".join(_columns(header, rows))


def _columns(header: List[str], rows: List[List[str]]) -> List[str]:
    """The rows under the header, each column as wide as its widest cell."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]


def runtime_records(domain: str, platform: Optional[str], kind: Optional[str]) -> List[Dict[str, Any]]:
    """The codes of a runtime's domain (``curl``, ``libuv``...) as ``table`` shows them: number (on
    ``platform`` where it depends on one), kind, the OS code behind it, text and source."""
    from connerr import _fastindex

    ix = _fastindex.get()
    out = []
    for (dom, name), (number, os_code, numbering, carries, text, source) in ix.runtime_codes.items():
        if dom != domain:
            continue
        code_kind = ix.kind(name)
        if kind is not None and code_kind != kind:
            continue
        numbers = ix.runtime_numbers(domain, name)
        row: Dict[str, Any] = {"name": name, "number": numbers.get(platform or "", number), "kind": code_kind,
                               "os_code": os_code or None, "carries": carries or None, "text": text,
                               "source": source}
        if numbering == "negated_errno":
            row["numbers"] = {p: n for p, n in numbers.items() if p}
        out.append(row)
    return out


def runtime_to_text(rows: Sequence[Dict[str, Any]], domain: str) -> str:
    """One line per code of a runtime's domain, then where the numbers come from."""
    from connerr._domains import by_id

    header = ["name", "number", "kind", "os_code", "text"]
    cells = [[str(r["name"]), str(r["number"]), str(r["kind"]), _cell(r["os_code"]), str(r["text"])[:70]]
             for r in rows]
    lines = _columns(header, cells)
    info = by_id(domain)
    sources = sorted({source for r in rows for source in str(r["source"]).split(";")})
    lines += ["", f"{info.title}: {info.numbering}.", "Sources: " + "; ".join(sources)]
    return "\n".join(lines)


def localized_records(lang: str, platform: Optional[str], kind: Optional[str]) -> List[Dict[str, Any]]:
    """The localized messages of one language (``pt_BR`` glibc, ``pt-BR`` Windows; either spelling
    finds both), each with the English text, the code and its source."""
    from connerr import _fastindex, platforms

    ix = _fastindex.get()
    wanted = lang.replace("-", "_").lower()
    out = []
    for language in ix.l10n_all_languages():
        spelled = language.replace("-", "_").lower()
        if spelled != wanted and not ("_" not in wanted and spelled.split("_")[0] == wanted):
            continue  # "pt" is every Portuguese; "pt_BR" only Brazil's
        for rows in ix.l10n_texts(language).values():
            for msgset, domain, name, field, text, source, status in rows:
                if kind is not None and ix.kind(name) != kind:
                    continue
                printing = platforms.platforms_printing(msgset)
                if platform is not None and platform not in printing:
                    continue
                english = ix.messages.get((msgset, name, field), ("", "", ""))[0]
                out.append({"lang": language, "msgset": msgset, "domain": domain, "name": name,
                            "kind": ix.kind(name), "text": text, "english": english, "source": source,
                            "status": status})
    return sorted(out, key=lambda r: (r["msgset"], r["domain"], r["name"], r["lang"], r["text"]))


def localized_to_text(rows: Sequence[Dict[str, Any]]) -> str:
    """One line per localized message: code, the text, the English text; then the sources."""
    header = ["name", "lang", "kind", "text", "english"]
    lines = _columns(header, [[str(r[key]) for key in header] for r in rows])
    sources = sorted({str(r["source"]) for r in rows})
    return "\n".join([*lines, "", "Sources: " + "; ".join(sources)])
