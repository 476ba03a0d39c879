"""Plain-tuple indexes over ``connerr/data/*.tsv`` for explain's start-up path.

:mod:`connerr.reference` builds full :class:`~connerr.reference.Record` objects; ``connerr explain``
needs a handful of rows, so this module keeps plain tuples (no per-row dicts, no dataclasses) and
loads each table only when first asked for. It is the one parser of the data files' rows: every
other module reads them through it.
"""

from __future__ import annotations

from connerr import platforms
from connerr._data import cached, read_rows

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, List, Optional, Set, Tuple

__all__ = [
    "ANCHOR_COLUMNS",
    "ANCHOR_RUNTIMES",
    "DOMAINS",
    "NOTE_SECTIONS",
    "SECONDARY_NAMES",
    "FastIndex",
    "format_note_row",
    "get",
    "normalize_message",
    "note_family",
    "note_key",
    "runtime_code",
]

#: Numbering domains of the OS codes, in display order.
DOMAINS: Tuple[str, ...] = ("errno", "eai", "winsock", "win32")

#: Names that the headers define as another name (``#define EWOULDBLOCK EAGAIN``): when a number has
#: several names, these yield to the name they alias.
SECONDARY_NAMES = frozenset(
    {
        "EWOULDBLOCK",
        "EDEADLOCK",
        "ENOTSUP",
        "EFSBADCRC",
        "EFSCORRUPTED",
        "ENOFILE",
        "WSANO_ADDRESS",
        "WSA_QOS_EUNKNOWNPSOBJ",
    }
)

#: connerr.notes sections, in display order (``connerr.notes.SECTIONS``)
NOTE_SECTIONS = ("operation", "cause", "not_meaning", "distinguish", "action")

if TYPE_CHECKING:
    CodeKey = Tuple[str, str]  # (domain, name)
    RuntimeRow = Tuple[int, str, str, str, str, str]  # number, os_code, numbering, carries, text, source
    L10nRow = Tuple[str, str, str, str, str, str, str]  # msgset, domain, name, field, text, source, status
    MsgRow = Tuple[str, str, str, str, str]  # (msgset, domain, name, field, text)
    AliasRow = Tuple[str, str, str, str, str, str, str, str, str]
    NoteRow = Tuple[str, str, str, str, str, str]  # name, family, section, text, source, status


#: anchors.tsv columns after (domain, name, number), as connerr names them: how libuv, Rust, Go,
#: MSVC's STL, Boost and CPython classify a code, then the row's notes and sources
ANCHOR_COLUMNS: Tuple[str, ...] = ("libuv", "rust", "go", "msvc_stl", "boost", "cpython", "notes", "source")
#: the runtimes among :data:`ANCHOR_COLUMNS`
ANCHOR_RUNTIMES: Tuple[str, ...] = ANCHOR_COLUMNS[:6]


def _lines(name: str) -> List[List[str]]:
    return read_rows(name)[1]


class FastIndex:
    """Lazily built lookup tables; one shared instance (:func:`get`)."""

    def __init__(self) -> None:
        self._by_number: Optional[Dict[Tuple[str, str, int], List[str]]] = None
        self._numbers: Optional[Dict[CodeKey, Dict[str, int]]] = None
        self._kinds: Optional[Dict[str, Tuple[str, str]]] = None
        self._messages: Optional[Dict[Tuple[str, str, str], Tuple[str, str, str]]] = None
        self._message_texts: Optional[Dict[Tuple[str, str, str], str]] = None
        self._texts: Optional[Dict[str, List[MsgRow]]] = None
        self._anchors: Optional[Dict[str, Dict[str, str]]] = None
        self._aliases: Optional[List[AliasRow]] = None
        self._notes: Optional[Dict[str, List[NoteRow]]] = None
        self._numbers_on: Dict[Tuple[str, str], Dict[str, int]] = {}
        self._runtime: Optional[Dict[CodeKey, RuntimeRow]] = None
        self._runtime_names: Optional[Dict[Tuple[str, str], str]] = None
        self._runtime_os: Optional[Dict[str, str]] = None
        self._l10n_words: Optional[Dict[str, List[str]]] = None
        self._l10n: Dict[str, Dict[str, List[L10nRow]]] = {}
        self._code_names: Optional[FrozenSet[str]] = None
        self._resolve: Dict[str, Dict[Tuple[str, int], Tuple[str, str]]] = {}

    def _load_codes(self) -> None:
        self._by_number, self._numbers = cached("codes", ("codes.tsv",), _build_codes)

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

    def resolve(self, platform: str) -> Dict[Tuple[str, int], Tuple[str, str]]:
        """(domain, number) -> (primary name, kind) on ``platform``: what :func:`connerr.normalize`
        needs, a table per platform (a thirtieth of the code table, so the first call loads little)."""
        table = self._resolve.get(platform)
        if table is None:
            if platform in platforms.PLATFORMS:  # a known tag: safe in a cache file's name
                table = cached(
                    f"resolve-{platform}", ("codes.tsv", "kinds.tsv"), lambda: self._build_resolve(platform)
                )
            else:
                table = self._build_resolve(platform)
            self._resolve[platform] = table
        return table

    def _build_resolve(self, platform: str) -> Dict[Tuple[str, int], Tuple[str, str]]:
        return {
            (domain, number): (names[0], self.kinds.get(names[0], ("unknown", ""))[0])
            for (tag, domain, number), names in self.by_number.items()
            if tag == platform and names
        }

    @property
    def code_names(self) -> FrozenSet[str]:
        """Every code name of the code table and of the runtimes' domains."""
        if self._code_names is None:
            self._code_names = frozenset(
                [name for _domain, name in self.numbers] + [name for _domain, name in self.runtime_codes]
            )
        return self._code_names

    @property
    def kinds(self) -> Dict[str, Tuple[str, str]]:
        """name -> (kind, reason) from kinds.tsv."""
        if self._kinds is None:
            self._kinds = cached(
                "kinds",
                ("kinds.tsv",),
                lambda: {row[0]: (row[1], row[2] if len(row) > 2 else "") for row in _lines("kinds.tsv")},
            )
        return self._kinds

    @property
    def messages(self) -> Dict[Tuple[str, str, str], Tuple[str, str, str]]:
        """(msgset, name, field) -> (text, source, status)."""
        if self._messages is None:
            self._messages = cached("messages", ("messages.tsv",), _build_messages)
        return self._messages

    @property
    def texts(self) -> Dict[str, List[MsgRow]]:
        """normalized message text -> the rows that print it."""
        if self._texts is None:
            self._texts = cached("texts", ("messages.tsv",), _build_texts)
        return self._texts

    @property
    def anchors(self) -> Dict[str, Dict[str, str]]:
        """name -> how other runtimes classify it (:data:`ANCHOR_COLUMNS` -> text)."""
        if self._anchors is None:
            self._anchors = {row[1]: dict(zip(ANCHOR_COLUMNS, row[3:])) for row in _lines("anchors.tsv")}
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

    @property
    def notes(self) -> Dict[str, List[NoteRow]]:
        """Upper-cased code name (``kind:<kind>`` lower-cased) -> rows of notes.tsv, in the order
        :func:`connerr.notes.notes_for` returns them (section order, the family's own before ``any``)."""
        if self._notes is None:
            self._notes = cached("notes", ("notes.tsv",), _build_notes)
        return self._notes

    def note_rows(self, name: str, platform: Optional[str]) -> List[NoteRow]:
        """Rows of notes.tsv for a code name or ``kind:<kind>`` on a platform tag (every family when
        None): section order, the family's own notes before the ``any`` ones."""
        rows = self.notes.get(note_key(name), [])
        if platform is None:
            return list(rows)
        family = note_family(platform)
        return [r for r in rows if r[1] in (family, "any")]

    def formatted_notes(self, name: str, platform: Optional[str]) -> List[str]:
        """``"<section>: text [source]"`` for each of :meth:`note_rows` (what ``explain`` shows)."""
        return [f"{r[2]}: {format_note_row(r)}" for r in self.note_rows(name, platform)]

    def text_name(self, platform: str, domain: str, name: str) -> str:
        """The name whose text ``platform`` prints for code ``name``: an alias (``#define EWOULDBLOCK
        EAGAIN``, EDEADLOCK where it is EDEADLK) prints the text of the name it stands for, even
        where the alias has a text of its own on other architectures."""
        number = self.numbers.get((domain, name), {}).get(platform)
        names = self.by_number.get((platform, domain, number), ()) if number is not None else ()
        return names[0] if names else name

    def message_row(self, platform: str, domain: str, name: str) -> Optional[Tuple[str, str, str]]:
        """(text, source, status) of the message ``platform`` prints for a code, or None."""
        return self.messages.get(_message_key(platform, domain, self.text_name(platform, domain, name)))

    def message(self, platform: str, domain: str, name: str) -> Optional[str]:
        """The text ``platform`` prints for a code, or None."""
        if self._messages is not None:
            row = self.message_row(platform, domain, name)
            return row[0] if row else None
        if self._message_texts is None:  # a fifth of the size of the rows with their sources
            self._message_texts = cached(
                "message_texts",
                ("messages.tsv",),
                lambda: {key: row[0] for key, row in _build_messages().items()},
            )
        return self._message_texts.get(_message_key(platform, domain, self.text_name(platform, domain, name)))

    def l10n_languages(self, keys: Set[str]) -> List[str]:
        """The languages of connerr/data/l10n.tsv with a text whose first two words (or only word)
        are among ``keys`` (:func:`connerr._evidence.word_keys` of a query): only their tables load."""
        if self._l10n_words is None:
            self._l10n_words = cached("l10n_words", ("l10n.tsv",), _build_l10n_words)
        langs: Set[str] = set()
        for word in keys & self._l10n_words.keys():
            langs.update(self._l10n_words[word])
        return sorted(langs)

    def l10n_all_languages(self) -> List[str]:
        """Every language of connerr/data/l10n.tsv."""
        if self._l10n_words is None:
            self._l10n_words = cached("l10n_words", ("l10n.tsv",), _build_l10n_words)
        return sorted({lang for langs in self._l10n_words.values() for lang in langs})

    def l10n_texts(self, lang: str) -> Dict[str, List[L10nRow]]:
        """normalized localized text -> (msgset, domain, name, field, text, source, status) in ``lang``."""
        found = self._l10n.get(lang)
        if found is None:
            found = self._l10n[lang] = cached(f"l10n-{lang}", ("l10n.tsv",), lambda: _build_l10n(lang))
        return found

    def numbers_on(self, platform: str, domain: str) -> Dict[str, int]:
        """name -> number of every code of ``domain`` on ``platform`` (cached)."""
        key = (platform, domain)
        found = self._numbers_on.get(key)
        if found is None:
            found = {
                name: per[platform]
                for (dom, name), per in self.numbers.items()
                if dom == domain and platform in per
            }
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
        """The kind of a code name (a runtime code without a row: its OS code's), ``unknown`` if none."""
        row = self.kinds.get(name)
        if row is None:
            if self._runtime_os is None:
                self._runtime_os = {code: r[1] for (_d, code), r in self.runtime_codes.items() if r[1]}
            row = self.kinds.get(self._runtime_os.get(name, ""))
        return row[0] if row is not None else "unknown"

    @property
    def runtime_codes(self) -> Dict[CodeKey, RuntimeRow]:
        """(domain, name) -> (number, os_code, numbering, carries, text, source) from domains.tsv."""
        if self._runtime is None:
            self._runtime = cached(
                "runtime_codes",
                ("domains.tsv",),
                lambda: {
                    (row[0], row[1]): (int(row[2]), row[3], row[4], row[5], row[6], row[7])
                    for row in _lines("domains.tsv")
                },
            )
        return self._runtime

    def runtime_name(self, domain: str, written: str) -> Optional[str]:
        """The code of a runtime domain a text names, in any case and with or without underscores
        (``Unavailable``, ``UNAVAILABLE``; ``ConnectionReset``), or None."""
        if self._runtime_names is None:
            self._runtime_names = {(d, n.replace("_", "").lower()): n for d, n in self.runtime_codes}
        return self._runtime_names.get((domain, written.replace("_", "").lower()))

    def runtime_numbers(self, domain: str, name: str) -> Dict[str, int]:
        """platform -> number of a runtime code; ``{"": number}`` when it is the same everywhere.

        libuv's ``negated_errno`` codes are ``UV__ERR(errno)`` except on Windows, and where the
        platform lacks that errno, which use libuv's own number; ``UV__ERR(x)`` is ``-(x)`` where
        errno values are positive and ``x`` where they are negative (Haiku; include/uv/errno.h)."""
        row = self.runtime_codes.get((domain, name))
        if row is None:
            return {}
        number, os_code, numbering = row[:3]
        if numbering != "negated_errno":
            return {"": number}
        per_platform = self.numbers.get(("errno", os_code), {})
        return {
            p: (number if p == "windows" or p not in per_platform else -abs(per_platform[p]))
            for p in platforms.PLATFORMS
        }


def resolve(domain: str, number: int, platform: str) -> Optional[Tuple[str, str]]:
    """(name, kind) of ``number`` in ``domain`` on ``platform``, or None if the platform has no such code."""
    return get().resolve(platform).get((domain, number))


def runtime_code(domain: str, number: int) -> Optional[Tuple[str, str]]:
    """(name, kind) of a runtime domain's code by number (its fixed number), or None."""
    ix = get()
    for (dom, name), row in ix.runtime_codes.items():
        if dom == domain and row[0] == number:
            return name, ix.kind(name)
    return None


def _message_key(platform: str, domain: str, name: str) -> Tuple[str, str, str]:
    """(msgset, name, field) of the message ``platform`` prints for a code."""
    try:
        row = platforms.get(platform)
    except platforms.UnknownPlatformError:
        return "", name, ""
    if domain == "errno":
        return row.strerror_set, name, "strerror"
    if domain == "eai":
        return row.gai_set, name, "gai_strerror"
    return row.formatmessage_set, name, "formatmessage"


def _build_codes() -> Tuple[Dict[Tuple[str, str, int], List[str]], Dict[CodeKey, Dict[str, int]]]:
    by_number: Dict[Tuple[str, str, int], List[str]] = {}
    numbers: Dict[CodeKey, Dict[str, int]] = {}
    for line in _lines("codes.tsv"):
        platform, domain, name, number = line[:4]
        value = int(number)
        numbers.setdefault((domain, name), {})[platform] = value
        by_number.setdefault((platform, domain, value), []).append(name)
    for names in by_number.values():
        if len(names) > 1:
            names.sort(key=lambda n: (n in SECONDARY_NAMES, n))
    return by_number, numbers


def _build_messages() -> Dict[Tuple[str, str, str], Tuple[str, str, str]]:
    messages: Dict[Tuple[str, str, str], Tuple[str, str, str]] = {}
    for row in _lines("messages.tsv"):
        messages.setdefault((row[0], row[2], row[4]), (row[5], row[6], row[7]))
    return messages


def _build_texts() -> Dict[str, List[MsgRow]]:
    texts: Dict[str, List[MsgRow]] = {}
    for msgset, domain, name, _number, fld, text, *_rest in _lines("messages.tsv"):
        if fld != "description" and text and text != "Unknown error":
            texts.setdefault(normalize_message(text), []).append((msgset, domain, name, fld, text))
    return texts


def _build_l10n_words() -> Dict[str, List[str]]:
    from connerr._evidence import phrase_key

    words: Dict[str, List[str]] = {}
    for row in _lines("l10n.tsv"):
        langs = words.setdefault(phrase_key(row[5]), [])
        if row[0] not in langs:
            langs.append(row[0])
    return words


def _build_l10n(lang: str) -> Dict[str, List[L10nRow]]:
    texts: Dict[str, List[L10nRow]] = {}
    for row in _lines("l10n.tsv"):
        if row[0] == lang:
            texts.setdefault(normalize_message(row[5]), []).append(
                (row[1], row[2], row[3], row[4], row[5], row[6], row[7])
            )
    return texts


def _build_notes() -> Dict[str, List[NoteRow]]:
    notes: Dict[str, List[NoteRow]] = {}
    for raw in _lines("notes.tsv"):
        row = raw + [""] * (6 - len(raw))
        name = row[0].strip()
        key = name.lower() if name.lower().startswith("kind:") else name.upper()
        notes.setdefault(key, []).append((row[0], row[1], row[2], row[3], row[4], row[5]))
    for rows in notes.values():
        rows.sort(key=lambda r: (NOTE_SECTIONS.index(r[2]), int(r[1] == "any")))
    return notes


def note_key(name: str) -> str:
    """How notes are keyed: code names upper-cased, ``kind:<kind>`` lower-cased."""
    name = name.strip()
    return name.lower() if name.lower().startswith("kind:") else name.upper()


def note_family(platform: str) -> Optional[str]:
    """The note family of a platform tag (``linux`` for every ``linux*``), or None if it has none."""
    try:
        return platforms.get(platform).family or None
    except platforms.UnknownPlatformError:
        return None


def format_note_row(row: NoteRow) -> str:
    """``"text [source]"``, with ``(unverified)`` or ``(reasoning)`` appended when no source states it."""
    return f"{row[3]} [{row[4]}]" + (f" ({row[5]})" if row[5] != "verified" else "")


def normalize_message(text: str) -> str:
    """Case-folded, whitespace-collapsed, without a trailing dot: how messages are compared (full-width
    forms as their ASCII twins, as :func:`connerr._evidence.fold` reads a query)."""
    from connerr._evidence import fold

    return " ".join(fold(text).split()).rstrip(".\u3002 ")


_index: Optional[FastIndex] = None


def get() -> FastIndex:
    """The shared index (tables still load lazily)."""
    global _index
    if _index is None:
        _index = FastIndex()
    return _index
