"""Checks on connerr/data/codes.tsv, the numbers extracted from platform headers."""

from __future__ import annotations

import csv
import errno
import importlib.util
import json
import os
import platform
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
TSV = ROOT / "connerr" / "data" / "codes.tsv"
GENERATOR = ROOT / "tools" / "gen_codes.py"
#: every tag the generator wrote rows for (tests/test_platforms.py checks these are the registry's)
_META = json.loads((ROOT / "connerr" / "data" / "codes.meta.json").read_text(encoding="utf-8"))
PLATFORMS = tuple(sorted([*_META["targets"], *_META["extracts"]]))

Key = Tuple[str, str, str]  # platform, domain, name


def _rows() -> List[Dict[str, str]]:
    with open(TSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()
CODES: Dict[Key, int] = {(r["platform"], r["domain"], r["name"]): int(r["number"]) for r in ROWS}


def test_regeneration_is_byte_identical() -> None:
    if importlib.util.find_spec("ziglang") is None:
        if os.environ.get("CONNERR_REQUIRE_ZIG"):
            pytest.fail("ziglang is not installed (pip install ziglang==0.17.0); the regen env requires it")
        pytest.skip("ziglang is not installed (pip install ziglang==0.17.0)")
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], check=False, capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_file_format() -> None:
    raw = TSV.read_bytes()
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    assert raw.split(b"\n", 1)[0] == b"platform\tdomain\tname\tnumber\theader"
    assert {r["domain"] for r in ROWS} <= {"errno", "eai", "winsock", "win32"}
    assert {r["platform"] for r in ROWS} == set(PLATFORMS)
    for r in ROWS:
        assert r["header"] and not r["header"].startswith("/"), r
    keys = [(r["platform"], r["domain"], int(r["number"]), r["name"]) for r in ROWS]
    assert keys == sorted(keys)


def test_no_duplicate_rows() -> None:
    counts = Counter((r["platform"], r["domain"], r["name"]) for r in ROWS)
    assert [k for k, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("tag", PLATFORMS)
def test_every_platform_has_errno_rows(tag: str) -> None:
    assert sum(1 for r in ROWS if r["platform"] == tag and r["domain"] == "errno") >= 70


@pytest.mark.parametrize(
    ("tag", "domain", "name", "number"),
    [
        ("linux", "errno", "ECONNRESET", 104),
        ("linux-musl", "errno", "ECONNRESET", 104),
        ("darwin", "errno", "ECONNRESET", 54),
        ("freebsd", "errno", "ECONNRESET", 54),
        ("netbsd", "errno", "ECONNRESET", 54),
        ("openbsd", "errno", "ECONNRESET", 54),
        ("linux-sparc", "errno", "ECONNRESET", 54),
        ("linux-mips", "errno", "ECONNRESET", 131),
        ("linux-powerpc", "errno", "ECONNRESET", 104),
        ("linux", "errno", "ECONNABORTED", 103),
        ("linux-mips", "errno", "ECONNABORTED", 130),
        ("darwin", "errno", "ECONNABORTED", 53),
        ("windows", "winsock", "WSAECONNABORTED", 10053),
        ("windows", "errno", "ECONNABORTED", 106),
        ("linux", "eai", "EAI_NONAME", -2),
        ("darwin", "eai", "EAI_NONAME", 8),
        ("windows", "eai", "EAI_NONAME", 11001),
        ("windows", "win32", "ERROR_NETNAME_DELETED", 64),
        ("windows", "winsock", "WSA_IO_PENDING", 997),
        ("windows", "win32", "WAIT_TIMEOUT", 258),
    ],
)
def test_known_numbers(tag: str, domain: str, name: str, number: int) -> None:
    assert CODES.get((tag, domain, name)) == number


def test_aliases_keep_their_own_rows() -> None:
    assert CODES[("linux", "errno", "EWOULDBLOCK")] == CODES[("linux", "errno", "EAGAIN")]
    assert CODES[("linux", "errno", "EDEADLOCK")] == CODES[("linux", "errno", "EDEADLK")]
    assert CODES[("linux", "errno", "ENOTSUP")] == CODES[("linux", "errno", "EOPNOTSUPP")]


def test_non_codes_are_filtered_out() -> None:
    names = {name for (_, _, name) in CODES}
    for bogus in (
        "ELAST",
        "EAI_MAX",
        "WSABASEERR",
        "WSADESCRIPTION_LEN",
        "WSA_WAIT_TIMEOUT",
        "WSA_INFINITE",
        "WSA_MAXIMUM_WAIT_EVENTS",
        "WSA_FLAG_OVERLAPPED",
        "EOF",
    ):
        assert bogus not in names


def test_win32_names_all_present() -> None:
    listed = {
        line.strip()
        for line in (ROOT / "tools" / "win32_names.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    extracted = {name for (tag, domain, name) in CODES if tag == "windows" and domain == "win32"}
    assert extracted == listed


def _running_linux_tag() -> Optional[str]:
    if not sys.platform.startswith("linux"):
        return None
    machine = platform.machine().lower()
    if machine.startswith("mips"):
        return "linux-mips"
    if machine.startswith("sparc"):
        return "linux-sparc"
    if machine.startswith(("alpha", "parisc", "hppa")):
        return None  # own numbering, no data
    if machine.startswith(("ppc", "powerpc")):
        return "linux-powerpc"
    return "linux"


def test_running_linux_matches_python_errno() -> None:
    tag = _running_linux_tag()
    if tag is None:
        pytest.skip(f"not a Linux platform with data ({sys.platform} {platform.machine()})")
    names = set(errno.errorcode.values()) | {n for n in dir(errno) if n.startswith("E")}
    checked = 0
    mismatches = []
    for name in sorted(names):
        number = CODES.get((tag, "errno", name))
        if number is None:
            continue
        checked += 1
        if getattr(errno, name) != number:
            mismatches.append((name, getattr(errno, name), number))
    assert mismatches == []
    assert checked >= 70
