"""The log scanner: the prefilter drops no event (C and Python alike), tracebacks are one event and
their source lines none, any chunking gives the same events, and on labelled logs written to trip a
scanner (benchmarks/make_logs.py) precision and recall are at least 99%."""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Dict, List, Tuple

import pytest
from _support import read_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from connerr import _logscan

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
from make_logs import make_log

STAMP = "2026-11-30T12:00:00.000Z ERROR [api] "
WORDS = _logscan.literals()
C_FILTER = _logscan.Prefilter(WORDS)
PY_FILTER = _logscan.Prefilter(WORDS, use_c=False)


class EveryLine(_logscan.Prefilter):
    """A prefilter that passes every line: what the scan would find without one."""

    def __init__(self) -> None:
        super().__init__([b"xxxx"], use_c=False)

    def lines(self, buf: bytes) -> List[Tuple[int, int]]:
        starts = [0] + [i + 1 for i, byte in enumerate(buf) if byte == 10 and i + 1 < len(buf)]
        return [(start, number) for number, start in enumerate(starts)]


def _events(text: str, prefilter: _logscan.Prefilter = None, chunk: int = 1 << 20) -> List[Tuple[int, str]]:
    scanner = _logscan.Scanner(prefilter)
    data = text.encode()
    out = []
    for start in range(0, len(data), chunk):
        out += scanner.feed(data[start : start + chunk])
    return out + scanner.feed(b"", final=True)


def _kinds(text: str, prefilter: _logscan.Prefilter = None) -> Dict[int, str]:
    summarizer = _logscan.Summarizer()
    found = {}
    for line, event in _events(text, prefilter):
        explanation = summarizer.explain_event(event)
        if explanation is not None and explanation.best is not None:
            found[line] = explanation.best.kind
    return found


@pytest.fixture(scope="module")
def hard_log() -> Tuple[str, List[Tuple[int, str]]]:
    return make_log(1.0, seed=5, rate=0.02, hard=0.5)


def test_a_summary_keeps_one_explanation_per_signature(hard_log: Tuple[str, List[Tuple[int, str]]]) -> None:
    # memory grows with the kinds of error a log has, not with its evidence keys
    summarizer = _logscan.Summarizer()
    summarizer.feed(hard_log[0].encode(), final=True)
    kept = {id(found) for found in summarizer.cache.values() if found is not None}
    assert len(summarizer.cache) > len(summarizer.groups) == len(kept)
    assert {id(group[0]) for group in summarizer.groups.values()} == kept


# -- the prefilter --------------------------------------------------------------------------------


def test_c_and_python_prefilters_find_the_same_lines(hard_log: Tuple[str, List[Tuple[int, str]]]) -> None:
    if C_FILTER.backend != "c":
        pytest.skip("the C extension is not built (the Python prefilter is the one in use)")
    data = hard_log[0].encode()
    assert C_FILTER.lines(data) == PY_FILTER.lines(data)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "ECONNRESET",
                "econnreset",
                "errno 1",
                "code=-",
                "Code:\t7",
                "(0x0000",
                "(0X00AB",
                "refused",
                "Connection reset by peer",
                "\n",
                " ",
                "é",
                "x",
                "curl: (7",
                "net::ERR_",
                "соединение",
                "\t",
            ]
        ),
        max_size=40,
    )
)
def test_the_two_prefilters_agree_on_any_text(pieces: List[str]) -> None:
    if C_FILTER.backend != "c":
        return
    data = "".join(pieces).encode()
    assert C_FILTER.lines(data) == PY_FILTER.lines(data)


def test_the_c_prefilter_goes_on_past_a_full_result_buffer() -> None:
    # more matching lines than one C call reports (8192): the scan resumes after the last one
    data = b"".join(b"ok\n" * (i % 3) + b"ConnectionResetError: [Errno 104] reset\n" for i in range(20000))
    found = C_FILTER.lines(data)
    assert len(found) == 20000 and found == PY_FILTER.lines(data)
    assert found[-1][1] == data.count(b"\n") - 1


def test_the_prefilter_drops_no_event(hard_log: Tuple[str, List[Tuple[int, str]]]) -> None:
    text = hard_log[0]
    found = _kinds(text)
    assert len(found) > 150 and found == _kinds(text, EveryLine())


def test_no_corpus_string_is_dropped_by_the_prefilter() -> None:
    queries = [r.query for name in ("runtime_cases.tsv", "l10n_cases.tsv") for r in read_corpus(name)]
    with open(os.path.join(os.path.dirname(__file__), "data", "explain_cases.tsv"), encoding="utf-8") as f:
        queries += [line.split("\t")[1] for line in f.read().split("\n")[3:] if line]
    text = "\n".join(STAMP + q for q in queries if "\\n" not in q and "\n" not in q) + "\n"
    found = _kinds(text)
    assert len(found) > 400 and found == _kinds(text, EveryLine())


# -- events ---------------------------------------------------------------------------------------

TRACEBACK = """\
2026-11-30T12:00:00Z ERROR request failed
Traceback (most recent call last):
  File "/srv/app/client.py", line 10, in fetch
    resp = session.get(url, timeout=5)
  File "/srv/app/client.py", line 20, in _retry
    except (ConnectionResetError, TimeoutError):
ConnectionRefusedError: [Errno 111] Connection refused

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/srv/app/jobs.py", line 5, in run
    raise RuntimeError("job failed")
RuntimeError: job failed
2026-11-30T12:00:01Z INFO next
"""


def test_a_chained_traceback_is_one_event_on_its_last_exception_line() -> None:
    found = _kinds(TRACEBACK)
    assert found == {14: "connection_refused"}


def test_source_lines_and_stack_frames_are_no_events() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/client.py", line 10, in fetch\n'
        "    except ConnectionResetError:  # errno 104\n"
        "ValueError: bad timeout\n"
        "java.lang.IllegalStateException: closed\n"
        "\tat com.example.Fetcher.onConnectionReset(Fetcher.java:12)\n"
        "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1494:16) ECONNREFUSED\n"
    )
    assert _kinds(text) == {}


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=5000))
def test_any_chunking_gives_the_same_events(chunk: int) -> None:
    text = TRACEBACK * 3 + "ConnectionResetError: [Errno 104] Connection reset by peer\n" * 2
    assert _events(text, chunk=chunk) == _events(text)


def test_a_line_without_end_and_an_endless_traceback_stay_bounded() -> None:
    huge = "x" * (_logscan.MAX_LINE * 2) + " [Errno 104] Connection reset by peer"
    assert len(_events(huge)) == 1
    endless = (
        "ConnectionResetError: [Errno 104] x\n\nDuring handling of the above exception, "
        "another exception occurred:\n\n" + '  File "a.py", line 1, in f\n    pass\n' * 200_000
    )
    assert len(_events(endless)) == 1


# -- precision and recall on labelled logs ----------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_precision_and_recall_on_a_labelled_log(seed: int) -> None:
    text, labels = make_log(1.0, seed=seed, rate=0.02, hard=0.5)
    want = dict(labels)
    got = _kinds(text)
    right = sum(1 for line, kind in got.items() if want.get(line) == kind)
    assert len(want) > 150
    assert right / len(got) >= 0.99, sorted(set(got.items()) - set(want.items()))[:10]
    assert right / len(want) >= 0.99, sorted(set(want.items()) - set(got.items()))[:10]


def test_splitting_a_log_gives_counts_that_add_up() -> None:
    parts = [make_log(0.3, seed=seed, rate=0.01, hard=0.3)[0] for seed in (11, 12)]
    whole = _logscan.summarize("".join(parts)).to_dict()
    halves = [_logscan.summarize(part).to_dict() for part in parts]
    assert whole["lines"] == sum(h["lines"] for h in halves)
    assert whole["errors"] == sum(h["errors"] for h in halves)
    assert Counter(whole["kinds"]) == sum((Counter(h["kinds"]) for h in halves), Counter())
