"""Install, use, uninstall: connerr writes nothing into its installed package, so nothing is left.

The wheel is built from this checkout, installed into a fresh virtual environment, used (``connerr
explain`` fills the table cache), then uninstalled; the environment's site-packages must hold no
trace of connerr, and the cache must be in the user's cache directory. Runs in the ``install`` tox
env (``CONNERR_INSTALL_TEST=1``): building the C extension takes a while.

Without a C compiler (``CC=false``) the install still succeeds, with the pure-Python backend and one
warning line; with ``CONNERR_REQUIRE_EXTENSION=1`` it fails instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from _checkout import copy_checkout

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("CONNERR_INSTALL_TEST") != "1", reason="the install env runs this (CONNERR_INSTALL_TEST=1)"
)


# The venv's python runs with -I: from the checkout (tox's working directory) a plain `python -c` or
# `-m` would import the source tree's connerr instead of the installed one.
def _run(*args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, check=False)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _run_both(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``args``; stdout and stderr together (pip -v prints a build's output on either)."""
    return subprocess.run(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, env=env, check=False
    )


def _source(tmp_path: Path) -> Path:
    """A private copy of the project to build: a build in the checkout would race the other tox envs."""
    return copy_checkout(tmp_path / "src")


def _venv(target: Path) -> tuple[Path, list[str]]:
    """A fresh virtual environment without pip: its python, and this pip aimed at it."""
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    return python, [sys.executable, "-m", "pip", "--python", str(python)]


def test_uninstall_leaves_nothing_behind(tmp_path: Path) -> None:
    source = _source(tmp_path)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source))
    (wheel,) = wheels.glob("connerr-*.whl")
    python, pip = _venv(tmp_path / "venv")
    _run(*pip, "install", "--no-deps", "-q", str(wheel))

    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "LOCALAPPDATA": str(cache), "HOME": str(tmp_path)}
    env.pop("CONNERR_CACHE_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = _run(str(python), "-I", "-m", "connerr", "explain", "10053", env=env)  # a stored answer
    assert "WSAECONNABORTED" in out
    out = _run(
        str(python), "-I", "-m", "connerr", "explain", "Connection reset by peer", env=env
    )  # the tables
    assert "ECONNRESET" in out
    cached = sorted(p.name for p in cache.rglob("*.marshal"))
    assert cached, "explain wrote no table cache"

    site = Path(
        _run(str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    package = site / "connerr"
    assert not list(package.rglob("*.marshal")), "a cache was written into the installed package"

    _run(*pip, "uninstall", "-y", "-q", "connerr")
    left = [p.name for p in site.iterdir() if p.name.lower().startswith("connerr")]
    assert left == []
    assert not package.exists()
    assert sysconfig.get_paths()["purelib"] != str(site)  # the fresh environment, not this one


#: the one line setup.py prints when the C extension cannot be built
NOT_BUILT = "WARNING: connerr's C extension was not built"


def _without_compiler() -> dict[str, str]:
    """This environment with a C compiler that always fails, and no demand for the extension."""
    drop = {"CONNERR_REQUIRE_EXTENSION", "CONNERR_NO_EXTENSION"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(CC="false", CXX="false", PIP_NO_CACHE_DIR="1")
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="CC does not choose MSVC")
def test_install_without_a_compiler_uses_the_python_backend(tmp_path: Path) -> None:
    python, pip = _venv(tmp_path / "venv")
    # -v: pip shows the build's output, where the warning is
    proc = _run_both(*pip, "install", "-v", str(_source(tmp_path)), env=_without_compiler())
    assert proc.returncode == 0, proc.stdout
    assert len([line for line in proc.stdout.splitlines() if NOT_BUILT in line]) == 1, proc.stdout

    probe = (
        "import connerr, connerr.native as n; print(n.BACKEND); "
        "print(connerr.normalize(ConnectionResetError(104, 'x')).kind)"
    )
    assert _run(str(python), "-I", "-c", probe).split() == ["python", "connection_reset"]
    site = Path(_run(str(python), "-I", "-c", "import connerr; print(connerr.__file__)").strip()).parent
    assert not [p.name for p in site.iterdir() if p.name.startswith("_native.")]  # no extension
    assert "WSAECONNABORTED" in _run(str(python.parent / "connerr"), "explain", "10053")


@pytest.mark.skipif(sys.platform == "win32", reason="CC does not choose MSVC")
def test_required_extension_fails_without_a_compiler(tmp_path: Path) -> None:
    _, pip = _venv(tmp_path / "venv")
    env = {**_without_compiler(), "CONNERR_REQUIRE_EXTENSION": "1"}
    proc = _run_both(*pip, "install", "-v", str(_source(tmp_path)), env=env)
    assert proc.returncode != 0
    assert "building 'connerr._native' extension" in proc.stdout
    assert NOT_BUILT not in proc.stdout
