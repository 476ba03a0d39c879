"""The sdist and the wheel as an index would get them, and the guard of tests/conftest.py.

The build tests run in the ``sdist`` tox env (``CONNERR_SDIST_TEST=1``) from the git checkout: the
files git would commit are copied aside and ``python -m build`` makes the sdist, then the wheel from
the sdist. The build log may hold no warning; the wheel is tagged for the stable ABI; metadata,
contents, ``twine check --strict``, ``check-manifest`` and ``abi3audit`` are checked. The artifacts
go to ``CONNERR_DIST_DIR`` when it is set: the tox env then installs the wheel and runs this suite
from the unpacked sdist (where these build tests skip, having no git checkout to build from).
"""

from __future__ import annotations

import ast
import email.message
import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from _checkout import copy_checkout

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSIONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
#: the README's two commands (.ci/run and .github/workflows/ci.yml run the second)
DEVELOP_COMMANDS = ["pip install . && connerr explain 10053", "pip install tox && tox p -o"]
#: files an sdist has that the checkout has not (written by the build)
GENERATED_IN_SDIST = {"PKG-INFO", "setup.cfg"}
#: cffi compiles for the limited API on CPython, except debug and free-threaded builds
ABI3 = (
    sys.implementation.name == "cpython"
    and not hasattr(sys, "gettotalrefcount")
    and not sysconfig.get_config_var("Py_GIL_DISABLED")
)

build_gate = pytest.mark.skipif(
    os.environ.get("CONNERR_SDIST_TEST") != "1", reason="the sdist env runs this (CONNERR_SDIST_TEST=1)"
)


@dataclass
class Built:
    """The artifacts of one ``python -m build`` run, and what went into it."""

    sdist: Path
    wheel: Path
    log: str
    sources: List[str]


def _run(*args: str, cwd: Path | None = None, env: Dict[str, str] | None = None) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    if not (ROOT / ".git").exists():
        pytest.skip("building the sdist needs the git checkout (this is an unpacked sdist)")
    work = tmp_path_factory.mktemp("build")
    source = copy_checkout(work / "src")  # a clean copy: no build outputs, no race with other tox envs
    copied = sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
    dist = Path(os.environ.get("CONNERR_DIST_DIR") or work / "dist")
    shutil.rmtree(dist, ignore_errors=True)
    # PYTHONDONTWRITEBYTECODE makes setuptools warn "byte-compiling is disabled": the environment's
    # warning, not the project's. CONNERR_REQUIRE_EXTENSION: the wheel must carry the extension.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CONNERR_REQUIRE_EXTENSION"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    (work / "build.log").write_text(proc.stdout, encoding="utf-8")
    assert proc.returncode == 0, f"python -m build failed (log: {work / 'build.log'}):\n{proc.stdout[-4000:]}"
    (sdist,) = dist.glob("connerr-*.tar.gz")
    (wheel,) = dist.glob("connerr-*.whl")
    yield Built(sdist, wheel, proc.stdout, copied)


def _wheel_names(built: Built) -> List[str]:
    with zipfile.ZipFile(built.wheel) as whl:
        return whl.namelist()


def _dist_info(built: Built, name: str) -> str:
    with zipfile.ZipFile(built.wheel) as whl:
        (path,) = [p for p in whl.namelist() if re.fullmatch(rf"connerr-[^/]+\.dist-info/{name}", p)]
        return whl.read(path).decode("utf-8")


def _metadata(built: Built) -> email.message.Message:
    return email.parser.Parser().parsestr(_dist_info(built, "METADATA"))


@build_gate
def test_build_log_has_no_warning(built: Built) -> None:
    # lines that only echo a file operation would match on a file's name, not on a warning
    echo = re.compile(r"^(copying|adding|creating|hard linking|removing) ")
    hits = [
        line
        for line in built.log.splitlines()
        if re.search("warning|deprecat", line, re.I) and not echo.match(line)
    ]
    assert hits == []


@build_gate
def test_wheel_tag(built: Built) -> None:
    from packaging.utils import parse_wheel_filename

    _, _, _, tags = parse_wheel_filename(built.wheel.name)
    (tag,) = tags
    platform = re.sub(r"[-.]", "_", sysconfig.get_platform())
    if ABI3:
        assert (tag.interpreter, tag.abi) == ("cp39", "abi3")
        if not sys.platform.startswith("darwin"):  # macOS: the deployment target's version
            assert tag.platform == platform
    else:
        assert tag.abi != "abi3"
        assert tag.interpreter.startswith("pp" if sys.implementation.name == "pypy" else "cp")
    assert f"Tag: {tag}" in _dist_info(built, "WHEEL").splitlines()


@build_gate
def test_wheel_contents(built: Built) -> None:
    names = _wheel_names(built)
    extension = [n for n in names if re.fullmatch(r"connerr/_native\.[^/]+", n)]
    assert len(extension) == 1, names
    if ABI3:
        assert extension[0] in {"connerr/_native.abi3.so", "connerr/_native.pyd"}
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".c", ".h"))]
    assert not [n for n in names if n.startswith(("connerr/_bin", "tests/", "tools/", "csrc/"))]
    for name in (
        "connerr/py.typed",
        "connerr/data/answers.bin",
        "connerr/data/codes.tsv",
        "connerr/data/LICENSES.md",
        "connerr/contrib/urllib3.py",
    ):
        assert name in names
    script = [n for n in names if re.fullmatch(r"connerr-[^/]+\.data/scripts/connerr", n)]
    assert len(script) == (0 if sys.platform == "win32" else 1)
    licenses = sorted(n.split(".dist-info/licenses/")[1] for n in names if ".dist-info/licenses/" in n)
    assert licenses == ["LICENSE", "connerr/data/LICENSES.md"]


@build_gate
def test_metadata(built: Built) -> None:
    meta = _metadata(built)
    assert meta["Metadata-Version"] == "2.4"
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE", "connerr/data/LICENSES.md"]
    assert meta["Author"] == "the connerr authors"
    assert meta["Requires-Python"] == ">=3.9"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL", []))
    assert urls == {
        "Homepage": "https://github.com/connerr/connerr",
        "Documentation": "https://connerr.readthedocs.io",
        "Source": "https://github.com/connerr/connerr",
        "Issues": "https://github.com/connerr/connerr/issues",
        "Changelog": "https://connerr.readthedocs.io/en/latest/changelog.html",
    }
    classifiers = meta.get_all("Classifier", [])
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX expression says it
    for classifier in [
        "Development Status :: 4 - Beta",
        "Typing :: Typed",
        *(f"Programming Language :: Python :: {v}" for v in PYTHON_VERSIONS),
    ]:
        assert classifier in classifiers
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().strip() == (ROOT / "README.md").read_text(encoding="utf-8").strip()


@build_gate
def test_extras(built: Built) -> None:
    meta = _metadata(built)
    assert sorted(meta.get_all("Provides-Extra", [])) == ["retry", "testing"]
    requires: Dict[str, List[str]] = {}
    for line in meta.get_all("Requires-Dist", []):
        requirement, _, marker = line.partition(";")
        extra = re.search(r'extra == "([^"]+)"', marker)
        requires.setdefault(extra.group(1) if extra else "", []).append(requirement.strip())
    assert requires == {
        "": ["cffi>=1.15"],
        "testing": ["pytest>=7", "trustme"],
        "retry": ["tenacity", "stamina>=24.3", "backoff", "urllib3>=1.26"],
    }


@build_gate
@pytest.mark.skipif(sys.version_info < (3, 10), reason="sys.stdlib_module_names is new in 3.10")
def test_testing_extra_covers_the_plugin(built: Built) -> None:
    """What connerr.testing and the faulty servers import beyond the stdlib is in the extra."""
    imported = set()
    with zipfile.ZipFile(built.wheel) as whl:
        for module in ("connerr/testing.py", "connerr/faults.py"):
            for node in ast.walk(ast.parse(whl.read(module))):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"connerr", "__future__"}
    assert third_party == {"pytest", "trustme"}


@build_gate
def test_sdist_holds_the_checkout(built: Built) -> None:
    with tarfile.open(built.sdist) as tar:
        names = {m.name.split("/", 1)[1] for m in tar.getmembers() if m.isfile()}
    names = {n for n in names if n not in GENERATED_IN_SDIST and not n.startswith("connerr.egg-info/")}
    assert sorted(names) == built.sources


@build_gate
def test_twine_check_strict(built: Built) -> None:
    out = _run(sys.executable, "-m", "twine", "check", "--strict", str(built.sdist), str(built.wheel))
    assert out.count("PASSED") == 2, out


@build_gate
def test_check_manifest(built: Built) -> None:
    """check-manifest builds its own sdist from the files git tracks (``built``: only in a checkout)."""
    _run(sys.executable, "-m", "check_manifest", str(ROOT))


@build_gate
@pytest.mark.skipif(not ABI3, reason="no abi3 wheel on this interpreter")
def test_abi3audit(built: Built) -> None:
    report = json.loads(_run(sys.executable, "-m", "abi3audit", "--strict", "--report", str(built.wheel)))
    (audited,) = [spec["wheel"] for spec in report["specs"].values()]
    assert [so["name"] for so in audited] == ["_native.abi3.so" if os.name == "posix" else "_native.pyd"]
    for so in audited:
        result = so["result"]
        assert result["is_abi3"] and result["is_abi3_baseline_compatible"], so
        assert result["non_abi3_symbols"] == [] and result["baseline"] == "3.9", so


def test_readme_develop_section_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    develop = readme.split("\n## Develop\n", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"```console\n(.*?)\n```", develop, re.S) == DEVELOP_COMMANDS


def _pytest_in(tree: Path, env_extra: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m pytest`` in ``tree`` (which puts ``tree`` first on sys.path), with our conftest."""
    env = {k: v for k, v in os.environ.items() if k not in {"CONNERR_NO_EXTENSION", "PYTHONPATH"}}
    # an installed connerr's pytest11 plugin would be imported from the fake tree
    env.update(env_extra, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def source_tree(tmp_path: Path) -> Path:
    """A checkout-like tree: a connerr package without its extension, our conftest, one test."""
    (tmp_path / "connerr").mkdir()
    (tmp_path / "connerr" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    shutil.copy2(ROOT / "tests" / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    return tmp_path


def test_guard_stops_a_run_on_the_source_tree(source_tree: Path) -> None:
    proc = _pytest_in(source_tree, {})
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    (line,) = [line for line in proc.stderr.splitlines() if "without its C extension" in line]
    assert str(source_tree / "connerr") in line and "tox" in line and "pip install ." in line


def test_guard_lets_the_fallback_run_on_purpose(source_tree: Path) -> None:
    proc = _pytest_in(source_tree, {"CONNERR_NO_EXTENSION": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_guard_lets_an_in_place_build_run(source_tree: Path) -> None:
    """An editable install builds the extension beside the sources: that tree is tested as is."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    (source_tree / "connerr" / f"_native{suffix}").write_bytes(b"")  # found by name, never imported
    proc = _pytest_in(source_tree, {})
    assert proc.returncode == 0, proc.stdout + proc.stderr
