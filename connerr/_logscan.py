"""Scan a log for network errors: one streaming pass in bounded memory, whatever its size.

Two stages. A prefilter finds the lines that contain one of the literals any evidence contains (code
names, class names, messages in every language, each recogniser's longest literal piece, ``errno``
and its kin before a number): in C (``connerr_scan_lines`` in ``csrc/scan.c``) when the extension is
built, else with one regular expression; both give the same lines. Only those lines are parsed:
a Python traceback's source lines and a stack trace's frames are code, not errors, and the exception
lines of one chained traceback are one event, reported on its last exception line. Each event is
explained once per distinct evidence (a bounded cache) and grouped by signature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from connerr import _explain
from connerr.platforms import check_platform

if TYPE_CHECKING:
    from connerr._explain import Explanation, Summary

#: bytes read at a time
CHUNK = 1 << 20
#: a "line" longer than this is taken in pieces
MAX_LINE = 1 << 20
#: a traceback still open after this many bytes is closed where it is
MAX_BLOCK = 4 << 20
#: explanations kept per distinct evidence; beyond this the table starts over
_CACHE = 4096
#: the words before a number that make it a code (:data:`connerr._evidence._CONTEXT_WORDS`)
_CONTEXT_WORDS = (b"err", b"error", b"errno", b"code")
#: in a literal: one digit or ``-``; one of `` \t=:#``; one hex digit (csrc/scan.c reads them alike)
DIGIT, SEPARATOR, HEX = b"\x01", b"\x02", b"\x03"
_CLASS_BYTES = {DIGIT[0]: b"-0123456789", SEPARATOR[0]: b" \t=:#", HEX[0]: b"0123456789abcdef"}
#: what a recogniser's placeholder starts with
_PLACEHOLDER_CLASS = {"{n}": DIGIT, "{#}": DIGIT, "{x}": HEX}
_CHAIN = (b"During handling of the above exception", b"The above exception was the direct cause")
_TRACEBACK_HEAD = b"Traceback (most recent call last):"
#: what ``bytes.strip()`` takes for white space: a line of only these is blank
_WHITE = b" \t\n\r\x0b\x0c"

#: (line the event ends on, 1-based; its text)
Event = Tuple[int, str]


def literals() -> List[bytes]:
    """Literals one of which every line with network-error evidence contains: ASCII lower-cased
    UTF-8, with the wildcard bytes :data:`DIGIT`, :data:`SEPARATOR` and :data:`HEX`."""
    from connerr import _aliases, _evidence, _fastindex, _recognise
    from connerr._evidence import fold
    from connerr._rules import _BY_NAME, is_plain_word

    ix = _fastindex.get()
    network = {name for name in ix.kinds if ix.kind(name) != "unknown"}
    words: Set[str] = {name for _domain, name in ix.numbers if name in network}
    token = _evidence._re().token_log
    words.update(name for _domain, name in ix.runtime_codes if token.fullmatch(name))
    _aliases.by_token("")  # loads the table
    words.update(_aliases._tokens or ())
    for name in _BY_NAME:  # a class name that is also a plain word counts only after its module
        words.add("." + name if is_plain_word(name) else name)
    texts: Set[str] = {text for text, rows in ix.texts.items() if any(r[2] in network for r in rows)}
    texts.update(
        text for text, rows in _aliases.message_aliases().items() if any(r.kind != "unknown" for r in rows)
    )
    texts.update(fold(row[5]) for row in _fastindex._lines("l10n.tsv") if row[3] in network)
    out = {w.lower().encode() for w in words}
    for template in _recognise.templates():
        pieces = _recognise._pieces(template.pattern)
        if "{name}" in pieces and template.domain in ("errno", "os"):
            continue  # the name is one of the code names above
        # its longest literal piece, or a piece and the first character of the placeholder after it
        options = [
            fold(p).encode("utf-8").lower() + _PLACEHOLDER_CLASS.get(after, b"")
            for p, after in zip(pieces, [*pieces[1:], ""])
            if p not in _recognise._PLACEHOLDERS
        ]
        out.add(max(options, key=len))
    for text in texts:
        squeezed = " ".join(text.split())
        if squeezed[:1] and not squeezed[:1].isascii():
            squeezed = squeezed[1:]  # its capital may not lower-case as bytes do: the rest is enough
        out.add(squeezed.encode("utf-8").lower())
    # a number after errno, error, err or code (`_CONTEXT_WORDS`), up to five separators between
    out.update(word + SEPARATOR * k + DIGIT for word in _CONTEXT_WORDS for k in range(6))
    return sorted(w for w in out if len(w) >= 4)


class Prefilter:
    """Finds the lines of a buffer that contain one of :func:`literals`, in C or with a regex."""

    def __init__(
        self,
        words: List[bytes],
        use_c: Optional[bool] = None,
        index: Optional[Tuple[List[Tuple[int, int]], bytes]] = None,
    ) -> None:
        self.words = sorted(set(words))
        self._lib: Any = None
        if use_c is not False:
            self._lib = _c_tables(self.words, index)
            if use_c and self._lib is None:
                raise ImportError("connerr._native has no connerr_scan_lines")
        self._regex = None if self._lib is not None else _trie_regex(self.words)

    @property
    def backend(self) -> str:
        return "c" if self._lib is not None else "python"

    def lines(self, buf: bytes) -> List[Tuple[int, int]]:
        """(offset, number) of the start of each line of ``buf`` with a literal, in order; a line's
        number is the count of newlines before it."""
        if self._lib is not None:
            return self._c_lines(buf)
        assert self._regex is not None
        low = buf.lower()
        search = self._regex.search
        found: List[Tuple[int, int]] = []
        pos = number = counted = 0
        while True:
            m = search(low, pos)
            if m is None:
                return found
            start = low.rfind(b"\n", 0, m.start()) + 1
            number += low.count(b"\n", counted, start)
            counted = start
            found.append((start, number))
            end = low.find(b"\n", m.end())
            if end == -1:
                return found
            pos = end + 1

    def _c_lines(self, buf: bytes) -> List[Tuple[int, int]]:
        ffi, lib, tables = self._lib
        room = 8192
        starts, numbers = ffi.new("size_t[]", room), ffi.new("size_t[]", room)
        data = ffi.from_buffer(buf)
        found: List[Tuple[int, int]] = []
        offset = base = 0  # where this call starts, and the number of its first line
        while True:
            count = lib.connerr_scan_lines(data + offset, len(buf) - offset, *tables, starts, numbers, room)
            found += zip(
                [offset + start for start in ffi.unpack(starts, count)],
                [base + number for number in ffi.unpack(numbers, count)],
            )
            if count < room:
                return found
            last, base = found[-1]  # full: go on after the last line reported
            offset = buf.find(b"\n", last) + 1
            base += 1
            if offset == 0:
                return found


def window_index(words: List[bytes]) -> Tuple[List[Tuple[int, int]], bytes]:
    """(window key, literal) pairs, sorted, and the bitmap of their hashes: the C scanner's tables."""
    keyed = sorted((key, index) for index, word in enumerate(words) for key in _window_keys(word))
    bitmap = bytearray(1 << 17)
    for key, _index in keyed:
        bit = ((key * 2654435761) & 0xFFFFFFFF) >> 12  # CONNERR_HASH in csrc/scan.c
        bitmap[bit >> 3] |= 1 << (bit & 7)
    return keyed, bytes(bitmap)


def _c_tables(words: List[bytes], index: Optional[Tuple[List[Tuple[int, int]], bytes]]) -> Any:
    import os

    if os.environ.get("CONNERR_NO_EXTENSION"):
        return None
    try:
        from connerr._native import ffi, lib

        lib.connerr_scan_lines  # noqa: B018 - an extension built before the scanner has none
    except (ImportError, AttributeError):
        return None
    keyed, bitmap = index or window_index(words)
    offsets, blob = [], bytearray()
    for word in words:
        offsets.append(len(blob))
        blob += word
    tables = (
        ffi.new("unsigned char[]", bytes(bitmap)),
        ffi.new("unsigned int[]", [k for k, _ in keyed]),
        ffi.new("unsigned int[]", [i for _, i in keyed]),
        len(keyed),
        ffi.new("unsigned char[]", bytes(blob)),
        ffi.new("unsigned int[]", offsets),
        ffi.new("unsigned int[]", [len(w) for w in words]),
    )
    return ffi, lib, tables


def _window_keys(word: bytes) -> List[int]:
    """The first four bytes of ``word`` packed big-endian, once for each byte a wildcard stands for."""
    keys = [0]
    for byte in word[:4]:
        options = _CLASS_BYTES.get(byte, bytes([byte]))
        keys = [(key << 8) | option for key in keys for option in options]
    return keys


def _trie_regex(words: List[bytes]) -> Any:
    """One expression matching any of ``words``, wildcard bytes as their classes."""
    import re

    from connerr._evidence import literal_trie

    classes = {byte: b"[" + re.escape(options) + b"]" for byte, options in _CLASS_BYTES.items()}
    return re.compile(literal_trie(words, lambda b: classes.get(b) or re.escape(bytes([b])), b""))


_prefilter: Optional[Prefilter] = None


#: the data files the literals come from
_SOURCES = (
    "codes.tsv",
    "kinds.tsv",
    "messages.tsv",
    "l10n.tsv",
    "recognisers.tsv",
    "aliases.tsv",
    "domains.tsv",
)


def _build() -> Tuple[List[bytes], List[Tuple[int, int]], bytes]:
    words = sorted(set(literals()))
    return (words, *window_index(words))


def prefilter() -> Prefilter:
    """The prefilter of this process (built on first use; its tables are cached like the data's)."""
    global _prefilter
    if _prefilter is None:
        from binascii import crc32

        from connerr._data import cached
        from connerr._rules import _BY_NAME

        rules = crc32(" ".join(sorted(_BY_NAME)).encode())  # class names live in code, not data
        words, keyed, bitmap = cached(f"logscan-{rules:08x}", _SOURCES, _build)
        _prefilter = Prefilter(list(words), index=([tuple(k) for k in keyed], bitmap))
    return _prefilter


# -- stage two: candidate lines to events -----------------------------------------------------------


def _is_code(previous: bytes, line: bytes) -> bool:
    """A traceback's source line (under ``File "...", line N``) or a stack frame (``at f(...)``)."""
    if previous.lstrip().startswith(b'File "') and line.startswith(b"    "):
        return True
    stripped = line.lstrip()
    return len(stripped) < len(line) and stripped.startswith(b"at ") and b"(" in stripped


def _is_frame_part(line: bytes) -> bool:
    """A line inside a traceback that is not an exception line."""
    return (
        not line.strip()
        or line.startswith((b" ", b"\t"))
        or line.startswith(_TRACEBACK_HEAD)
        or line.startswith(_CHAIN)
    )


def _line_end(buf: bytes, start: int) -> int:
    """Where the line that starts at ``start`` ends (its newline, or the end of ``buf``)."""
    end = buf.find(b"\n", start)
    return len(buf) if end == -1 else end


def _line_before(buf: bytes, start: int) -> bytes:
    """The line before the one that starts at ``start`` (empty at the start of ``buf``)."""
    return buf[buf.rfind(b"\n", 0, start - 1) + 1 : start - 1] if start else b""


def _lines_from(buf: bytes, pos: int) -> Iterator[Tuple[int, int]]:
    """(start, end) of each line of ``buf`` from ``pos`` on."""
    while pos < len(buf):
        end = _line_end(buf, pos)
        yield pos, end
        pos = end + 1


class Scanner:
    """Feeds bytes in any pieces; yields events (line number, text) in order; bounded memory."""

    def __init__(self, filter_: Optional[Prefilter] = None) -> None:
        self.filter = filter_ or prefilter()
        self.lines = 0  # newlines before ``pending``
        self.pending = b""
        self.previous = b""  # the line before ``pending``
        self.fed_newlines = 0  # newlines in everything fed
        self.last_content_line = 0  # the number of the last line with more than white space

    def feed(self, data: bytes, final: bool = False) -> List[Event]:
        """Events of the whole lines in ``data`` (and the rest, when ``final``)."""
        if data:
            content_end = len(data)  # past the last byte that is not white space (no copy of data)
            while content_end and data[content_end - 1] in _WHITE:
                content_end -= 1
            newlines = data.count(b"\n", 0, content_end)
            if content_end:
                self.last_content_line = self.fed_newlines + newlines + 1
            self.fed_newlines += newlines + data.count(b"\n", content_end)
        buf = self.pending + data if self.pending else data
        if final:
            cut = len(buf)
        else:
            cut = buf.rfind(b"\n") + 1
            if cut == 0 and len(buf) > MAX_LINE:
                cut = len(buf)  # a line without end: take it in pieces
        events, done = self._events(buf[:cut], final or (cut == len(buf) and len(buf) > MAX_LINE))
        if done:
            self.previous = _line_before(buf, done)[-4096:]
        self._keep(buf[done:])
        if len(self.pending) > MAX_BLOCK and not final:  # an endless traceback: close it here
            more, done = self._events(self.pending, True)
            events += more
            self._keep(self.pending[done:])
        return events

    def _keep(self, pending: bytes) -> None:
        """Keep ``pending`` for the next feed; the lines before it are all fed but its own."""
        self.pending = pending
        self.lines = self.fed_newlines - pending.count(b"\n")

    def total_lines(self) -> int:
        """Lines fed so far, up to the last one with more than white space: the newline that ends
        a log's last line, or blank lines after it, start no line of the log."""
        return self.last_content_line

    def _events(self, buf: bytes, final: bool) -> Tuple[List[Event], int]:
        """Events in ``buf`` (whole lines) and how much of it was used (the rest waits for more)."""
        events: List[Event] = []
        consumed = 0
        for start, number in self.filter.lines(buf):
            if start < consumed:
                continue
            end = _line_end(buf, start)
            line = buf[start:end]
            previous = _line_before(buf, start) if start else self.previous
            if _is_code(previous, line):
                continue
            block = self._block(buf, end, final)
            if block is None:  # the traceback goes on past this buffer: wait for more
                return events, start
            last_start, last_end, texts = block  # the event's line: its last exception line
            line_number = self.lines + number + buf.count(b"\n", start, last_start) + 1
            text = b"\n".join([line, *texts]).decode("utf-8", "replace")
            events.append((line_number, text))
            consumed = last_end + 1
        return events, len(buf)

    def _block(self, buf: bytes, end: int, final: bool) -> Optional[Tuple[int, int, List[bytes]]]:
        """Where the event of the line ending at ``end`` ends: the last exception line of a chained
        traceback after it, with the exception lines between; None if ``buf`` ends first."""
        last_start, last_end = buf.rfind(b"\n", 0, end) + 1, end
        texts: List[bytes] = []
        following = _lines_from(buf, end + 1)
        while True:
            marker = next(((s, e) for s, e in following if buf[s:e].strip()), None)  # after blank lines
            if marker is None or not buf.startswith(_CHAIN, marker[0]):
                return (last_start, last_end, texts) if marker or final else None
            # the next traceback's frames, then its exception line
            exception = next(((s, e) for s, e in following if not _is_frame_part(buf[s:e])), None)
            if exception is None:
                return (last_start, last_end, texts) if final else None
            last_start, last_end = exception
            texts.append(buf[last_start:last_end])


class Summarizer:
    """Events grouped by signature, each distinct evidence explained once."""

    def __init__(self, platform: Optional[str] = None) -> None:
        if platform is not None:
            check_platform(platform)
        self.platform = platform
        self.scanner = Scanner()
        self.cache: Dict[Tuple[str, ...], Optional[Explanation]] = {}
        #: the first explanation of each signature: what the cache keeps for all of its keys (the
        #: summary shows the first anyway; memory grows with signatures, not with evidence keys)
        self.first: Dict[Tuple[Any, ...], Explanation] = {}
        self.groups: Dict[Tuple[Any, ...], List[Any]] = {}

    def explain_event(self, text: str) -> Optional[Explanation]:
        """The explanation of one event's text (the first one seen with its signature: name,
        number, platform, kind), or None when it is no network error."""
        key = evidence_key(text)
        if not key or not _may_be_network(key):
            return None
        if key in self.cache:
            return self.cache[key]
        if len(self.cache) >= _CACHE:
            self.cache.clear()
        explanation = _explain.explain(text[:4000], self.platform)
        best = explanation.best
        found = None
        if best is not None and best.kind != "unknown":
            found = self.first.setdefault(_explain.signature(explanation) or (), explanation)
        self.cache[key] = found
        return found

    def feed(self, data: bytes, final: bool = False) -> None:
        for _line, text in self.scanner.feed(data, final):
            explanation = self.explain_event(text)
            if explanation is not None:
                group = self.groups.setdefault(_explain.signature(explanation) or (), [explanation, 0])
                group[1] += 1

    def summary(self) -> Summary:
        self.feed(b"", final=True)
        ordered = sorted(self.groups.values(), key=lambda g: -int(g[1]))
        return _explain.Summary(tuple((g[0], int(g[1])) for g in ordered), self.scanner.total_lines())


_network_numbers: Optional[Set[int]] = None


def _may_be_network(key: Tuple[str, ...]) -> bool:
    """False when all the evidence is numbers that no network code has (``code=48213``)."""
    global _network_numbers
    if _network_numbers is None:
        from connerr import _fastindex

        ix = _fastindex.get()
        _network_numbers = {
            number
            for (_domain, name), numbers in ix.numbers.items()
            if ix.kind(name) != "unknown"
            for number in numbers.values()
        }
        _network_numbers.update(row[0] for row in ix.runtime_codes.values())
    for item in key:
        context, _, value = item.partition(":")
        if context not in ("errno", "error", "winerror", "hresult") or not value.lstrip("-").isdigit():
            return True
        if int(value) in _network_numbers:
            return True
    return False


def evidence_key(text: str) -> Tuple[str, ...]:
    """What in ``text`` can name a code or a kind (equal keys: equal explanations)."""
    from connerr import _recognise

    keys = {item for item, _pos in _explain._evidence_keys(text, log=True)}
    keys.update(f"{hit.template.pattern}:{hit.number}:{hit.name}" for hit in _recognise.recognise(text))
    if not text.isascii():
        keys.add(text)  # a localized message: its words matter, not only its codes
    return tuple(sorted(keys))


def events(chunks: Iterable[bytes]) -> Iterator[Event]:
    """(line, text) of every candidate event in a byte stream, before explaining."""
    scanner = Scanner()
    for chunk in chunks:
        yield from scanner.feed(chunk)
    yield from scanner.feed(b"", final=True)


def summarize(text: str, platform: Optional[str] = None) -> Summary:
    """Explain every network error in ``text`` (a log), grouped by signature."""
    data = text.encode("utf-8", "surrogatepass")
    return summarize_stream((data[start : start + CHUNK] for start in range(0, len(data), CHUNK)), platform)


def summarize_stream(chunks: Iterable[Any], platform: Optional[str] = None) -> Summary:
    """:func:`summarize` over a stream of ``bytes`` (or ``str``) pieces, in bounded memory."""
    summarizer = Summarizer(platform)
    for chunk in chunks:
        summarizer.feed(chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else chunk)
    return summarizer.summary()
