"""How runtimes and tools print network errors: one declarative table, ``connerr/data/recognisers.tsv``.

Each row is a *template* of what one runtime prints, and what seeing it proves: the runtime, a code
(a number or a name in a domain, captured from the text or fixed by the wording), a kind, a platform,
a phase. Templates are literal text (matched without regard to case) with placeholders:

``{n}``     the code number, read in the row's domain (``os``: errno, or the Winsock code on Windows);
``{name}``  the code name, read in the row's domain;
``{#}``     a number that is *not* an error code (a port, a duration, an exit or HTTP status);
``{x}``     a hexadecimal number that is not the code either;
``{_}``     anything on the same line, up to 160 characters.

A number a template covers is never read as an errno by the generic scan. Matching is linear: each
template starts with a literal piece (its anchor), found with ``str.find``; the expression is tried
once at each occurrence, and has at most one ``{_}``, so each try is bounded.
"""

from __future__ import annotations

from connerr._data import cached, read_rows

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple
else:
    from connerr._namedtuple import NamedTuple

__all__ = ["RUNTIME_NAMES", "Hit", "Template", "recognise", "runtime_name", "templates"]

#: what the answer calls each runtime or tool the table knows (``runtime`` column -> display name)
RUNTIME_NAMES: Dict[str, str] = {
    "node": "Node.js (libuv)",
    "go": "Go net",
    "jvm": "JVM (java.net, Netty, JDBC)",
    "dotnet": ".NET",
    "rust": "Rust std::io",
    "curl": "curl / libcurl",
    "openssl": "OpenSSL",
    "libpq": "PostgreSQL libpq",
    "mysql": "MySQL client",
    "redis": "Redis client",
    "nginx": "nginx",
    "envoy": "Envoy",
    "haproxy": "HAProxy",
    "kubectl": "kubectl",
    "ssh": "OpenSSH",
    "git": "git",
    "pip": "pip",
    "docker": "Docker",
    "grpc": "gRPC",
    "erlang": "Erlang/Elixir",
    "ruby": "Ruby",
    "php": "PHP",
    "chromium": "Chromium",
    "python": "Python",
}

_GAP = 160


class Template(NamedTuple):
    """One row of recognisers.tsv, parsed (its expression is compiled when its anchor is first seen)."""

    runtime: str
    pattern: str
    domain: str
    name: str
    kind: str
    platform: str
    phase: str
    source: str
    #: the first piece, literal and folded: found with str.find
    anchor: str
    #: the regular expression, matched against the folded text at each occurrence of the anchor
    expression: str
    #: the template covers numbers ({n}, {#}, {x}): none of them is read as an errno again
    reads_numbers: bool


class Hit(NamedTuple):
    """A template seen in a text."""

    template: Template
    start: int
    end: int
    #: the captured code number, if the template has ``{n}``
    number: Optional[int]
    #: the captured code name (as written), if the template has ``{name}``
    name: str


_PLACEHOLDERS = {
    "{n}": r"(?P<n>[-+]?\d{1,12})",
    "{name}": r"(?P<name>[a-z_][a-z0-9_]{1,63})",
    "{#}": r"-?\d{1,12}",
    "{x}": r"(?:0x)?[0-9a-f]{1,16}",
    "{_}": f"[^\\n]{{0,{_GAP}}}?",
}


def _pieces(pattern: str) -> List[str]:
    """The template cut into literal pieces and placeholders."""
    import re

    return [p for p in re.split(r"(\{n\}|\{name\}|\{#\}|\{x\}|\{_\})", pattern) if p]


def compile_template(row: List[str]) -> Template:
    """A row (runtime, pattern, domain, name, kind, platform, phase, source) compiled; ValueError if the
    pattern does not start with a literal word of three characters or more, or has more than one ``{_}``."""
    import re

    runtime, pattern, domain, name, kind, platform, phase, source = (row + [""] * 8)[:8]
    pieces = _pieces(pattern.lower().replace("\u2019", "'"))  # folded as the text is
    if not pieces or pieces[0] in _PLACEHOLDERS or pieces[0][:1] == " ":
        raise ValueError(f"recogniser {pattern!r}: must start with literal text")
    if pieces.count("{_}") > 1:
        raise ValueError(f"recogniser {pattern!r}: more than one {{_}}")
    parts = [_PLACEHOLDERS[p] if p in _PLACEHOLDERS else re.escape(p) for p in pieces]
    anchor = pieces[0]
    if len(anchor.strip()) < 3:
        raise ValueError(f"recogniser {pattern!r}: must start with 3 literal characters or more")
    return Template(
        runtime,
        pattern,
        domain,
        name,
        kind,
        platform,
        phase,
        source,
        anchor,
        "".join(parts),
        any(p in ("{n}", "{#}", "{x}") for p in pieces),
    )


_compiled: Dict[str, re.Pattern[str]] = {}


def _regex(template: Template) -> re.Pattern[str]:
    """The template's expression, compiled once (only templates whose anchor occurs ever are)."""
    found = _compiled.get(template.expression)
    if found is None:
        import re

        found = _compiled[template.expression] = re.compile(template.expression)
    return found


_templates: Optional[Tuple[Template, ...]] = None
_by_anchor: Optional[Dict[str, List[Template]]] = None
#: where an anchor may start (a look-ahead over all anchors, as a trie), and the anchors by first two
#: characters
_anchor_starts: Optional[Tuple[re.Pattern[str], Dict[str, List[str]]]] = None


def templates() -> Tuple[Template, ...]:
    """Every row of recognisers.tsv, parsed on first use."""
    global _templates, _by_anchor
    if _templates is None:
        rows = cached(
            "recognisers",
            ("recognisers.tsv",),
            lambda: tuple(tuple(compile_template(row)) for row in read_rows("recognisers.tsv")[1]),
        )
        _templates = tuple(Template(*row) for row in rows)
        by_anchor: Dict[str, List[Template]] = {}
        for template in _templates:
            by_anchor.setdefault(template.anchor, []).append(template)
        _by_anchor = by_anchor
    return _templates


def recognise(text: str) -> List[Hit]:
    """Every template seen in ``text``, in text order; a hit inside a longer one is dropped (the
    longer wording is the more specific)."""
    from connerr._evidence import fold

    global _calls
    templates()
    assert _by_anchor is not None
    low = fold(text)
    hits: List[Hit] = []
    _calls += 1
    for anchor, pos in _anchors_in(low):
        if anchor[0].isalnum() and pos and (low[pos - 1].isalnum() or low[pos - 1] == "_"):
            continue
        for template in _by_anchor[anchor]:
            m = _regex(template).match(low, pos)
            if m is not None:
                groups = m.groupdict()
                number = int(groups["n"]) if groups.get("n") else None
                name = text[m.start("name") : m.end("name")] if groups.get("name") else ""
                hits.append(Hit(template, m.start(), m.end(), number, name))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: List[Hit] = []
    cover = (-1, -1)  # (start, end) of the kept hit that reaches furthest
    for hit in hits:
        if hit.end < cover[1] or (hit.end == cover[1] and hit.start > cover[0]):
            continue  # inside a longer hit
        kept.append(hit)
        if hit.end > cover[1]:
            cover = (hit.start, hit.end)
    return kept


_calls = 0
#: texts recognised before the one look-ahead expression is compiled (it costs ~25 ms; a find per
#: anchor costs ~0.1 ms a text)
_COMPILE_AFTER = 50


def _anchors_in(low: str) -> Iterator[Tuple[str, int]]:
    """(anchor, position) of every anchor occurrence in ``low``."""
    assert _by_anchor is not None
    if _anchor_starts is None and _calls <= _COMPILE_AFTER:
        for anchor in _by_anchor:
            pos = low.find(anchor)
            while pos != -1:
                yield anchor, pos
                pos = low.find(anchor, pos + 1)
        return
    starts, by_two = _anchor_starts or _build_anchor_starts()
    for found in starts.finditer(low):
        pos = found.start()
        for anchor in by_two[low[pos : pos + 2]]:
            if low.startswith(anchor, pos):
                yield anchor, pos


def _build_anchor_starts() -> Tuple[re.Pattern[str], Dict[str, List[str]]]:
    global _anchor_starts
    import re

    from connerr._evidence import literal_trie

    assert _by_anchor is not None
    by_two: Dict[str, List[str]] = {}
    for anchor in _by_anchor:
        by_two.setdefault(anchor[:2], []).append(anchor)
    _anchor_starts = (re.compile("(?=" + literal_trie(_by_anchor, re.escape, "") + ")"), by_two)
    return _anchor_starts


def runtime_name(runtime: str) -> str:
    """The display name of a runtime id (the id itself if the table has none)."""
    return RUNTIME_NAMES.get(runtime, runtime)
