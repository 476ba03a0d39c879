"""connerr.explain: the real-world case table, evidence parsing, linear time, never raising."""

from __future__ import annotations

import json
import os
import time
from typing import List, NamedTuple, Optional

import pytest
from _support import CANDIDATE_KEYS
from hypothesis import given, settings
from hypothesis import strategies as st

from connerr import _evidence, _fastindex, reference
from connerr._explain import Explanation, _notes_for, explain
from connerr._logscan import summarize

CASES_FILE = os.path.join(os.path.dirname(__file__), "data", "explain_cases.tsv")


class Case(NamedTuple):
    family: str
    query: str
    name: str
    number: Optional[int]
    platform: str
    kind: str


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def load_cases() -> List[Case]:
    cases = []
    with open(CASES_FILE, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if not line.startswith("#")]
    for line in lines[1:]:
        family, query, name, number, platform, kind = line.split("\t")
        cases.append(Case(family, _unescape(query), name, int(number) if number else None, platform, kind))
    return cases


CASES = load_cases()


def test_case_table_is_large_and_covers_every_family() -> None:
    families = {c.family for c in CASES}
    assert len(CASES) >= 100
    assert families == {"linux", "macos", "windows", "wrapper"}
    assert len({c.query for c in CASES}) == len(CASES), "duplicate queries"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.family}-{i}" for i, c in enumerate(CASES)])
def test_real_world_string(case: Case) -> None:
    result = explain(case.query)
    best = result.best
    assert best is not None, case.query
    got = (best.name or "", best.number, best.platform or "" if case.name else "", best.kind)
    want = (case.name, case.number, case.platform, case.kind or best.kind)
    assert got == want, f"{case.query!r}: {[c.to_dict()['reasons'] for c in result.candidates[:3]]}"
    if case.name:
        assert best.platform, "a code answer names its platform"


def test_json_shape_is_the_design_contract() -> None:
    data = json.loads(json.dumps(explain("10053").to_dict()))
    assert set(data) >= {"query", "candidates"}
    assert set(data["candidates"][0]) >= CANDIDATE_KEYS
    assert data["candidates"][0]["name"] == "WSAECONNABORTED"


def test_bare_number_is_ambiguous_and_lists_every_platform_ranked() -> None:
    result = explain("54")
    assert result.ambiguous
    names = [c.name for c in result.candidates]
    assert names[0] == "ECONNRESET" and "EXFULL" in names
    assert "darwin" in result.candidates[0].platforms
    kinds = [c.kind for c in result.candidates]
    assert kinds.index("unknown") > 0  # network codes first


def test_a_number_that_fits_one_platform_is_not_ambiguous() -> None:
    result = explain("10054")
    assert not result.ambiguous and result.platform == "windows"


def test_platform_override() -> None:
    assert explain("54", platform="linux").best.name == "EXFULL"  # type: ignore[union-attr]
    best = explain("ECONNRESET", platform="windows").best
    assert best is not None and best.platform == "windows" and best.number == 10054
    assert best.python_errno == 10054
    with pytest.raises(ValueError):
        explain("54", platform="plan9")


def test_windows_errno_name_shows_what_python_shows() -> None:
    best = explain("ECONNABORTED", platform="windows").best
    assert best is not None
    assert best.exception == "ConnectionAbortedError" and best.python_errno == 10053
    assert best.numbers["windows"] == 106  # the CRT header's value


def test_candidate_carries_advice_and_other_runtimes() -> None:
    best = explain(
        "[WinError 10053] An established connection was aborted by the software in your host machine"
    ).best
    assert best is not None
    assert best.retry in ("safe", "idempotent_only", "no") and best.meaning
    assert best.anchors["rust"] == "ConnectionAborted"
    assert best.notes


def test_wrapper_shape_sets_the_phase() -> None:
    refused = explain(
        "Max retries exceeded with url: / (Caused by NewConnectionError('<x>: Failed to "
        "establish a new connection: [Errno 104] Connection reset by peer'))"
    ).best
    assert refused is not None and refused.phase == "connect" and refused.retry == "safe"
    aborted = explain("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))").best
    assert aborted is not None and aborted.phase == "transfer" and aborted.retry == "idempotent_only"


def test_nothing_found() -> None:
    assert not explain("hello world")
    assert not explain("")
    assert explain("   ").candidates == ()


def test_notes_source_is_pluggable() -> None:
    assert isinstance(_notes_for("ECONNRESET", "linux"), list)
    assert _notes_for(None, None) == []


def test_fast_index_agrees_with_reference() -> None:
    ix = _fastindex.get()
    for number in (54, 104, 10053, -2, 11001):
        ref = {(tag, r.domain, r.name) for tag, r in reference.by_number(number)}
        fast = {
            (tag, dom, name) for (tag, dom, n), names in ix.by_number.items() if n == number for name in names
        }
        assert ref == fast
    for record in reference.records(platform="windows")[:50]:
        entry = record.platforms["windows"]
        if record.domain != "errno":
            assert ix.message("windows", record.domain, record.name) == entry.message


def test_evidence_contexts() -> None:
    ctx = {
        (h.value, h.context)
        for h in _evidence.scan(
            "WinError 10053 errno=104 error 10054 (os error 111) [Errno -2] code: 0x2746 line 12"
        ).numbers
    }
    assert ctx == {
        (10053, "winerror"),
        (104, "errno"),
        (10054, "error"),
        (111, "os_error"),
        (-2, "errno"),
        (10054, "error"),
    }
    ev = _evidence.scan("ConnectionResetError(10054, 'x', None, 10054, None)")
    assert {(h.value, h.context) for h in ev.numbers} == {(10054, "repr_errno"), (10054, "repr_winerror")}
    assert not _evidence.scan("SSLEOFError(8, 'EOF occurred in violation of protocol')").numbers


ADVERSARIAL = [
    "a" * 1_000_000,
    "[" * 1_000_000,
    "'" + "x" * 999_999,
    "errno" + " " * 999_995,
    "[Errno " * 140_000,
    "ConnectionResetError(" * 50_000,
    ("0x" + "f" * 30 + " ") * 30_000,
    "A.b" * 333_333,
    "Connection reset by " * 50_000,
    "(1, '" * 200_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_one_megabyte_of_adversarial_text_is_linear(text: str) -> None:
    start = time.perf_counter()
    explain(text)
    assert time.perf_counter() - start < 20.0  # catastrophic backtracking would take hours


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_explain_never_raises(text: str) -> None:
    result = explain(text)
    assert isinstance(result, Explanation)
    json.dumps(result.to_dict())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "[Errno ",
                "[WinError ",
                "-",
                "0x",
                "104",
                "10054",
                "]",
                "'",
                "(",
                ")",
                ", None",
                "Error",
                "errno=",
                " ",
                "\n",
                "Connection reset by peer",
                "ECONNRESET",
                "UV_",
                "gaierror",
                "SSL",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_explain_never_raises_on_error_shaped_text(text: str) -> None:
    explain(text)
    summarize(text)


def test_summary_of_a_log() -> None:
    log = "\n".join(
        [
            "INFO start",
            "ConnectionResetError: [Errno 104] Connection reset by peer",
            "ok",
            "ConnectionResetError: [Errno 104] Connection reset by peer",
            "socket.gaierror: [Errno -3] Temporary failure in name resolution",
            "ConnectionRefusedError: [WinError 10061] No connection could be made because the "
            "target machine actively refused it",
        ]
    )
    summary = summarize(log)
    data = summary.to_dict()
    assert data["errors"] == 4
    assert data["kinds"] == {"connection_reset": 2, "connection_refused": 1, "name_temporary_failure": 1}
    assert data["platforms"]["windows"] == 1
    assert data["signatures"][0]["name"] == "ECONNRESET"
