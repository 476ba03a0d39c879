"""The CLI front end: main(argv) and a real subprocess."""

from __future__ import annotations

import json
import os
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
    out = subprocess.run(
        [sys.executable, "-m", "connerr", "table", "--platform", "plan9"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def _piped(argv: list[str], reader_code: str) -> tuple[subprocess.CompletedProcess[str], bytes]:
    """``connerr ARGV`` writing into a Python reader running ``reader_code`` that may close the pipe
    early: the writer's result and what the reader printed."""
    reader = subprocess.Popen(
        [sys.executable, "-c", reader_code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert reader.stdin is not None and reader.stdout is not None
    writer = subprocess.run(
        [sys.executable, "-m", "connerr", *argv],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    reader.stdin.close()
    printed = reader.stdout.read()
    reader.stdout.close()
    reader.wait(timeout=60)
    return writer, printed


def test_reader_closing_the_pipe_early_is_not_a_traceback() -> None:
    writer, _ = _piped(["table", "--json"], "import sys; sys.stdin.readline()")
    assert "Traceback" not in writer.stderr
    assert writer.returncode == 0


@pytest.mark.parametrize("domain", ["curl", "chromium", "libuv", "grpc", "dotnet", "mysql"])
def test_table_lists_a_runtime_domain_with_its_sources(
    domain: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["table", "--domain", domain]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["name", "number", "kind"]
    assert "Sources: " in out and "@" in out.rsplit("Sources: ", 1)[1]
    assert main(["table", "--domain", domain, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["records"]
    assert rows and all(row["source"] for row in rows)


def test_table_libuv_numbers_follow_the_platform(capsys: pytest.CaptureFixture[str]) -> None:
    numbers = {}
    for platform in ("linux", "darwin", "windows"):
        assert main(["table", "--domain", "libuv", "--platform", platform, "--json"]) == 0
        numbers[platform] = {r["name"]: r["number"] for r in json.loads(capsys.readouterr().out)["records"]}
    assert (
        numbers["linux"]["UV_ECONNRESET"],
        numbers["darwin"]["UV_ECONNRESET"],
        numbers["windows"]["UV_ECONNRESET"],
    ) == (-104, -54, -4077)


def test_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    from connerr.native import current_platform

    assert main(["info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["schema"], data["connerr"], data["platform"]) == (
        "connerr.info/1",
        __version__,
        current_platform(),
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "10053", "--js"],
        ["explain", "--verb", "10053"],
        ["table", "--plat", "linux"],
        ["table", "--sea", "reset"],
        ["info", "--js"],
        ["probe", "--js"],
        ["--vers"],
    ],
)
def test_no_option_is_taken_abbreviated(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert not out and err.startswith("connerr: error: ") and err.count("\n") == 1


def _table(argv: list[str], capsys: pytest.CaptureFixture[str], columns: str = "80") -> tuple[int, str, str]:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = columns
    try:
        code = main(["table", *argv])
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    out, err = capsys.readouterr()
    return code, out, err


def test_table_defaults_to_this_platforms_network_codes(capsys: pytest.CaptureFixture[str]) -> None:
    from connerr import reference
    from connerr.native import current_platform

    here = current_platform()
    assert main(["table", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["filters"]["platform"] == here and not data["filters"]["all"]
    names = {r["name"] for r in data["records"]}
    assert all(list(r["platforms"]) == [here] and r["kind"] != "unknown" for r in data["records"])
    assert names == {r.name for r in reference.records(platform=here) if r.kind != "unknown"}
    assert main(["table", "--all", "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)["records"]
    assert len(everything) > len(names) and "unknown" in {r["kind"] for r in everything}
    assert len({t for r in everything for t in r["platforms"]}) > 10


@pytest.mark.parametrize("columns", ["60", "80", "100", "200"])
def test_the_default_table_fits_100_columns(columns: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _table([], capsys, columns)
    lines = out.splitlines()
    assert code == 0 and max(len(line) for line in lines) <= 100
    assert lines[0].split()[:2] == ["name", "number"] and lines[0].split()[-1] == "message"
    assert any(line.startswith("ECONNREFUSED ") for line in lines)


def test_table_wraps_a_long_message_and_marks_a_cut(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _table(["--platform", "windows", "--search", "WSAENETRESET"], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[1].split()[:3] == ["WSAENETRESET", "10052", "OSError"]  # errno: the same
    assert len(lines) == 3 and lines[2].startswith(" ") and lines[2].endswith(" ...")
    assert max(len(line) for line in lines) <= 100


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("refused", "ECONNREFUSED"),
        ("REFUSED", "ECONNREFUSED"),
        ("econnreset", "ECONNRESET"),
        ("by peer", "ECONNRESET"),
    ],
)
def test_table_search_is_case_insensitive_in_names_and_messages(
    word: str, found: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["table", "--platform", "linux", "--search", word, "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["records"]
    assert found in {r["name"] for r in records}
    for r in records:
        assert word.casefold() in (r["name"] + " " + str(r["platforms"]["linux"]["message"])).casefold()


def test_table_search_in_a_runtime_domain_and_a_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "--domain", "curl", "--search", "resolve", "--json"]) == 0
    assert "CURLE_COULDNT_RESOLVE_HOST" in {r["name"] for r in json.loads(capsys.readouterr().out)["records"]}
    assert main(["table", "--lang", "pt_BR", "--platform", "linux", "--search", "recusada", "--json"]) == 0
    assert {r["name"] for r in json.loads(capsys.readouterr().out)["records"]} == {"ECONNREFUSED"}


def test_table_search_without_a_match_says_where_else_to_look(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _table(["--platform", "linux", "--search", "WSAECONNRESET"], capsys)
    assert code == 1 and not out
    assert err == "connerr: no codes match on linux; --all shows every code of every platform\n"
    code, out, _ = _table(["--all", "--search", "WSAECONNRESET"], capsys)
    assert code == 0 and "WSAECONNRESET" in out
    code, _out, err = _table(["--search", " "], capsys)
    assert code == 2 and err.count("\n") == 1


class _ClosedPipe:
    """A standard output whose reader went away: every write raises ``error``."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    def write(self, _text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("no file descriptor")


@pytest.mark.parametrize(
    ("platform", "error", "code"),
    [
        ("linux", BrokenPipeError(32, "Broken pipe"), 0),
        ("win32", OSError(22, "Invalid argument"), 0),  # what Windows raises for a pipe whose reader closed
        ("linux", OSError(22, "Invalid argument"), 2),  # elsewhere EINVAL is an error like any other
    ],
    ids=["posix EPIPE", "windows EINVAL", "posix EINVAL"],
)
def test_a_closed_pipe_ends_quietly(
    platform: str,
    error: OSError,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from connerr import cli

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe(error))
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        cli.run(["table"])
    monkeypatch.undo()
    assert exit_.value.code == code
    err = capsys.readouterr().err
    assert err == "" if code == 0 else (err.startswith("connerr: error: ") and err.count("\n") == 1)


def test_table_piped_into_head_ends_quietly() -> None:
    """``connerr table --all | head -1``: the reader takes one line and closes the pipe."""
    writer, first = _piped(["table", "--all"], "import sys; sys.stdout.write(sys.stdin.readline())")
    assert first.split()[:3] == [b"name", b"domain", b"kind"]
    assert writer.returncode == 0 and writer.stderr == ""


def test_json_is_written_in_pieces_as_json_dumps_would_write_it() -> None:
    import io

    from connerr._cli_common import JSON_INDENT, dump_json

    data = {"schema": "x/1", "rows": [{"text": f"é {i}", "n": [i, None, True]} for i in range(5000)]}
    out = io.StringIO()
    dump_json(data, out)
    assert len(out.getvalue()) > 1 << 17  # several pieces
    assert out.getvalue() == json.dumps(data, ensure_ascii=False, indent=JSON_INDENT) + "\n"
