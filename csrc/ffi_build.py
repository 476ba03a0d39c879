"""cffi build script for ``connerr._native`` (out-of-line API mode)."""

from __future__ import annotations

import os
import sys
from typing import Dict, List

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))


def read_source(name: str) -> str:
    """Return the text of a file in ``csrc/``."""
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


def libraries_for(platform: str) -> List[str]:
    """Libraries to link on ``platform`` (a ``sys.platform`` value): Winsock on Windows."""
    return ["ws2_32"] if platform == "win32" else []


def define_macros_for(platform: str) -> List[tuple[str, str]]:
    """Preprocessor macros for ``platform``: Windows needs Vista+ for inet_pton."""
    return [("_WIN32_WINNT", "0x0600")] if platform == "win32" else []


def build_options(platform: str) -> Dict[str, object]:
    """Keyword arguments for ``FFI.set_source`` on ``platform``."""
    return {
        # setuptools wants paths relative to the directory it runs in (the project root)
        "sources": [os.path.relpath(os.path.join(HERE, name)) for name in ("native.c", "scan.c")],
        "include_dirs": [os.path.relpath(HERE)],
        "libraries": libraries_for(platform),
        "define_macros": define_macros_for(platform),
    }


def make_ffi(platform: str = sys.platform) -> FFI:
    """The FFI object that builds ``connerr._native``."""
    ffi = FFI()
    ffi.cdef(read_source("native.cdef"))
    ffi.set_source("connerr._native", '#include "native.h"', **build_options(platform))  # type: ignore[arg-type]
    return ffi


ffi = make_ffi()

if __name__ == "__main__":
    ffi.compile(verbose=True)
