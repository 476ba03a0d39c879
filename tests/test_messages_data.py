"""connerr/data/messages.tsv, anchors.tsv and kinds.tsv: shape, provenance, live checks."""

from __future__ import annotations

import errno
import importlib.util
import os
import platform
import sys
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from connerr.platforms import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "connerr" / "data"

KINDS = {
    "connection_refused",
    "connection_reset",
    "connection_aborted",
    "broken_pipe",
    "timed_out",
    "host_unreachable",
    "network_unreachable",
    "network_down",
    "network_reset",
    "host_down",
    "not_connected",
    "already_connected",
    "address_in_use",
    "address_not_available",
    "would_block",
    "in_progress",
    "interrupted",
    "cancelled",
    "shutdown",
    "name_not_found",
    "name_temporary_failure",
    "name_resolution_failed",
    "tls_eof",
    "tls_certificate",
    "tls_protocol",
    "remote_disconnected",
    "permission_denied",
    "resource_exhausted",
    "invalid",
    "unsupported",
    "unknown",
}
MSGSETS = {s for p in REGISTRY for s in p.message_sets}  # the registry's message sets
FIELDS = {"strerror", "gai_strerror", "title", "description", "formatmessage"}


def read(name: str) -> Tuple[List[str], List[List[str]]]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{name} must end with a newline"
    header = lines[0].split("\t")
    rows = [line.split("\t") for line in lines[1:-1]]
    for row in rows:
        assert len(row) == len(header), row
    return header, rows


MSG_HEADER, MSG_ROWS = read("messages.tsv")
KIND_HEADER, KIND_ROWS = read("kinds.tsv")


def test_messages_header() -> None:
    assert MSG_HEADER == ["msgset", "domain", "name", "number", "field", "text", "source", "status"]


def test_messages_rows() -> None:
    keys: Set[Tuple[str, str, str, str]] = set()
    for msgset, domain, name, number, field, text, source, status in MSG_ROWS:
        assert msgset in MSGSETS
        assert domain in {"errno", "eai", "winsock", "win32"}
        assert field in FIELDS
        int(number)
        assert text and source.strip(), (msgset, name, field)
        assert status in {"verified", "unverified"}
        key = (msgset, domain, name, field)
        assert key not in keys
        keys.add(key)


def test_messages_sorted_and_regenerable() -> None:
    spec = importlib.util.spec_from_file_location("import_reference", ROOT / "tools" / "import_reference.py")
    assert spec is not None and spec.loader is not None
    import_reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(import_reference)
    for path, content in import_reference.build(ROOT / "tools" / "sources" / "reference").items():
        assert path.read_text(encoding="utf-8") == content, path


def _glibc() -> bool:
    return sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not _glibc(), reason="os.strerror is glibc's only on glibc Linux")
def test_glibc_strerror_live() -> None:
    """What this glibc prints for every errno is what connerr says the linux tag prints (texts are
    glibc's by name; an alias such as EDEADLOCK here prints the text of the name it stands for)."""
    from connerr import reference
    from connerr.native import current_platform

    here = current_platform()
    checked = 0
    for number, name in errno.errorcode.items():
        found = [r for r in reference.by_name(name) if r.domain == "errno" and here in r.platforms]
        entry = found[0].platforms[here] if found else None
        if entry is None or entry.message is None:
            continue
        assert entry.number == number, name
        assert os.strerror(number) == entry.message, name
        checked += 1
    assert checked > 100


def test_kinds_header_and_values() -> None:
    assert KIND_HEADER == ["name", "kind", "reason"]
    names = [row[0] for row in KIND_ROWS]
    assert names == sorted(names) and len(names) == len(set(names))
    for name, kind, reason in KIND_ROWS:
        assert kind in KINDS, (name, kind)
        assert reason.strip(), name


def test_kinds_cover_all_names() -> None:
    kinds = {row[0] for row in KIND_ROWS}
    wanted = {row[2] for row in MSG_ROWS}
    wanted |= set(errno.errorcode.values())
    codes = DATA / "codes.tsv"
    if codes.exists():
        _, rows = read("codes.tsv")
        wanted |= {row[2] for row in rows}
    assert not wanted - kinds, sorted(wanted - kinds)


def test_twins_share_kind() -> None:
    kind = {row[0]: row[1] for row in KIND_ROWS}
    for name in list(kind):
        if name.startswith("WSAE") and name[3:] in kind and name[3:] not in {"EDISCON"}:
            assert kind[name] == kind[name[3:]], name
    expected = {
        "ERROR_NETNAME_DELETED": "connection_reset",
        "ERROR_CONNECTION_ABORTED": "connection_aborted",
        "ERROR_CONNECTION_REFUSED": "connection_refused",
        "ERROR_OPERATION_ABORTED": "cancelled",
        "WSA_OPERATION_ABORTED": "cancelled",
        "ECANCELED": "cancelled",
        "WSAECANCELLED": "cancelled",
        "ERROR_SEM_TIMEOUT": "timed_out",
        "WAIT_TIMEOUT": "timed_out",
        "EPIPE": "broken_pipe",
        "ERROR_BROKEN_PIPE": "broken_pipe",
        "ERROR_NO_DATA": "broken_pipe",
        "EAI_NONAME": "name_not_found",
        "WSAHOST_NOT_FOUND": "name_not_found",
        "EAI_NODATA": "name_not_found",
        "WSANO_DATA": "name_not_found",
        "EAI_AGAIN": "name_temporary_failure",
        "WSATRY_AGAIN": "name_temporary_failure",
        "EAI_FAIL": "name_resolution_failed",
        "ESHUTDOWN": "shutdown",
        "WSAESHUTDOWN": "shutdown",
    }
    for name, value in expected.items():
        assert kind[name] == value, name


def test_anchors_have_source() -> None:
    header, rows = read("anchors.tsv")
    assert header[-1] == "source" and header[:3] == ["domain", "name", "number"]
    for row in rows:
        assert row[-1].strip()
