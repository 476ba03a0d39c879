"""Install, use, uninstall: connerr writes nothing into its installed package, so nothing is left.

The wheel is built from this checkout, installed into a fresh virtual environment, used (``connerr
explain`` fills the table cache), then uninstalled; the environment's site-packages must hold no
trace of connerr, and the cache must be in the user's cache directory. Runs in the ``install`` tox
env (``CONNERR_INSTALL_TEST=1``): building the C extension takes a while.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.environ.get("CONNERR_INSTALL_TEST") != "1",
                                reason="the install env runs this (CONNERR_INSTALL_TEST=1)")


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, check=False)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_uninstall_leaves_nothing_behind(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a private copy: a build in the checkout would race the other tox envs
    source.mkdir()
    for name in ("connerr", "csrc"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "_native.c"))
    for name in ("setup.py", "pyproject.toml", "README.md", "MANIFEST.in"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source))
    (wheel,) = wheels.glob("connerr-*.whl")
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    _run(*pip, "install", "--no-deps", "-q", str(wheel))

    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "LOCALAPPDATA": str(cache), "HOME": str(tmp_path)}
    env.pop("CONNERR_CACHE_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = _run(str(python), "-m", "connerr", "explain", "10053", env=env)  # a stored answer
    assert "WSAECONNABORTED" in out
    out = _run(str(python), "-m", "connerr", "explain", "Connection reset by peer", env=env)  # the tables
    assert "ECONNRESET" in out
    cached = sorted(p.name for p in cache.rglob("*.marshal"))
    assert cached, "explain wrote no table cache"

    site = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    package = site / "connerr"
    assert not list(package.rglob("*.marshal")), "a cache was written into the installed package"

    _run(*pip, "uninstall", "-y", "-q", "connerr")
    left = [p.name for p in site.iterdir() if p.name.lower().startswith("connerr")]
    assert left == []
    assert not package.exists()
    assert sysconfig.get_paths()["purelib"] != str(site)  # the fresh environment, not this one
