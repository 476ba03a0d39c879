"""explain() on what every runtime and tool prints: the real strings of tests/data/runtime_cases.tsv.

Each row is a string copied from a public report (its URL is in the row) with the answer an expert
gives: the code (domain, name, number) where the string proves one, the platform where it proves
one, the kind, and the runtime whose wording it is. Every row must pass.
"""

from __future__ import annotations

import re

import pytest
from _support import CorpusRow, read_corpus

from connerr import explain
from connerr._domains import RUNTIME_DOMAINS
from connerr._recognise import RUNTIME_NAMES

ROWS = read_corpus("runtime_cases.tsv")


def test_corpus_is_large_varied_and_sourced() -> None:
    runtimes = {r.runtime for r in ROWS if r.runtime}
    assert len(ROWS) >= 200
    assert len(runtimes) >= 15, sorted(runtimes)
    assert runtimes <= set(RUNTIME_NAMES), runtimes - set(RUNTIME_NAMES)
    assert all(re.match(r"https://[\w.-]+/\S+", r.url) for r in ROWS)
    assert len({r.query for r in ROWS}) == len(ROWS), "duplicate strings"
    # every runtime domain is exercised
    assert {d.id for d in RUNTIME_DOMAINS} <= {r.domain for r in ROWS}
    # whole log lines, stack traces and nested wrappers, not only bare messages
    assert sum("\n" in r.query for r in ROWS) >= 40
    assert sum(len(r.query) > 150 for r in ROWS) >= 60


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.runtime or 'unknown'}-{i}" for i, r in enumerate(ROWS)])
def test_runtime_string(row: CorpusRow) -> None:
    found = explain(row.query)
    if row.runtime:
        assert row.runtime in found.runtimes, (row.query, found.runtimes)
    best = found.best
    if best is None:
        # nothing in the string proves a cause: acceptable only where the expert answer is "unknown"
        assert row.kind == "unknown" and not row.name, row.query
        return
    got = {"kind": best.kind.value}
    want = {"kind": row.kind}
    if row.name:
        got.update(domain=best.domain or "", name=best.name or "")
        want.update(domain=row.domain, name=row.name)
    if row.number:
        got["number"] = str(best.number)
        want["number"] = row.number
    if row.platform:
        got["platform"] = best.platform or ""
        want["platform"] = row.platform
    assert got == want, (row.query, [c.reasons for c in found.candidates[:3]])


def test_a_curl_exit_code_is_never_read_as_an_errno() -> None:
    for text in ("cURL error 28: Operation timed out after 10004 ms", "curl: (7) Failed to connect"):
        assert all(c.domain != "errno" or c.number not in (28, 7) for c in explain(text).candidates), text


def test_http_statuses_are_not_errnos() -> None:
    found = explain("(HTTP code 500) server error - Get https://registry-1.docker.io/v2/")
    assert all(c.number != 500 for c in found.candidates)


@pytest.mark.parametrize(
    "text",
    ["process exited with exit code 2", "upstream returned HTTP code 500", "status code 404 from the server"],
)
def test_exit_and_http_statuses_are_not_read_as_codes(text: str) -> None:
    assert explain(text).best is None


@pytest.mark.parametrize(
    ("text", "number", "platform"),
    [
        ("(54: Connection reset by peer) while reading response header from upstream", 54, "darwin"),
        ("(104: Connection reset by peer) while reading response header from upstream", 104, "linux"),
        ("Can't connect to MySQL server on 'db' (61 \"Connection refused\")", None, "darwin"),
    ],
)
def test_a_number_opening_the_parenthesis_of_an_os_message_is_its_code(
    text: str, number: int, platform: str
) -> None:
    best = explain(text).best
    assert best is not None and best.platform == platform
    assert number is None or best.number == number
