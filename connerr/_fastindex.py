"""Plain-tuple indexes over ``connerr/data/*.tsv`` for explain's start-up path.

:mod:`connerr.reference` builds full :class:`~connerr.reference.Record` objects; ``connerr explain``
needs a handful of rows, so this module splits the files itself (no per-row dicts, no dataclasses)
and loads each table only when first asked for.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

from connerr._data import DATA_DIR

__all__ = ["DATA_DIR", "MSGSET", "MSGSET_PLATFORMS", "SECONDARY_NAMES", "FastIndex", "get",
           "normalize_message"]

#: Names that the headers define as another name (``#define EWOULDBLOCK EAGAIN``): when a number has
#: several names, these yield to the name they alias.
SECONDARY_NAMES = frozenset({
    "EWOULDBLOCK", "EDEADLOCK", "ENOTSUP", "EFSBADCRC", "EFSCORRUPTED", "ENOFILE", "WSANO_ADDRESS",
    "WSA_QOS_EUNKNOWNPSOBJ",
})

#: Which message table gives the strerror/gai_strerror text of each platform. linux-mips/sparc/
#: powerpc use glibc, whose table is indexed by name, so the text follows the name, not the number.
MSGSET = {
    "linux": "linux-glibc", "linux-mips": "linux-glibc", "linux-sparc": "linux-glibc",
    "linux-powerpc": "linux-glibc", "linux-musl": "linux-musl", "darwin": "darwin",
    "freebsd": "freebsd", "netbsd": "netbsd", "openbsd": "openbsd",
}

#: platforms whose C library prints each message set
MSGSET_PLATFORMS: Dict[str, Tuple[str, ...]] = {
    "linux-glibc": ("linux", "linux-mips", "linux-sparc", "linux-powerpc"),
    "linux-musl": ("linux-musl", "wasi"), "darwin": ("darwin",), "freebsd": ("freebsd",),
    "netbsd": ("netbsd",), "openbsd": ("openbsd",), "windows": ("windows",),
    "windows-crt": ("windows",),
}

CodeKey = Tuple[str, str]  # (domain, name)
MsgRow = Tuple[str, str, str, str, str]  # (msgset, domain, name, field, text)
AliasRow = Tuple[str, str, str, str, str, str, str, str, str]


def _lines(name: str) -> List[List[str]]:
    with open(os.path.join(DATA_DIR, name), encoding="utf-8") as f:
        data = f.read()
    out = []
    for line in data.split("\n")[1:]:
        if line and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


class FastIndex:
    """Lazily built lookup tables; one shared instance (:func:`get`)."""

    def __init__(self) -> None:
        self._by_number: Optional[Dict[Tuple[str, str, int], List[str]]] = None
        self._numbers: Optional[Dict[CodeKey, Dict[str, int]]] = None
        self._kinds: Optional[Dict[str, Tuple[str, str]]] = None
        self._messages: Optional[Dict[Tuple[str, str, str], Tuple[str, str, str]]] = None
        self._texts: Optional[Dict[str, List[MsgRow]]] = None
        self._anchors: Optional[Dict[str, Dict[str, str]]] = None
        self._aliases: Optional[List[AliasRow]] = None
        self._numbers_on: Dict[Tuple[str, str], Dict[str, int]] = {}

    def _load_codes(self) -> None:
        by_number: Dict[Tuple[str, str, int], List[str]] = {}
        numbers: Dict[CodeKey, Dict[str, int]] = {}
        for platform, domain, name, number, *_rest in _lines("codes.tsv"):
            value = int(number)
            numbers.setdefault((domain, name), {})[platform] = value
            by_number.setdefault((platform, domain, value), []).append(name)
        for names in by_number.values():
            if len(names) > 1:
                names.sort(key=lambda n: (n in SECONDARY_NAMES, n))
        self._by_number, self._numbers = by_number, numbers

    @property
    def by_number(self) -> Dict[Tuple[str, str, int], List[str]]:
        """(platform, domain, number) -> names, primary name first."""
        if self._by_number is None:
            self._load_codes()
        assert self._by_number is not None
        return self._by_number

    @property
    def numbers(self) -> Dict[CodeKey, Dict[str, int]]:
        """(domain, name) -> {platform: number} as the platform's header defines it."""
        if self._numbers is None:
            self._load_codes()
        assert self._numbers is not None
        return self._numbers

    @property
    def kinds(self) -> Dict[str, Tuple[str, str]]:
        """name -> (kind, reason) from kinds.tsv."""
        if self._kinds is None:
            self._kinds = {row[0]: (row[1], row[2] if len(row) > 2 else "") for row in _lines("kinds.tsv")}
        return self._kinds

    @property
    def messages(self) -> Dict[Tuple[str, str, str], Tuple[str, str, str]]:
        """(msgset, name, field) -> (text, source, status)."""
        if self._messages is None:
            messages: Dict[Tuple[str, str, str], Tuple[str, str, str]] = {}
            for row in _lines("messages.tsv"):
                messages.setdefault((row[0], row[2], row[4]), (row[5], row[6], row[7]))
            self._messages = messages
        return self._messages

    @property
    def texts(self) -> Dict[str, List[MsgRow]]:
        """normalized message text -> the rows that print it."""
        if self._texts is None:
            texts: Dict[str, List[MsgRow]] = {}
            for msgset, domain, name, _number, fld, text, *_rest in _lines("messages.tsv"):
                if fld != "description" and text and text != "Unknown error":
                    texts.setdefault(normalize_message(text), []).append((msgset, domain, name, fld, text))
            self._texts = texts
        return self._texts

    @property
    def anchors(self) -> Dict[str, Dict[str, str]]:
        """name -> how other runtimes classify it (anchors.tsv columns)."""
        if self._anchors is None:
            rows = _lines("anchors.tsv")
            cols = ("libuv", "rust", "go", "msvc_stl", "boost", "cpython")
            self._anchors = {row[1]: dict(zip(cols, row[3:9])) for row in rows}
        return self._anchors

    @property
    def aliases(self) -> List[AliasRow]:
        """Rows of aliases.tsv: alias, type, name, kind, platform, number, phase, runtime, source."""
        if self._aliases is None:
            out: List[AliasRow] = []
            for raw in _lines("aliases.tsv"):
                row = raw + [""] * (9 - len(raw))
                out.append((row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]))
            self._aliases = out
        return self._aliases

    def message_row(self, platform: str, domain: str, name: str) -> Optional[Tuple[str, str, str]]:
        """(text, source, status) of the message ``platform`` prints for a code, or None."""
        if platform == "windows":
            msgset = "windows-crt" if domain == "errno" else "windows"
            fld = {"errno": "strerror", "eai": "gai_strerror"}.get(domain, "formatmessage")
        else:
            msgset = MSGSET.get(platform, "")
            fld = "gai_strerror" if domain == "eai" else "strerror"
        return self.messages.get((msgset, name, fld))

    def message(self, platform: str, domain: str, name: str) -> Optional[str]:
        """The text ``platform`` prints for a code, or None."""
        row = self.message_row(platform, domain, name)
        return row[0] if row else None

    def numbers_on(self, platform: str, domain: str) -> Dict[str, int]:
        """name -> number of every code of ``domain`` on ``platform`` (cached)."""
        key = (platform, domain)
        found = self._numbers_on.get(key)
        if found is None:
            found = {name: per[platform] for (dom, name), per in self.numbers.items()
                     if dom == domain and platform in per}
            self._numbers_on[key] = found
        return found

    def python_identity(self, platform: str, domain: str, name: str, number: int) -> Tuple[str, str, int]:
        """(domain, name, number) of the code as Python presents it on ``platform``.

        On Windows CPython's errno module gives socket names their WSA values (errnomodule.c) and a
        socket error carries the WSA code, so ECONNABORTED (CRT 106) is seen as WSAECONNABORTED 10053.
        """
        if platform == "windows" and domain == "errno":
            from connerr.pyrules import windows_python_errno

            wsa = windows_python_errno(name)
            twins = self.by_number.get((platform, "winsock", wsa)) if wsa is not None else None
            if wsa is not None and wsa != number and twins:
                return "winsock", twins[0], wsa
        return domain, name, number

    def kind(self, name: str) -> str:
        """The kind of a code name, ``unknown`` if none is recorded."""
        return self.kinds.get(name, ("unknown", ""))[0]


def normalize_message(text: str) -> str:
    """Case-folded, whitespace-collapsed, without a trailing dot: how messages are compared."""
    return " ".join(text.lower().replace("\u2019", "'").split()).rstrip(".\u3002 ")


_index: Optional[FastIndex] = None


def get() -> FastIndex:
    """The shared index (tables still load lazily)."""
    global _index
    if _index is None:
        _index = FastIndex()
    return _index
