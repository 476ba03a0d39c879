"""Sphinx extension: run commands and code while the docs build, and show what they printed.

Examples in the docs are never typed by hand: these directives run them with the Python that runs
Sphinx (so the installed ``connerr``) and insert the real output. A page that uses them is read
again on every build, so its output cannot go stale.

``connerr-file NAME``
    Writes the directive's content to NAME in the page's working directory (a fresh temporary
    directory per page) and shows it with NAME as the caption.

``connerr-run [COMMAND]``
    Runs COMMAND, or each line of the content, with ``/bin/sh`` in the page's working directory and
    shows ``$ COMMAND`` followed by its standard output and error. ``connerr``, ``python`` and
    ``pytest`` are the build's own (a directory of small wrappers is first on ``PATH``). Options:
    ``:returncode: N`` (the last command's expected exit status, default 0; every earlier command
    must exit 0), ``:wrap:`` (long lines wrap instead of scrolling: for prose-like output),
    ``:replace: OLD => NEW`` (one literal substitution in the output, to shorten the working
    directory's path; say so on the page where it matters).

``connerr-python``
    Shows the content as Python, runs it (``python -I``-like: a fresh interpreter, the page's
    working directory as the current directory) and shows what it printed. ``:returncode: N``.

A command that exits with another status, or times out, is a build error (a warning, and the
docs build with ``-W``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from typing import Any, ClassVar, Dict, List, Set

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

TIMEOUT = 120
#: the environment every command runs in: no colour, 80 columns, the build's Python first on PATH
FIXED_ENV = {
    "NO_COLOR": "1",
    "COLUMNS": "80",
    "PYTHONDONTWRITEBYTECODE": "1",
    "LC_ALL": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
}


def _bin_dir(app: Any) -> str:
    """A directory of wrappers so that ``connerr``, ``python`` and ``pytest`` are the build's own."""
    path = getattr(app, "_connerr_run_bin", None)
    if path is None:
        path = tempfile.mkdtemp(prefix="connerr-docs-bin-")
        wrappers = {"connerr": "-m connerr", "python": "", "python3": "", "pytest": "-m pytest"}
        for name, args in wrappers.items():
            script = os.path.join(path, name)
            with open(script, "w", encoding="utf-8") as f:
                f.write(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {args} "$@"\n')
            os.chmod(script, 0o755)
        app._connerr_run_bin = path
    return str(path)


def _workdir(app: Any, docname: str) -> str:
    dirs: Dict[str, str] = app.__dict__.setdefault("_connerr_run_dirs", {})
    if docname not in dirs:
        dirs[docname] = tempfile.mkdtemp(prefix="connerr-docs-run-")
    return dirs[docname]


class _RunBase(SphinxDirective):
    has_content = True

    def _note_use(self) -> None:
        uses: Set[str] = self.env.__dict__.setdefault("connerr_run_docs", set())
        uses.add(self.env.docname)

    def _env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(FIXED_ENV)
        env["PATH"] = _bin_dir(self.env.app) + os.pathsep + env.get("PATH", "")
        return env

    def _run(self, argv: List[str], expected: int, shown: str) -> str:
        cwd = _workdir(self.env.app, self.env.docname)
        try:
            done = subprocess.run(
                argv,
                cwd=cwd,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise self.error(f"{shown!r} did not end within {TIMEOUT} s") from None
        output = done.stdout.decode("utf-8", "replace")
        if done.returncode != expected:
            raise self.error(f"{shown!r} exited with {done.returncode}, expected {expected}:\n{output}")
        return output

    def _block(self, text: str, language: str, classes: List[str], caption: str = "") -> nodes.Node:
        block = nodes.literal_block(text, text, language=language, classes=classes)
        self.set_source_info(block)
        if not caption:
            return block
        container = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
        title = nodes.caption(caption, "", nodes.literal(caption, caption))
        self.set_source_info(title)
        container += title
        container += block
        return container


class RunDirective(_RunBase):
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[Dict[str, Any]] = {
        "returncode": directives.nonnegative_int,
        "wrap": directives.flag,
        "replace": directives.unchanged,
    }

    def run(self) -> List[nodes.Node]:
        self._note_use()
        commands = ([" ".join(self.arguments)] if self.arguments else []) + [
            line for line in self.content if line.strip()
        ]
        if not commands:
            raise self.error("connerr-run needs a command")
        expected = self.options.get("returncode", 0)
        shown = []
        for i, command in enumerate(commands):
            out = self._run(["/bin/sh", "-c", command], expected if i == len(commands) - 1 else 0, command)
            if "replace" in self.options:
                old, sep, new = self.options["replace"].partition(" => ")
                if not sep:
                    raise self.error(":replace: is 'OLD => NEW'")
                out = out.replace(old.replace("{workdir}", _workdir(self.env.app, self.env.docname)), new)
            shown.append(f"$ {command}\n{out}")
        classes = ["connerr-output"] + (["connerr-wrap"] if "wrap" in self.options else [])
        return [self._block("".join(shown).rstrip("\n"), "text", classes)]


class PythonDirective(_RunBase):
    option_spec: ClassVar[Dict[str, Any]] = {
        "returncode": directives.nonnegative_int,
        "wrap": directives.flag,
    }

    def run(self) -> List[nodes.Node]:
        self._note_use()
        code = "\n".join(self.content) + "\n"
        out = self._run([sys.executable, "-c", code], self.options.get("returncode", 0), "the Python example")
        classes = ["connerr-output"] + (["connerr-wrap"] if "wrap" in self.options else [])
        return [
            self._block(code.rstrip("\n"), "python", []),
            self._block(out.rstrip("\n"), "text", classes, caption="output"),
        ]


class FileDirective(_RunBase):
    required_arguments = 1

    def run(self) -> List[nodes.Node]:
        self._note_use()
        name = self.arguments[0]
        if os.path.isabs(name) or ".." in name.split("/"):
            raise self.error("connerr-file takes a relative name inside the page's directory")
        text = "\n".join(self.content) + "\n"
        path = os.path.join(_workdir(self.env.app, self.env.docname), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        language = {"py": "python", "toml": "toml", "ini": "ini", "cfg": "ini"}.get(
            name.rsplit(".", 1)[-1], "text"
        )
        return [self._block(text.rstrip("\n"), language, [], caption=name)]


def _always_reread(app: Any, env: Any, added: Set[str], changed: Set[str], removed: Set[str]) -> List[str]:
    """Pages that run something are read again on every build: their output must be today's."""
    uses: Set[str] = env.__dict__.get("connerr_run_docs", set())
    return sorted(uses - removed - added - changed)


def _purge(app: Any, env: Any, docname: str) -> None:
    env.__dict__.setdefault("connerr_run_docs", set()).discard(docname)


def _merge(app: Any, env: Any, docnames: Set[str], other: Any) -> None:
    env.__dict__.setdefault("connerr_run_docs", set()).update(
        other.__dict__.get("connerr_run_docs", set()) & set(docnames)
    )


def _cleanup(app: Any, exception: Any) -> None:
    for path in list(app.__dict__.get("_connerr_run_dirs", {}).values()):
        shutil.rmtree(path, ignore_errors=True)
    if getattr(app, "_connerr_run_bin", None):
        shutil.rmtree(app._connerr_run_bin, ignore_errors=True)


def setup(app: Any) -> Dict[str, Any]:
    app.add_directive("connerr-run", RunDirective)
    app.add_directive("connerr-python", PythonDirective)
    app.add_directive("connerr-file", FileDirective)
    app.connect("env-get-outdated", _always_reread)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _cleanup)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
