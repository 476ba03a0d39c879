"""The reference API, the table CLI, and reference-vs-reality on the running machine."""

from __future__ import annotations

import errno
import json
import os
import socket
import sys

import pytest
from _support import LINUX, WINDOWS

from connerr import native, reference
from connerr.cli import main
from connerr.native import current_platform
from connerr.platforms import PLATFORMS, UnknownPlatformError

HERE = current_platform()


def _row(domain: str, name: str) -> reference.PlatformEntry:
    (record,) = [r for r in reference.by_name(name) if r.domain == domain]
    return record.platforms[HERE]


# --- reference vs reality: what each OS in the CI matrix checks for its own row -------------------


def test_running_platform_is_in_the_data() -> None:
    assert HERE in PLATFORMS


@pytest.mark.parametrize("const", native.constants(), ids=lambda c: f"{c.domain}:{c.name}")
def test_every_native_constant_equals_this_platforms_row(const: native.Constant) -> None:
    assert _row(const.domain, const.name).number == const.value


def test_native_reports_most_of_this_platforms_rows() -> None:
    if native.BACKEND != "cffi":
        pytest.skip("the fallback sees only what Python's errno module exports")
    reported = {(c.domain, c.name) for c in native.constants()}
    expected = {(r.domain, r.name) for r in reference.records(platform=HERE)}
    # the data's headers (zig 0.17) may be newer than this machine's: a few new codes may be absent
    missing = expected - reported
    assert len(missing) <= 4, sorted(missing)


@pytest.mark.skipif(not LINUX or native.compiled_libc() != "glibc", reason="glibc texts")
def test_os_strerror_equals_glibc_text_for_every_code() -> None:
    compared = 0
    older = []
    for record in reference.records(platform=HERE, domain="errno"):
        entry = record.platforms[HERE]
        if entry.message is not None:
            live = os.strerror(entry.number)
            if live == f"Unknown error {entry.number}":  # this libc predates the pinned text (EFTYPE)
                older.append(record.name)
                continue
            assert live == entry.message, record.name
            compared += 1
    assert compared >= 130
    assert len(older) <= 2, older


@pytest.mark.skipif(WINDOWS, reason="gai_strerror through FormatMessage on Windows")
def test_gai_strerror_equals_data() -> None:
    if not hasattr(native, "gai_strerror"):
        pytest.skip("needs the C extension")
    older = []
    for record in reference.records(platform=HERE, domain="eai"):
        entry = record.platforms[HERE]
        if entry.message is not None:
            live = native.gai_strerror(entry.number)
            if live == "Unknown error":  # this libc predates the snapshot's text for the code
                older.append(record.name)
                continue
            assert live == entry.message, record.name
    assert len(older) <= 2, older


def test_every_python_errorcode_is_present() -> None:
    for number, name in errno.errorcode.items():
        domain = "winsock" if name.startswith("WSA") else "errno"
        assert reference.resolve(domain, number, HERE) is not None or reference.by_name(name), name


def test_python_exception_rules_agree_with_this_interpreter() -> None:
    for record in reference.records(platform=HERE, domain="errno"):
        entry = record.platforms[HERE]
        if WINDOWS:
            continue  # errno-domain rows show the WSA twin there; checked in the Windows tests
        assert type(OSError(entry.number, "x")).__name__ == entry.exception, record.name


@pytest.mark.skipif(not WINDOWS, reason="Windows only")
def test_winsock_rows_agree_with_this_interpreter() -> None:
    for record in reference.records(platform="windows", domain="winsock"):
        entry = record.platforms["windows"]
        exc = OSError(0, "x", None, entry.number)
        assert (type(exc).__name__, exc.errno) == (entry.exception, entry.python_errno), record.name


# --- the data's own invariants ----------------------------------------------------------------------


def test_every_record_has_a_kind_and_every_entry_a_message_status() -> None:
    for record in reference.records():
        assert record.kind and record.kind != "", record.name
        for entry in record.platforms.values():
            assert entry.message_status in {"verified", "unverified", "missing"}
            if entry.message is not None:
                assert entry.message_source


def test_economic_examples_from_the_headers() -> None:
    assert reference.by_number(54, "darwin")[0][1].name == "ECONNRESET"
    assert reference.by_number(54, "linux")[0][1].name == "EXFULL"
    assert reference.resolve("errno", 130, "linux-mips") == ("ECONNABORTED", "connection_aborted")
    assert reference.resolve("eai", 11001, "windows") == ("EAI_NONAME", "name_not_found")
    assert reference.resolve("winsock", 11001, "windows") == ("WSAHOST_NOT_FOUND", "name_not_found")


def test_windows_shows_both_errno_worlds() -> None:
    (record,) = [r for r in reference.by_name("ECONNABORTED") if r.domain == "errno"]
    entry = record.platforms["windows"]
    assert (entry.number, entry.python_errno, entry.exception) == (106, 10053, "ConnectionAbortedError")


def test_aliases_yield_to_the_name_they_alias() -> None:
    assert reference.resolve("errno", errno.EAGAIN, "linux") == ("EAGAIN", "would_block")
    assert reference.resolve("errno", 95, "linux")[0] == "EOPNOTSUPP"  # type: ignore[index]


def test_lookup_forms() -> None:
    assert [r.name for r in reference.lookup("wsaeconnaborted")] == ["WSAECONNABORTED"]
    assert {r.name for r in reference.lookup("0x2745")} == {"WSAECONNABORTED"}
    assert {r.name for r in reference.lookup(104, "linux")} == {"ECONNRESET"}
    assert {r.name for r in reference.lookup("54")} >= {"ECONNRESET", "EXFULL"}
    assert reference.lookup("NO_SUCH_CODE") == ()


@pytest.mark.parametrize("bad", [None, 1.5, b"104", True])
def test_lookup_rejects_other_types(bad: object) -> None:
    with pytest.raises(TypeError):
        reference.lookup(bad)  # type: ignore[arg-type]


def test_unknown_platform_is_a_value_error() -> None:
    with pytest.raises(UnknownPlatformError):
        reference.lookup(104, "plan9")
    assert issubclass(UnknownPlatformError, ValueError)


def test_by_kind_and_records_filters() -> None:
    resets = {r.name for r in reference.by_kind("connection_reset", "windows")}
    assert {"WSAECONNRESET", "ERROR_NETNAME_DELETED"} <= resets
    assert all(r.domain == "eai" for r in reference.records(domain="eai"))


def test_import_connerr_does_not_load_the_data() -> None:
    code = "import connerr, sys; print('connerr.reference' in sys.modules)"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- connerr table ----------------------------------------------------------------------------------


def test_table_windows_connection_reset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--platform", "windows", "--kind", "connection_reset"]) == 0
    out = capsys.readouterr().out
    assert any(
        line.split()[:4] == ["WSAECONNRESET", "10054", "10054", "ConnectionResetError"]
        for line in out.splitlines()
    )
    assert any(
        line.split()[:4] == ["ERROR_NETNAME_DELETED", "64", "22", "OSError"] for line in out.splitlines()
    )


def test_table_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--all", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["records"]
    assert {r["domain"] for r in data} == {"errno", "eai", "winsock", "win32"}
    platforms = set()
    for record in data:
        assert {"name", "domain", "kind", "platforms"} <= set(record)
        for tag, entry in record["platforms"].items():
            platforms.add(tag)
            assert {"number", "message", "exception", "python_errno"} <= set(entry)
    assert platforms == set(PLATFORMS)


def test_table_bad_platform_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--platform", "plan9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown platform" in err


def test_socket_gaierror_number_matches_data() -> None:
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("no-such-host.invalid", None, flags=socket.AI_NUMERICHOST)
    name, kind = reference.resolve("eai", info.value.errno, HERE)  # type: ignore[misc]
    assert (name, kind) == ("EAI_NONAME", "name_not_found")


# --- kinds and codes agree ---------------------------------------------------------------------------

#: Kinds raised above the OS layer (by ssl or an HTTP client), so no OS code carries them.
LIBRARY_ONLY_KINDS = {"tls_eof", "tls_certificate", "tls_protocol"}


def test_every_kind_has_a_code_and_every_code_a_valid_kind() -> None:
    from connerr.taxonomy import Kind

    used = {record.kind for record in reference.records()}
    assert used <= {kind.value for kind in Kind}
    assert {kind.value for kind in Kind} - used == LIBRARY_ONLY_KINDS


def test_table_rejects_an_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--kind", "exploded"]) == 2
    assert "invalid choice" in capsys.readouterr().err
