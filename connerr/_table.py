"""``connerr table``: the reference as a text table fitted to the output's width, or JSON records."""

from __future__ import annotations

import textwrap
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

#: the ``record_type`` of each table (``table --json``): OS codes, a runtime's codes, localized messages
CODE, RUNTIME_CODE, LOCALIZED = "code", "runtime_code", "localized_message"
#: a wrapped column is never narrower than this (two such columns: each), and wraps on this many
#: lines at most: ``--json`` and ``connerr explain NAME`` have the whole text
_MIN_WRAPPED, _MIN_SHARED, _WRAPPED_LINES = 26, 20, 2


class Selection(NamedTuple):
    """What ``connerr table`` lists: the records of one platform (or every one: None), filtered."""

    platform: Optional[str]
    kind: Optional[str] = None
    domain: Optional[str] = None
    lang: Optional[str] = None
    search: Optional[str] = None
    #: only codes of a network kind (not ``unknown``)
    network_only: bool = False


def select(selection: Selection) -> Tuple[str, List[Dict[str, Any]]]:
    """(record type, records as ``table --json`` lists them) for a selection."""
    from connerr._domains import RUNTIME_DOMAINS

    if selection.lang is not None:
        rows = localized_records(selection.lang, selection.platform, selection.kind)
        rows = [r for r in rows if _wanted(selection, r["kind"], r["name"], r["text"], r["english"])]
        return LOCALIZED, rows
    if selection.domain in {d.id for d in RUNTIME_DOMAINS}:
        rows = runtime_records(selection.domain, selection.platform, selection.kind)
        return RUNTIME_CODE, [r for r in rows if _wanted(selection, r["kind"], r["name"], r["text"])]
    from connerr import reference

    out = []
    found = reference.records(platform=selection.platform, kind=selection.kind, domain=selection.domain)
    for record in found:
        data = record.to_dict()
        if selection.platform is not None:
            data["platforms"] = {selection.platform: data["platforms"][selection.platform]}
        messages = [entry["message"] for entry in data["platforms"].values()]
        if _wanted(selection, record.kind, record.name, *messages):
            out.append(data)
    return CODE, out


def _wanted(selection: Selection, kind: str, *texts: Optional[str]) -> bool:
    """The record fits the kind filter and, with ``search``, one of its texts (a name, messages)
    contains the word, case-insensitively."""
    if selection.network_only and kind == "unknown":
        return False
    if selection.search is None:
        return True
    word = selection.search.strip().casefold()
    return any(word in text.casefold() for text in texts if text)


def nothing_found(selection: Selection, everything: bool) -> str:
    """The one line that says no record matched, and where else to look."""
    where = f" on {selection.platform}" if selection.platform else ""
    if selection.lang is not None:
        return f"no localized messages for {selection.lang!r}{where} (see the docs for the languages)"
    hint = "" if everything else "; --all shows every code of every platform"
    return f"no codes match{where}{hint}"


def to_text(record_type: str, records: Sequence[Dict[str, Any]], selection: Selection, width: int) -> str:
    """The records as a table no wider than ``width`` where its columns allow: long texts wrap."""
    if record_type == LOCALIZED:
        return localized_to_text(records, width)
    if record_type == RUNTIME_CODE:
        return runtime_to_text(records, str(selection.domain), width)
    platform = selection.platform
    if platform is not None:
        entries = [r["platforms"][platform] for r in records]
        header = ["name", "number", "errno", "exception", "kind", "message"]
        rows = [
            [
                r["name"],
                _cell(e["number"]),
                _cell(e["python_errno"]),
                e["exception"],
                r["kind"],
                _cell(e["message"]),
            ]
            for r, e in zip(records, entries)
        ]
        if all(e["python_errno"] == e["number"] for e in entries):
            header.pop(2)  # errno repeats the number on this platform
            for row in rows:
                row.pop(2)
        return "\n".join(_columns(header, rows, width, wrapped=(len(header) - 1,)))
    tags: List[str] = []
    for record in records:
        tags += [t for t in record["platforms"] if t not in tags]
    header = ["name", "domain", "kind", *tags]
    cells = [
        [
            r["name"],
            r["domain"],
            r["kind"],
            *(_cell(r["platforms"][t]["number"] if t in r["platforms"] else None) for t in tags),
        ]
        for r in records
    ]
    return "\n".join(_columns(header, cells, width))


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def _columns(
    header: List[str], rows: List[List[str]], width: int = 0, wrapped: Tuple[int, ...] = ()
) -> List[str]:
    """The rows under the header, each column as wide as its widest cell; the ``wrapped`` columns
    share what ``width`` leaves them (at least :data:`_MIN_WRAPPED`, or :data:`_MIN_SHARED` each of
    several), their cells wrapped there on at most :data:`_WRAPPED_LINES` lines."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    if width and wrapped:
        fixed = sum(w for i, w in enumerate(widths) if i not in wrapped) + 2 * (len(header) - 1)
        share = max((width - fixed) // len(wrapped), _MIN_WRAPPED if len(wrapped) == 1 else _MIN_SHARED)
        for i in wrapped:
            widths[i] = min(widths[i], share)
    lines = []
    for row in table:
        pieces = [
            textwrap.wrap(
                cell, widths[i], break_on_hyphens=False, max_lines=_WRAPPED_LINES, placeholder=" ..."
            )
            or [""]
            if i in wrapped
            else [cell]
            for i, cell in enumerate(row)
        ]
        for depth in range(max(len(p) for p in pieces)):
            cells = [p[depth] if depth < len(p) else "" for p in pieces]
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return lines


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
        row: Dict[str, Any] = {
            "name": name,
            "number": numbers.get(platform or "", number),
            "kind": code_kind,
            "os_code": os_code or None,
            "carries": carries or None,
            "text": text,
            "source": source,
        }
        if numbering == "negated_errno":
            row["numbers"] = {p: n for p, n in numbers.items() if p}
        out.append(row)
    return out


def runtime_to_text(rows: Sequence[Dict[str, Any]], domain: str, width: int = 0) -> str:
    """One line per code of a runtime's domain, then where the numbers come from."""
    from connerr._domains import by_id

    header = ["name", "number", "kind", "os_code", "text"]
    cells = [
        [str(r["name"]), str(r["number"]), str(r["kind"]), _cell(r["os_code"]), str(r["text"])] for r in rows
    ]
    lines = _columns(header, cells, width, wrapped=(4,))
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
                out.append(
                    {
                        "lang": language,
                        "msgset": msgset,
                        "domain": domain,
                        "name": name,
                        "kind": ix.kind(name),
                        "text": text,
                        "english": english,
                        "source": source,
                        "status": status,
                    }
                )
    return sorted(out, key=lambda r: (r["msgset"], r["domain"], r["name"], r["lang"], r["text"]))


def localized_to_text(rows: Sequence[Dict[str, Any]], width: int = 0) -> str:
    """One line per localized message: code, the text, the English text; then the sources."""
    header = ["name", "lang", "kind", "text", "english"]
    lines = _columns(header, [[str(r[key]) for key in header] for r in rows], width, wrapped=(3, 4))
    sources = sorted({str(r["source"]) for r in rows})
    return "\n".join([*lines, "", "Sources: " + "; ".join(sources)])
