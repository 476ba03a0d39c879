#!/usr/bin/env python3
"""Import the reviewed message and anchor tables into connerr/data/.

Reads ``strerror.tsv``, ``gai.tsv``, ``windows.tsv`` and ``anchors.tsv`` from
``--shared DIR`` (default ``tools/sources/reference``: the reviewed tables, copied into the
repository with their ``PROVENANCE.md``) and
writes, sorted and byte-for-byte deterministic:

* ``connerr/data/messages.tsv``
  ``msgset domain name number field text source status``; one row per
  (msgset, domain, name, field).
* ``connerr/data/anchors.tsv``  the anchors table plus a ``source`` column.

``connerr/data/SOURCES.md`` is the narrative for these files; it is
maintained by hand and not written here.

Mapping
    strerror.tsv -> field ``strerror``, domain ``errno``, msgset = platform
    (linux-glibc, linux-musl, darwin, freebsd, netbsd, openbsd, windows-crt).
    Rows whose platform starts with ``#`` are comments and are skipped.
    gai.tsv -> field ``gai_strerror``, domain ``eai`` (platform ``windows`` is
    msgset ``windows``).
    windows.tsv -> msgset ``windows``, domain = its ``facility`` column:
    winsock rows give ``title`` (the ``message`` column, the short title of
    the Windows Sockets error-code page), ``description`` (when not empty)
    and ``formatmessage``; win32 rows give ``formatmessage`` only (the table
    has message == formatmessage and no description; checked here).
    WSA_SECURE_HOST_NOT_FOUND and WSA_IPSEC_NAME_POLICY_ERROR are not on the
    Winsock page (their ``message`` is the FormatMessage text), so they get
    no ``title``/``description`` row.
    ``source`` is the original column text, unchanged.

Status rules (from PROVENANCE.md, row by row)
    ``verified``: every row taken from a fetched snapshot checked by script
    (glibc, musl, Darwin Libc/Libinfo, MS docs, mingw-w64) or read from the
    search index and checked by hand (FreeBSD, NetBSD, OpenBSD forks, the UCRT
    copy for windows-crt).  This includes musl's "No error information" rows
    and musl's "Unknown error" gai rows (both are what the source returns),
    windows-crt STRUNCATE "Unknown error" (80 >= _sys_nerr), Darwin
    EOPNOTSUPP 102 (the default __DARWIN_UNIX03 numbering) and the two
    Winsock descriptions cut at 600 characters (the kept text is verbatim).
    ``unverified``:
      - darwin ENOTCAPABLE 107: the number appears only in a Libc errlst.c
        comment; the xnu errno.h snapshot ends at ELAST 106.
      - windows EAI_NODATA 11004: mingw-w64's definition only; Microsoft's
        getaddrinfo page has no EAI_NODATA.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "connerr" / "data"

MESSAGES_HEADER = ("msgset", "domain", "name", "number", "field", "text", "source", "status")
sys.path.insert(0, str(ROOT))  # the platform registry, read from this source tree
from connerr.platforms import REGISTRY  # noqa: E402

#: every message set a platform of the registry prints
MSGSETS = frozenset(s for p in REGISTRY for s in p.message_sets if s not in p.similar_sets)
UNVERIFIED: Dict[Tuple[str, str, str], str] = {
    ("darwin", "errno", "ENOTCAPABLE"): "number only in a Libc errlst.c comment, not in xnu errno.h",
    ("windows", "eai", "EAI_NODATA"): "mingw-w64 only; the Microsoft getaddrinfo page has no EAI_NODATA",
}
# Not on the Windows Sockets error-code page (PROVENANCE.md): no title/description.
NOT_ON_WINSOCK_PAGE = frozenset({"WSA_SECURE_HOST_NOT_FOUND", "WSA_IPSEC_NAME_POLICY_ERROR"})

ANCHOR_SOURCE_WINDOWS = (
    "libuv/libuv@6179e7af:src/win/error.c (uv_translate_sys_error, uv_translate_write_sys_error), "
    "include/uv/errno.h; rust-lang/rust:library/std/src/sys/io/error/windows.rs (decode_error_kind); "
    "golang/go:src/syscall/syscall_windows.go (Errno.Is), src/net/error_windows.go (isConnError); "
    "microsoft/STL@2a62bf7b:stl/src/syserror.cpp (_Win_errtab); "
    "boostorg/system@e6595f0d:include/boost/system/detail/system_category_condition_win32.hpp; "
    "python/cpython:PC/errmap.h (winerror_to_errno), Objects/exceptions.c (errnomap), "
    "Lib/asyncio/windows_events.py (finish_socket_func)"
)
ANCHOR_SOURCE_ERRNO = (
    "libuv/libuv@6179e7af:include/uv/errno.h; rust-lang/rust:library/std/src/sys/io/error/unix.rs "
    "(decode_error_kind); golang/go:src/syscall (Errno, Timeout, Temporary); "
    "microsoft/STL@2a62bf7b:stl/src/syserror.cpp; "
    "boostorg/system@e6595f0d:include/boost/system/detail/system_category_condition_win32.hpp; "
    "python/cpython:Objects/exceptions.c (errnomap)"
)

Row = Tuple[str, ...]


def read_tsv(path: Path) -> Tuple[List[str], List[List[str]]]:
    """Return (header, rows) of a tab-separated file without quoting."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line != ""]
    header = lines[0].split("\t")
    rows = []
    for lineno, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise ValueError(f"{path}:{lineno}: {len(fields)} fields, expected {len(header)}")
        rows.append(fields)
    return header, rows


def _check_header(path: Path, header: Sequence[str], expected: Sequence[str]) -> None:
    if list(header) != list(expected):
        raise ValueError(f"{path}: header {header!r}, expected {list(expected)!r}")


def _status(msgset: str, domain: str, name: str) -> str:
    return "unverified" if (msgset, domain, name) in UNVERIFIED else "verified"


def _clean(text: str, where: str) -> str:
    if "\t" in text or "\n" in text or "\r" in text:
        raise ValueError(f"{where}: text contains a tab or newline")
    return text


def message_rows(shared: Path) -> List[Row]:
    """Build every messages.tsv row (unsorted)."""
    out: List[Row] = []

    path = shared / "strerror.tsv"
    header, rows = read_tsv(path)
    _check_header(path, header, ("platform", "name", "number", "message", "source"))
    for platform, name, number, message, source in rows:
        if platform.startswith("#"):
            continue
        out.append(_row((platform, "errno", name, number), "strerror", message, source))

    path = shared / "gai.tsv"
    header, rows = read_tsv(path)
    _check_header(path, header, ("platform", "name", "number", "message", "source"))
    for platform, name, number, message, source in rows:
        out.append(_row((platform, "eai", name, number), "gai_strerror", message, source))

    path = shared / "windows.tsv"
    header, rows = read_tsv(path)
    _check_header(
        path, header, ("name", "number", "facility", "message", "description", "source", "formatmessage")
    )
    for name, number, facility, message, description, source, formatmessage in rows:
        ident = ("windows", facility, name, number)
        if facility == "win32":
            if message != formatmessage or description:
                raise ValueError(f"{path}: win32 row {name} has a message/description of its own")
        elif facility == "winsock":
            if name not in NOT_ON_WINSOCK_PAGE:
                out.append(_row(ident, "title", message, source))
                if description:
                    out.append(_row(ident, "description", description, source))
        else:
            raise ValueError(f"{path}: unknown facility {facility!r}")
        out.append(_row(ident, "formatmessage", formatmessage, source))
    return out


SOURCES = ROOT / "tools" / "sources"


def extracted_message_rows() -> List[Row]:
    """The texts of the platforms zig has no headers for, from their tools/sources/<tag>.tsv (each
    row extracted from a pinned upstream source, with its repo@commit:path)."""
    out: List[Row] = []
    for platform in REGISTRY:
        if platform.zig_target:
            continue
        path = SOURCES / f"{platform.tag}.tsv"
        header, rows = read_tsv(path)
        _check_header(path, header, ("domain", "name", "number", "number_source", "text", "text_source"))
        for domain, name, number, _number_source, text, text_source in rows:
            msgset = platform.gai_set if domain == "eai" else platform.strerror_set
            if not msgset or not text:
                continue  # no sourced text: the platform's entry stays "missing"
            field = "gai_strerror" if domain == "eai" else "strerror"
            out.append(_row((msgset, domain, name, number), field, text, text_source))
    return out


def corrected_message_rows() -> List[Row]:
    """Texts from tools/sources/messages.tsv, read from pinned upstream sources after the reviewed
    tables: they replace those tables' rows of the same (msgset, domain, name, field) (NetBSD's
    strerror reads its C.msg catalog; glibc's EDEADLOCK text where EDEADLOCK is not EDEADLK...).
    A name listed for several architectures with the same text is one row (texts are by name)."""
    path = SOURCES / "messages.tsv"
    header, rows = read_tsv(path)
    _check_header(path, header, ("msgset", "domain", "name", "number", "field", "text", "source"))
    out: Dict[Tuple[str, str, str, str], Row] = {}
    for msgset, domain, name, number, field, text, source in rows:
        key = (msgset, domain, name, field)
        if key in out:
            if out[key][5] != text:
                raise ValueError(f"{path}: {key} has two texts")
            continue
        out[key] = _row((msgset, domain, name, number), field, text, source)
    return list(out.values())


def _merge(base: List[Row], corrections: List[Row]) -> List[Row]:
    fixed = {(r[0], r[1], r[2], r[4]): r for r in corrections}
    kept = [r for r in base if (r[0], r[1], r[2], r[4]) not in fixed]
    return kept + list(fixed.values())


def _row(ident: Tuple[str, str, str, str], field: str, text: str, source: str) -> Row:
    msgset, domain, name, number = ident
    where = f"{msgset}/{domain}/{name}/{field}"
    if msgset not in MSGSETS:
        raise ValueError(f"{where}: unknown msgset")
    int(number)  # must be an integer
    if not text or not source:
        raise ValueError(f"{where}: empty text or source")
    return (
        msgset,
        domain,
        name,
        number,
        field,
        _clean(text, where),
        _clean(source, where),
        _status(msgset, domain, name),
    )


def sort_messages(rows: Iterable[Row]) -> List[Row]:
    """Sort by msgset, domain, number, name, field; reject duplicate keys."""
    field_order = {"strerror": 0, "gai_strerror": 0, "title": 1, "description": 2, "formatmessage": 3}
    result = sorted(rows, key=lambda r: (r[0], r[1], int(r[3]), r[2], field_order[r[4]]))
    seen: Dict[Tuple[str, str, str, str], Row] = {}
    for row in result:
        key = (row[0], row[1], row[2], row[4])
        if key in seen:
            raise ValueError(f"duplicate messages row {key}")
        seen[key] = row
    return result


def anchor_rows(shared: Path) -> Tuple[List[str], List[Row]]:
    """anchors.tsv with a ``source`` column added (row order kept)."""
    path = shared / "anchors.tsv"
    header, rows = read_tsv(path)
    out: List[Row] = []
    for fields in rows:
        domain = fields[0]
        source = ANCHOR_SOURCE_ERRNO if domain == "errno" else ANCHOR_SOURCE_WINDOWS
        out.append((*fields, source))
    return [*header, "source"], out


def render(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buf = io.StringIO()
    buf.write("\t".join(header) + "\n")
    for row in rows:
        buf.write("\t".join(row) + "\n")
    return buf.getvalue()


def build(shared: Path) -> Dict[Path, str]:
    """Return {output path: content} for every generated file."""
    messages = sort_messages(
        _merge([*message_rows(shared), *extracted_message_rows()], corrected_message_rows())
    )
    a_header, a_rows = anchor_rows(shared)
    return {
        DATA / "messages.tsv": render(MESSAGES_HEADER, messages),
        DATA / "anchors.tsv": render(a_header, a_rows),
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT / "tools" / "sources" / "reference",
        help="directory holding strerror.tsv, gai.tsv, windows.tsv, anchors.tsv",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    args = parser.parse_args(argv)
    try:
        outputs = build(args.shared)
    except (OSError, ValueError) as exc:
        print(f"import_reference: {exc}", file=sys.stderr)
        return 2
    stale = 0
    for path, content in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        if args.check:
            print(f"stale: {path.relative_to(ROOT)}", file=sys.stderr)
            stale = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="\n")
    return stale


if __name__ == "__main__":
    sys.exit(main())
