"""Unit tests of tools/cross.py's pure parts: the target table, comparisons, parsing (no zig runs)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "cross.py"

if not TOOL.exists():  # running from an installed wheel without tools/
    pytest.skip("tools/cross.py is not beside the tests", allow_module_level=True)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("connerr_cross_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


cross = _load()

from connerr import reference  # noqa: E402
from connerr.platforms import PLATFORMS, REGISTRY  # noqa: E402


def _probe(platform: str, **codes: int) -> Dict[str, Any]:
    """A probe JSON whose constants are exactly the data's rows for ``platform``."""
    numbers = cross.data_numbers(platform)
    domain = "winsock" if platform == "windows" else "errno"
    scenarios = []
    for scenario, code in codes.items():
        scenarios.append(
            {
                "scenario": scenario,
                "layer": "c-raw",
                "native_code": code,
                "phase": None,
                "domain": "eai" if scenario == "name_not_found" else domain,
            }
        )
    return {
        "source": "c-probe",
        "os": "linux",
        "arch": "x86_64",
        "libc": "glibc",
        "constants": [[d, n, v] for (d, n), v in sorted(numbers.items())],
        "scenarios": scenarios,
    }


def test_every_target_is_valid() -> None:
    names = [t.name for t in cross.TARGETS]
    assert len(names) == len(set(names))
    for target in cross.TARGETS:
        assert target.platform in PLATFORMS
        assert target.leg in cross.LEGS
        if target.leg == "qemu" and target.emulator:
            assert target.emulator.startswith("qemu-")
            assert target.sysroot.startswith("/usr/") and target.loader and target.package


def test_legs_cover_every_platform_tag() -> None:
    """Every tag with zig headers has a C leg here (emscripten has the Pyodide leg; the others,
    whose numbers come from extracted sources, are checked against a second source instead)."""
    covered = {t.platform for t in cross.TARGETS}
    assert covered == {p.tag for p in REGISTRY if p.zig_target}
    # the data's own triple is among the targets of each non-Linux tag and of windows
    meta = json.loads((ROOT / "connerr" / "data" / "codes.meta.json").read_text(encoding="utf-8"))
    triples = {t.triple.split(".")[0] for t in cross.TARGETS}
    for tag, triple in meta["targets"].items():
        assert triple in triples, tag


def test_targets_for_filters() -> None:
    qemu = cross.targets_for("qemu")
    assert {t.platform for t in qemu} == {"linux", "linux-musl", "linux-mips", "linux-powerpc", "linux-sparc"}
    assert [t.name for t in cross.targets_for("qemu", ["linux-mips"])] == [
        "mips64el-linux-gnuabi64",
        "mips-linux-gnueabihf",
    ]
    assert [t.name for t in cross.targets_for("wine")] == ["x86_64-windows-gnu"]
    with pytest.raises(ValueError):
        cross.targets_for("vm")


def test_expected_names() -> None:
    assert cross.expected_name("reset", "linux-mips") == "ECONNRESET"
    assert cross.expected_name("reset", "windows") == "WSAECONNRESET"
    assert cross.expected_name("name_not_found", "windows") == "EAI_NONAME"
    assert cross.expected_name("broken_pipe", "windows") is None
    assert cross.expected_name("no-such-scenario", "linux") is None


def test_identical_constants_match() -> None:
    probe = _probe("linux-mips")
    report = cross.compare_constants(probe["constants"], cross.data_numbers("linux-mips"))
    assert report.ok and not report.details()
    assert report.matched == len(probe["constants"])


def test_constant_mismatch_is_detected() -> None:
    probe = _probe("linux")
    for row in probe["constants"]:
        if row[1] == "ECONNRESET":
            row[2] = 131
    probe["constants"].append(["errno", "ENOTREAL", 999])
    probe["constants"] = [r for r in probe["constants"] if r[1] != "EPIPE"]
    report = cross.compare_constants(probe["constants"], cross.data_numbers("linux"))
    assert not report.ok
    assert report.mismatched == [("errno", "ECONNRESET", 131, 104)]
    assert report.extra == [("errno", "ENOTREAL")]
    assert report.missing == [("errno", "EPIPE")]
    assert "1 differ" in report.summary()
    # another C library than the data's: name sets may differ, numbers may not
    lenient = cross.compare_constants(probe["constants"], cross.data_numbers("linux"), strict=False)
    assert not lenient.ok
    fixed = [r for r in probe["constants"] if r[1] != "ECONNRESET"]
    assert cross.compare_constants(fixed, cross.data_numbers("linux"), strict=False).ok


def test_scenarios_checked_against_the_platform_numbers() -> None:
    numbers = cross.data_numbers("linux-mips")
    probe = _probe(
        "linux-mips", refused=146, reset=131, address_in_use=125, name_not_found=-2, broken_pipe=32
    )
    checks = cross.check_scenarios(probe["scenarios"], "linux-mips", numbers)
    assert [c.status for c in checks] == ["ok"] * 5
    # the host's (asm-generic) number on MIPS is a mismatch
    bad = cross.check_scenarios(_probe("linux-mips", reset=104)["scenarios"], "linux-mips", numbers)
    assert bad[0].status == "mismatch" and not bad[0].ok and bad[0].expected_code == 131


def test_qemu_so_error_artefact_is_reported_not_matched() -> None:
    numbers, host = cross.data_numbers("linux-mips"), cross.data_numbers("linux")
    entry = {
        "scenario": "refused",
        "domain": "errno",
        "native_code": 146,
        "phase": "connect",
        "so_error_code": 111,
    }
    old = cross.check_scenarios([entry], "linux-mips", numbers, host_numbers=host, qemu_version=(7, 2))
    assert [c.status for c in old] == ["ok", "emulator"]
    assert "qemu 8.0" in old[1].note
    new = cross.check_scenarios([entry], "linux-mips", numbers, host_numbers=host, qemu_version=(8, 2))
    assert [c.status for c in new] == ["ok", "mismatch"]
    native = cross.check_scenarios([entry], "linux-mips", numbers)
    assert native[1].status == "mismatch"


def test_wine_deviation_is_exact() -> None:
    numbers = cross.data_numbers("windows")
    eof = {"scenario": "reset", "domain": "winsock", "native_code": 0, "phase": "eof"}
    assert (
        cross.check_scenarios([eof], "windows", numbers, deviations=cross.WINE_DEVIATIONS)[0].status
        == "deviation"
    )
    other = dict(eof, native_code=10053, phase="receive")
    assert (
        cross.check_scenarios([other], "windows", numbers, deviations=cross.WINE_DEVIATIONS)[0].status
        == "mismatch"
    )
    assert cross.check_scenarios([eof], "windows", numbers)[0].status == "mismatch"


def test_parse_probe_output_tolerates_crlf_and_noise() -> None:
    text = 'wine: created the prefix\r\n{"source": "c-probe", "constants": [],\r\n "scenarios": []}\r\n'
    assert cross.parse_probe_output(text)["scenarios"] == []
    with pytest.raises(ValueError):
        cross.parse_probe_output("segfault")
    with pytest.raises(ValueError):
        cross.parse_probe_output('{"source": "python"}')


def test_parse_preprocessed() -> None:
    text = """
const char *connerr_os(void) { return "netbsd"; }
const char *connerr_arch(void) { return "x86_64"; }
const char *connerr_libc(void) { return "system"; }
static const connerr_const connerr_consts[] = {
{"eai", "EAI_NONAME", (long long)(8)},
{"errno", "ECONNRESET", (long long)((54))},
{"winsock", "WSAEINTR", (long long)((10000 +4))},
    {((void*)0), ((void*)0), 0}
};
"""
    probe = cross.parse_preprocessed(text)
    assert (probe["os"], probe["arch"], probe["libc"]) == ("netbsd", "x86_64", "system")
    assert probe["constants"] == [
        ["eai", "EAI_NONAME", 8],
        ["errno", "ECONNRESET", 54],
        ["winsock", "WSAEINTR", 10004],
    ]
    with pytest.raises(ValueError):
        cross.parse_preprocessed("int main(void) { return 0; }")


def test_enrich_adds_names_kinds_and_provenance() -> None:
    target = cross.targets_for("qemu", ["mips64el-linux-gnuabi64"])[0]
    probe = _probe("linux-mips", reset=131, name_not_found=-2)
    checks = cross.check_scenarios(probe["scenarios"], "linux-mips", cross.data_numbers("linux-mips"))
    out = cross.enrich(probe, target, "qemu-user mips64el 7.2", checks)
    assert out["platform"] == "linux-mips" and out["verified_by"] == "qemu-user mips64el 7.2"
    reset, name = out["scenarios"]
    assert (reset["name"], reset["kind"], reset["status"]) == ("ECONNRESET", "connection_reset", "ok")
    assert (name["name"], name["kind"]) == reference.resolve("eai", -2, "linux-mips")
    assert "name" not in probe["scenarios"][0]  # the input is left alone


def _result(status: str) -> Any:
    target = cross.targets_for("wine")[0]
    result = cross.Result(target, verified_by="wine64 8.0")
    if status == "skip":
        result.skipped = "wine64 not found"
    else:
        result.constants = cross.ConstantReport(matched=1)
        if status == "fail":
            result.constants.mismatched.append(("winsock", "WSAECONNRESET", 1, 10054))
    return result


@pytest.mark.parametrize(
    ("statuses", "ci", "code"),
    [
        (["ok"], False, 0),
        (["ok", "skip"], False, 0),
        (["ok", "skip"], True, 1),
        (["fail"], False, 1),
    ],
)
def test_exit_status(statuses: List[str], ci: bool, code: int) -> None:
    assert cross.exit_status([_result(s) for s in statuses], ci) == code


def test_render_table_lists_problems() -> None:
    table = cross.render_table([_result("fail"), _result("skip")])
    assert "FAIL" in table and "SKIP" in table
    assert "WSAECONNRESET: target 1, data 10054" in table


def test_error_cell_prefers_the_compiler_error() -> None:
    text = (
        "exit 1: zig cc -target x86_64-netbsd-none ...\n"
        "/work/csrc/native.c:187:20: error: variable has incomplete type 'struct timeval'\n"
    )
    expected = "native.c:187:20: error: variable has incomplete type 'struct timeval'"
    assert cross.error_cell(text, 200) == expected
