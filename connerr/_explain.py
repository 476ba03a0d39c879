"""``connerr.explain``: from any code, name, message or traceback to ranked answers.

Evidence (numbers in context, names, known texts, platform hints; see :mod:`connerr._evidence`) adds
weight to ``(domain, name)`` entries per platform; the best platform of each entry and the entries'
order give the candidates. A bare number that means different things on different platforms is
reported as ambiguous, every meaning listed, network codes first.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from connerr import _aliases, _evidence, _fastindex, _recognise, platforms
from connerr._domains import RUNTIME_DOMAINS, by_id
from connerr._fastindex import DOMAINS
from connerr.platforms import PLATFORMS, check_platform
from connerr.taxonomy import Kind, kind_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

    from connerr import _rules
else:
    from connerr._namedtuple import NamedTuple

__all__ = ["Candidate", "Explanation", "Summary", "explain", "signature"]

#: how much a number counts, by what the text around it said it is
_NUMBER_WEIGHT = {
    "winerror": 10.0,
    "repr_winerror": 10.0,
    "hresult": 9.0,
    "errno": 8.0,
    "repr_errno": 8.0,
    "gai": 8.0,
    "os": 8.0,
    "os_error": 7.0,
    "error": 5.0,
    "bare": 4.0,
    "hex": 4.0,
}
#: a runtime's own code read where a recogniser says it is (``curl: (7)``, ``errno: -4077``)
_RUNTIME_NUMBER = 12.0
#: a runtime's code, when the text names it, is the answer: the OS error it carries refines its kind
#: and platform and comes next
_LAYER = 20.0
_PLATFORM_HINT = 3.0
#: how a number a recogniser read in an OS domain counts (the contexts of the generic scan)
_READ_AS = {"errno": "errno", "eai": "gai", "winsock": "winerror", "win32": "winerror"}
_RUNTIME_IDS = frozenset(d.id for d in RUNTIME_DOMAINS)
_NAME, _ALIAS_NAME, _CLASS_NAME, _KIND_ONLY, _KIND_VOTE = 9.0, 7.0, 3.0, 6.0, 4.0
_STRONG, _WEAK = 7.0, 4.0
_NETWORK_BONUS = 1.0
_MAX_CANDIDATES = 12
#: a query of this many plain words at most (``connection reset``, ``name resolution``) that names
#: no code is also looked for inside the known messages, and joined by ``_`` among the kinds
_PLAIN_WORDS = 6
#: the default of mapping fields (read-only, so one shared instance is safe)
_NO_MAPPING: Mapping[str, Any] = MappingProxyType({})


class Candidate(NamedTuple):
    """One possible meaning of the query: the fields of a :class:`~connerr.Diagnosis` of the same
    names mean the same, plus ``confidence`` and what the reference knows about the code.

    A named tuple rather than a dataclass: ``import dataclasses`` alone would cost ``connerr explain``
    a third of its start-up budget.
    """

    name: Optional[str]
    number: Optional[int]
    domain: Optional[str]
    platform: Optional[str]
    kind: Kind
    exception: str
    message: str
    notes: Tuple[str, ...]
    retry: str
    confidence: float
    side: str = "unknown"
    phase: str = "any"
    meaning: str = ""
    #: every platform where the evidence fits equally well (``platform`` is the likeliest)
    platforms: Tuple[str, ...] = ()
    #: the number of this code on every platform that defines it
    numbers: Mapping[str, int] = _NO_MAPPING
    python_errno: Optional[int] = None
    winerror: Optional[int] = None
    #: how libuv, Rust, Go, MSVC STL, Boost and CPython classify it (anchors.tsv), if recorded
    anchors: Mapping[str, str] = _NO_MAPPING
    #: a runtime or variant the evidence matched (``windows-fr-FR``, ``node``)
    variant: Optional[str] = None
    #: what in the query supported this answer (``"winerror 10053"``, ``"linux-glibc text"``...)
    reasons: Tuple[str, ...] = ()
    #: for a runtime's code (domain libuv, curl, chromium, grpc, dotnet, mysql): the OS code it
    #: stands for or carries (``ECONNRESET``, ``WSAECONNREFUSED``), where known
    os_code: Optional[str] = None
    #: the language of the localized message the query had (``pt_BR`` for glibc, ``pt-BR`` for
    #: Windows), and that message as the system prints it (``message`` stays the English one)
    language: Optional[str] = None
    localized: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form (the keys of `connerr explain --json`)."""
        return {
            "name": self.name,
            "number": self.number,
            "domain": self.domain,
            "platform": self.platform,
            "kind": self.kind.value,
            "exception": self.exception,
            "message": self.message,
            "notes": list(self.notes),
            "retry": self.retry,
            "confidence": self.confidence,
            "side": self.side,
            "phase": self.phase,
            "meaning": self.meaning,
            "platforms": list(self.platforms),
            "numbers": dict(self.numbers),
            "python_errno": self.python_errno,
            "winerror": self.winerror,
            "anchors": dict(self.anchors),
            "variant": self.variant,
            "reasons": list(self.reasons),
            "os_code": self.os_code,
            "language": self.language,
            "localized": self.localized,
        }


class Explanation(NamedTuple):
    """The answer to one query: candidates best first."""

    query: str
    candidates: Tuple[Candidate, ...]
    #: several meanings fit the evidence equally (a bare number on different platforms)
    ambiguous: bool = False
    #: the platform of the best candidate, if any
    platform: Optional[str] = None
    #: platform -> weight of the hints found in the text (paths, WinError, wording)
    platform_hints: Mapping[str, float] = _NO_MAPPING
    #: the runtimes and tools whose wording the text has, outermost (first printed) first
    runtimes: Tuple[str, ...] = ()

    @property
    def runtime(self) -> Optional[str]:
        """The runtime or tool that printed the error (``node``, ``go``, ``curl``...), if recognised."""
        return self.runtimes[0] if self.runtimes else None

    @property
    def runtime_name(self) -> Optional[str]:
        """What :attr:`runtime` is called (``"Node.js (libuv)"``, ``"Go net"``...)."""
        return _recognise.runtime_name(self.runtimes[0]) if self.runtimes else None

    @property
    def best(self) -> Optional[Candidate]:
        """The first candidate, or None when nothing was recognised."""
        return self.candidates[0] if self.candidates else None

    def __bool__(self) -> bool:
        return bool(self.candidates)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form (what `connerr explain --json` prints)."""
        return {
            "query": self.query,
            "candidates": [c.to_dict() for c in self.candidates],
            "ambiguous": self.ambiguous,
            "platform": self.platform,
            "platform_hints": dict(self.platform_hints),
            "runtime": self.runtime,
            "runtime_name": self.runtime_name,
            "runtimes": list(self.runtimes),
        }


def explain(text: str, platform: Optional[str] = None) -> Explanation:
    """Explain a code, name, message, log line or traceback; never raises for any ``text``.

    ``platform`` (a tag such as ``"windows"``) overrides the platform inferred from the text; an
    unknown tag raises :class:`~connerr.platforms.UnknownPlatformError`.
    """
    if platform is not None:
        check_platform(platform)
    if not isinstance(text, str):
        text = str(text)
    try:
        return _Ranker(text, platform).run()
    except (RecursionError, MemoryError):  # pragma: no cover - defensive
        return Explanation(text, ())


def _notes_for(name: Optional[str], platform: Optional[str]) -> List[str]:
    """Cause notes for a code name (or ``kind:<kind>``) on a platform, as :mod:`connerr.notes` gives
    them, each as ``"<section>: text [source]"`` (read from the fast index: no dataclasses)."""
    if not name:
        return []
    try:
        return _fastindex.get().formatted_notes(name, platform)
    except (ValueError, OSError):
        return []


# -- phrases known to the data ---------------------------------------------------------------------

_phrase_index: Optional[Dict[str, List[str]]] = None


def _phrases() -> Dict[str, List[str]]:
    global _phrase_index
    if _phrase_index is None:
        keyed: Dict[str, List[str]] = {}
        for phrase in list(_fastindex.get().texts) + list(_aliases.message_aliases()):
            if phrase:
                bucket = keyed.setdefault(_evidence.phrase_key(phrase), [])
                if phrase not in bucket:
                    bucket.append(phrase)
        for bucket in keyed.values():
            bucket.sort(key=len, reverse=True)  # longest phrase first
        _phrase_index = keyed
    return _phrase_index


_message_word_index: Optional[Dict[str, Tuple[int, List[str]]]] = None


def _message_words() -> Dict[str, Tuple[int, List[str]]]:
    """The words of each known message, one space apart and one space each side (for a whole-word
    search) -> how many words, and the messages (as :attr:`FastIndex.texts` keys them)."""
    global _message_word_index
    if _message_word_index is None:
        word = _evidence._re().word
        index: Dict[str, Tuple[int, List[str]]] = {}
        for text in _fastindex.get().texts:
            words = word.findall(text)
            index.setdefault(f" {' '.join(words)} ", (len(words), []))[1].append(text)
        _message_word_index = index
    return _message_word_index


def _plain_words(text: str) -> Optional[List[str]]:
    """The words of a query of 2 to :data:`_PLAIN_WORDS` plain words (letters, hyphens, apostrophes),
    folded; None for anything else."""
    if not all(ch.isalpha() or ch in " -'" for ch in text.strip()):
        return None
    words = _evidence._re().word.findall(_evidence.fold(text))
    return words if 2 <= len(words) <= _PLAIN_WORDS else None


def _outermost(hits: List[_evidence.PhraseHit]) -> List[_evidence.PhraseHit]:
    """The phrases not inside a longer one found: ENFILE's text contains EMFILE's."""
    kept: List[_evidence.PhraseHit] = []
    reach = -1
    for hit in sorted(hits, key=lambda h: (h.pos, -len(h.phrase))):
        end = hit.pos + len(hit.phrase)
        if end <= reach:
            continue
        kept.append(hit)
        reach = end
    return kept


_l10n_keyed: Dict[str, Tuple[Dict[str, List[str]], Dict[str, List[str]]]] = {}


def _l10n_phrases(lang: str, texts: Mapping[str, Any]) -> Tuple[Dict[str, List[str]], Dict[str, List[str]]]:
    """A language's localized texts keyed for :func:`connerr._evidence.find_phrases`, from their first
    word on (``»ai_family« wird ...`` is found from ``ai_family``), and each such phrase's texts."""
    found = _l10n_keyed.get(lang)
    if found is None:
        keyed: Dict[str, List[str]] = {}
        back: Dict[str, List[str]] = {}
        for text in texts:
            phrase = _evidence.from_first_word(text)
            if phrase not in back:
                keyed.setdefault(_evidence.phrase_key(phrase), []).append(phrase)
            back.setdefault(phrase, []).append(text)
        for bucket in keyed.values():
            bucket.sort(key=len, reverse=True)
        found = _l10n_keyed[lang] = (keyed, back)
    return found


def _class_rules(token: str, module: str) -> List[_rules.TypeRule]:
    """The rule table's rules for a class name in the text (the table loads on the first name)."""
    from connerr._rules import rules_named

    return rules_named(token, module)


# -- ranking ---------------------------------------------------------------------------------------


class _Entry:
    """Evidence for one (domain, name) — or one kind when no code is known — per platform."""

    __slots__ = (
        "alias_message",
        "domain",
        "exception",
        "kind",
        "localized",
        "name",
        "numbers",
        "reasons",
        "scores",
        "variant",
    )

    def __init__(self, domain: str, name: str, kind: str) -> None:
        self.domain, self.name, self.kind = domain, name, kind
        self.scores: Dict[str, float] = {}
        self.numbers: Dict[str, int] = {}
        self.reasons: List[str] = []
        self.variant: Optional[str] = None
        self.alias_message: Optional[str] = None
        self.exception: Optional[str] = None
        #: (language, text) of a localized message the query had for this code
        self.localized: Optional[Tuple[str, str]] = None

    def add(self, platform: str, weight: float, reason: str) -> None:
        self.scores[platform] = self.scores.get(platform, 0.0) + weight
        if reason not in self.reasons:
            self.reasons.append(reason)


class _Ranker:
    def __init__(self, text: str, platform: Optional[str]) -> None:
        self.text = text
        self.forced = platform
        self.ix = _fastindex.get()
        self.entries: Dict[Tuple[str, str, str], _Entry] = {}
        self.kind_votes: Dict[str, float] = {}
        self.phase: Optional[str] = None
        self.classes: Dict[str, str] = {}  # kind -> dotted class seen in the text
        self.bare = False
        self.runtimes: List[str] = []
        self.platform_reasons: List[str] = []
        #: spans of the text a recogniser explained (its code or kind): no OS text is read inside
        self.worded: List[Tuple[int, int]] = []
        #: numbers that open a parenthesis right before an OS message: "(111: Connection refused)"
        self.wrapped: List[_evidence.NumberHint] = []

    # entries

    def _entry(self, domain: str, name: str, variant: str = "") -> _Entry:
        key = (domain, name, variant)
        entry = self.entries.get(key)
        if entry is None:
            kind = self.ix.kind(name) if domain else name
            entry = self.entries[key] = _Entry(domain, name, kind)
            if domain in _RUNTIME_IDS:
                entry.numbers.update(self.ix.runtime_numbers(domain, name))
            elif domain and not variant:
                entry.numbers.update(self.ix.numbers.get((domain, name), {}))
            entry.variant = variant or None
        return entry

    def _add_code(self, domain: str, name: str, weight: float, reason: str) -> bool:
        """Evidence for one code: a runtime's (on every platform it has a number for) or an OS code
        (``_add_name``)."""
        if domain not in _RUNTIME_IDS:
            return self._add_name(name, weight, reason)
        if (domain, name) not in self.ix.runtime_codes:
            return False
        entry = self._entry(domain, name)
        for platform in entry.numbers:
            entry.add(platform, weight, reason)
        return True

    def _add_runtime_number(self, domain: str, value: int, weight: float, reason: str) -> bool:
        """A number a recogniser says is a code of a runtime's domain."""
        found = False
        for dom, name in self.ix.runtime_codes:
            if dom != domain:
                continue
            numbers = self.ix.runtime_numbers(domain, name)
            fits = [p for p, n in numbers.items() if n == value]
            if fits:
                entry = self._entry(domain, name)
                for platform in fits:
                    entry.add(platform, weight, reason)
                found = True
        return found

    def _add_name(self, name: str, weight: float, reason: str) -> bool:
        found = False
        for domain in DOMAINS:
            per_platform = self.ix.numbers.get((domain, name))
            if per_platform:
                entry = self._entry(domain, name)
                for platform in per_platform:
                    entry.add(platform, weight, reason)
                found = True
        return found

    def _add_kind(self, kind: str, weight: float, reason: str) -> _Entry:
        entry = self._entry("", kind)
        entry.add("", weight, reason)
        return entry

    # evidence

    def _numbers(self, ev: _evidence.Evidence) -> None:
        by_number = self.ix.by_number
        # a number repeated in the same context weighs as often as it occurs; rank each one once
        # (the weights are whole numbers, so the sums are exact in any order)
        counts: Dict[Tuple[int, str], int] = {}
        for hint in ev.numbers:
            key = (hint.value, hint.context)
            counts[key] = counts.get(key, 0) + 1
        for (value, context), count in counts.items():
            if context in _RUNTIME_IDS:
                self._add_runtime_number(context, value, _RUNTIME_NUMBER, f"{context} {value}")
                continue
            weight = _NUMBER_WEIGHT.get(context, 4.0) * count
            self.bare = self.bare or context in ("bare", "hex")
            for platform in PLATFORMS:
                for domain in DOMAINS:
                    if not _fits(context, platform, domain, value):
                        continue
                    for name in by_number.get((platform, domain, value), ())[:1]:
                        self._entry(domain, name).add(platform, weight, f"{context} {value}")
            for entry in list(self.entries.values()):
                if entry.variant and value in entry.numbers.values():
                    for platform in entry.numbers:
                        entry.add(platform, weight, f"{context} {value}")

    def _names(self, ev: _evidence.Evidence) -> None:
        short = len(self.text) < 120
        kinds = {k.value for k in Kind}
        prefixed = tuple((d.token_prefix, d.id) for d in RUNTIME_DOMAINS if d.token_prefix)
        for token, module, _pos in ev.names:
            domain = next((d for prefix, d in prefixed if token.startswith(prefix)), None)
            if domain and self._add_code(domain, token, _NAME, f"name {token}"):
                self._seen_runtime(by_id(domain).runtime)
                continue
            upper = token.upper()
            if (token == upper or short) and len(token) > 2 and self._add_name(upper, _NAME, f"name {upper}"):
                continue
            if token.lower() in kinds and ("_" in token or token == self.text.strip()):
                kind = token.lower()
                self._add_kind(kind, _NAME, f"kind {kind}")
                for name, (row_kind, _reason) in self.ix.kinds.items():
                    if row_kind == kind:
                        self._add_name(name, _CLASS_NAME, f"kind {kind}")
                continue
            rules = _class_rules(token, module)
            if rules:
                self._apply_class_rules(rules, module)
                continue
            for alias in _aliases.by_token(token):
                self._alias(alias)

    def _apply_class_rules(self, rules: List[_rules.TypeRule], module: str) -> None:
        """An exception class named in the text: the rule table's kind, phase and code."""
        kinds: Dict[Kind, _rules.TypeRule] = {}
        self._seen_runtime("python")
        for rule in rules:
            if rule.phase:
                self.phase = self.phase or rule.phase
            if rule.kind is not None:  # None: a wrapper, the error it wraps decides
                kinds.setdefault(rule.kind, rule)
        for kind, rule in kinds.items():
            self.kind_votes[kind.value] = self.kind_votes.get(kind.value, 0.0) + _KIND_VOTE
            self.classes.setdefault(kind.value, f"{module}.{rule.name}" if module else rule.name)
            reason = f"{rule.library} {rule.name}"
            if rule.code:
                self._add_name(rule.code, _CLASS_NAME, reason)
            else:
                self._add_kind(kind.value, _KIND_ONLY, reason)

    def _seen_runtime(self, runtime: str) -> None:
        if runtime not in self.runtimes:
            self.runtimes.append(runtime)

    def _recognised(self, ev: _evidence.Evidence) -> None:
        """What the recognisers table finds: runtimes, codes, kinds, platforms, phases. A number a
        template covers is not read again as an errno."""
        hits = _recognise.recognise(self.text)
        spans: List[Tuple[int, int]] = []
        self.worded = [(h.start, h.end) for h in hits if h.template.kind or h.template.name]
        numbers: List[_evidence.NumberHint] = []
        for hit in sorted(hits, key=lambda h: h.start):
            template = hit.template
            reason = f"{_recognise.runtime_name(template.runtime)}: {template.pattern}"
            if hit.name and not self._captured_name(template.domain, hit.name, reason):
                continue  # ``read udp``: not a code after all
            if template.reads_numbers:
                spans.append((hit.start, hit.end))
            self._seen_runtime(template.runtime)
            if hit.number is not None:
                context = _READ_AS.get(template.domain, template.domain)
                numbers.append(_evidence.NumberHint(hit.number, context, hit.start))
            if template.name:
                domain, _, name = template.name.partition(":")
                self._add_code(domain, name, _NAME, reason)
                if template.kind:
                    self._entry(domain, name).kind = template.kind
            elif template.kind:
                self._add_kind(template.kind, _STRONG, reason)
                self.kind_votes[template.kind] = self.kind_votes.get(template.kind, 0.0) + _KIND_VOTE
            if template.platform:
                ev.hint(template.platform, _PLATFORM_HINT)
                self.platform_reasons.append(f"{template.platform}: {reason}")
            if template.phase:
                self.phase = self.phase or template.phase
        if spans:
            ev.numbers = [h for h in ev.numbers if not any(a <= h.pos < b for a, b in spans)]
        ev.numbers.extend(numbers)

    def _captured_name(self, domain: str, written: str, reason: str) -> bool:
        """A code name a template captured (``ECONNRESET``, ``econnrefused``, ``Unavailable``)."""
        if domain in _RUNTIME_IDS:
            name = self.ix.runtime_name(domain, written)
            return name is not None and self._add_code(domain, name, _NAME, reason)
        upper = written.upper()
        if self._add_name(upper, _NAME, reason):
            return True
        aliases = [a for a in _aliases.by_token(upper) if a.type == "name"]
        for alias in aliases:
            self._alias(alias)
        return bool(aliases)

    def _alias(self, alias: _aliases.Alias) -> None:
        reason = f"{alias.runtime} {alias.alias}"
        if alias.phase and alias.type == "wrapper-message":
            self.phase = self.phase or alias.phase
        if alias.type == "wrapper-message":
            return
        kind = alias.kind or (self.ix.kind(alias.name) if alias.name else "")
        if alias.name:
            if alias.platform or (alias.kind and alias.kind != self.ix.kind(alias.name)):
                self._variant(alias)
            elif not self._add_name(alias.name, _ALIAS_NAME, reason):
                self._add_kind(kind, _KIND_ONLY, reason)
            if alias.kind:
                self.kind_votes[alias.kind] = self.kind_votes.get(alias.kind, 0.0) + _KIND_VOTE
        else:
            entry = self._add_kind(kind, _KIND_ONLY if alias.type != "message" else _STRONG, reason)
            if alias.type == "message":
                entry.alias_message = alias.alias

    def _variant(self, alias: _aliases.Alias) -> None:
        """A runtime's own text or code for a code name: its platform, number or kind differ."""
        domain = next(
            (d for d in DOMAINS if (alias.platform or "linux") in self.ix.numbers.get((d, alias.name), {})),
            "errno",
        )
        defined = self.ix.numbers.get((domain, alias.name), {})
        entry = self._entry(domain, alias.name, alias.runtime)
        if alias.kind:
            entry.kind = alias.kind
        for platform in (alias.platform,) if alias.platform else tuple(defined):
            number = alias.number if alias.number is not None else defined.get(platform)
            if number is not None:
                entry.numbers[platform] = number
            entry.add(platform, _STRONG if alias.type == "message" else _ALIAS_NAME, f"{alias.runtime} text")
        if alias.type == "message":
            entry.alias_message = alias.alias

    def _messages(self) -> None:
        texts = self.ix.texts
        aliases = _aliases.message_aliases()
        for hit in _evidence.find_phrases(self.text, _phrases()):
            phrase = hit.phrase
            if not hit.strong and phrase.count(" ") < 3 and phrase.isascii():
                continue
            if self._worded(hit):
                continue  # the runtime's own wording, already read
            weight = _STRONG if hit.strong else _WEAK
            number = _evidence.number_before(self.text, hit.pos)
            if number is not None and texts.get(phrase):
                self.wrapped.append(_evidence.NumberHint(number, "os", hit.pos))
            for alias in aliases.get(phrase, ()):
                self._alias(alias)
            for msgset, domain, name, fld, _text in texts.get(phrase, ()):
                w = weight * (0.5 if fld in ("title", "description") else 1.0)
                self._printed(msgset, domain, name, w, f"{msgset} text")
        self._localized()

    def _words(self, words: List[str]) -> None:
        """Plain words that named no code: every known message with these words in this order counts
        (less the more other words it has), and the words joined by ``_`` may name a kind, whose
        codes then count as the kind's name would make them."""
        joined = " ".join(words)
        kind = "_".join(words)
        if kind in {k.value for k in Kind}:
            self.kind_votes[kind] = self.kind_votes.get(kind, 0.0) + _KIND_VOTE
            codes = [
                self._add_name(name, _CLASS_NAME, f"kind {kind}")
                for name, (row_kind, _reason) in self.ix.kinds.items()
                if row_kind == kind
            ]
            if not any(codes):
                self._add_kind(kind, _KIND_ONLY, f"words {joined}")
        needle = f" {joined} "
        for padded, (size, texts) in _message_words().items():
            if needle in padded:
                weight = _WEAK * len(words) / size
                for text in texts:
                    for msgset, domain, name, _field, _text in self.ix.texts[text]:
                        self._printed(msgset, domain, name, weight, f"words in {msgset} text")

    def _worded(self, hit: _evidence.PhraseHit) -> bool:
        """The phrase lies inside a runtime's wording a recogniser already read."""
        return any(a <= hit.pos and hit.pos + len(hit.phrase) <= b for a, b in self.worded)

    def _printed(self, msgset: str, domain: str, name: str, weight: float, reason: str) -> Optional[_Entry]:
        """Evidence for a code from a text that ``msgset`` prints, on each platform printing it where
        the code exists; its entry, or None when no such platform defines it."""
        defined = self.ix.numbers.get((domain, name), {})
        entry = None
        for platform in platforms.platforms_printing(msgset):
            if platform in defined:
                entry = self._entry(domain, name)
                entry.add(platform, weight, reason)
        return entry

    def _localized(self) -> None:
        """Messages as localized systems print them (glibc's catalogs, Windows' FormatMessage): a
        language's table loads only when a word one of its texts starts with is in the query."""
        low = _evidence.fold(self.text)
        langs = self.ix.l10n_languages(_evidence.word_keys(low))
        # runs of spaces as one, as the tables have them (positions then only approximate the query's)
        query = self.text
        while "  " in query:  # each pass halves every run
            query = query.replace("  ", " ")
        for lang in langs:
            texts = self.ix.l10n_texts(lang)
            keyed, back = _l10n_phrases(lang, texts)
            for hit in _outermost(_evidence.find_phrases(query, keyed)):
                if not hit.strong and hit.phrase.count(" ") < 2 and hit.phrase.isascii():
                    continue
                if self._worded(hit):
                    continue
                weight = _STRONG if hit.strong or not hit.phrase.isascii() else _WEAK
                number = _evidence.number_before(query, hit.pos)
                if number is not None:
                    self.wrapped.append(_evidence.NumberHint(number, "os", hit.pos))
                for key in back[hit.phrase]:
                    for row in texts[key]:
                        self._localized_code(lang, row, weight)

    def _localized_code(self, lang: str, row: _fastindex.L10nRow, weight: float) -> None:
        msgset, domain, name, _field, text, _source, _status = row
        entry = self._printed(msgset, domain, name, weight, f"{msgset} {lang} text")
        if entry is not None:
            # one text can be several languages' (pt and pt_BR, es and gl): name them all
            langs = entry.localized[0].split(", ") if entry.localized else []
            if lang not in langs:
                langs.append(lang)
            entry.localized = (", ".join(sorted(langs)), text)

    # ranking

    def run(self) -> Explanation:
        ev = _evidence.scan(self.text)
        if not (ev.numbers and ev.numbers[0].context in ("bare", "hex", "hresult")):  # not a lone number
            self._recognised(ev)
        if ev.reprs:  # ConnectionResetError(104, '...'), socket.error(10054, '...')
            self._seen_runtime("python")
        self._names(ev)
        if not _code_only(self.text, ev, bool(self.entries)):
            self._messages()
        if not any(entry.domain for entry in self.entries.values()):
            words = _plain_words(self.text)
            if words:
                self._words(words)
        ev.numbers.extend(h for h in self.wrapped if all(n.pos != h.pos for n in ev.numbers))
        self._numbers(ev)  # last: a runtime variant's own number must be known first
        hints = dict(ev.hints)
        scored = []
        for entry in self.entries.values():
            for kind, vote in self.kind_votes.items():
                if entry.kind == kind and entry.domain:
                    for platform in list(entry.scores):
                        entry.add(platform, vote, "exception class")
            result = self._score(entry, hints, ev.posix)
            if result is not None:
                scored.append(result)
        # a runtime's own code first (the layer that printed the error; of two, the one the text
        # gave first), then by weight of evidence
        order = {
            id(entry): i for i, entry in enumerate(self.entries.values()) if entry.domain in _RUNTIME_IDS
        }
        scored.sort(
            key=lambda item: (
                item[3].domain not in _RUNTIME_IDS,
                -item[0],
                order.get(id(item[3]), 0),
                item[3].name,
            )
        )
        scored = _drop_redundant_kinds(scored)
        ambiguous = _ambiguous(scored, self.bare)
        limit = 40 if self.bare else _MAX_CANDIDATES
        scored = scored[:limit]
        # the first answer counts as the strongest even where the layer rule, not weight, put it first
        top = max((s[0] for s in scored), default=0.0)
        weights = [math.exp(((top if i == 0 else s[0]) - top) / 2.0) for i, s in enumerate(scored)]
        total = sum(weights) or 1.0
        inner = _inner(scored, hints, self.forced)
        candidates = tuple(
            self._candidate(entry, platform, group, round(w / total, 3), inner)
            for (_s, platform, group, entry), w in zip(scored, weights)
        )
        best_platform = candidates[0].platform if candidates else None
        return Explanation(
            self.text,
            candidates,
            ambiguous,
            best_platform,
            {k: round(v, 2) for k, v in hints.items()},
            tuple(self.runtimes),
        )

    def _score(
        self, entry: _Entry, hints: Dict[str, float], posix: bool
    ) -> Optional[Tuple[float, Optional[str], Tuple[str, ...], _Entry]]:
        if not entry.domain:
            raw = entry.scores.get("", 0.0)
            if self.forced:
                platform: Optional[str] = self.forced
            else:
                platform = max(hints, key=lambda p: hints[p]) if hints else None
            return raw, platform, (), entry
        if entry.domain in _RUNTIME_IDS and "" in entry.scores:  # the same number everywhere
            return entry.scores[""] + _LAYER + _NETWORK_BONUS, None, (), entry
        best: Optional[Tuple[float, float, str]] = None
        for platform, raw in entry.scores.items():
            if self.forced and platform != self.forced:
                continue
            total = raw + hints.get(platform, 0.0) + platforms.get(platform).prior
            if entry.domain in _RUNTIME_IDS:
                total += _LAYER
            if posix and platform == "windows":
                total -= 2.0
            if entry.kind not in ("unknown", "invalid"):
                total += _NETWORK_BONUS
            if best is None or total > best[0]:
                best = (total, raw, platform)
        if best is None:
            return None
        total, raw, platform = best
        number = entry.numbers.get(platform)
        group = tuple(
            p
            for p in PLATFORMS
            if entry.scores.get(p) == raw
            and entry.numbers.get(p) == number
            and (not self.forced or p == self.forced)
        )
        return total, platform, group, entry

    def _candidate(
        self, entry: _Entry, platform: Optional[str], group: Tuple[str, ...], confidence: float, inner: _Inner
    ) -> Candidate:
        if entry.domain in _RUNTIME_IDS:
            return self._runtime_candidate(entry, platform, group, confidence, inner)
        kind = kind_of(entry.kind)
        phase = self.phase or kind.phase
        retry = kind.retry
        if phase == "connect" and retry != "no":
            retry = "safe"  # nothing was sent yet: urllib3 retries connect errors for any method
        notes: List[str] = []
        if not entry.domain:
            exception = self.classes.get(kind.value) or kind.builtin
            message = entry.alias_message or kind.meaning
            notes.extend(_notes_for(f"kind:{kind}", platform))
            return Candidate(
                None,
                None,
                None,
                platform,
                kind,
                exception,
                message,
                tuple(notes),
                retry,
                confidence,
                kind.side,
                phase,
                kind.meaning,
                group,
                {},
                None,
                None,
                {},
                None,
                tuple(entry.reasons),
            )
        assert platform is not None
        number = entry.numbers.get(platform)
        exception, python_errno, winerror, shown_name, shown_domain = _python_view(
            platform, entry.domain, entry.name, number
        )
        message = entry.alias_message or self.ix.message(platform, shown_domain, shown_name) or ""
        reason = self.ix.kinds.get(entry.name, ("", ""))[1]
        if reason:
            notes.append(reason)
        notes.extend(_notes_for(entry.name, platform))
        row = self.ix.anchors.get(shown_name) or self.ix.anchors.get(entry.name) or {}
        anchors = {k: row[k] for k in _fastindex.ANCHOR_RUNTIMES if k in row}
        shown_number = (
            python_errno
            if (platform == "windows" and entry.domain == "errno" and python_errno is not None)
            else number
        )
        return Candidate(
            entry.name,
            shown_number,
            entry.domain,
            platform,
            kind,
            exception,
            message,
            tuple(notes),
            retry,
            confidence,
            kind.side,
            phase,
            kind.meaning,
            group,
            dict(entry.numbers),
            python_errno,
            winerror,
            dict(anchors),
            entry.variant,
            tuple(entry.reasons),
            None,
            *(entry.localized or (None, None)),
        )

    def _runtime_candidate(
        self, entry: _Entry, platform: Optional[str], group: Tuple[str, ...], confidence: float, inner: _Inner
    ) -> Candidate:
        """A runtime's own code: the OS error it carries (the best OS-code answer in the same text)
        gives its kind where its own is generic, and its platform."""
        number, os_code, _numbering, carries, text, source = self.ix.runtime_codes[(entry.domain, entry.name)]
        kind = kind_of(entry.kind)
        inner_kind, inner_platform, inner_name = inner
        if inner_kind is not None and inner_kind is not Kind.UNKNOWN and (carries or kind is Kind.UNKNOWN):
            kind = inner_kind
        if platform is None:
            platform = inner_platform
        if platform is not None and platform in entry.numbers:
            number = entry.numbers[platform]
        phase = self.phase or kind.phase
        retry = "safe" if phase == "connect" and kind.retry != "no" else kind.retry
        reason = self.ix.kinds.get(entry.name, ("", ""))[1] or f"{entry.domain} {entry.name}: {text}"
        notes = [f"{reason} [{source}]"]
        if os_code:
            notes.extend(_notes_for(os_code, platform))
        row = self.ix.anchors.get(os_code) or {}
        anchors = {k: row[k] for k in _fastindex.ANCHOR_RUNTIMES if k in row}
        numbers = {p: n for p, n in entry.numbers.items() if p}
        return Candidate(
            entry.name,
            number,
            entry.domain,
            platform,
            kind,
            self.classes.get(kind.value) or kind.builtin,
            text,
            tuple(notes),
            retry,
            confidence,
            kind.side,
            phase,
            kind.meaning,
            group,
            numbers,
            None,
            None,
            anchors,
            entry.variant,
            tuple(entry.reasons + self.platform_reasons),
            os_code or inner_name,
        )


if TYPE_CHECKING:
    #: (kind, platform, OS code name) of the best OS-level answer under a runtime's code
    _Inner = Tuple[Optional[Kind], Optional[str], Optional[str]]


def _inner(scored: List[Any], hints: Dict[str, float], forced: Optional[str]) -> _Inner:
    """The OS error under a runtime's code: the best OS code in the text, else the best kind the
    wording proves; the platform from that code or the text's hints."""
    platform = forced or (max(hints, key=lambda p: hints[p]) if hints else None)
    for _score, code_platform, _group, entry in scored:
        if entry.domain in DOMAINS and kind_of(entry.kind).network:
            return kind_of(entry.kind), code_platform, entry.name
    for _score, _platform, _group, entry in scored:
        if not entry.domain and kind_of(entry.kind).network:
            return kind_of(entry.kind), platform, None
    return None, platform, None


def _code_only(text: str, ev: _evidence.Evidence, found: bool) -> bool:
    """A lone number, or one identifier already recognised: no message text to look for."""
    stripped = text.strip()
    if ev.numbers and ev.numbers[0].context in ("bare", "hex", "hresult"):
        return True
    return found and len(ev.names) == 1 and ev.names[0][0] == stripped


def _fits(context: str, platform: str, domain: str, value: int) -> bool:
    """Could a number seen in ``context`` be a code of ``domain`` on ``platform``?"""
    windows = platform == "windows"
    if context == "os":  # errno, or the Winsock code on Windows
        return domain == ("winsock" if windows else "errno")
    if context in ("winerror", "repr_winerror", "hresult"):
        return windows and domain in ("winsock", "win32")
    if context == "gai":
        return domain == "eai"
    if domain == "win32":
        return windows and context in ("bare", "hex", "error")
    if context in ("errno", "repr_errno") and windows and domain == "errno":
        return value < 100  # socket errno values on Windows are the WSA codes
    return True


def _python_view(
    platform: str, domain: str, name: str, number: Optional[int]
) -> Tuple[str, Optional[int], Optional[int], str, str]:
    """(exception, errno, winerror, name shown, domain shown) as CPython presents the code."""
    from connerr import pyrules

    if number is None:
        return "OSError", None, None, name, domain
    ix = _fastindex.get()
    shown_domain, shown_name, shown_number = ix.python_identity(platform, domain, name, number)
    try:
        view = pyrules.python_view(
            platform, shown_domain, shown_name, shown_number, numbers=ix.numbers_on(platform, "errno")
        )
    except ValueError:
        return "OSError", number, None, name, domain
    return view.exception, view.errno, view.winerror, shown_name, shown_domain


def _drop_redundant_kinds(scored: List[Any]) -> List[Any]:
    """A kind-only entry adds nothing below a code entry of the same kind."""
    seen_kinds = set()
    out = []
    for item in scored:
        entry = item[3]
        if not entry.domain and entry.kind in seen_kinds:
            continue
        if entry.domain:
            seen_kinds.add(entry.kind)
        out.append(item)
    return out


def _ambiguous(scored: List[Any], bare: bool) -> bool:
    """True when several different codes fit a number-only query about equally."""
    if len(scored) < 2:
        return False
    top = scored[0]
    number_only = all(reason.split(" ")[0] in _NUMBER_WEIGHT for reason in top[3].reasons)
    if not (bare or number_only):
        return False
    names = {item[3].name for item in scored if item[0] >= top[0] - 2.5}
    return len(names) > 1


# -- logs ------------------------------------------------------------------------------------------


class Summary(NamedTuple):
    """Many errors in one text (a log): each distinct signature once, with its count."""

    #: (explanation of the first line with that signature, number of lines with it), most frequent first
    signatures: Tuple[Tuple[Explanation, int], ...]
    lines: int

    def counts(self, attribute: str) -> Dict[str, int]:
        """Lines per value of a best-candidate attribute (``kind``, ``platform``)."""
        out: Dict[str, int] = {}
        for explanation, count in self.signatures:
            best = explanation.best
            key = str(getattr(best, attribute, None) or "?")
            out[key] = out.get(key, 0) + count
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        return {
            "lines": self.lines,
            "errors": sum(c for _e, c in self.signatures),
            "kinds": self.counts("kind"),
            "platforms": self.counts("platform"),
            "signatures": [
                dict(e.candidates[0].to_dict(), count=c, example=e.query[:300]) for e, c in self.signatures
            ],
        }


def signature(explanation: Explanation) -> Optional[Tuple[Any, ...]]:
    """(name, number, platform, kind) of the best candidate, or None."""
    best = explanation.best
    return None if best is None else (best.name, best.number, best.platform, best.kind)


def _evidence_keys(text: str, log: bool = False) -> List[Tuple[str, int]]:
    """(evidence key, position) for everything in ``text`` that can name a code or a kind.

    In a ``log`` line a class name that is also a plain word (``timeout``, ``error``) counts only
    with its module (``socket.timeout``): config keys and prose use the word."""
    from connerr._rules import is_plain_word

    ev = _evidence.scan(text, log)
    out: List[Tuple[str, int]] = [(f"{h.context}:{h.value}", h.pos) for h in ev.numbers]
    code_names = _fastindex.get().code_names
    known: Dict[str, bool] = {}
    for token, module, pos in ev.names:
        relevant = known.get(token)
        if relevant is None:
            relevant = known[token] = (
                token in code_names
                or bool(_aliases.by_token(token))
                or (bool(_class_rules(token, module)) and not (log and not module and is_plain_word(token)))
            )
        if relevant:
            out.append((token, pos))
    for hit in _evidence.find_phrases(text, _phrases()):
        if hit.strong or hit.phrase.count(" ") >= 3 or not hit.phrase.isascii():
            out.append((hit.phrase, hit.pos))
    return out
