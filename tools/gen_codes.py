#!/usr/bin/env python3
"""Extract network error-code numbers from real platform headers with zig cc.

For every platform tag the script preprocesses small C translation units with
``python -m ziglang cc -target TRIPLE`` (the headers zig ships for that target)
and writes:

* ``connerr/data/codes.tsv``       platform, domain, name, number, header
* ``connerr/data/codes.meta.json`` generator, zig version, tag -> triple
* ``csrc/constants.inc``           ``CONNERR_CONST(domain, NAME)`` per name

No number is typed by hand: names are discovered from the preprocessor
(``-E -dD``), numbers come from expanding each macro in a second
preprocessor run (``-E -P``) and evaluating the expansion with a tiny,
safe integer-expression evaluator.

Usage::

    python tools/gen_codes.py           # regenerate and write the files
    python tools/gen_codes.py --check   # exit 1 (with a diff) if stale

Exit status: 0 ok / up to date, 1 committed files differ (``--check``),
2 zig (PyPI ``ziglang`` 0.17.0) missing or of another version.

Which macros count as error codes (the filters, and why):

errno   (TU: ``#include <errno.h>``)
    Object-like macros named ``E[A-Z0-9]+`` (no underscore, so ``EAI_*``
    and other prefixed families can never leak in), defined in a header
    whose path contains ``errno`` (the C library's errno.h and the
    bits/, asm/, sys/ files it pulls in; wasi-libc's ``__errno_values.h``),
    whose expansion evaluates to an integer.  ``ELAST`` (BSD, Darwin) is
    dropped: it is "the largest errno", not a code of its own, and would
    alias a real code (Darwin ELAST == ENOTCAPABLE == 107).  Aliases
    (EWOULDBLOCK, EDEADLOCK, ENOTSUP, EFSBADCRC...) keep their own rows.
eai     (TU: ``<netdb.h>``; Windows: ``<winsock2.h>`` + ``<ws2tcpip.h>``)
    Object-like ``EAI_[A-Z0-9_]+`` that evaluate to an integer, except
    ``EAI_MAX`` (Darwin/FreeBSD/NetBSD: the number of codes, not a code).
winsock (Windows only, same TU as eai; winsock2.h pulls in winerror.h)
    Object-like, upper-case ``WSA[A-Z0-9_]+`` macros that either evaluate
    into the Winsock range 10001..11999 (``WSABASEERR`` + N, which
    excludes ``WSABASEERR`` itself) or whose whole body is one Win32
    ``ERROR_*`` name (``WSA_IO_PENDING`` -> ``ERROR_IO_PENDING``, 997).
    This drops sizes (WSADESCRIPTION_LEN, WSASYS_STATUS_LEN,
    WSAPROTOCOL_LEN), flags (WSA_FLAG_*), wait results and limits
    (WSA_WAIT_*, WSA_INFINITE, WSA_MAXIMUM_WAIT_EVENTS), handles and
    types (WSA_INVALID_EVENT, WSAEVENT, WSAAPI) and the A/W function
    aliases (mixed case).  Every kept WSA* name is in domain winsock,
    also when its number is below 10000.
win32   (Windows only, same TU)
    Exactly the names listed in ``tools/win32_names.txt`` (ERROR_* and
    WAIT_TIMEOUT); each one must be defined and evaluate, or the run fails.

Platform-specific notes: Linux and WASI TUs ``#define _GNU_SOURCE`` first,
so glibc/musl expose the GNU getaddrinfo_a codes (EAI_INPROGRESS...,
EAI_ADDRFAMILY, EAI_NODATA); BSD and Darwin headers expose everything by
default.  ``header`` is the file that holds the effective ``#define``,
relative to zig's ``lib`` directory, as the preprocessor's line markers
report it.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ZIG_VERSION = "0.17.0"
GENERATOR = "tools/gen_codes.py"

ROOT = Path(__file__).resolve().parent.parent
TSV_PATH = "connerr/data/codes.tsv"
META_PATH = "connerr/data/codes.meta.json"
INC_PATH = "csrc/constants.inc"
WIN32_NAMES_PATH = ROOT / "tools" / "win32_names.txt"

# Platform tag -> zig target triple, from the platform registry (connerr/platforms.py). Every
# triple appears in the ``libc`` list of ``python -m ziglang targets`` (zig 0.17.0), i.e. zig ships
# its C library headers. The registry is read from this source tree (stdlib-only, no install).
sys.path.insert(0, str(ROOT))
from connerr._fastindex import DOMAINS as _DOMAINS  # noqa: E402
from connerr.platforms import REGISTRY  # noqa: E402

TARGETS: Dict[str, str] = {p.tag: p.zig_target for p in REGISTRY if p.zig_target}
# The platforms zig has no headers for: their numbers are extracted from pinned upstream sources
# into tools/sources/<tag>.tsv (each row with its repo@commit:path), and copied from there.
SOURCES_DIR = ROOT / "tools" / "sources"
EXTRACTS: Dict[str, str] = {p.tag: f"tools/sources/{p.tag}.tsv" for p in REGISTRY if not p.zig_target}

#: the numbering domains, in the (sorted) order the rows are written
DOMAINS = tuple(sorted(_DOMAINS))

Row = Tuple[str, str, str, int, str]  # platform, domain, name, number, header


class ZigMissing(Exception):
    """zig (PyPI ziglang) is not installed or is not the pinned version."""


# --------------------------------------------------------------------------
# Safe evaluation of an expanded macro body.
# --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9a-fA-F]+|[0-9]+)(?P<suffix>[uUlL]*)(?![\w.])"
    r"|(?P<ident>[A-Za-z_]\w*)"
    r"|(?P<op><<|>>|[-+*/%()|&^~]))"
)

# Type names accepted in a cast such as ``(int)`` or ``((DWORD)0x102L)``.
# Widths are not emulated: a cast is the identity, except that casting a
# negative value to an unsigned type is refused (its value would depend on
# the type's width).
_SIGNED_TYPES = frozenset({"int", "long", "short", "signed", "char", "LONG", "INT", "HRESULT"})
_UNSIGNED_TYPES = frozenset({"unsigned", "DWORD", "ULONG", "UINT", "WORD", "USHORT"})
_CAST_TYPES = _SIGNED_TYPES | _UNSIGNED_TYPES


class EvalError(ValueError):
    """The expansion is not a plain integer constant expression."""


def _tokenize(text: str) -> List[str]:
    """Split ``text`` into number, identifier and operator tokens."""
    tokens: List[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise EvalError(f"unexpected text {text[pos:]!r}")
        pos = m.end()
        num = m.group("num")
        if num is not None:
            if num[:2] in ("0x", "0X"):
                value = int(num, 16)
            elif len(num) > 1 and num.startswith("0"):
                value = int(num, 8)
            else:
                value = int(num, 10)
            tokens.append(str(value))
        else:
            tokens.append(m.group("ident") or m.group("op"))
    return tokens


class _Parser:
    """Recursive-descent evaluator for C integer constant expressions."""

    def __init__(self, tokens: List[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> Optional[str]:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise EvalError("unexpected end of expression")
        self.pos += 1
        return tok

    def expect(self, tok: str) -> None:
        if self.take() != tok:
            raise EvalError(f"expected {tok!r}")

    def parse(self) -> int:
        value = self.bit_or()
        if self.peek() is not None:
            raise EvalError(f"trailing token {self.peek()!r}")
        return value

    def bit_or(self) -> int:
        value = self.bit_xor()
        while self.peek() == "|":
            self.take()
            value |= self.bit_xor()
        return value

    def bit_xor(self) -> int:
        value = self.bit_and()
        while self.peek() == "^":
            self.take()
            value ^= self.bit_and()
        return value

    def bit_and(self) -> int:
        value = self.shift()
        while self.peek() == "&":
            self.take()
            value &= self.shift()
        return value

    def shift(self) -> int:
        value = self.additive()
        while self.peek() in ("<<", ">>"):
            op = self.take()
            rhs = self.additive()
            if rhs < 0 or rhs > 63:
                raise EvalError("shift count out of range")
            value = value << rhs if op == "<<" else value >> rhs
        return value

    def additive(self) -> int:
        value = self.multiplicative()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.multiplicative()
            value = value + rhs if op == "+" else value - rhs
        return value

    def multiplicative(self) -> int:
        value = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            rhs = self.unary()
            if op == "*":
                value *= rhs
                continue
            if rhs == 0:
                raise EvalError("division by zero")
            quotient = abs(value) // abs(rhs)  # C truncates toward zero
            if (value < 0) != (rhs < 0):
                quotient = -quotient
            value = quotient if op == "/" else value - quotient * rhs
        return value

    def _cast_length(self) -> int:
        """Tokens in a cast ``( type-name... )`` starting here, or 0."""
        if self.peek() != "(":
            return 0
        i = 1
        while self.peek(i) in _CAST_TYPES:
            i += 1
        return i + 1 if i > 1 and self.peek(i) == ")" else 0

    def unary(self) -> int:
        tok = self.peek()
        if tok == "+":
            self.take()
            return self.unary()
        if tok == "-":
            self.take()
            return -self.unary()
        if tok == "~":
            self.take()
            return ~self.unary()
        length = self._cast_length()
        if length:
            type_names = set(self.tokens[self.pos + 1 : self.pos + length - 1])
            self.pos += length
            value = self.unary()
            if value < 0 and type_names & _UNSIGNED_TYPES:
                raise EvalError("negative value cast to an unsigned type")
            return value
        return self.primary()

    def primary(self) -> int:
        tok = self.take()
        if tok == "(":
            value = self.bit_or()
            self.expect(")")
            return value
        if tok.isdigit():
            return int(tok)
        raise EvalError(f"not an integer constant: {tok!r}")


def evaluate(expansion: str) -> int:
    """Evaluate a fully macro-expanded integer expression, or raise EvalError."""
    tokens = _tokenize(expansion)
    if not tokens:
        raise EvalError("empty expansion")
    return _Parser(tokens).parse()


# --------------------------------------------------------------------------
# Running zig.
# --------------------------------------------------------------------------


def zig_lib_dir() -> Path:
    """Return zig's ``lib`` directory (inside the ziglang package)."""
    spec = importlib.util.find_spec("ziglang")
    if spec is None or not spec.submodule_search_locations:
        raise ZigMissing(f"zig not found: pip install ziglang=={ZIG_VERSION}")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "lib"


def check_zig() -> None:
    """Raise ZigMissing unless ``python -m ziglang version`` is the pinned one."""
    zig_lib_dir()
    try:
        out = subprocess.run(
            [sys.executable, "-m", "ziglang", "version"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ZigMissing(f"zig not usable ({exc}): pip install ziglang=={ZIG_VERSION}") from exc
    if out != ZIG_VERSION:
        raise ZigMissing(f"zig {out} found, {ZIG_VERSION} required: pip install ziglang=={ZIG_VERSION}")


def run_cc(triple: str, source: str, flags: List[str]) -> str:
    """Preprocess ``source`` (fed on stdin) for ``triple``; return stdout."""
    cmd = [sys.executable, "-m", "ziglang", "cc", "-target", triple, *flags, "-x", "c", "-"]
    proc = subprocess.run(cmd, check=False, input=source, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[1:])} failed:\n{proc.stderr.strip()}")
    return proc.stdout


_LINE_MARKER = re.compile(r'^# \d+ "((?:[^"\\]|\\.)*)"')
_DEFINE = re.compile(r"^#define ([A-Za-z_]\w*)(\(?)\s*(.*)$")
_UNDEF = re.compile(r"^#undef ([A-Za-z_]\w*)")


class Macro:
    """An object-like macro as seen in ``-E -dD`` output."""

    __slots__ = ("body", "header")

    def __init__(self, body: str, header: str) -> None:
        self.body = body
        self.header = header


def relative_header(path: str, lib_dir: Path) -> str:
    """Path of a header relative to zig's lib dir, with ``/`` separators."""
    try:
        rel = Path(path).resolve().relative_to(lib_dir)
    except ValueError:
        return Path(path).name  # "<built-in>", the stdin TU...
    return rel.as_posix()


def scan_macros(output: str, lib_dir: Path) -> Dict[str, Macro]:
    """Object-like macros in ``-E -dD`` output, with the defining header.

    The last ``#define`` is the one in effect (``#undef`` forgets a macro);
    an identical redefinition changes nothing, so it keeps the first header
    (mingw-w64 defines WSA* in winerror.h and again, guarded, elsewhere).
    """
    macros: Dict[str, Macro] = {}
    current = ""
    for line in output.splitlines():
        if line.startswith("# "):
            m = _LINE_MARKER.match(line)
            if m:
                current = m.group(1).replace("\\\\", "\\")
            continue
        if line.startswith("#define "):
            d = _DEFINE.match(line)
            if d and not d.group(2):
                name, body = d.group(1), d.group(3).strip()
                previous = macros.get(name)
                if previous is None or previous.body != body:
                    macros[name] = Macro(body, relative_header(current, lib_dir))
        elif line.startswith("#undef "):
            u = _UNDEF.match(line)
            if u:
                macros.pop(u.group(1), None)
    return macros


def expand(triple: str, prologue: str, names: List[str]) -> Dict[str, str]:
    """Macro-expand each name after ``prologue``; return name -> expansion."""
    probe = "".join(f'@@"{name}"@@ = {name}\n' for name in names)
    out = run_cc(triple, prologue + probe, ["-E", "-P"])
    result: Dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r'^@@\s*"(\w+)"\s*@@\s*=\s*(.*)$', line)
        if m:
            result[m.group(1)] = m.group(2)
    return result


# --------------------------------------------------------------------------
# Selecting error-code macros (see the module docstring for the reasons).
# --------------------------------------------------------------------------

_ERRNO_NAME = re.compile(r"E[A-Z0-9]+")
_EAI_NAME = re.compile(r"EAI_[A-Z0-9_]+")
_WSA_NAME = re.compile(r"WSA[A-Z0-9_]+")
_ERROR_ALIAS = re.compile(r"\(*\s*(ERROR_[A-Z0-9_]+)\s*\)*")
ERRNO_SKIP = frozenset({"ELAST"})
EAI_SKIP = frozenset({"EAI_MAX"})
WSA_RANGE = range(10001, 12000)


def read_win32_names() -> List[str]:
    """Names listed in tools/win32_names.txt (comments and blanks skipped)."""
    names = []
    for raw in WIN32_NAMES_PATH.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            names.append(line)
    return names


def translation_units(tag: str) -> List[Tuple[str, Tuple[str, ...]]]:
    """(prologue, domains) pairs: the C sources preprocessed for ``tag``."""
    if tag == "windows":
        net = "#include <winsock2.h>\n#include <ws2tcpip.h>\n#include <windows.h>\n"
        return [
            ("#include <errno.h>\n", ("errno",)),
            (net, ("eai", "winsock", "win32")),
        ]
    gnu = "#define _GNU_SOURCE 1\n" if tag.startswith("linux") or tag == "wasi" else ""
    return [
        (gnu + "#include <errno.h>\n", ("errno",)),
        (gnu + "#include <netdb.h>\n", ("eai",)),
    ]


def candidates(domain: str, macros: Dict[str, Macro], win32: List[str]) -> List[str]:
    """Names that may be ``domain`` codes, before evaluation."""
    if domain == "errno":
        return [
            n
            for n, m in macros.items()
            if _ERRNO_NAME.fullmatch(n) and n not in ERRNO_SKIP and "errno" in m.header
        ]
    if domain == "eai":
        return [n for n in macros if _EAI_NAME.fullmatch(n) and n not in EAI_SKIP]
    if domain == "winsock":
        return [n for n in macros if _WSA_NAME.fullmatch(n)]
    missing = [n for n in win32 if n not in macros]
    if missing:
        raise RuntimeError(f"win32 names not defined by the headers: {', '.join(missing)}")
    return list(win32)


def accept(domain: str, name: str, value: int, macros: Dict[str, Macro]) -> bool:
    """Final filter once the number is known."""
    if domain == "winsock":
        return value in WSA_RANGE or _ERROR_ALIAS.fullmatch(macros[name].body) is not None
    return True


def extract_platform(tag: str, lib_dir: Path, win32: List[str]) -> List[Row]:
    """All rows for one platform tag."""
    triple = TARGETS[tag]
    rows: List[Row] = []
    for prologue, domains in translation_units(tag):
        macros = scan_macros(run_cc(triple, prologue, ["-E", "-dD"]), lib_dir)
        wanted = {d: candidates(d, macros, win32) for d in domains}
        names = sorted({n for ns in wanted.values() for n in ns})
        expansions = expand(triple, prologue, names)
        for domain, domain_names in wanted.items():
            for name in domain_names:
                try:
                    value = evaluate(expansions[name])
                except (KeyError, EvalError) as exc:
                    if domain == "win32":
                        raise RuntimeError(f"{tag}: {name} does not evaluate: {exc}") from exc
                    continue
                if accept(domain, name, value, macros):
                    rows.append((tag, domain, name, value, macros[name].header))
    return rows


def extracted_platform(tag: str) -> List[Row]:
    """The rows of a platform whose numbers come from ``tools/sources/<tag>.tsv``."""
    path = ROOT / EXTRACTS[tag]
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows: List[Row] = []
    for line in lines[1:]:
        if not line:
            continue
        field = dict(zip(header, line.split("\t")))
        if field["domain"] not in DOMAINS:
            raise RuntimeError(f"{path}: unknown domain {field['domain']!r}")
        rows.append((tag, field["domain"], field["name"], int(field["number"]), field["number_source"]))
    return rows


# --------------------------------------------------------------------------
# Output files.
# --------------------------------------------------------------------------


def render_tsv(rows: List[Row]) -> str:
    """codes.tsv text."""
    lines = ["platform\tdomain\tname\tnumber\theader"]
    for platform, domain, name, number, header in sorted(rows, key=lambda r: (r[0], r[1], r[3], r[2])):
        lines.append(f"{platform}\t{domain}\t{name}\t{number}\t{header}")
    return "\n".join(lines) + "\n"


def render_meta() -> str:
    """codes.meta.json text."""
    meta = {"generator": GENERATOR, "targets": dict(TARGETS), "extracts": dict(EXTRACTS), "zig": ZIG_VERSION}
    return json.dumps(meta, indent=1, sort_keys=True) + "\n"


def render_inc(rows: List[Row]) -> str:
    """csrc/constants.inc text."""
    lines = [f"/* generated by {GENERATOR} from {TSV_PATH}: do not edit */"]
    for domain in DOMAINS:
        names = sorted({r[2] for r in rows if r[1] == domain})
        if not names:
            continue
        windows_only = domain in ("win32", "winsock")
        if windows_only:
            lines.append("#ifdef _WIN32")
        for name in names:
            lines += [f"#ifdef {name}", f"CONNERR_CONST({domain}, {name})", "#endif"]
        if windows_only:
            lines.append("#endif")
    return "\n".join(lines) + "\n"


def generate(jobs: Optional[int] = None) -> Dict[str, str]:
    """Regenerate all outputs in memory: repo-relative path -> text."""
    check_zig()
    lib_dir = zig_lib_dir()
    win32 = read_win32_names()
    workers = jobs or min(len(TARGETS), os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda tag: extract_platform(tag, lib_dir, win32), TARGETS))
    rows = [row for platform_rows in results for row in platform_rows]
    rows += [row for tag in EXTRACTS for row in extracted_platform(tag)]
    keys = [(r[0], r[1], r[2]) for r in rows]
    if len(keys) != len(set(keys)):
        raise RuntimeError("duplicate (platform, domain, name) rows")
    return {TSV_PATH: render_tsv(rows), META_PATH: render_meta(), INC_PATH: render_inc(rows)}


def check(outputs: Dict[str, str]) -> int:
    """Compare ``outputs`` with the committed files; print a diff summary."""
    stale = 0
    for rel, text in outputs.items():
        path = ROOT / rel
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        stale += 1
        diff = list(
            difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{rel}", f"b/{rel}"
            )
        )
        added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
        print(f"{rel}: out of date (+{added} -{removed} lines)")
        sys.stdout.writelines(diff[:60])
        if len(diff) > 60:
            print(f"... {len(diff) - 60} more diff lines")
    if stale:
        print(f"{stale} file(s) differ; run: python {GENERATOR}")
        return 1
    return 0


def write(outputs: Dict[str, str]) -> None:
    """Write the outputs (UTF-8, ``\\n`` line ends)."""
    for rel, text in outputs.items():
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print(f"wrote {rel}")


def main(argv: Optional[List[str]] = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files are stale")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="parallel targets (default: CPUs)")
    args = parser.parse_args(argv)
    try:
        outputs = generate(args.jobs)
    except ZigMissing as exc:
        print(f"gen_codes: {exc}", file=sys.stderr)
        return 2
    if args.check:
        return check(outputs)
    write(outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
