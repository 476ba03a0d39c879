"""Checks on connerr/data/domains.tsv and the pinned runtime-domain extracts it is generated from.

The extracts in tools/sources/domains/ were read from newer upstream commits; here they are compared
with real upstream artifacts of older releases (Debian bookworm's curl.h and libcurl, libuv's
errno.h, MariaDB's errmsg.h, gRPC's status.h, and Node.js's libuv). Where a header or library is
absent the test skips, unless CONNERR_REQUIRE_UPSTREAM is set (the regen env), and then it fails.
The TSV files are read directly, so that this module runs without connerr installed.
"""

from __future__ import annotations

import ctypes
import functools
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, List, NoReturn, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "sources" / "domains"
DOMAINS_TSV = ROOT / "connerr" / "data" / "domains.tsv"
CODES_TSV = ROOT / "connerr" / "data" / "codes.tsv"
GENERATOR = ROOT / "tools" / "gen_domains.py"

CURL_HEADERS = [Path("/usr/include/curl/curl.h"), *sorted(Path("/usr/include").glob("*/curl/curl.h"))]
UV_ERRNO_H = Path("/usr/include/uv/errno.h")
MARIADB_ERRMSG_H = Path("/usr/include/mariadb/errmsg.h")
GRPC_STATUS_HEADERS = [
    Path("/usr/include/grpc/impl/codegen/status.h"),
    Path("/usr/include/grpc/impl/status.h"),
    Path("/usr/include/grpc/status.h"),
]

#: curl_easy_strerror() texts of Debian's libcurl 7.88.1 that differ from the pinned newer
#: lib/strerror.c: name -> (Debian text, pinned text). Later curl spells out "could not"/"cannot",
#: uses US spelling and "hostname"; 100 and 101 are codes added after 7.88.1 ("Unknown error" there).
KNOWN_TEXT_CHANGES: Dict[str, Tuple[str, str]] = {
    "CURLE_COULDNT_RESOLVE_PROXY": ("Couldn't resolve proxy name", "Could not resolve proxy name"),
    "CURLE_COULDNT_RESOLVE_HOST": ("Couldn't resolve host name", "Could not resolve hostname"),
    "CURLE_COULDNT_CONNECT": ("Couldn't connect to server", "Could not connect to server"),
    "CURLE_FTP_CANT_GET_HOST": (
        "FTP: can't figure out the host in the PASV response",
        "FTP: cannot figure out the host in the PASV response",
    ),
    "CURLE_FTP_COULDNT_SET_TYPE": ("FTP: couldn't set file type", "FTP: could not set file type"),
    "CURLE_FTP_COULDNT_RETR_FILE": (
        "FTP: couldn't retrieve (RETR failed) the specified file",
        "FTP: could not retrieve (RETR failed) the specified file",
    ),
    "CURLE_BAD_DOWNLOAD_RESUME": ("Couldn't resume download", "Could not resume download"),
    "CURLE_FILE_COULDNT_READ_FILE": ("Couldn't read a file:// file", "Could not read a file:// file"),
    "CURLE_SSL_CIPHER": ("Couldn't use specified SSL cipher", "Could not use specified SSL cipher"),
    "CURLE_SSL_ENGINE_INITFAILED": (
        "Failed to initialise SSL crypto engine",
        "Failed to initialize SSL crypto engine",
    ),
    "CURLE_TOO_LARGE": ("Unknown error", "A value or data field grew larger than allowed"),
    "CURLE_ECH_REQUIRED": ("Unknown error", "ECH attempted but failed"),
}

#: util.getSystemErrorMap() entries of the installed Node.js that differ from the pinned libuv:
#: UV_ name -> ((node number, node message), (extract number, extract text)). None seen with
#: Node.js 20.20.2 (libuv 1.46.0); codes newer than node's libuv (UV_ENOEXEC) are not in its map.
KNOWN_NODE_DIFFERENCES: Dict[str, Tuple[Tuple[int, str], Tuple[int, str]]] = {}

pytestmark = pytest.mark.skipif(not SOURCES.exists(), reason="no tools/sources/domains beside the tests")


def _read(path: Path) -> List[Dict[str, str]]:
    """Rows of a TSV file, read as tools/gen_domains.py reads its inputs."""
    rows: List[Dict[str, str]] = _generator().read_rows(path)
    return rows


def _extract(domain: str) -> Dict[str, Dict[str, str]]:
    """One extract of tools/sources/domains/, by name."""
    return {row["name"]: row for row in _read(SOURCES / f"{domain}.tsv")}


def _missing(what: str) -> NoReturn:
    """Skip for an absent upstream artifact; fail instead when CONNERR_REQUIRE_UPSTREAM is set."""
    if os.environ.get("CONNERR_REQUIRE_UPSTREAM"):
        pytest.fail(f"{what}, and CONNERR_REQUIRE_UPSTREAM is set (the regen env cross-checks against it)")
    pytest.skip(what)


def _header(candidates: List[Path], package: str) -> str:
    """The text of the first existing header of ``candidates`` (skip or fail if none exists)."""
    for path in candidates:
        if path.exists():
            return path.read_text(encoding="utf-8", errors="replace")
    _missing(f"{' / '.join(map(str, candidates))} not found (Debian package {package})")


def _strip_comments(text: str) -> str:
    """C source without its ``/* */`` and ``//`` comments."""
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", " ", text, flags=re.S))


@functools.cache
def _generator() -> ModuleType:
    """tools/gen_domains.py as a module (it adds the source tree to sys.path for connerr._domains)."""
    if importlib.util.find_spec("connerr") is not None:
        importlib.import_module("connerr")  # the installed package stays the one the other tests see
    saved = list(sys.path)
    sys.path.insert(0, str(ROOT))
    try:
        spec = importlib.util.spec_from_file_location("connerr_gen_domains", GENERATOR)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


def test_generated_file_is_current() -> None:
    """domains.tsv is what tools/gen_domains.py builds from the extracts, byte for byte."""
    assert _generator().build() == DOMAINS_TSV.read_bytes().decode("utf-8")


def _curl_enum(text: str) -> Dict[str, int]:
    """name -> number of the ``CURLcode`` enumerators (by position, or ``= N``; without CURL_LAST)."""
    match = re.search(r"typedef\s+enum\s*\{([^{}]*)\}\s*CURLcode\s*;", _strip_comments(text))
    assert match, "no typedef enum {...} CURLcode in curl.h"
    numbers: Dict[str, int] = {}
    number = -1
    for item in (part.strip() for part in match[1].split(",")):
        if not item:
            continue
        member = re.fullmatch(r"(\w+)(?:\s*=\s*(-?\d+))?", item)
        assert member, f"unexpected CURLcode member {item!r}"
        number = int(member[2]) if member[2] is not None else number + 1
        if member[1] != "CURL_LAST":
            assert member[1].startswith("CURLE_"), member[1]
            numbers[member[1]] = number
    return numbers


def test_curl_numbers_match_debian_header() -> None:
    """Every CURLcode the Debian curl.h (7.88.1) and the pinned extract share has the same number."""
    header = _curl_enum(_header(CURL_HEADERS, "libcurl4-openssl-dev"))
    assert header["CURLE_OK"] == 0
    extract = _extract("curl")
    common = sorted(set(header) & set(extract))
    assert {
        n: (header[n], int(extract[n]["number"])) for n in common if header[n] != int(extract[n]["number"])
    } == {}
    assert len(common) >= 90, common


def _libcurl() -> ctypes.CDLL:
    """The system libcurl (or skip or fail)."""
    try:
        return ctypes.CDLL("libcurl.so.4")
    except OSError as exc:
        _missing(f"libcurl.so.4 does not load ({exc}; Debian package libcurl4)")


def test_curl_texts_match_libcurl() -> None:
    """curl_easy_strerror() of the system libcurl gives the extract's text, but for KNOWN_TEXT_CHANGES."""
    lib = _libcurl()
    strerror = lib.curl_easy_strerror
    strerror.argtypes = [ctypes.c_int]
    strerror.restype = ctypes.c_char_p
    lib.curl_version.restype = ctypes.c_char_p
    version = lib.curl_version().decode()
    equal = 0
    changes: Dict[str, Tuple[str, str]] = {}
    for name, row in _extract("curl").items():
        if not row["text"]:
            continue
        text = strerror(int(row["number"])).decode("utf-8")
        if text == row["text"]:
            equal += 1
        else:
            changes[name] = (text, row["text"])
    assert changes == KNOWN_TEXT_CHANGES, version
    assert equal >= 70, (equal, version)


def _uv_literals(text: str) -> Tuple[Set[str], Dict[str, List[int]]]:
    """(every ``UV__X`` name, X -> its literal ``(-N)`` values outside any branch but ``#else``)."""
    names: Set[str] = set()
    literals: Dict[str, List[int]] = {}
    stack: List[str] = []  # the branch each open #if is in; stack[0] is the include guard
    for line in _strip_comments(text).replace("\\\n", " ").split("\n"):
        directive = re.match(r"\s*#\s*(\w+)\s*(.*?)\s*$", line)
        if not directive:
            continue
        keyword, rest = directive[1], directive[2]
        if keyword in ("if", "ifdef", "ifndef"):
            stack.append("if")
        elif keyword in ("elif", "else"):
            stack[-1] = keyword
        elif keyword == "endif":
            stack.pop()
        elif keyword == "define":
            define = re.fullmatch(r"UV__(\w+)\s+(.+)", rest)
            if not define:
                continue  # UV__ERR(x) and the include guard
            names.add(define[1])
            literal = re.fullmatch(r"\(\s*(-\d+)\s*\)", define[2])
            if literal and all(branch == "else" for branch in stack[1:]):
                literals.setdefault(define[1], []).append(int(literal[1]))
    assert stack == [], "unbalanced #if in uv/errno.h"
    return names, literals


def test_libuv_windows_numbers_match_debian_header() -> None:
    """Every ``UV__X`` of the Debian uv/errno.h (1.44.2) is in the extract with its ``#else`` literal."""
    names, literals = _uv_literals(_header([UV_ERRNO_H], "libuv1-dev"))
    assert len(names) >= 80, sorted(names)
    assert {n: v for n, v in literals.items() if len(v) != 1} == {}
    assert sorted(names - set(literals)) == []
    extract = _extract("libuv")
    assert sorted(f"UV_{n}" for n in names if f"UV_{n}" not in extract) == []
    assert {
        n: (v[0], int(extract[f"UV_{n}"]["windows_number"]))
        for n, v in literals.items()
        if v[0] != int(extract[f"UV_{n}"]["windows_number"])
    } == {}


def test_libuv_matches_node() -> None:
    """Node's util.getSystemErrorMap() has the extract's Linux number and text for each libuv code."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not on PATH (Debian package nodejs)")
    script = "console.log(JSON.stringify([process.versions.uv, [...require('util').getSystemErrorMap()]]))"
    proc = subprocess.run([node, "-e", script], capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    uv_version, entries = json.loads(proc.stdout)
    extract = _extract("libuv")
    compared = 0
    differences: Dict[str, Tuple[Tuple[int, str], Tuple[int, str]]] = {}
    for number, (name, message) in entries:
        row = extract.get(f"UV_{name}")
        if row is None:
            continue
        compared += 1
        ours = (int(row["number"]), row["text"])
        if (number, message) != ours:
            differences[f"UV_{name}"] = ((number, message), ours)
    assert differences == KNOWN_NODE_DIFFERENCES, f"node's libuv {uv_version}"
    assert compared >= 60, (compared, uv_version)


def test_mysql_numbers_match_debian_header() -> None:
    """Every CR_* code of the extract is defined in MariaDB's errmsg.h with the same number."""
    text = _strip_comments(_header([MARIADB_ERRMSG_H], "libmariadb-dev"))
    header = {
        m[1]: int(m[2])
        for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(CR_\w+)[ \t]+(-?\d+)[ \t]*$", text, flags=re.M)
    }
    extract = _extract("mysql")
    assert extract
    assert {
        n: (header.get(n), int(r["number"])) for n, r in extract.items() if header.get(n) != int(r["number"])
    } == {}


def test_grpc_numbers_match_debian_header() -> None:
    """Every status of the extract is ``GRPC_STATUS_<NAME> = N`` in gRPC's C header, and vice versa."""
    existing = [p for p in GRPC_STATUS_HEADERS if p.exists()]
    if not existing:
        paths = ", ".join(map(str, GRPC_STATUS_HEADERS))
        _missing(f"no gRPC status header ({paths}; Debian package libgrpc-dev)")
    header: Dict[str, int] = {}
    for path in existing:
        text = _strip_comments(path.read_text(encoding="utf-8", errors="replace"))
        header.update((m[1], int(m[2])) for m in re.finditer(r"\bGRPC_STATUS_(\w+)\s*=\s*(-?\d+)", text))
    extract = _extract("grpc")
    assert {
        n: (header.get(n), int(r["number"])) for n, r in extract.items() if header.get(n) != int(r["number"])
    } == {}
    # the C header's only other member is the sentinel GRPC_STATUS__DO_NOT_USE = -1
    assert sorted(set(header) - set(extract)) == ["_DO_NOT_USE"]


def test_dotnet_values_are_winsock_numbers() -> None:
    """SocketError values from 10000 up are Windows Winsock numbers, and os_code names that code."""
    winsock: Dict[int, Set[str]] = {}
    for row in _read(CODES_TSV):
        if row["platform"] == "windows" and row["domain"] == "winsock" and row["name"].startswith("WSA"):
            winsock.setdefault(int(row["number"]), set()).add(row["name"])
    generated = {r["name"]: r for r in _read(DOMAINS_TSV) if r["domain"] == "dotnet"}
    checked = 0
    for name, row in _extract("dotnet").items():
        number = int(row["number"])
        if number < 10000:
            continue
        checked += 1
        assert winsock.get(number), (name, number)
        assert int(generated[name]["number"]) == number, name
        assert generated[name]["os_code"] in winsock[number], (name, number, generated[name]["os_code"])
    assert checked >= 40, checked
