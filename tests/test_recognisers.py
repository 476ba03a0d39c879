"""connerr/data/recognisers.tsv: every row well-formed, sourced, resolvable; matching stays bounded."""

from __future__ import annotations

from typing import List

import pytest

from connerr import _fastindex
from connerr._data import read_rows
from connerr._domains import RUNTIME_DOMAINS
from connerr._fastindex import DOMAINS
from connerr._recognise import RUNTIME_NAMES, compile_template, recognise, templates
from connerr.platforms import PLATFORMS
from connerr.taxonomy import DIAGNOSIS_PHASES, Kind

HEADER, ROWS = read_rows("recognisers.tsv")
RUNTIME_IDS = {d.id for d in RUNTIME_DOMAINS}
#: what {n} and {name} may be read as: ``os`` is errno, or the Winsock code on Windows
READ_AS = {"os", *DOMAINS, *RUNTIME_IDS}


def test_header() -> None:
    assert HEADER == ["runtime", "pattern", "domain", "name", "kind", "platform", "phase", "source"]


@pytest.mark.parametrize("row", ROWS, ids=[r[1] for r in ROWS])
def test_row(row: List[str]) -> None:
    runtime, pattern, domain, name, kind, platform, phase, source = row
    compile_template(row)
    assert runtime in RUNTIME_NAMES
    assert source.strip(), "every wording names where it is printed"
    captures = "{n}" in pattern or "{name}" in pattern
    assert (domain in READ_AS) if captures else domain == "", "domain says what {n}/{name} are"
    assert not kind or kind in {k.value for k in Kind}
    assert not platform or platform in PLATFORMS
    assert not phase or phase in DIAGNOSIS_PHASES
    if name:
        code_domain, _, code = name.partition(":")
        ix = _fastindex.get()
        if code_domain in RUNTIME_IDS:
            assert (code_domain, code) in ix.runtime_codes, name
        else:
            assert code_domain in DOMAINS and (code_domain, code) in ix.numbers, name
    assert captures or name or kind or platform or phase or runtime, "a row proves something"


def test_patterns_are_unique() -> None:
    patterns = [r[1].lower() for r in ROWS]
    assert len(set(patterns)) == len(patterns)


def test_bad_templates_are_refused() -> None:
    for pattern in ("{n} failed", "ab{n}", "x {_} y {_} z", " leading space"):
        with pytest.raises(ValueError):
            compile_template(["curl", pattern, "os", "", "", "", "", "src"])


def test_a_longer_wording_wins_over_the_one_inside_it() -> None:
    hits = recognise(
        "dial tcp: lookup db.internal on 127.0.0.11:53: read udp 1.2.3.4:5->1.2.3.4:53: i/o timeout"
    )
    kinds = [h.template.kind for h in hits if h.template.kind]
    assert kinds == ["name_temporary_failure"]


def test_a_captured_name_must_be_a_code() -> None:
    from connerr import explain

    # "read udp" has the shape of Node's "read ECONNRESET", but udp is no code: no Node answer
    assert "node" not in explain("read udp 10.0.0.1:53: i/o timeout").runtimes


def test_every_template_is_parsed_once() -> None:
    assert templates() is templates()
