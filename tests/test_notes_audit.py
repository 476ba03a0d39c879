"""The audit of the cause notes: every note was checked against its sources on a recorded date,
rests on stored passages of those sources, and quotes them exactly.

The passages live in tools/sources/notes/extracts.tsv (id, source as the notes cite it, where it was
read: repository@commit:path, man-pages release or thread, and the passage verbatim). A quotation in
a note is text in double quotes; it must appear in one of the note's passages, so a quote cannot
drift from its source, and a passage cannot be borrowed by a note that does not cite its source.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Dict, List

import pytest

from connerr._data import read_tsv

ROOT = Path(__file__).resolve().parent.parent
EXTRACTS = ROOT / "tools" / "sources" / "notes" / "extracts.tsv"
pytestmark = pytest.mark.skipif(not EXTRACTS.exists(), reason="no tools/sources beside the tests")

VERDICTS = ("supported", "reworded", "re-sourced", "unverified")
STATUSES = ("verified", "unverified", "reasoning")
#: where a passage was read: a file at a commit, a man-pages release, or a public thread
PINNED = re.compile(
    r"^(?:[\w.-]+/[\w.-]+@[0-9a-f]{12,40}:\S+(?: \(.*\))?"
    r"|manpages [\w.+-]+ \(Debian \d+\): man\d/\S+"
    r"|github\.com/[\w.-]+/[\w.-]+/(?:issues|pull)/\d+\b.*)$"
)
QUOTE = re.compile(r'"([^"]+)"')
#: a quotation in single quotes (a quote must use double quotes, so the test can check it)
SINGLE_QUOTED = re.compile(r"(?<![\w`'])'[A-Za-z][^'`]{8,}[^\s'`]'(?![\w'])")

NOTES = [dict(row, line=str(i)) for i, row in enumerate(read_tsv("notes.tsv"), start=2)]


def _read_extracts() -> Dict[str, Dict[str, str]]:
    lines = EXTRACTS.read_text(encoding="utf-8").splitlines() if EXTRACTS.exists() else []
    header = lines[0].split("\t") if lines else []
    return {row["id"]: row for row in (dict(zip(header, line.split("\t"))) for line in lines[1:])}


EXTRACT = _read_extracts()


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _sources(note: Dict[str, str]) -> List[str]:
    return [s.strip() for s in note["source"].split(";") if s.strip()]


def _ids(note: Dict[str, str]) -> List[str]:
    return [i for i in note["extracts"].split(",") if i]


def _note_id(note: Dict[str, str]) -> str:
    return f"{note['line']}:{note['name']}/{note['family']}/{note['section']}"


@pytest.mark.parametrize("note", NOTES, ids=_note_id)
def test_every_note_has_an_audit_verdict(note: Dict[str, str]) -> None:
    assert note["status"] in STATUSES
    assert note["verdict"] in VERDICTS
    datetime.date.fromisoformat(note["checked"])
    assert (note["verdict"] == "unverified") == (note["status"] != "verified")


@pytest.mark.parametrize("note", NOTES, ids=_note_id)
def test_a_verified_note_rests_on_passages_of_its_own_sources(note: Dict[str, str]) -> None:
    ids = _ids(note)
    if note["status"] == "verified":
        assert ids, "a verified note needs a stored passage of its source"
    for extract_id in ids:
        assert extract_id in EXTRACT, f"no extract {extract_id}"
        assert EXTRACT[extract_id]["source"] in _sources(note), (extract_id, EXTRACT[extract_id]["source"])


@pytest.mark.parametrize("note", NOTES, ids=_note_id)
def test_every_quote_is_in_a_passage_of_the_note(note: Dict[str, str]) -> None:
    passages = [_squeeze(EXTRACT[i]["text"]) for i in _ids(note) if i in EXTRACT]
    for quote in QUOTE.findall(note["text"]):
        assert any(_squeeze(quote) in passage for passage in passages), f"not in its sources: {quote!r}"
    assert not SINGLE_QUOTED.search(note["text"]), "quote with double quotes"


def test_every_extract_says_where_it_was_read_and_is_used() -> None:
    used = {i for note in NOTES for i in _ids(note)}
    for extract_id, row in EXTRACT.items():
        assert PINNED.match(row["pinned"]), (extract_id, row["pinned"])
        assert row["text"].strip() and "\t" not in row["text"], extract_id
        assert extract_id in used, f"{extract_id} is cited by no note"


@pytest.mark.parametrize(
    "text, quotes",
    [
        (
            'Microsoft: "An existing connection was forcibly closed by the remote host."',
            ["An existing connection was forcibly closed by the remote host."],
        ),
        ("recv() returns `b''` at EOF", []),
    ],
)
def test_quotes_are_found(text: str, quotes: List[str]) -> None:
    assert QUOTE.findall(text) == quotes
    assert not SINGLE_QUOTED.search(text)


def test_a_single_quoted_quotation_is_caught() -> None:
    assert SINGLE_QUOTED.search("the docs say 'the virtual circuit was terminated' here")
    assert not SINGLE_QUOTED.search("Windows' stack and the peer's socket")
