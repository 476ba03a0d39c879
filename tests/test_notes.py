"""Cause notes: every note is sourced, every network code has notes, and the loader API."""

from __future__ import annotations

import re
from typing import Dict, List, Set, Tuple

import pytest

from connerr import notes
from connerr._data import read_tsv
from connerr.notes import FAMILIES, SECTIONS, Note, family_of, format_note, notes_for
from connerr.platforms import PLATFORMS, UnknownPlatformError

#: Kinds with no OS code of their own (TLS and HTTP): their notes are keyed ``kind:<kind>``.
TLS_HTTP_KINDS = ("tls_eof", "tls_certificate", "tls_protocol", "remote_disconnected")

# Accepted source forms. The first source of a note must be primary; GitHub threads
# (owner/repo#N) may only follow one.
MAN_PAGE = re.compile(r"^(?:(?:Linux|FreeBSD|macOS|OpenBSD|NetBSD|POSIX) )?[A-Za-z_][\w.]*\([0-9][a-z]*\)$")
MS_DOCS = re.compile(r"^(?:learn\.microsoft\.com/\S+|MicrosoftDocs/[\w.-]+(?:@[0-9a-f]{7,40})?:\S+)$")
SOURCE_FILE = re.compile(r"^[\w.-]+/[\w.-]+(?:@[0-9a-f]{7,40})?:[\w./+-]+$")
RFC_9293 = re.compile(r"^RFC 9293 §\d+(?:\.\d+)*$")
THREAD = re.compile(r"^[\w.-]+/[\w.-]+#\d+$")
PRIMARY = (MAN_PAGE, MS_DOCS, SOURCE_FILE, RFC_9293)

ALL = notes.all_notes()


def _family(tag: str) -> str:
    return family_of(tag) or ""


def _families_where_defined() -> Dict[str, Set[str]]:
    out: Dict[str, Set[str]] = {}
    for row in read_tsv("codes.tsv"):
        fam = _family(row["platform"])
        if fam:
            out.setdefault(row["name"], set()).add(fam)
    return out


DEFINED = _families_where_defined()
ANCHOR_NAMES = sorted({row["name"] for row in read_tsv("anchors.tsv")})
EAI_NAMES = sorted(name for name in DEFINED if name.startswith("EAI_"))
NETWORK_CODES: List[Tuple[str, str]] = sorted(
    {(name, fam) for name in ANCHOR_NAMES + EAI_NAMES for fam in DEFINED.get(name, ())}
)
REPRESENTATIVE = {"linux": "linux", "bsd": "darwin", "windows": "windows"}


def _is_primary(source: str) -> bool:
    return any(p.match(source) for p in PRIMARY)


# --- every note is well-formed and sourced --------------------------------------------------------


def test_there_are_notes() -> None:
    assert len(ALL) > 100


@pytest.mark.parametrize("note", ALL, ids=lambda n: f"{n.name}/{n.family}/{n.section}")
def test_note_fields(note: Note) -> None:
    assert note.family in FAMILIES
    assert note.section in SECTIONS
    assert note.status in ("verified", "unverified", "reasoning")
    assert note.text.strip() == note.text and len(note.text) > 10


@pytest.mark.parametrize("note", ALL, ids=lambda n: f"{n.name}/{n.family}/{n.section}")
def test_note_has_a_source_of_an_accepted_form(note: Note) -> None:
    sources = note.sources
    assert sources, f"{note.name}: no source"
    if note.status != "unverified":  # field reports may rest on threads alone
        assert _is_primary(sources[0]), f"{note.name}: first source {sources[0]!r} is not primary"
    for source in sources[1:]:
        assert _is_primary(source) or THREAD.match(source), f"{note.name}: bad source {source!r}"


@pytest.mark.parametrize(
    "source, ok",
    [
        ("Linux tcp(7)", True),
        ("getaddrinfo(3)", True),
        ("FreeBSD accept(2)", True),
        ("learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2", True),
        ("MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b:desktop-src/x.md", True),
        ("python/cpython:Lib/http/client.py", True),
        ("torvalds/linux:net/ipv4/tcp_input.c", True),
        ("RFC 9293 §3.10.7.4", True),
        ("RFC 793", False),
        ("python/cpython#9713", False),
        ("a blog post", False),
        ("", False),
        ("tcp(7) section ERRORS", False),
    ],
)
def test_primary_source_forms(source: str, ok: bool) -> None:
    assert _is_primary(source) is ok


def test_no_duplicate_notes() -> None:
    keys = [(n.name, n.family, n.section, n.text) for n in ALL]
    assert len(keys) == len(set(keys))


def test_every_note_names_a_known_code_or_kind() -> None:
    for note in ALL:
        if note.name.startswith("kind:"):
            assert note.name[5:] in TLS_HTTP_KINDS, note.name
        else:
            assert note.name in DEFINED, note.name


def test_family_notes_only_where_the_code_exists() -> None:
    for note in ALL:
        if note.family != "any" and not note.name.startswith("kind:"):
            assert note.family in DEFINED[note.name], f"{note.name} has {note.family} notes"


# --- every network code has notes ---------------------------------------------------------------


def test_the_network_code_list_is_complete() -> None:
    assert "WSAECONNABORTED" in ANCHOR_NAMES and "EAI_NONAME" in EAI_NAMES
    assert len(NETWORK_CODES) > 60


@pytest.mark.parametrize("name, family", NETWORK_CODES, ids=str)
def test_network_code_has_cause_and_action(name: str, family: str) -> None:
    sections = {n.section for n in notes_for(name, REPRESENTATIVE[family])}
    assert {"cause", "action"} <= sections, f"{name} on {family}: {sorted(sections)}"


@pytest.mark.parametrize("kind", TLS_HTTP_KINDS)
def test_tls_and_http_kinds_have_cause_and_action(kind: str) -> None:
    for tag in ("linux", "darwin", "windows"):
        sections = {n.section for n in notes_for(f"kind:{kind}", tag)}
        assert {"cause", "action"} <= sections, f"kind:{kind} on {tag}"


def test_wsaeconnaborted_corrects_the_remote_abort_myth() -> None:
    found = notes_for("WSAECONNABORTED", "windows")
    myths = [n for n in found if n.section == "not_meaning" and n.status == "verified"]
    assert any("remote" in n.text and "host" in n.text for n in myths)
    assert any(n.source.startswith("learn.microsoft.com/") for n in myths)


# --- the loader API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag, family",
    [
        ("linux", "linux"),
        ("linux-musl", "linux"),
        ("linux-mips", "linux"),
        ("darwin", "bsd"),
        ("freebsd", "bsd"),
        ("openbsd", "bsd"),
        ("netbsd", "bsd"),
        ("windows", "windows"),
        ("wasi", None),
    ],
)
def test_family_of(tag: str, family: str) -> None:
    assert family_of(tag) == family


def test_every_platform_tag_maps() -> None:
    for tag in PLATFORMS:
        family_of(tag)


def test_unknown_platform_raises() -> None:
    with pytest.raises(UnknownPlatformError):
        notes_for("ECONNRESET", "plan9")
    with pytest.raises(ValueError):
        family_of("plan9")


def test_notes_for_mixes_family_and_any_notes() -> None:
    linux = notes_for("ECONNRESET", "linux")
    assert {n.family for n in linux} == {"linux", "any"}
    assert all(n.family in ("windows", "any") for n in notes_for("ECONNRESET", "windows"))
    assert all(n.family == "any" for n in notes_for("ECONNRESET", "wasi"))
    everything = notes_for("ECONNRESET")
    assert {"linux", "bsd", "windows", "any"} <= {n.family for n in everything}


def test_notes_for_orders_by_section_then_family_first() -> None:
    found = notes_for("ETIMEDOUT", "linux")
    order = [SECTIONS.index(n.section) for n in found]
    assert order == sorted(order)
    causes = [n.family for n in found if n.section == "cause"]
    assert causes.index("any") > causes.index("linux")


def test_names_are_case_insensitive_and_unknown_is_empty() -> None:
    assert notes_for("wsaeconnaborted", "windows") == notes_for("WSAECONNABORTED", "windows")
    assert notes_for("KIND:TLS_EOF", "linux") == notes_for("kind:tls_eof", "linux")
    assert notes_for("ENOSUCHCODE", "linux") == []


def test_note_to_dict_and_format() -> None:
    note = notes_for("WSAECONNABORTED", "windows")[0]
    assert note.to_dict() == {
        "name": "WSAECONNABORTED",
        "family": "windows",
        "section": note.section,
        "text": note.text,
        "source": note.source,
        "status": note.status,
    }
    assert format_note(note) == f"{note.text} [{note.source}]"
    unverified = Note("X", "any", "cause", "Maybe.", "Linux tcp(7)", "unverified")
    assert format_note(unverified) == "Maybe. [Linux tcp(7)] (unverified)"
    assert notes.formatted_notes("WSAECONNABORTED", "windows")[0] == format_note(note)


def test_note_is_frozen() -> None:
    note = ALL[0]
    with pytest.raises(AttributeError):
        note.text = "changed"  # type: ignore[misc]


def test_names_lists_codes_and_kinds() -> None:
    listed = notes.names()
    assert "WSAECONNABORTED" in listed and "kind:tls_eof" in listed
    assert list(listed) == sorted(listed)
