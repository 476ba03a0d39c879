"""Linear-time extraction of evidence from pasted text: numbers in context, names, phrases, platform hints.

Every regular expression here is a single token pattern with bounded repeats and no nested
quantifiers, so matching is linear in the input; context is read by bounded slicing around each token.
"""

from __future__ import annotations

from connerr import platforms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

__all__ = [
    "FULL_WIDTH",
    "Evidence",
    "NumberHint",
    "PhraseHit",
    "find_phrases",
    "fold",
    "from_first_word",
    "number_before",
    "phrase_key",
    "scan",
    "word_keys",
]

_TAG = r"\[(?P<tag>WinError|Errno|errno)[ \t]{0,3}(?P<tagnum>-?\d{1,12})\]"
_SHORT = 4096
_IDENT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_."
# a number counts only right after a word that says what it is; found with str.find (fast, linear)
_CONTEXT_WORDS = (
    ("winerror", "winerror"),
    ("errno", "errno"),
    ("error", "error"),
    ("err", "error"),
    ("code", "error"),
)
#: "HTTP code 500", "exit code 2", "status code 404": a status, never an error code; "?code=4821",
#: "&error=2": a URL's query parameter
_NOT_A_CODE_BEFORE = ("http ", "exit ", "status ", "response ", "return ", "?", "&")


class _Patterns:
    """The regular expressions, compiled on first use: ``connerr explain 10053`` needs none of them
    (and not even :mod:`re`)."""

    def __init__(self) -> None:
        import re

        #: short texts: every identifier; long texts (logs): only those that can be a code or a class name
        self.token = re.compile(_TAG + r"|(?P<ident>\b[A-Za-z_]\w*)")
        self.token_log = re.compile(
            _TAG + r"|(?P<ident>\b(?:E[A-Z0-9_]{2,}|WSA\w+|UV_\w+|[A-Z][a-z0-9]+[A-Z]\w*"
            r"|[A-Z]{2,}[a-z]\w*|[A-Z]+_[A-Z_]+|gaierror|herror|timeout)\b)"
        )
        self.number_at = re.compile(r"[ \t]{0,2}[=:#]?[ \t]{0,2}(-?(?:0[xX][0-9A-Fa-f]{1,16}|\d{1,12}))\b")
        # an OSError-style repr's arguments: (errno, 'strerror'[, filename, winerror[, filename2]])
        self.repr_args = re.compile(
            r"\((-?\d{1,12}), ?(['\"])([^'\"\n]{0,400})\2"
            r"(?:, ?(?:None|'[^'\n]{0,300}'), ?(-?\d{1,12}|None))?"
        )
        self.word = re.compile(r"\w+")
        self.number_before = re.compile(r"\((-?\d{1,5})(?:: ?| [\"'])$")
        self.next_word = re.compile(r"\W{1,3}(\w+)")


_compiled: Optional[_Patterns] = None


def _re() -> _Patterns:
    global _compiled
    if _compiled is None:
        _compiled = _Patterns()
    return _compiled


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class NumberHint:
    """A number and what the text around it says it is."""

    __slots__ = ("context", "pos", "value")

    def __init__(self, value: int, context: str, pos: int) -> None:
        #: winerror, errno, repr_errno, repr_winerror, gai, os_error, error, hresult, bare, ssl
        self.value, self.context, self.pos = value, context, pos

    def __repr__(self) -> str:
        return f"NumberHint({self.value}, {self.context!r})"


class PhraseHit:
    """A known phrase found in the text; ``strong`` when it stands alone between delimiters."""

    __slots__ = ("phrase", "pos", "strong")

    def __init__(self, phrase: str, pos: int, strong: bool) -> None:
        self.phrase, self.pos, self.strong = phrase, pos, strong

    def __repr__(self) -> str:
        return f"PhraseHit({self.phrase!r}, strong={self.strong})"


class Evidence:
    """Everything :func:`scan` found."""

    __slots__ = ("hints", "names", "numbers", "posix", "reprs", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.numbers: List[NumberHint] = []
        #: (identifier as written, module prefix or "", position)
        self.names: List[Tuple[str, str, int]] = []
        #: (class name, errno, message, winerror) from OSError-style reprs
        self.reprs: List[Tuple[str, Optional[int], str, Optional[int]]] = []
        self.hints: Dict[str, float] = {}
        #: a POSIX path was seen (so not Windows)
        self.posix = False

    def hint(self, platform: str, weight: float) -> None:
        """Add weight to a platform."""
        self.hints[platform] = self.hints.get(platform, 0.0) + weight


def _int(token: str) -> Optional[int]:
    try:
        return int(token, 0) if token[:2].lower() == "0x" else int(token)
    except ValueError:
        return None


def scan(text: str, log: bool = False) -> Evidence:
    """Extract numbers with context, identifiers, OSError reprs and platform hints from ``text``
    (in a ``log`` line, only identifiers shaped like a code or class name)."""
    ev = Evidence(text)
    low = text.lower()
    if len(low) != len(text):  # a few non-ASCII letters lower-case to two characters
        low = text.translate(_ASCII_LOWER)
    stripped = text.strip()
    whole_number = _int(stripped) if len(stripped) < 24 else None
    if whole_number is not None:
        context = "hex" if stripped[:2].lower() == "0x" else "bare"
        if context == "hex" and (whole_number & 0xFFFF0000) == 0x80070000:
            ev.numbers.append(NumberHint(whole_number & 0xFFFF, "hresult", 0))
        else:
            ev.numbers.append(NumberHint(whole_number, context, 0))
        return ev
    pattern = _re().token if len(text) <= _SHORT and not log else _re().token_log
    for m in pattern.finditer(text):
        start = m.start()
        tag = m.group("tag")
        if tag:
            value = int(m.group("tagnum"))
            if tag == "WinError":
                ev.numbers.append(NumberHint(value, "winerror", start))
                ev.hint("windows", 3.0)
            else:
                ev.numbers.append(NumberHint(value, "errno", start))
            continue
        ident = m.group("ident")
        if ident:
            module = ""
            if start and text[start - 1] == ".":
                before = text[max(0, start - 80) : start - 1]
                module = before[len(before.rstrip(_IDENT_CHARS)) :]
            ev.names.append((ident, module, start))
            end = m.end()
            if text.startswith("(", end) and ident[:1].isupper():
                _parse_repr(ev, text, ident, end)
            continue
    _context_numbers(ev, low)
    _platform_hints(ev, low)
    return ev


def _context_numbers(ev: Evidence, low: str) -> None:
    """Numbers right after winerror / errno / (os) error / err / code, in any case."""
    number_at = _re().number_at
    for word, context in _CONTEXT_WORDS:
        size = len(word)
        pos = low.find(word)
        while pos != -1:
            end = pos + size
            before = low[pos - 1] if pos else " "
            # "[Errno 104]" and "[WinError 10053]" are read as tags already
            if (
                not before.isalnum()
                and before != "["
                and not low[end : end + 1].isalpha()
                and not low[max(0, pos - 9) : pos].endswith(_NOT_A_CODE_BEFORE)
            ):
                m = number_at.match(low, end)
                if m is not None:
                    parsed = _int(m.group(1))
                    if parsed is not None:
                        ctx = (
                            "os_error" if word == "error" and low[max(0, pos - 3) : pos] == "os " else context
                        )
                        if parsed > 0xFFFF and (parsed & 0xFFFF0000) == 0x80070000:
                            parsed, ctx = parsed & 0xFFFF, "hresult"
                        ev.numbers.append(NumberHint(parsed, ctx, pos))
            pos = low.find(word, end)


def _parse_repr(ev: Evidence, text: str, cls: str, pos: int) -> None:
    m = _re().repr_args.match(text, pos)
    if m is None:
        return
    errno_value = int(m.group(1))
    winerror = m.group(4)
    win = int(winerror) if winerror not in (None, "None") else None
    if cls.startswith("SSL"):
        # SSLEOFError(8, ...): 8 is OpenSSL's SSL_ERROR_EOF, not an errno
        ev.reprs.append((cls, None, m.group(3), None))
        return
    ev.reprs.append((cls, errno_value, m.group(3), win))
    context = "gai" if cls == "gaierror" else "repr_errno"
    ev.numbers.append(NumberHint(errno_value, context, pos))
    if win is not None:
        ev.numbers.append(NumberHint(win, "repr_winerror", pos))
        ev.hint("windows", 3.0)


def _has_windows_path(text: str) -> bool:
    """A drive path such as ``C:\\Python311``."""
    pos = text.find(":\\")
    while pos != -1:
        if pos and text[pos - 1].isalpha() and (pos < 2 or not text[pos - 2].isalnum()):
            return True
        pos = text.find(":\\", pos + 2)
    return False


def _platform_hints(ev: Evidence, low: str) -> None:
    for platform in platforms.REGISTRY:
        for mark, weight in platform.marks:
            if mark in low:
                ev.hint(platform.tag, weight)
    if _has_windows_path(ev.text):
        ev.hint("windows", 2.0)
    if 'file "/' in low or "/site-packages/" in low or "/lib/python" in low:
        ev.posix = True


# -- phrases ---------------------------------------------------------------------------------------

_BOUNDARY_BEFORE = frozenset(" \t\n]'\"(:>[,;")
_BOUNDARY_AFTER = frozenset("\n'\")].,;:[")


def word_keys(low: str) -> Set[str]:
    """Every word of a folded text and every pair of neighbouring words (``"connexion refusée"``):
    what :func:`phrase_key` gives a phrase that starts there."""
    found = _re().word.findall(low)
    return set(found) | {f"{a} {b}" for a, b in zip(found, found[1:])}


def from_first_word(phrase: str) -> str:
    """The phrase from its first word on (quotes and brackets before it dropped)."""
    m = _re().word.search(phrase)
    return phrase[m.start() :] if m else phrase


def number_before(text: str, pos: int) -> Optional[int]:
    """The number that opens a parenthesis right before a message: nginx's ``(111: Connection
    refused)``, MySQL's ``(111 "Connection refused")``; None if there is none."""
    head = text[max(0, pos - 16) : pos]
    m = _re().number_before.search(head)
    return int(m.group(1)) if m else None


def phrase_key(phrase: str) -> str:
    """The lookup key of a phrase: its first two words (or its only word), lower-cased."""
    words = _re().word.findall(fold(phrase))
    return " ".join(words[:2])


def _is_strong(low: str, start: int, end: int, original: Optional[str] = None) -> bool:
    i = start - 1
    while i >= 0 and low[i] in " \t":
        i -= 1
    before_ok = i < 0 or low[i] in _BOUNDARY_BEFORE or (start - i > 1 and low[i] == "]")
    if not before_ok:
        return False
    if end >= len(low):
        return True
    nxt = low[end]
    if nxt in _BOUNDARY_AFTER:
        return True
    if nxt == " ":
        rest = low[end + 1 : end + 3]
        # "... refused (", "... refused - connect(2)", "... refused Is the server running": a new
        # sentence starts with a capital letter (``low`` is folded: read the original case)
        return (
            rest[:1] in ("(", "", "-")
            or rest[:1] in _BOUNDARY_AFTER
            or (original is not None and original[end + 1 : end + 2].isupper())
        )
    return False


#: full-width forms (U+FF01-FF5E, the ideographic space) as their ASCII twins, one character each
FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
FULL_WIDTH[0x3000] = 0x20


def fold(text: str) -> str:
    """Lower-case, unify apostrophes and full-width forms; keeps every index of ``text`` valid."""
    low = text.lower()
    if len(low) != len(text):
        low = text.translate(_ASCII_LOWER)
    low = low.replace("\u2019", "'")
    return low if low.isascii() else low.translate(FULL_WIDTH)


_by_first_cache: Dict[int, Tuple[Dict[str, List[str]], Dict[str, Dict[str, List[str]]]]] = {}


def _by_first(keyed: Dict[str, List[str]]) -> Dict[str, Dict[str, List[str]]]:
    """first word -> second word ("" for one-word phrases) -> phrases, longest first."""
    cached = _by_first_cache.get(id(keyed))
    if cached is not None and cached[0] is keyed:
        return cached[1]
    index: Dict[str, Dict[str, List[str]]] = {}
    for key, phrases in keyed.items():
        first, _, second = key.partition(" ")
        index.setdefault(first, {}).setdefault(second, []).extend(phrases)
    _by_first_cache[id(keyed)] = (keyed, index)
    return index


def find_phrases(text: str, keyed: Dict[str, List[str]]) -> List[PhraseHit]:
    """Every occurrence of a known phrase (``keyed`` by :func:`phrase_key`), in text order.

    Phrases are folded (:func:`fold`) and have no trailing dot, so one in the text is allowed. Only
    the first words that occur at all are searched for, each with ``str.find``: linear and fast.
    """
    low = fold(text)
    index = _by_first(keyed)
    hits: List[PhraseHit] = []
    size = len(low)
    next_word = _re().next_word
    for first in index.keys() & set(_re().word.findall(low)):
        seconds = index[first]
        width = len(first)
        pos = low.find(first)
        while pos != -1:
            end = pos + width
            if (pos == 0 or not _is_word_char(low[pos - 1])) and (end >= size or not _is_word_char(low[end])):
                phrases = list(seconds.get("", ()))
                nxt = next_word.match(low, end)
                if nxt is not None:
                    phrases += seconds.get(nxt.group(1), ())
                for phrase in phrases:
                    if low.startswith(phrase, pos):
                        stop = pos + len(phrase)
                        if stop < size and low[stop].isalnum() and phrase[-1:].isalnum():
                            continue  # a longer word continues past the phrase
                        hits.append(PhraseHit(phrase, pos, _is_strong(low, pos, stop, text)))
            pos = low.find(first, end)
    hits.sort(key=lambda hit: hit.pos)
    return hits


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def literal_trie(words: Iterable[Any], atom: Callable[[Any], Any], empty: Any) -> Any:
    """The source of one expression that matches where any of ``words`` (all strings, or all bytes)
    starts, shaped as a trie so the engine branches unit by unit instead of trying each word in turn.
    ``atom`` gives the expression of one unit (a character, or a byte's value); ``empty`` is ``""``
    or ``b""``. The match stops where the first word ends: where a word starts is all it tells."""
    open_, bar, close = (b"(?:", b"|", b")") if isinstance(empty, bytes) else ("(?:", "|", ")")  # type: Tuple[Any, Any, Any]
    trie: Dict[Any, Any] = {}
    for word in words:
        node = trie
        for unit in word:
            node = node.setdefault(unit, {})
        node[None] = {}

    def emit(node: Dict[Any, Any]) -> Any:
        if None in node or not node:
            return empty
        branches = [atom(unit) + emit(child) for unit, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else open_ + bar.join(branches) + close

    return emit(trie)
