"""The cross-platform reference: every code, on every platform, with its sources.

Data is read from ``connerr/data/`` on first use (never at ``import connerr``):

- ``codes.tsv``     numbers per platform, generated from the platforms' headers by tools/gen_codes.py;
- ``messages.tsv``  strerror / gai_strerror / FormatMessage texts with their sources;
- ``kinds.tsv``     the normalized kind of every code name, with the reason;
- ``anchors.tsv``   how libuv, Rust, Go, MSVC STL, Boost and CPython classify ~40 network codes.

The Python exception and ``.errno`` a user sees come from the rules in :mod:`connerr.pyrules`.
Functions raise :class:`~connerr.platforms.UnknownPlatformError` (a ValueError) for an unknown
platform tag and :class:`TypeError` for a code that is neither ``int`` nor ``str``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from connerr import _fastindex
from connerr._data import read_tsv
from connerr._fastindex import DOMAINS, SECONDARY_NAMES
from connerr.platforms import PLATFORMS, check_platform

__all__ = [
    "DOMAINS",
    "SECONDARY_NAMES",
    "Anchor",
    "PlatformEntry",
    "Record",
    "by_kind",
    "by_name",
    "by_number",
    "lookup",
    "message_for",
    "records",
    "resolve",
]


@dataclass(frozen=True)
class PlatformEntry:
    """One code on one platform."""

    platform: str
    number: int
    header: str
    message: Optional[str]
    message_source: Optional[str]
    message_status: str
    exception: str
    python_errno: Optional[int]
    winerror: Optional[int]
    python_rule: str

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        return {
            "number": self.number,
            "message": self.message,
            "exception": self.exception,
            "python_errno": self.python_errno,
            "winerror": self.winerror,
            "header": self.header,
            "message_source": self.message_source,
            "message_status": self.message_status,
            "python_rule": self.python_rule,
        }


@dataclass(frozen=True)
class Anchor:
    """How other runtimes classify a code (from anchors.tsv)."""

    libuv: str
    rust: str
    go: str
    msvc_stl: str
    boost: str
    cpython: str
    notes: str
    source: str

    def to_dict(self) -> Dict[str, str]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Record:
    """One code name (``ECONNRESET``) in one domain, across every platform that defines it."""

    name: str
    domain: str
    kind: str
    reason: str
    #: platform tag -> the code there (read-only: the index's own table)
    platforms: Mapping[str, PlatformEntry] = field(default_factory=lambda: MappingProxyType({}))
    anchors: Optional[Anchor] = None

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form (a ``connerr table --json`` record)."""
        out: Dict[str, Any] = {
            "name": self.name,
            "domain": self.domain,
            "kind": self.kind,
            "reason": self.reason,
            "platforms": {tag: entry.to_dict() for tag, entry in self.platforms.items()},
        }
        if self.anchors is not None:
            out["anchors"] = self.anchors.to_dict()
        return out


class _Index:
    """Full records, built on the shared fast index (:mod:`connerr._fastindex`) when first asked for."""

    def __init__(self) -> None:
        self.fast = _fastindex.get()
        self.kinds = self.fast.kinds
        self.by_number = self.fast.by_number

    @cached_property
    def anchors(self) -> Dict[str, Anchor]:
        return {
            name: Anchor(**{column: row.get(column, "") for column in _fastindex.ANCHOR_COLUMNS})
            for name, row in self.fast.anchors.items()
        }

    @cached_property
    def records(self) -> Dict[Tuple[str, str], Record]:
        out: Dict[Tuple[str, str], Record] = {}
        for (domain, name), numbers in sorted(self.fast.numbers.items()):
            kind, reason = self.kinds.get(name, ("unknown", "no kind recorded"))
            entries = {
                tag: self._entry(tag, domain, name, numbers[tag]) for tag in PLATFORMS if tag in numbers
            }
            out[(domain, name)] = Record(
                name, domain, kind, reason, MappingProxyType(entries), self.anchors.get(name)
            )
        return out

    @cached_property
    def by_upper_name(self) -> Dict[str, List[Record]]:
        out: Dict[str, List[Record]] = {}
        for record in self.records.values():
            out.setdefault(record.name.upper(), []).append(record)
        return out

    @cached_property
    def headers(self) -> Dict[Tuple[str, str, str], str]:
        return {(row["platform"], row["domain"], row["name"]): row["header"] for row in read_tsv("codes.tsv")}

    def _entry(self, platform: str, domain: str, name: str, number: int) -> PlatformEntry:
        from connerr.pyrules import python_view

        seen_as = self.fast.python_identity(platform, domain, name, number)
        found = self.fast.message_row(platform, seen_as[0], seen_as[1])
        primary = self.fast.text_name(platform, seen_as[0], seen_as[1])
        if found is not None and primary != seen_as[1]:
            found = (found[0], f"{found[1]} (text of {primary}; {name} is an alias)", found[2])
        text, source, status = found if found is not None else (None, None, "missing")
        view = python_view(
            platform, seen_as[0], seen_as[1], seen_as[2], numbers=self.fast.numbers_on(platform, "errno")
        )
        rule = (
            view.rule
            if seen_as[1] == name
            else (
                f"Modules/errnomodule.c: errno.{name} is {seen_as[1]} ({seen_as[2]}) on Windows; {view.rule}"
            )
        )
        return PlatformEntry(
            platform,
            number,
            self.headers[(platform, domain, name)],
            text,
            source,
            status,
            view.exception,
            view.errno,
            view.winerror,
            rule,
        )


_lock = threading.Lock()
_index: Optional[_Index] = None


def _get() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _Index()
    return _index


def resolve(domain: str, number: int, platform: str) -> Optional[Tuple[str, str]]:
    """(name, kind) of ``number`` in ``domain`` on ``platform``, or None if the platform has no such code."""
    return _fastindex.resolve(domain, number, platform)


def message_for(name: str, platform: str) -> Optional[str]:
    """The message ``platform`` shows for code ``name``, or None if not recorded."""
    check_platform(platform)
    for record in _get().by_upper_name.get(name.upper(), ()):
        entry = record.platforms.get(platform)
        if entry is not None:
            return entry.message
    return None


def by_name(name: str) -> Tuple[Record, ...]:
    """Records for a code name, any case (one per domain that has the name)."""
    return tuple(_get().by_upper_name.get(name.strip().upper(), ()))


def by_number(
    number: int, platform: Optional[str] = None, domain: Optional[str] = None
) -> Tuple[Tuple[str, Record], ...]:
    """Every (platform, record) whose code has ``number``; several answers mean it is ambiguous."""
    if platform is not None:
        check_platform(platform)
    index = _get()
    out = []
    for tag in PLATFORMS if platform is None else (platform,):
        for dom in DOMAINS if domain is None else (domain,):
            for name in index.by_number.get((tag, dom, number), ()):
                out.append((tag, index.records[(dom, name)]))
    return tuple(out)


def by_kind(kind: str, platform: Optional[str] = None) -> Tuple[Record, ...]:
    """Every record of a kind (optionally only those defined on ``platform``)."""
    return records(platform=platform, kind=kind)


def records(
    platform: Optional[str] = None, kind: Optional[str] = None, domain: Optional[str] = None
) -> Tuple[Record, ...]:
    """All records, filtered; sorted by domain then name."""
    if platform is not None:
        check_platform(platform)
    return tuple(
        r
        for r in _get().records.values()
        if (kind is None or r.kind == kind)
        and (domain is None or r.domain == domain)
        and (platform is None or platform in r.platforms)
    )


def lookup(code: Union[str, int], platform: Optional[str] = None) -> Tuple[Record, ...]:
    """Records for a code given as a name (any case) or a number (every platform unless given)."""
    if isinstance(code, bool) or not isinstance(code, (int, str)):
        raise TypeError(f"code must be an int or a str, not {type(code).__name__}")
    if isinstance(code, str):
        text = code.strip()
        try:
            code = int(text, 0)
        except ValueError:
            found = by_name(text)
            if platform is not None:
                check_platform(platform)
                found = tuple(r for r in found if platform in r.platforms)
            return found
    seen: Dict[Tuple[str, str], Record] = {}
    for _tag, record in by_number(code, platform):
        seen.setdefault((record.domain, record.name), record)
    return tuple(seen.values())
