"""Build wiring only: the cffi extension (optional: see OptionalBuildExt), its abi3 wheel tag, and the
answers of ``connerr explain CODE`` rendered from the built package (connerr/_answers.py). Metadata
lives in pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from typing import Any, Dict

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.errors import CCompilerError, ExecError, PlatformError

#: What a missing or broken C toolchain raises (markupsafe's list; ValueError: MSVC's 'path' lookup).
BUILD_ERRORS = (CCompilerError, ExecError, PlatformError, ValueError)

#: ``CONNERR_REQUIRE_EXTENSION=1`` (CI, tox): a failed C build fails the install instead of warning.
REQUIRE_EXTENSION = os.environ.get("CONNERR_REQUIRE_EXTENSION") == "1"


class BuildPyWithAnswers(build_py):
    """Copy the package, then render every bare code's answer into its data directory."""

    def run(self) -> None:
        super().run()
        target = os.path.join(self.build_lib, "connerr", "data", "answers.bin")
        env = dict(
            os.environ,
            PYTHONPATH=os.path.abspath(self.build_lib),
            CONNERR_NO_EXTENSION="1",
            CONNERR_CACHE_DIR="",
        )
        # -B: no __pycache__ from this run may end up in the wheel
        subprocess.run(
            [sys.executable, "-B", "-m", "connerr._answers", os.path.abspath(target)],
            env=env,
            check=True,
            cwd=self.build_lib,
        )


class OptionalBuildExt(build_ext):
    """Build ``connerr._native``; without a working C compiler, warn once and install without it.

    connerr then runs on its pure-Python backend (``connerr.native.BACKEND == "python"``). The
    extension is marked optional, so setuptools' in-place and editable copies skip it too.
    """

    def run(self) -> None:
        for ext in self.extensions:
            ext.optional = not REQUIRE_EXTENSION
        try:
            super().run()
        except BUILD_ERRORS as exc:  # a compiler that cannot even be set up (MSVC missing)
            self._give_up(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except BUILD_ERRORS as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        if REQUIRE_EXTENSION:
            raise exc
        reason = " ".join(str(exc).split()) or type(exc).__name__
        reason = reason if len(reason) <= 200 else reason[:197] + "..."  # pip -v shows the command above
        print(
            f"WARNING: connerr's C extension was not built ({reason}); connerr installs with its "
            "pure-Python backend. Install a C compiler and the Python headers, then reinstall, for "
            "the native one; CONNERR_REQUIRE_EXTENSION=1 makes this an error.",
            file=sys.stderr,
        )


def wheel_options() -> Dict[str, Dict[str, str]]:
    """bdist_wheel options: the stable-ABI tag where cffi builds the extension for the limited API.

    cffi compiles for the limited API on CPython, except debug and free-threaded builds; PyPy keeps
    its own ``pp*`` tags.
    """
    if (
        sys.implementation.name != "cpython"
        or hasattr(sys, "gettotalrefcount")
        or sysconfig.get_config_var("Py_GIL_DISABLED")
    ):
        return {}
    return {"bdist_wheel": {"py_limited_api": "cp39"}}


# `connerr`: pip's console-script wrapper imports `re` first (9 ms, more than the answer takes), so
# POSIX wheels install connerr/_bin/connerr as it is; Windows needs the entry point's .exe launcher.
COMMAND: Dict[str, Any] = (
    {"entry_points": {"console_scripts": ["connerr = connerr.cli:run"]}}
    if sys.platform == "win32"
    else {"scripts": ["connerr/_bin/connerr"]}
)

setup(
    cffi_modules=["csrc/ffi_build.py:ffi"],
    ext_package="",
    cmdclass={"build_py": BuildPyWithAnswers, "build_ext": OptionalBuildExt},
    options=wheel_options(),
    **COMMAND,
)
