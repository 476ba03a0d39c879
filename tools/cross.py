#!/usr/bin/env python3
"""Cross-OS and cross-architecture checks of csrc/ against connerr/data/codes.tsv.

Every leg builds csrc/probe_main.c (which includes csrc/native.c) with zig for foreign targets and
compares what the target's headers and C library report with the data's rows for its platform tag:

* ``headers``  darwin, freebsd, netbsd, openbsd (and wasi): compile csrc/ (``-c``, no link) to prove
  it builds, and take the constants from the target's headers (the probe's own translation unit,
  preprocessed); nothing runs ("header-only").
* ``qemu``     Linux: a native x86_64 run (glibc and musl) and runs under qemu-user on aarch64,
  s390x, riscv64, mips64el, mips, powerpc64le and sparc64 (glibc, loaded from Debian's
  ``libc6-<arch>-cross`` packages). Constants and loopback scenarios are checked.
* ``wine``     x86_64-windows-gnu under wine64: constants and scenarios against the windows rows.
  This checks Wine's Winsock, not Microsoft's.

Each run's probe JSON is written to ``--out`` (default build/probes/), enriched with the platform
tag, how it was verified, and each scenario's name and kind from :mod:`connerr.reference`.

Exit status: 0 all checks passed (or the leg was skipped: a tool is missing and ``CI`` is unset),
1 a mismatch, a failed build or run, or a missing tool while ``CI`` is set.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
CSRC = ROOT / "csrc"
PROBE_SOURCE = CSRC / "probe_main.c"
NATIVE_SOURCE = CSRC / "native.c"
DEFAULT_OUT = ROOT / "build" / "probes"
ZIG_VERSION = "0.17.0"
RUN_TIMEOUT = 120  # seconds for one probe run (the first Wine start builds a prefix: ~20-40 s)
BUILD_TIMEOUT = 600

try:
    from connerr import platforms, reference
except ImportError:  # running from a source tree without an installed connerr
    sys.path.insert(0, str(ROOT))
    from connerr import platforms, reference

sys.path.insert(0, str(ROOT / "tools"))
import gen_codes  # noqa: E402  (stdlib-only sibling: the data's own integer-expression evaluator)

Key = Tuple[str, str]  # (domain, name)


# --------------------------------------------------------------------------
# Targets.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One zig target and how its probe is verified."""

    name: str
    triple: str
    platform: str
    leg: str  # "headers", "qemu" or "wine"
    emulator: str = ""  # qemu-user binary; "" runs natively (qemu leg) or under Wine (wine leg)
    sysroot: str = ""  # Debian cross libc: /usr/<gnu-triple>
    loader: str = ""  # the dynamic loader, relative to sysroot (or absolute for a native run)
    package: str = ""  # apt package that provides sysroot/loader
    link: bool = True  # headers leg: False when csrc/ cannot be compiled for the target at all
    note: str = ""
    cflags: Tuple[str, ...] = ()
    libs: Tuple[str, ...] = ()

    @property
    def arch(self) -> str:
        """The CPU part of the triple."""
        return self.triple.split("-", 1)[0]


def _qemu(
    name: str,
    platform: str,
    emulator: str,
    gnu: str,
    loader: str,
    *,
    deb: str,
    triple: str = "",
    note: str = "",
) -> Target:
    """A glibc target run under qemu-user with Debian's libc6-<deb>-cross in /usr/<gnu>."""
    return Target(
        name,
        triple or name,
        platform,
        "qemu",
        emulator,
        f"/usr/{gnu}",
        loader,
        f"libc6-{deb}-cross",
        note=note,
    )


#: Every target of every leg. Triples with a glibc suffix pin a version the Debian cross libc has.
TARGETS: Tuple[Target, ...] = (
    # headers: the data's own triples, and the other CPU of each OS (errno numbers are per OS there)
    Target("aarch64-macos-none", "aarch64-macos-none", "darwin", "headers"),
    Target("x86_64-macos-none", "x86_64-macos-none", "darwin", "headers"),
    Target("aarch64-maccatalyst-none", "aarch64-maccatalyst-none", "ios", "headers"),
    Target("x86_64-freebsd-none", "x86_64-freebsd-none", "freebsd", "headers"),
    Target("aarch64-freebsd-none", "aarch64-freebsd-none", "freebsd", "headers"),
    Target("x86_64-netbsd-none", "x86_64-netbsd-none", "netbsd", "headers"),
    Target("aarch64-netbsd-none", "aarch64-netbsd-none", "netbsd", "headers"),
    Target("x86_64-openbsd-none", "x86_64-openbsd-none", "openbsd", "headers"),
    Target("aarch64-openbsd-none", "aarch64-openbsd-none", "openbsd", "headers"),
    Target(
        "wasm32-wasi-musl",
        "wasm32-wasi-musl",
        "wasi",
        "headers",
        link=False,
        note="WASI preview 1 has no socket API: constants only, native.c is not compiled",
    ),
    # qemu: native controls first, then the emulated architectures
    Target("x86_64-linux-gnu", "x86_64-linux-gnu", "linux", "qemu"),
    Target(
        "x86_64-linux-musl",
        "x86_64-linux-musl",
        "linux-musl",
        "qemu",
        loader="/lib/ld-musl-x86_64.so.1",
        package="musl",
        cflags=("-dynamic",),
    ),
    _qemu(
        "aarch64-linux-gnu",
        "linux",
        "qemu-aarch64",
        "aarch64-linux-gnu",
        "lib/ld-linux-aarch64.so.1",
        deb="arm64",
    ),
    _qemu("s390x-linux-gnu", "linux", "qemu-s390x", "s390x-linux-gnu", "lib/ld64.so.1", deb="s390x"),
    _qemu(
        "riscv64-linux-gnu",
        "linux",
        "qemu-riscv64",
        "riscv64-linux-gnu",
        "lib/ld-linux-riscv64-lp64d.so.1",
        deb="riscv64",
    ),
    _qemu(
        "mips64el-linux-gnuabi64",
        "linux-mips",
        "qemu-mips64el",
        "mips64el-linux-gnuabi64",
        "lib64/ld.so.1",
        deb="mips64el",
    ),
    _qemu(
        "mips-linux-gnueabihf",
        "linux-mips",
        "qemu-mips",
        "mips-linux-gnu",
        "lib/ld.so.1",
        deb="mips",
        note="32-bit big-endian o32, hard float (Debian's mips port)",
    ),
    _qemu(
        "powerpc64le-linux-gnu",
        "linux-powerpc",
        "qemu-ppc64le",
        "powerpc64le-linux-gnu",
        "lib/ld64.so.2",
        deb="ppc64el",
        triple="powerpc64le-linux-gnu.2.36",
        note="linked against glibc 2.36: the headers call the IEEE long double printf (2.32+)",
    ),
    _qemu(
        "sparc64-linux-gnu",
        "linux-sparc",
        "qemu-sparc64",
        "sparc64-linux-gnu",
        "lib64/ld-linux.so.2",
        deb="sparc64",
    ),
    # wine
    Target(
        "x86_64-windows-gnu",
        "x86_64-windows-gnu",
        "windows",
        "wine",
        libs=("-lws2_32",),
        note="Wine's Winsock (on the host's sockets), not Microsoft's",
    ),
)

LEGS = ("headers", "qemu", "wine")


def targets_for(leg: str, only: Optional[Sequence[str]] = None) -> List[Target]:
    """The targets of ``leg``, optionally narrowed to names or platform tags in ``only``."""
    if leg not in LEGS:
        raise ValueError(f"unknown leg {leg!r}")
    found = [t for t in TARGETS if t.leg == leg]
    if only:
        found = [t for t in found if t.name in only or t.platform in only or t.arch in only]
    return found


#: Scenario -> (POSIX code name, Windows code name); None: recorded, not checked.
SCENARIO_NAMES: Mapping[str, Tuple[Optional[str], Optional[str]]] = {
    "refused": ("ECONNREFUSED", "WSAECONNREFUSED"),
    "reset": ("ECONNRESET", "WSAECONNRESET"),
    "address_in_use": ("EADDRINUSE", "WSAEADDRINUSE"),
    "name_not_found": ("EAI_NONAME", "EAI_NONAME"),
    # a send after a reset: EPIPE on POSIX; Windows has no EPIPE for sockets (real Windows gives
    # WSAECONNRESET or WSAECONNABORTED, Wine's answer differs), so it is only recorded there
    "broken_pipe": ("EPIPE", None),
}


#: Observed behaviour of an emulation layer that differs from the real OS, keyed by
#: (scenario, native_code, phase): such a result is shown as "deviation", not as a match or a failure.
WINE_DEVIATIONS: Mapping[Tuple[str, int, Optional[str]], str] = {
    ("reset", 0, "eof"): (
        "Wine 8 delivers a clean end of stream (recv 0) after the peer's "
        "SO_LINGER {1,0} closesocket; Microsoft's Winsock resets the connection "
        "(WSAECONNRESET). Not verifiable under Wine"
    ),
}


def expected_name(scenario: str, platform: str) -> Optional[str]:
    """The code name the data predicts for ``scenario`` on ``platform`` (None: not checked)."""
    posix, windows = SCENARIO_NAMES.get(scenario, (None, None))
    return windows if platform == "windows" else posix


def data_numbers(platform: str) -> Dict[Key, int]:
    """(domain, name) -> number for every code the data has on ``platform``."""
    return {(r.domain, r.name): r.platforms[platform].number for r in reference.records(platform=platform)}


# --------------------------------------------------------------------------
# Comparing a probe with the data (pure functions).
# --------------------------------------------------------------------------


@dataclass
class ConstantReport:
    """How a probe's constants compare with the data's rows."""

    matched: int = 0
    mismatched: List[Tuple[str, str, int, int]] = field(default_factory=list)  # domain, name, probe, data
    extra: List[Key] = field(default_factory=list)  # defined by the target, absent from the data
    missing: List[Key] = field(default_factory=list)  # in the data, not defined by the target
    strict: bool = True  # extra/missing count as failures (same C library as the data)

    @property
    def ok(self) -> bool:
        """No number differs, and (when strict) both sides define the same names."""
        return not self.mismatched and (not self.strict or not (self.extra or self.missing))

    def summary(self) -> str:
        """One cell of the results table."""
        total = self.matched + len(self.mismatched)
        text = f"{self.matched}/{total} equal"
        if self.mismatched:
            text += f", {len(self.mismatched)} differ"
        if self.extra:
            text += f", {len(self.extra)} not in data"
        if self.missing:
            text += f", {len(self.missing)} not defined"
        return text

    def details(self) -> List[str]:
        """One line per problem."""
        lines = [f"{d} {n}: target {p}, data {x}" for d, n, p, x in self.mismatched]
        lines += [f"{d} {n}: defined by the target, no row in the data" for d, n in self.extra]
        lines += [f"{d} {n}: in the data, not defined by the target" for d, n in self.missing]
        return lines


def compare_constants(
    constants: Iterable[Sequence[Any]], numbers: Mapping[Key, int], strict: bool = True
) -> ConstantReport:
    """Compare ``[[domain, name, value], ...]`` with ``numbers`` ((domain, name) -> number)."""
    report = ConstantReport(strict=strict)
    seen = set()
    for domain, name, value in constants:
        key = (str(domain), str(name))
        seen.add(key)
        if key not in numbers:
            report.extra.append(key)
        elif numbers[key] == int(value):
            report.matched += 1
        else:
            report.mismatched.append((key[0], key[1], int(value), numbers[key]))
    report.missing = sorted(k for k in numbers if k not in seen)
    return report


@dataclass
class ScenarioCheck:
    """One loopback scenario against the data's prediction."""

    scenario: str
    domain: str
    code: int
    expected: Optional[str]
    expected_code: Optional[int]
    status: str  # "ok", "mismatch", "recorded" (nothing predicted), "emulator"/"deviation" (see note)
    note: str = ""

    @property
    def ok(self) -> bool:
        """Not a mismatch."""
        return self.status != "mismatch"

    def cell(self) -> str:
        """Short form for the table: ``reset=ECONNRESET(131)``."""
        mark = {
            "ok": "",
            "mismatch": " MISMATCH",
            "recorded": " (recorded)",
            "emulator": " (emulator)",
            "deviation": " (Wine deviation)",
        }
        return f"{self.scenario}={self.code}{mark.get(self.status, '')}"


def check_scenarios(
    scenarios: Iterable[Mapping[str, Any]],
    platform: str,
    numbers: Mapping[Key, int],
    *,
    host_numbers: Optional[Mapping[Key, int]] = None,
    qemu_version: Optional[Tuple[int, int]] = None,
    deviations: Optional[Mapping[Tuple[str, int, Optional[str]], str]] = None,
) -> List[ScenarioCheck]:
    """Check each scenario's native code (and the refused scenario's SO_ERROR code) against the data.

    ``host_numbers`` and ``qemu_version`` describe a qemu-user run: qemu-user before 8.0 returns the
    host's errno number from getsockopt(SO_ERROR) untranslated (fixed by "linux-user: Fix SO_ERROR
    return code of getsockopt()", qemu 8.0). Such a value is reported as "emulator", not as a match,
    and only when it equals the host's number of the expected name. ``deviations`` lists exact
    (scenario, code, phase) results of an emulation layer known to differ from the real OS.
    """
    checks: List[ScenarioCheck] = []
    for entry in scenarios:
        scenario, domain = str(entry["scenario"]), str(entry["domain"])
        name = expected_name(scenario, platform)
        codes = [(scenario, int(entry["native_code"]), False)]
        if "so_error_code" in entry:
            codes.append((f"{scenario}/so_error", int(entry["so_error_code"]), True))
        for label, code, via_so_error in codes:
            if name is None:
                checks.append(ScenarioCheck(label, domain, code, None, None, "recorded"))
                continue
            want = numbers.get((domain, name))
            if want is not None and code == want:
                checks.append(ScenarioCheck(label, domain, code, name, want, "ok"))
                continue
            note = ""
            status = "mismatch"
            known = (deviations or {}).get((label, code, entry.get("phase")))
            if known is not None:
                status, note = "deviation", known
            elif (
                via_so_error
                and host_numbers is not None
                and qemu_version is not None
                and qemu_version < (8, 0)
                and host_numbers.get((domain, name)) == code
            ):
                status = "emulator"
                note = (
                    f"qemu-user {qemu_version[0]}.{qemu_version[1]} returns the host's {name} "
                    f"({code}) from SO_ERROR untranslated; fixed in qemu 8.0"
                )
            elif want is None:
                note = f"the data has no {domain} {name} on {platform}"
            checks.append(ScenarioCheck(label, domain, code, name, want, status, note))
    return checks


def parse_probe_output(text: str) -> Dict[str, Any]:
    """The probe's JSON object from its stdout (tolerates CRLF and text around it)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError(f"no JSON object in the probe's output: {text[:200]!r}")
    data = json.loads(text[start : end + 1])
    if not isinstance(data, dict) or data.get("source") != "c-probe":
        raise ValueError("not a c-probe JSON object")
    return data


_CONST_ENTRY = re.compile(r'\{\s*"(\w+)"\s*,\s*"(\w+)"\s*,\s*\(long long\)\((.+?)\)\s*\}\s*,')
_IDENTITY = re.compile(r'connerr_(os|arch|libc)\s*\(\s*void\s*\)\s*\{\s*return\s+"(\w+)"\s*;')


def parse_preprocessed(text: str) -> Dict[str, Any]:
    """os, arch, libc and constants from ``zig cc -E -P csrc/probe_main.c`` output.

    The constants are native.c's ``connerr_consts`` initializer after preprocessing (each value is
    the target headers' expansion, evaluated with tools/gen_codes.py's integer-expression evaluator).
    """
    begin = text.find("connerr_consts[] =")
    if begin < 0:
        raise ValueError("connerr_consts not found in the preprocessed probe")
    end = text.find("};", begin)
    constants: List[List[Any]] = []
    for m in _CONST_ENTRY.finditer(text, begin, end):
        constants.append([m.group(1), m.group(2), gen_codes.evaluate(m.group(3))])
    identity = {m.group(1): m.group(2) for m in _IDENTITY.finditer(text)}
    return {
        "source": "c-probe",
        "os": identity.get("os"),
        "arch": identity.get("arch"),
        "libc": identity.get("libc"),
        "constants": constants,
        "scenarios": [],
    }


def enrich(
    probe: Mapping[str, Any], target: Target, verified_by: str, checks: Sequence[ScenarioCheck] = ()
) -> Dict[str, Any]:
    """The probe JSON as written to ``--out``: plus platform, verified_by and each code's name/kind."""
    out = dict(probe)
    out["platform"] = target.platform
    out["target"] = target.triple
    out["verified_by"] = verified_by
    by_label = {c.scenario: c for c in checks}
    scenarios = []
    for entry in probe.get("scenarios", []):
        item = dict(entry)
        found = reference.resolve(str(item["domain"]), int(item["native_code"]), target.platform)
        item["name"], item["kind"] = found if found else (None, None)
        check = by_label.get(str(item["scenario"]))
        if check is not None:
            item["expected"] = check.expected
            item["status"] = check.status
        if "so_error_code" in item:
            found = reference.resolve(str(item["domain"]), int(item["so_error_code"]), target.platform)
            item["so_error_name"] = found[0] if found else None
            so_check = by_label.get(f"{item['scenario']}/so_error")
            if so_check is not None:
                item["so_error_status"] = so_check.status
                if so_check.note:
                    item["so_error_note"] = so_check.note
        scenarios.append(item)
    out["scenarios"] = scenarios
    return out


# --------------------------------------------------------------------------
# Results table.
# --------------------------------------------------------------------------


@dataclass
class Result:
    """The outcome for one target."""

    target: Target
    verified_by: str = ""
    constants: Optional[ConstantReport] = None
    checks: List[ScenarioCheck] = field(default_factory=list)
    error: str = ""  # build/run failure
    skipped: str = ""  # why nothing ran (a missing tool)
    seconds: float = 0.0
    notes: List[str] = field(default_factory=list)
    probe: Optional[Dict[str, Any]] = None  # the enriched probe JSON

    @property
    def ok(self) -> bool:
        """Passed (a skip is not a failure here; the caller decides whether it is under CI)."""
        if self.skipped:
            return True
        return (
            not self.error
            and self.constants is not None
            and self.constants.ok
            and all(c.ok for c in self.checks)
        )

    @property
    def status(self) -> str:
        """OK / FAIL / SKIP."""
        if self.skipped:
            return "SKIP"
        return "OK" if self.ok else "FAIL"


def error_cell(text: str, width: int = 60) -> str:
    """The most telling line of an error for a table cell: the first compiler ``error:`` if any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found = next((line for line in lines if "error:" in line), lines[0] if lines else "")
    found = re.sub(r"^.*?(\w+\.[ch]:\d+:\d+: )", r"\1", found)  # drop the path before file:line
    return found if len(found) <= width else found[: width - 3] + "..."


def render_table(results: Sequence[Result]) -> str:
    """A plain-text table: one row per target, then the details of every problem and note."""
    header = ("target", "platform", "verified by", "constants", "scenarios", "time", "result")
    rows = []
    for r in results:
        scen = " ".join(c.cell() for c in r.checks) or ("-" if r.target.leg == "headers" else "")
        consts = r.constants.summary() if r.constants else ""
        rows.append(
            (
                r.target.name,
                r.target.platform,
                r.verified_by or "-",
                consts,
                error_cell(r.error or r.skipped) if r.error or r.skipped else scen,
                f"{r.seconds:.1f}s",
                r.status,
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in [header, tuple("-" * w for w in widths), *rows]
    ]
    for r in results:
        problems = list(r.notes)
        if r.constants is not None:
            problems += r.constants.details()
        problems += [
            f"{c.scenario}: got {c.code}, data predicts {c.expected} = {c.expected_code}"
            + (f" ({c.note})" if c.note else "")
            for c in r.checks
            if c.status == "mismatch"
        ]
        problems += [f"{c.scenario}: {c.note}" for c in r.checks if c.status in ("emulator", "deviation")]
        if r.error:
            problems.append(r.error)
        if problems:
            lines.append(f"{r.target.name}:")
            lines += [f"    {line}" for p in problems for line in p.splitlines() if line.strip()]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Tools, building and running.
# --------------------------------------------------------------------------


class Missing(Exception):
    """A tool a leg needs is not installed."""


def zig_cmd() -> List[str]:
    """The zig compiler driver; raises Missing unless PyPI ziglang of the pinned version is there."""
    try:
        gen_codes.check_zig()
    except gen_codes.ZigMissing as exc:
        raise Missing(str(exc)) from exc
    return [sys.executable, "-m", "ziglang"]


def run(
    cmd: Sequence[str], timeout: float, env: Optional[Mapping[str, str]] = None, cwd: Optional[Path] = None
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; raise RuntimeError (with its output) on a failure or timeout."""
    try:
        proc = subprocess.run(
            list(cmd),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"timed out after {timeout:.0f}s: {' '.join(cmd)}") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-1500:]
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd)}\n{tail}")
    return proc


def build(zig: Sequence[str], target: Target, workdir: Path, mingw_crt: bool = False) -> Path:
    """Compile and link the probe for ``target``; return the executable.

    Windows is linked with -nostdlib against ucrtbase/ws2_32/kernel32 import libraries and the
    small CRT stand-in in probe_main.c (CONNERR_PROBE_NO_CRT), unless ``mingw_crt``: a cold zig
    cache spends ~3 CPU-minutes building mingw-w64's CRT for a normal link.
    """
    exe = workdir / (f"probe-{target.name}" + (".exe" if target.platform == "windows" else ""))
    cc = [*zig, "cc", "-target", target.triple]
    flags = ["-O2", "-Wall", "-Wno-unused-function", *target.cflags, "-I", str(CSRC)]
    if target.platform == "windows" and not mingw_crt:
        obj = workdir / f"probe-{target.name}.o"
        run([*cc, *flags, "-DCONNERR_PROBE_NO_CRT", "-c", "-o", str(obj), str(PROBE_SOURCE)], BUILD_TIMEOUT)
        run(
            [
                *cc,
                "-nostdlib",
                "-Wl,--entry=probe_start",
                "-o",
                str(exe),
                str(obj),
                *target.libs,
                "-lkernel32",
                "-lucrtbase",
            ],
            BUILD_TIMEOUT,
        )
        return exe
    run([*cc, *flags, "-o", str(exe), str(PROBE_SOURCE), *target.libs], BUILD_TIMEOUT)
    return exe


def qemu_version(emulator: str) -> Tuple[int, int]:
    """(major, minor) of a qemu-user binary."""
    out = run([emulator, "--version"], 30).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    if m is None:
        raise RuntimeError(f"cannot read the version of {emulator}: {out[:100]!r}")
    return int(m.group(1)), int(m.group(2))


def require_qemu_tools(target: Target) -> None:
    """Raise Missing if the emulator, the cross libc or the loader is absent."""
    if target.emulator and shutil.which(target.emulator) is None:
        raise Missing(f"{target.emulator} not found (apt-get install qemu-user)")
    loader = Path(target.sysroot, target.loader) if target.sysroot else Path(target.loader or "/")
    if target.loader and not loader.exists():
        raise Missing(f"{loader} not found (apt-get install {target.package})")


def run_command(target: Target, exe: Path) -> List[str]:
    """How the qemu leg starts the probe: natively, or qemu-user with the cross libc's loader.

    The loader is started explicitly (not found through ``-L``): zig links ``ld-linux.so.2`` as a
    NEEDED library on sparc64, which the kernel-style interpreter lookup trips over.
    """
    if not target.emulator:
        return [str(exe)]
    libdirs = ":".join(str(Path(target.sysroot, d)) for d in ("lib", "lib64"))
    return [
        target.emulator,
        "-L",
        target.sysroot,
        str(Path(target.sysroot, target.loader)),
        "--library-path",
        libdirs,
        str(exe),
    ]


def do_qemu(zig: Sequence[str], target: Target, workdir: Path, host: Mapping[Key, int]) -> Result:
    """Build, run (natively or under qemu-user) and check one Linux target."""
    result = Result(target)
    start = time.monotonic()
    try:
        require_qemu_tools(target)
        version = qemu_version(target.emulator) if target.emulator else None
        result.verified_by = f"qemu-user {target.arch} {version[0]}.{version[1]}" if version else "native run"
        exe = build(zig, target, workdir)
        probe = parse_probe_output(run(run_command(target, exe), RUN_TIMEOUT).stdout)
        numbers = data_numbers(target.platform)
        result.checks = check_scenarios(
            probe["scenarios"],
            target.platform,
            numbers,
            host_numbers=host if version else None,
            qemu_version=version,
        )
        data_libc = platforms.get(target.platform).data_libc
        strict = data_libc == probe.get("libc")
        result.constants = compare_constants(probe["constants"], numbers, strict=strict)
        if not strict:
            result.notes.append(
                f"libc {probe.get('libc')} differs from the data's {data_libc}: only numbers are compared"
            )
        result.probe = enrich(probe, target, result.verified_by, result.checks)
    except Missing as exc:
        result.skipped = str(exc)
    except (RuntimeError, ValueError, KeyError) as exc:
        result.error = str(exc)
    result.seconds = time.monotonic() - start
    if target.note:
        result.notes.insert(0, target.note)
    return result


def do_headers(zig: Sequence[str], target: Target, workdir: Path) -> Result:
    """Compile csrc/ for one target (no link, nothing runs) and check its headers' constants."""
    result = Result(target, verified_by="header-only")
    start = time.monotonic()
    base = [*zig, "cc", "-target", target.triple, "-O2", "-Wall", "-Wno-unused-function", "-I", str(CSRC)]
    errors = []
    if target.link:
        for source in (NATIVE_SOURCE, PROBE_SOURCE):
            try:
                run(
                    [*base, "-c", "-o", str(workdir / f"{source.stem}-{target.name}.o"), str(source)],
                    BUILD_TIMEOUT,
                )
            except RuntimeError as exc:
                errors.append(f"{source.name} does not compile: {exc}")
    try:
        probe = parse_preprocessed(run([*base, "-E", "-P", str(PROBE_SOURCE)], BUILD_TIMEOUT).stdout)
        result.constants = compare_constants(probe["constants"], data_numbers(target.platform))
        result.probe = enrich(probe, target, result.verified_by)
    except (RuntimeError, ValueError, gen_codes.EvalError) as exc:
        errors.append(f"constants: {exc}")
    result.error = "\n".join(errors)
    result.seconds = time.monotonic() - start
    if target.note:
        result.notes.append(target.note)
    return result


def find_wine() -> Tuple[str, str, str]:
    """(wine64 loader, wineserver, version); raises Missing. Debian keeps wine64 in /usr/lib/wine."""
    loader = shutil.which("wine64") or next(
        (p for p in ("/usr/lib/wine/wine64", "/usr/lib64/wine/wine64") if os.access(p, os.X_OK)), None
    )
    if loader is None:
        raise Missing("wine64 not found (apt-get install wine64)")
    server = shutil.which("wineserver") or next(
        (p for p in ("/usr/lib/wine/wineserver64", "/usr/lib/wine/wineserver") if os.access(p, os.X_OK)), ""
    )
    out = run([loader, "--version"], 60).stdout.strip()
    m = re.search(r"wine-(\S+)", out)
    return loader, server, m.group(1) if m else out


def wine_env(prefix: Path) -> Dict[str, str]:
    """A headless, quiet Wine environment with its own prefix (no Mono/Gecko prompts, no X)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        {
            "WINEPREFIX": str(prefix),
            "WINEDEBUG": "-all",
            "WINEARCH": "win64",
            "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d",
        }
    )
    return env


def do_wine(zig: Sequence[str], target: Target, workdir: Path, mingw_crt: bool = False) -> Result:
    """Build for Windows and run under wine64 with a throw-away prefix."""
    result = Result(target)
    start = time.monotonic()
    prefix = workdir / "wineprefix"
    env = wine_env(prefix)
    server = ""
    try:
        loader, server, version = find_wine()
        result.verified_by = f"wine64 {version}"
        exe = build(zig, target, workdir, mingw_crt)
        t0 = time.monotonic()
        try:
            out = run([loader, str(exe)], RUN_TIMEOUT * 2, env=env, cwd=workdir).stdout
        except RuntimeError:
            # a first start that builds the prefix can fail on a slow machine: once more, warm
            out = run([loader, str(exe)], RUN_TIMEOUT * 2, env=env, cwd=workdir).stdout
        result.notes.append(f"wine run (including prefix creation) took {time.monotonic() - t0:.1f}s")
        probe = parse_probe_output(out)
        numbers = data_numbers(target.platform)
        result.checks = check_scenarios(
            probe["scenarios"], target.platform, numbers, deviations=WINE_DEVIATIONS
        )
        result.constants = compare_constants(probe["constants"], numbers)
        result.probe = enrich(probe, target, result.verified_by, result.checks)
    except Missing as exc:
        result.skipped = str(exc)
    except (RuntimeError, ValueError, KeyError) as exc:
        result.error = str(exc)
    finally:
        if server:
            subprocess.run([server, "-k"], env=env, capture_output=True, timeout=60, check=False)
            subprocess.run([server, "-w"], env=env, capture_output=True, timeout=60, check=False)
    result.seconds = time.monotonic() - start
    if target.note:
        result.notes.insert(0, target.note)
    return result


# --------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------


def write_probes(results: Sequence[Result], out: Path) -> List[Path]:
    """Write each result's enriched probe JSON as ``c-probe-<target>.json``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for r in results:
        if r.probe is None:
            continue
        path = out / f"c-probe-{r.target.name}.json"
        path.write_text(json.dumps(r.probe, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def exit_status(results: Sequence[Result], ci: bool) -> int:
    """1 on any failure, and on any skip under CI; else 0."""
    if any(not r.ok for r in results):
        return 1
    return 1 if ci and any(r.skipped for r in results) else 0


def main(argv: Optional[List[str]] = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("leg", choices=LEGS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write probe JSON")
    parser.add_argument("--only", nargs="*", help="target names, platform tags or CPUs to keep")
    parser.add_argument(
        "--mingw-crt",
        action="store_true",
        help="wine: link mingw-w64's CRT normally (slow with a cold zig cache)",
    )
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    ci = bool(os.environ.get("CI"))
    selected = targets_for(args.leg, args.only)
    started = time.monotonic()
    try:
        zig = zig_cmd()
    except Missing as exc:
        print(f"cross {args.leg}: {'FAIL' if ci else 'SKIPPED'}: {exc}")
        return 1 if ci else 0
    with tempfile.TemporaryDirectory(prefix=f"connerr-cross-{args.leg}-") as tmp:
        workdir = Path(tmp)
        work: Callable[[Target], Result]
        if args.leg == "headers":

            def work(t: Target) -> Result:
                return do_headers(zig, t, workdir)
        elif args.leg == "qemu":
            host = data_numbers("linux")

            def work(t: Target) -> Result:
                return do_qemu(zig, t, workdir, host)
        else:

            def work(t: Target) -> Result:
                return do_wine(zig, t, workdir, args.mingw_crt)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(work, selected))
    print(render_table(results))
    written = write_probes(results, args.out)
    print(f"\nwrote {len(written)} probe file(s) to {args.out}; {time.monotonic() - started:.1f}s in all")
    status = exit_status(results, ci)
    skipped = [r for r in results if r.skipped]
    if skipped:
        print(
            f"{len(skipped)} target(s) skipped for a missing tool"
            + (": failing because CI is set" if ci else "")
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
