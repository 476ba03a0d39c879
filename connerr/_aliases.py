"""What other runtimes call a code: Node/libuv codes, Rust ``io::ErrorKind``, Python and library classes.

The rows live in ``connerr/data/aliases.tsv`` (each with its source). Types:

* ``name``: a token standing for a code (``ENOTFOUND`` -> ``EAI_NONAME``) or a kind (``UV_EOF``);
* ``message``: a text that is not in messages.tsv (CPython's own texts, localized FormatMessage,
  Android's resolver);
* ``wrapper-message``: a library's wrapper text (``Connection aborted.``); it tells the phase.

Exception class names are not here: they are the rule table's (:mod:`connerr._rules`), which
normalize() reads too; libuv's ``UV_*`` names are codes of their own (``domains.tsv``).
"""

from __future__ import annotations

from connerr import _fastindex
from connerr._fastindex import normalize_message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, NamedTuple, Optional
else:
    from connerr._namedtuple import NamedTuple

__all__ = ["Alias", "by_token", "message_aliases"]


class Alias(NamedTuple):
    """One row of aliases.tsv."""

    alias: str
    type: str
    name: str
    kind: str
    platform: str
    number: Optional[int]
    phase: str
    runtime: str
    source: str


_tokens: Optional[Dict[str, List[Alias]]] = None
_messages: Optional[Dict[str, List[Alias]]] = None


def _load() -> None:
    global _tokens, _messages
    tokens: Dict[str, List[Alias]] = {}
    messages: Dict[str, List[Alias]] = {}
    for alias, typ, name, kind, platform, number, phase, runtime, source in _fastindex.get().aliases:
        row = Alias(alias, typ, name, kind, platform, int(number) if number else None, phase, runtime, source)
        if typ in ("message", "wrapper-message"):
            messages.setdefault(normalize_message(alias), []).append(row)
        else:
            tokens.setdefault(alias.upper(), []).append(row)  # code-like names match in any case
    _tokens, _messages = tokens, messages


def by_token(token: str) -> List[Alias]:
    """Alias rows for an identifier as written (``ENOTFOUND``, ``ConnectionAborted``)."""
    if _tokens is None:
        _load()
    assert _tokens is not None
    return list(_tokens.get(token.upper(), ()))


def message_aliases() -> Dict[str, List[Alias]]:
    """normalized text -> alias rows of type ``message`` and ``wrapper-message``."""
    if _messages is None:
        _load()
    assert _messages is not None
    return _messages
