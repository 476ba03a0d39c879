"""Unit tests of the build helpers in csrc/ffi_build.py."""

from __future__ import annotations

import importlib.util
import os
import re
from types import ModuleType

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSRC = os.path.join(ROOT, "csrc")

pytest.importorskip("cffi")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ffi_build", os.path.join(CSRC, "ffi_build.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ffi_build() -> ModuleType:
    if not os.path.exists(os.path.join(CSRC, "ffi_build.py")):
        pytest.skip("running from an installed wheel without csrc/")
    return _load()


def test_windows_links_winsock(ffi_build: ModuleType) -> None:
    assert ffi_build.libraries_for("win32") == ["ws2_32"]
    assert ffi_build.libraries_for("linux") == []
    assert ffi_build.libraries_for("darwin") == []


def test_windows_targets_vista_for_inet_pton(ffi_build: ModuleType) -> None:
    assert ffi_build.define_macros_for("win32") == [("_WIN32_WINNT", "0x0600")]
    assert ffi_build.define_macros_for("linux") == []


def test_build_paths_are_relative(ffi_build: ModuleType) -> None:
    # setuptools rejects absolute source paths
    opts = ffi_build.build_options("linux")
    assert all(not os.path.isabs(p) for p in opts["sources"] + opts["include_dirs"])


def test_cdef_has_no_preprocessor_lines(ffi_build: ModuleType) -> None:
    assert not re.search(r"^\s*#", ffi_build.read_source("native.cdef"), re.M)


def test_cdef_mirrors_the_public_header(ffi_build: ModuleType) -> None:
    def prototypes(text: str) -> set[str]:
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        return {" ".join(m.split()) for m in re.findall(r"^[a-z][^;#]*\([^;]*\);", text, re.M)}

    assert prototypes(ffi_build.read_source("native.cdef")) == prototypes(ffi_build.read_source("native.h"))


def test_every_constant_is_guarded(ffi_build: ModuleType) -> None:
    lines = ffi_build.read_source("constants.inc").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("CONNERR_CONST("):
            name = line[line.index(",") + 1 : -1].strip()
            assert lines[i - 1] == f"#ifdef {name}" and lines[i + 1] == "#endif"
