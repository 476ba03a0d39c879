"""Build wiring only: the cffi extension, and the answers of ``connerr explain CODE`` rendered from
the built package (connerr/_answers.py). Metadata lives in pyproject.toml."""

import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithAnswers(build_py):
    """Copy the package, then render every bare code's answer into its data directory."""

    def run(self) -> None:
        super().run()
        target = os.path.join(self.build_lib, "connerr", "data", "answers.bin")
        env = dict(os.environ, PYTHONPATH=os.path.abspath(self.build_lib), CONNERR_NO_EXTENSION="1",
                   CONNERR_CACHE_DIR="")
        subprocess.run([sys.executable, "-m", "connerr._answers", os.path.abspath(target)], env=env,
                       check=True, cwd=self.build_lib)


# `connerr`: pip's console-script wrapper imports `re` first (9 ms, more than the answer takes), so
# POSIX wheels install connerr/_bin/connerr as it is; Windows needs the entry point's .exe launcher.
COMMAND = ({"entry_points": {"console_scripts": ["connerr = connerr.cli:run"]}} if sys.platform == "win32"
           else {"scripts": ["connerr/_bin/connerr"]})

setup(
    cffi_modules=["csrc/ffi_build.py:ffi"],
    ext_package="",
    cmdclass={"build_py": BuildPyWithAnswers},
    **COMMAND,
)
