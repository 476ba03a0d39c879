"""Localized messages: every glibc translation and Windows text of connerr/data/l10n.tsv is recognised,
alone and inside the lines programs print, and so is every real report of tests/data/l10n_cases.tsv."""

from __future__ import annotations

import json
from typing import Dict, List, NamedTuple, Set, Tuple

import pytest
from _support import CorpusRow, read_corpus

from connerr import _fastindex, explain
from connerr._data import read_rows
from connerr.cli import main
from connerr.platforms import platforms_printing

HEADER, ROWS = read_rows("l10n.tsv")


class Text(NamedTuple):
    lang: str
    msgset: str
    domain: str
    text: str
    #: every code this language prints this text for (one text may stand for several)
    names: Tuple[str, ...]


def _texts() -> List[Text]:
    grouped: Dict[Tuple[str, str, str], Set[Tuple[str, str]]] = {}
    originals: Dict[Tuple[str, str, str], str] = {}
    for lang, msgset, domain, name, _field, text, _source, _status in ROWS:
        key = (lang, msgset, _fastindex.normalize_message(text))
        grouped.setdefault(key, set()).add((domain, name))
        originals[key] = text
    return [
        Text(key[0], key[1], min(codes)[0], originals[key], tuple(sorted(n for _d, n in codes)))
        for key, codes in sorted(grouped.items())
    ]


TEXTS = _texts()
GLIBC = [t for t in TEXTS if t.msgset == "linux-glibc"]


def test_header_and_sources() -> None:
    assert HEADER == ["lang", "msgset", "domain", "name", "field", "text", "source", "status"]
    assert all(row[6] and row[7] in ("verified", "observed", "documented") for row in ROWS)


def test_every_glibc_language_of_libc_l10n_is_there() -> None:
    langs = {t.lang for t in GLIBC}
    # Debian's libc-l10n 2.36 ships 37 catalogs: en_GB repeats the English texts and ia translates
    # none of the network messages; every other one is here
    assert len(langs) >= 35, sorted(langs)
    for lang in ("de", "fr", "es", "pt_BR", "ru", "ja", "zh_CN", "zh_TW", "ko", "it", "pl", "tr", "uk"):
        assert lang in langs


def _check(text: Text, query: str) -> None:
    found = explain(query)
    names = {c.name for c in found.candidates}
    best = found.best
    assert best is not None, query
    assert best.name in text.names and set(text.names) <= names, (query, [c.name for c in found.candidates])
    assert best.platform in platforms_printing(text.msgset), (query, best.platform)
    assert best.language is not None and text.lang in best.language.split(", ") and best.localized, query


@pytest.mark.parametrize("text", TEXTS, ids=[f"{t.lang}-{t.names[0]}" for t in TEXTS])
def test_a_localized_text_alone(text: Text) -> None:
    _check(text, text.text)


def _line(text: Text) -> str:
    """The line a program prints around this text."""
    if text.msgset == "windows":
        return f"dial tcp 10.0.0.5:443: connectex: {text.text}"
    if text.domain == "eai":
        return f"ssh: Could not resolve hostname db.internal: {text.text}"
    return f"ssh: connect to host db.internal port 22: {text.text}"


@pytest.mark.parametrize("text", TEXTS, ids=[f"{t.lang}-{t.names[0]}" for t in TEXTS])
def test_a_localized_text_in_a_log_line(text: Text) -> None:
    _check(text, f"2026-12-02T10:00:00Z ERROR {_line(text)}")


@pytest.mark.parametrize(
    "text",
    [t for t in TEXTS if len(t.names) == 1],
    ids=[f"{t.lang}-{t.names[0]}" for t in TEXTS if len(t.names) == 1],
)
def test_a_localized_text_after_its_number(text: Text) -> None:
    ix = _fastindex.get()
    platform = "windows" if text.msgset == "windows" else "linux"
    number = ix.numbers.get((text.domain, text.names[0]), {}).get(platform)
    if number is None:
        pytest.skip("no number on this platform")
    tag = "WinError" if text.msgset == "windows" else "Errno"
    found = explain(f"OSError: [{tag} {number}] {text.text}")
    assert found.best is not None and text.lang in (found.best.language or "").split(", ")


def test_full_width_and_spacing_variants() -> None:
    for query in ("ssh: connect to host db port 22:\u3000接続を拒否されました\uff0e", "Conexão   recusada"):
        best = explain(query).best
        assert best is not None and best.name == "ECONNREFUSED", query


def test_english_text_loads_no_language_table() -> None:
    ix = _fastindex.get()
    ix._l10n.clear()
    explain(
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries "
        "exceeded with url: / (Caused by NewConnectionError('[Errno 111] Connection refused'))"
    )
    assert not ix._l10n


def test_the_answer_shows_both_texts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "Conexão recusada"]) == 0
    out = capsys.readouterr().out
    assert "Conexão recusada (pt_BR)" in out and "Connection refused" in out


def test_table_lang(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--lang", "pt_BR", "--all", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["records"]
    assert {"ECONNREFUSED", "ECONNRESET", "EAI_AGAIN"} <= {r["name"] for r in rows}
    assert all(r["source"] and r["english"] for r in rows if r["msgset"] == "linux-glibc")
    assert main(["table", "--lang", "tlh"]) == 1


@pytest.mark.parametrize(
    "case", read_corpus("l10n_cases.tsv"), ids=lambda c: c.url.rsplit("/", 2)[-2] + "-" + c.name
)
def test_real_report(case: CorpusRow) -> None:
    found = explain(case.query)
    best = found.best
    assert best is not None, case.query
    got = {"kind": best.kind.value, "domain": best.domain or "", "name": best.name or ""}
    want = {"kind": case.kind, "domain": case.domain, "name": case.name}
    if case.number:
        got["number"], want["number"] = str(best.number), case.number
    if case.platform:
        got["platform"], want["platform"] = best.platform or "", case.platform
    assert got == want, (case.query, [c.reasons for c in found.candidates[:3]])
    assert any(c.language for c in found.candidates), "the localized text was read"


def _wrapped_lines(text: Text) -> List[str]:
    """The lines tools print around an OS error: .NET's SocketException (the OS code is the answer);
    curl's and git's messages that carry it (the tool's own code is the answer, the OS code under it)."""
    git = "fatal: unable to access 'https://git.example/r.git/':"
    if text.msgset == "windows":
        dotnet = f"System.Net.Sockets.SocketException (10054): {text.text}"
        return [dotnet] if "WSAECONNRESET" in text.names else []
    if text.domain == "eai":
        return [f"{git} Could not resolve host: git.example: {text.text}"]
    return [
        f"curl: (7) Failed to connect to db.internal port 80 after 3 ms: {text.text}",
        f"{git} Failed to connect to git.example port 443: {text.text}",
    ]


CARRIED = {
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "EAI_NONAME",
    "EAI_AGAIN",
    "WSAECONNRESET",
}
WRAPPED = [(t, line) for t in TEXTS if set(t.names) & CARRIED for line in _wrapped_lines(t)]


@pytest.mark.parametrize(
    ("text", "line"), WRAPPED, ids=[f"{t.lang}-{t.names[0]}-{i}" for i, (t, _line) in enumerate(WRAPPED)]
)
def test_a_localized_text_inside_a_tools_own_message(text: Text, line: str) -> None:
    found = explain(line)
    best = found.best
    assert best is not None, line
    code = best.name if text.msgset == "windows" else best.os_code
    assert code in text.names, (line, best)
    assert best.kind.value == _fastindex.get().kind(code or ""), line
    assert any(c.language and text.lang in c.language.split(", ") for c in found.candidates), line
