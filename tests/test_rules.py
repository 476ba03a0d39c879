"""One rule table for exception types: normalize() and explain agree on every rule.

For each rule that gives a kind, an instance of the class (the real one where the library is
installed, else a class with the same module and name, which is all the table looks at) is
normalized, and ``"module.Class: message"`` is explained; both must answer the rule's kind.
"""

from __future__ import annotations

from typing import List

import pytest
from _support import MESSAGE, MODULE_OF, rule_instance

from connerr import _rules
from connerr._explain import explain
from connerr._normalize import normalize

RULES_WITH_KIND: List[_rules.TypeRule] = [r for r in _rules.RULES if r.kind is not None]


def test_every_library_has_a_module() -> None:
    assert {r.library for r in _rules.RULES} <= set(MODULE_OF)


def test_rule_names_are_unique_per_library() -> None:
    keys = [(r.library, r.name) for r in _rules.RULES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("rule", RULES_WITH_KIND, ids=lambda r: f"{r.library}.{r.name}")
def test_normalize_and_explain_agree(rule: _rules.TypeRule) -> None:
    exc, dotted = rule_instance(rule)
    normalized = normalize(exc)
    best = explain(f"{dotted}: {MESSAGE}").best
    assert normalized.kind is rule.kind, (dotted, normalized)
    assert best is not None and best.kind is rule.kind, (dotted, best)
    if rule.code:
        assert best.name == rule.code


@pytest.mark.parametrize(
    "rule", [r for r in _rules.RULES if r.kind is None and r.phase], ids=lambda r: f"{r.library}.{r.name}"
)
def test_wrappers_give_their_phase_to_both(rule: _rules.TypeRule) -> None:
    """A wrapper around a reset: the reset decides the kind, the wrapper the phase, in both."""
    _exc, dotted = rule_instance(rule)
    best = explain(f"{dotted}: [Errno 104] Connection reset by peer").best
    assert best is not None and best.kind == "connection_reset" and best.phase == rule.phase


def test_plain_words_are_not_class_names() -> None:
    assert _rules.rules_named("timeout") == []
    assert _rules.rules_named("Timeout") == []
    assert [r.library for r in _rules.rules_named("timeout", "socket")] == ["socket"]
    assert {r.library for r in _rules.rules_named("ReadTimeout")} == {"requests", "httpx", "httpcore"}


@pytest.mark.parametrize("rule", _rules.TEXT_RULES, ids=lambda r: f"{r.library}.{r.name or '*'}:{r.phrase}")
def test_every_phrase_rule_decides_by_message(rule: _rules.TextRule) -> None:
    """A library error whose only clue is the phrase: normalize answers the phrase's kind, says the
    evidence was the message, and names where the library says it."""
    name = rule.name or next(r.name for r in _rules.RULES if r.library == rule.library)
    module = MODULE_OF[rule.library]
    cls = type(name, (Exception,), {"__module__": module})
    diagnosis = normalize(cls(f"it failed: {rule.phrase.upper()} (and more)"))
    assert diagnosis.kind is rule.kind, diagnosis
    assert diagnosis.evidence == "message", diagnosis
    assert rule.source and any(rule.source in note for note in diagnosis.notes), diagnosis.notes
