"""The CLI front end: main(argv) and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from connerr import __version__
from connerr.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"connerr {__version__}"


def test_info_names_backend_and_platform(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    for key in ("connerr:", "platform:", "backend:", "python:"):
        assert key in out


@pytest.mark.parametrize("argv", [["frobnicate"], ["table", "--domain", "nope"], ["--no-such-flag"]])
def test_usage_errors_are_one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("connerr: error: ") and err.count("\n") == 1


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().out


def test_console_script_and_module_agree() -> None:
    run = [sys.executable, "-m", "connerr", "--version"]
    out = subprocess.run(run, capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == f"connerr {__version__}"


def test_usage_error_in_subprocess_has_no_traceback() -> None:
    out = subprocess.run([sys.executable, "-m", "connerr", "table", "--platform", "plan9"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def test_reader_closing_the_pipe_early_is_not_a_traceback() -> None:
    reader = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.readline()"],
                              stdin=subprocess.PIPE)
    assert reader.stdin is not None
    writer = subprocess.run([sys.executable, "-m", "connerr", "table", "--json"], stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    reader.stdin.close()
    reader.wait(timeout=60)
    assert "Traceback" not in writer.stderr
    assert writer.returncode == 0


@pytest.mark.parametrize("domain", ["curl", "chromium", "libuv", "grpc", "dotnet", "mysql"])
def test_table_lists_a_runtime_domain_with_its_sources(domain: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--domain", domain]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["name", "number", "kind"]
    assert "Sources: " in out and "@" in out.rsplit("Sources: ", 1)[1]
    assert main(["table", "--domain", domain, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(row["source"] for row in rows)


def test_table_libuv_numbers_follow_the_platform(capsys: pytest.CaptureFixture[str]) -> None:
    numbers = {}
    for platform in ("linux", "darwin", "windows"):
        assert main(["table", "--domain", "libuv", "--platform", platform, "--json"]) == 0
        numbers[platform] = {r["name"]: r["number"] for r in json.loads(capsys.readouterr().out)}
    assert (numbers["linux"]["UV_ECONNRESET"], numbers["darwin"]["UV_ECONNRESET"],
            numbers["windows"]["UV_ECONNRESET"]) == (-104, -54, -4077)
