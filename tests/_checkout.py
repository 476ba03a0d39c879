"""The files of this checkout as a build sees them, for the tests that build connerr themselves."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
#: what a tree that is no git checkout (an unpacked sdist) may hold beside its sources
_BUILD_OUTPUTS = (
    "__pycache__",
    "*.py[cod]",
    "*.so",
    "*.pyd",
    "_native.c",
    "answers.bin",
    "build",
    "dist",
    "*.egg-info",
    ".tox",
    ".*_cache",
    ".hypothesis",
)


def checkout_files() -> List[str]:
    """The files git would commit: the tracked ones and the new ones it does not ignore."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return sorted(name for name in set(out.split("\0")) if name and (ROOT / name).is_file())


def copy_checkout(target: Path) -> Path:
    """Copy the project's sources to ``target``: a private tree to build in, never the checkout
    (a build there would race the other tox envs and leave outputs behind)."""
    if not (ROOT / ".git").exists():
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*_BUILD_OUTPUTS))
        return target
    for name in checkout_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target
