"""The platforms zig has no headers for: their facts come from pinned upstream sources, extracted
into tools/sources/, and two independent sources agree on every number (disagreements resolved and
recorded in tools/sources/disagreements.tsv, with the reason)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from connerr import reference
from connerr.platforms import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "sources"
EXTRACTED = [p.tag for p in REGISTRY if not p.zig_target]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{12}:[\w./+-]+$")

pytestmark = pytest.mark.skipif(not SOURCES.exists(), reason="no tools/sources beside the tests")


def _read(path: Path) -> Tuple[List[str], List[Dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
    assert all(len(row) == len(header) for row in rows), path
    return header, rows


def _numbers(path: Path) -> Dict[Tuple[str, str], int]:
    return {(r["domain"], r["name"]): int(r["number"]) for r in _read(path)[1]}


@pytest.mark.parametrize("tag", EXTRACTED)
def test_every_fact_names_a_pinned_source(tag: str) -> None:
    header, rows = _read(SOURCES / f"{tag}.tsv")
    assert header == ["domain", "name", "number", "number_source", "text", "text_source"]
    assert rows and (SOURCES / f"{tag}.md").exists()
    for row in rows:
        assert PINNED.match(row["number_source"]), row
        assert bool(row["text"]) == bool(row["text_source"]), row
        if row["text_source"]:
            assert PINNED.match(row["text_source"]), row


@pytest.mark.parametrize("tag", EXTRACTED)
def test_the_data_is_what_the_sources_say(tag: str) -> None:
    for (domain, name), number in _numbers(SOURCES / f"{tag}.tsv").items():
        found = [r for r in reference.by_name(name) if r.domain == domain and tag in r.platforms]
        assert found and found[0].platforms[tag].number == number, (tag, name)


def _disagreements() -> Dict[Tuple[str, str, str], Dict[str, str]]:
    header, rows = _read(SOURCES / "disagreements.tsv")
    assert header == ["tag", "domain", "name", "primary", "second", "chosen", "reason"]
    assert all(r["reason"] for r in rows)
    return {(r["tag"], r["domain"], r["name"]): r for r in rows}


def test_two_sources_agree_except_where_recorded() -> None:
    recorded = _disagreements()
    seen = set()
    checked = 0
    for tag in EXTRACTED:
        second_path = SOURCES / f"{tag}.check.tsv"
        if not second_path.exists():
            continue
        primary, second = _numbers(SOURCES / f"{tag}.tsv"), _numbers(second_path)
        for key, value in second.items():
            checked += 1
            if primary.get(key) == value:
                continue
            entry = recorded.get((tag, *key))
            assert entry is not None, f"{tag} {key}: {primary.get(key)} vs {value} is not recorded"
            assert entry["second"] == str(value) and entry["primary"] == str(primary.get(key, ""))
            assert entry["chosen"] == str(primary.get(key, ""))
            seen.add((tag, *key))
    assert checked > 1000
    assert seen == set(recorded), "a recorded disagreement no longer happens"


def test_every_extracted_platform_has_a_second_source() -> None:
    assert [tag for tag in EXTRACTED if not (SOURCES / f"{tag}.check.tsv").exists()] == []


def test_corrected_texts() -> None:
    """Texts that differ by platform although the name is the same, each from its source."""

    def message(name: str, tag: str, domain: str = "errno") -> object:
        found = [r for r in reference.by_name(name) if r.domain == domain]
        return found[0].platforms[tag].message

    for tag in ("linux-mips", "linux-sparc", "linux-powerpc"):  # EDEADLOCK != EDEADLK there
        assert message("EDEADLOCK", tag) == "File locking deadlock error"
    assert message("EDEADLOCK", "linux") == "Resource deadlock avoided"  # an alias of EDEADLK
    assert message("EPROCLIM", "linux-sparc") == "Too many processes"
    assert message("ETIMEDOUT", "netbsd") == "Connection timed out"  # NetBSD's C.msg catalog
    assert message("EAI_NONAME", "openbsd", "eai") and message("EAI_NONAME", "netbsd", "eai")


def test_windows_eai_nodata_is_what_cpython_shows() -> None:
    entry = next(r for r in reference.by_name("EAI_NODATA") if r.domain == "eai").platforms["windows"]
    assert (entry.number, entry.python_errno) == (11004, 11001)  # mingw-w64's header; Microsoft's SDK
    assert "EAI_NONAME" in entry.python_rule


def test_explain_shows_the_alias_rule_too() -> None:
    """explain reads texts through the same index rule as the table: on x86 Linux EDEADLOCK is
    EDEADLK and prints its text; on MIPS it is a code of its own."""
    from connerr._explain import explain

    linux, mips = explain("EDEADLOCK", "linux").best, explain("EDEADLOCK", "linux-mips").best
    assert linux is not None and linux.message == "Resource deadlock avoided"
    assert mips is not None and mips.message == "File locking deadlock error"
