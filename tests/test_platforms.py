"""The platform registry: every row is complete and consistent with the data, detection picks the
right tag, and no other module keeps a list of tags of its own."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

import connerr
from connerr import native, platforms
from connerr._data import DATA_DIR, read_tsv

PACKAGE = Path(connerr.__file__).parent
ROOT = Path(__file__).resolve().parent.parent


def test_tags_are_unique_and_ordered() -> None:
    assert len(set(platforms.PLATFORMS)) == len(platforms.PLATFORMS)
    assert platforms.PLATFORMS[0] == "linux"


@pytest.mark.parametrize("row", platforms.REGISTRY, ids=lambda p: p.tag)
def test_every_row_is_complete(row: platforms.Platform) -> None:
    assert row.os and row.sys_platforms and row.data_libc
    assert row.eai in platforms.EAI_CONVENTIONS
    assert row.family in (*platforms.FAMILIES, "")
    assert 0 < row.prior < 1
    assert all(mark == mark.lower() and weight > 0 for mark, weight in row.marks)


def test_numbers_come_from_each_rows_zig_target() -> None:
    with open(Path(DATA_DIR) / "codes.meta.json", encoding="utf-8") as f:
        meta = json.load(f)
    assert meta["targets"] == {p.tag: p.zig_target for p in platforms.REGISTRY if p.zig_target}
    assert meta["extracts"] == {
        p.tag: f"tools/sources/{p.tag}.tsv" for p in platforms.REGISTRY if not p.zig_target
    }
    assert {row["platform"] for row in read_tsv("codes.tsv")} == set(platforms.PLATFORMS)


def test_message_sets_exist_in_the_data() -> None:
    recorded = {row["msgset"] for row in read_tsv("messages.tsv")}
    for row in platforms.REGISTRY:
        assert set(row.message_sets) <= recorded, row.tag
    assert {s for row in platforms.REGISTRY for s in row.message_sets} == recorded


def test_eai_convention_matches_the_numbers() -> None:
    """EAI_NONAME is negative, positive, or the Winsock value, as the row says."""
    for row in platforms.REGISTRY:
        found = connerr.reference.lookup("EAI_NONAME")[0].platforms[row.tag].number
        expected = {"negative": found < 0, "positive": 0 < found < 10000, "winsock": found == 11001}
        assert expected[row.eai], (row.tag, found)


@pytest.mark.parametrize(
    ("os_name", "arch", "libc", "tag"),
    [
        ("linux", "x86_64", "glibc", "linux"),
        ("linux", "aarch64", "glibc", "linux"),
        ("linux", "s390x", "glibc", "linux"),
        ("linux", "x86_64", "musl", "linux-musl"),
        ("linux", "mips64", "glibc", "linux-mips"),
        ("linux", "mips", "musl", "linux-mips"),  # the kernel's numbering outranks the C library's texts
        ("linux", "sparc", "glibc", "linux-sparc"),
        ("linux", "powerpc64", "glibc", "linux-powerpc"),
        ("darwin", "aarch64", "system", "darwin"),
        ("windows", "x86_64", "msvcrt", "windows"),
        ("wasi", "wasm32", "system", "wasi"),
        ("android", "aarch64", "bionic", "android"),
        ("ios", "aarch64", "system", "ios"),
        ("emscripten", "wasm32", "system", "emscripten"),
        ("cygwin", "x86_64", "system", "cygwin"),
        ("illumos", "x86_64", "system", "illumos"),
        ("solaris", "sparc", "system", "solaris"),  # no Linux numbering on SPARC Solaris
        ("aix", "powerpc64", "system", "aix"),
        ("dragonfly", "x86_64", "system", "dragonfly"),
        ("haiku", "x86_64", "system", "haiku"),
        ("hurd", "x86_64", "glibc", "hurd"),
        ("plan9", "x86_64", "system", "plan9"),  # not in the registry: its own name, which matches no data
        ("linux", "alpha", "glibc", "unknown"),  # a numbering of its own the data does not cover
        ("linux", "hppa", "glibc", "unknown"),
    ],
)
def test_platform_tag(os_name: str, arch: str, libc: str, tag: str) -> None:
    assert platforms.platform_tag(os_name, arch, libc) == tag


@pytest.mark.parametrize(
    ("value", "uname_version", "os_name"),
    [
        ("linux", "", "linux"),
        ("win32", "", "windows"),
        ("darwin", "", "darwin"),
        ("freebsd14", "", "freebsd"),
        ("netbsd10", "", "netbsd"),
        ("openbsd7", "", "openbsd"),
        ("wasi", "", "wasi"),
        ("android", "", "android"),
        ("ios", "", "ios"),
        ("emscripten", "", "emscripten"),
        ("cygwin", "", "cygwin"),
        ("msys", "", "cygwin"),
        ("aix7", "", "aix"),
        ("dragonfly6", "", "dragonfly"),
        ("haiku1", "", "haiku"),
        ("gnu0", "", "hurd"),
        ("sunos5", "omnios-r151046-2bd7ae3f1c", "illumos"),
        ("sunos5", "illumos-7ac0a3d21e", "illumos"),
        ("sunos5", "11.4.0.15.0", "solaris"),
        ("plan9", "", "unknown"),
    ],
)
def test_os_of_sys_platform(value: str, uname_version: str, os_name: str) -> None:
    assert platforms.os_of_sys_platform(value, uname_version) == os_name


def test_both_backends_detect_this_machine_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    from connerr import _backend_python

    assert native.current_platform() in platforms.PLATFORMS
    assert _backend_python.compiled_os() == native.compiled_os()


def test_unknown_tags_are_refused() -> None:
    with pytest.raises(platforms.UnknownPlatformError):
        platforms.get("plan9")
    assert isinstance(platforms.UnknownPlatformError("x"), ValueError)


def _tag_lists(path: Path) -> list[tuple[int, list[str]]]:
    """Literal tuples, lists, sets and dicts in ``path`` that name two platform tags or more."""
    tags = set(platforms.PLATFORMS)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        named = [e.value for e in items if isinstance(e, ast.Constant) and e.value in tags]
        if len(named) >= 2:
            found.append((node.lineno, named))
    return found


def test_no_second_list_of_platforms() -> None:
    """Only the registry lists platform tags: a module that lists its own would miss a new one."""
    files = [p for p in PACKAGE.glob("*.py") if p.name != "platforms.py"]
    extension = ROOT / "docs" / "_ext" / "connerr_reference.py"
    files += [
        p
        for p in (extension, ROOT / "tools" / "gen_codes.py", ROOT / "tools" / "import_reference.py")
        if p.exists()
    ]
    assert {str(p.name): _tag_lists(p) for p in files if _tag_lists(p)} == {}


@pytest.mark.parametrize(
    ("value", "uname_version", "tag"),
    [
        ("android", "", "android"),
        ("ios", "", "ios"),
        ("emscripten", "", "emscripten"),
        ("cygwin", "", "cygwin"),
        ("msys", "", "cygwin"),
        ("sunos5", "omnios-r151050-0b4e5a6d", "illumos"),
        ("sunos5", "11.4.81.193.1", "solaris"),
        ("aix7", "", "aix"),
        ("dragonfly6", "", "dragonfly"),
        ("haiku1", "", "haiku"),
        ("gnu0", "", "hurd"),
        ("darwin", "", "darwin"),
        ("win32", "", "windows"),
    ],
)
def test_the_python_backend_detects_each_sys_platform(
    monkeypatch: pytest.MonkeyPatch, value: str, uname_version: str, tag: str
) -> None:
    """What the pure-Python backend reports where the OS itself is not available: simulated."""
    import platform as stdlib_platform

    from connerr import _backend_python

    real_uname = stdlib_platform.uname()
    monkeypatch.setattr(sys, "platform", value)
    monkeypatch.setattr(stdlib_platform, "uname", lambda: real_uname._replace(version=uname_version))
    monkeypatch.setattr(stdlib_platform, "libc_ver", lambda *a, **k: ("", ""))
    found = platforms.platform_tag(_backend_python.compiled_os(), "x86_64", _backend_python.compiled_libc())
    assert found == tag
