"""Property tests: normalize, explain, lookup and the CLI never fail except in their documented ways.

Documented errors: ``lookup`` raises TypeError (a code that is neither int nor str) and
UnknownPlatformError (a ValueError) only; ``normalize`` and ``explain`` never raise (explain raises
UnknownPlatformError for an unknown ``platform=`` tag); ``cli.main`` returns 0, 1 or 2.
"""

from __future__ import annotations

import contextlib
import io
import sys
from typing import Any, Iterator, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connerr
from connerr import _explain as explain
from connerr import _fastindex, _logscan, cli, notes
from connerr._diagnosis import Diagnosis
from connerr.platforms import PLATFORMS, UnknownPlatformError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# texts that look like what users paste, mixed with anything at all
_FRAGMENTS = st.sampled_from(
    [
        "[Errno 104]",
        "[WinError 10053]",
        "[Errno -2]",
        "errno=",
        "WinError",
        "ECONNRESET",
        "WSAECONNABORTED",
        "ConnectionResetError(",
        "gaierror(-3, 'x')",
        "(10054, 'An existing connection', None, 10054, None)",
        "Connection reset by peer",
        "0x80072746",
        "0x",
        "-",
        "10053",
        "\n",
        "\t",
        "'",
        '"',
        "(",
        ")",
        "[",
        "]",
        "C:\\Python311\\",
        "/usr/lib/python3/",
        "ssl.SSLEOFError",
        "ENOTFOUND",
        "UV_ECONNRESET",
        "\x00",
        "\ufffd",
        "10" * 30,
        "kind",
        "timed_out",
        "os error 111",
        "code: 54",
    ]
)
TEXTS = st.one_of(st.text(max_size=300), st.lists(_FRAGMENTS | st.text(max_size=8), max_size=30).map("".join))
PLATFORM_OR_NONE = st.none() | st.sampled_from(PLATFORMS)
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70)
ARG = st.one_of(
    st.none(), st.booleans(), NUMBERS, st.text(max_size=20), st.floats(allow_nan=True), st.binary(max_size=8)
)


# -- normalize -------------------------------------------------------------------------------------

_OSERROR_TYPES = [
    OSError,
    ConnectionResetError,
    ConnectionRefusedError,
    ConnectionAbortedError,
    BrokenPipeError,
    TimeoutError,
    BlockingIOError,
    PermissionError,
    InterruptedError,
]


@st.composite
def exceptions(draw: Any) -> BaseException:
    import socket
    import ssl

    cls = draw(
        st.sampled_from(
            [
                *_OSERROR_TYPES,
                socket.gaierror,
                socket.herror,
                ssl.SSLError,
                ssl.SSLEOFError,
                ValueError,
                RuntimeError,
                Exception,
                KeyboardInterrupt,
            ]
        )
    )
    args = draw(st.lists(ARG, max_size=6))
    try:
        exc: BaseException = cls(*args)
    except (TypeError, ValueError):
        exc = cls()
    if draw(st.booleans()):
        exc.__cause__ = draw(st.sampled_from([None, ConnectionResetError(104, "reset"), exc]))
    if draw(st.booleans()):
        exc.__context__ = draw(st.sampled_from([None, OSError(10053, "x", None, 10053), exc]))
    return exc


@SETTINGS
@given(exceptions(), PLATFORM_OR_NONE)
def test_normalize_is_total(exc: BaseException, platform: Any) -> None:
    diagnosis = connerr.normalize(exc, platform)
    assert isinstance(diagnosis, Diagnosis)
    assert diagnosis.original is exc
    diagnosis.to_dict()


class _Hostile(Exception):
    """An exception whose every attribute access and str() fails."""

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __getattribute__(self, name: str) -> Any:
        if name in ("__class__", "__dict__", "__cause__", "__context__", "__traceback__", "args"):
            return object.__getattribute__(self, name)
        raise RuntimeError(name)


@SETTINGS
@given(st.integers(min_value=1, max_value=200))
def test_normalize_terminates_on_long_and_cyclic_chains(length: int) -> None:
    first = last = ConnectionResetError(104, "reset")
    for i in range(length):
        nxt = OSError(i, "x")
        last.__cause__ = nxt
        last = nxt
    last.__context__ = first  # a cycle
    assert connerr.normalize(first).kind == connerr.Kind.CONNECTION_RESET
    assert isinstance(connerr.normalize(_Hostile()), Diagnosis)


# -- explain ---------------------------------------------------------------------------------------


@SETTINGS
@given(TEXTS, PLATFORM_OR_NONE)
def test_explain_never_raises(text: str, platform: Any) -> None:
    result = explain.explain(text, platform)
    assert isinstance(result.candidates, tuple)
    result.to_dict()
    for c in result.candidates:
        assert 0.0 <= c.confidence <= 1.0


@SETTINGS
@given(TEXTS)
def test_summarize_never_raises(text: str) -> None:
    _logscan.summarize("\n".join([text] * 3)).to_dict()


@SETTINGS
@given(st.text(max_size=12).filter(lambda t: t not in PLATFORMS))
def test_explain_unknown_platform_is_a_value_error(tag: str) -> None:
    with pytest.raises(UnknownPlatformError):
        explain.explain("104", tag)


# -- lookup ----------------------------------------------------------------------------------------


@SETTINGS
@given(
    st.one_of(NUMBERS, st.text(max_size=30), st.sampled_from(["ECONNRESET", "0x2746", " 10053 ", "-3"])),
    st.none() | st.sampled_from(PLATFORMS) | st.text(max_size=8),
)
def test_lookup_raises_only_documented_errors(code: Any, platform: Any) -> None:
    try:
        found = connerr.lookup(code, platform)
    except UnknownPlatformError:
        assert platform not in PLATFORMS
        return
    assert isinstance(found, tuple)


@SETTINGS
@given(st.one_of(st.none(), st.floats(), st.binary(), st.booleans(), st.lists(st.integers(), max_size=2)))
def test_lookup_rejects_other_types_with_type_error(code: Any) -> None:
    with pytest.raises(TypeError):
        connerr.lookup(code)


# -- CLI -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _io(stdin: str = "") -> Iterator[Tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        sys.stdin = old_in


ARGV_WORDS = st.sampled_from(
    [
        "explain",
        "table",
        "info",
        "--json",
        "--platform",
        "linux",
        "windows",
        "nope",
        "-",
        "--",
        "-h",
        "--kind",
        "connection_reset",
        "--domain",
        "errno",
        "10053",
        "-2",
        "0x2746",
        "ECONNRESET",
        "--plat",
        "--platform=darwin",
        "",
        " ",
    ]
)
ARGVS = st.lists(ARGV_WORDS | st.text(max_size=10), max_size=7)


@SETTINGS
@given(ARGVS, st.text(max_size=200))
def test_cli_main_returns_0_1_or_2(argv: List[str], stdin: str) -> None:
    with _io(stdin) as (_out, err):
        code = cli.main(argv)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    if code == 2 and err.getvalue():
        assert err.getvalue().count("\n") <= 1 or err.getvalue().startswith("usage:")


EXPLAIN_ARGVS = st.lists(
    st.sampled_from(
        [
            "10053",
            "-",
            "--json",
            "--platform",
            "linux",
            "--platform=windows",
            "ECONNRESET",
            "Connection",
            "reset",
            "-2",
            "--platform=",
            "x",
        ]
    ),
    min_size=1,
    max_size=6,
).map(lambda rest: ["explain", *rest])


@SETTINGS
@given(EXPLAIN_ARGVS, st.sampled_from(["", "104\n", "[Errno 111] Connection refused\n" * 5]))
def test_cli_fast_path_matches_argparse(argv: List[str], stdin: str) -> None:
    """``connerr explain`` skips argparse for plain command lines: the answer must be the same."""
    with _io(stdin) as (out_fast, err_fast):
        fast = cli.main(argv)
    original = cli._fast_explain
    cli._fast_explain = lambda _argv: None  # type: ignore[assignment]
    try:
        with _io(stdin) as (out_slow, err_slow):
            slow = cli.main(argv)
    finally:
        cli._fast_explain = original  # type: ignore[assignment]
    assert (fast, out_fast.getvalue()) == (slow, out_slow.getvalue())
    assert bool(err_fast.getvalue()) == bool(err_slow.getvalue())


# -- the fast index agrees with the modules it stands in for ---------------------------------------


def test_fast_notes_equal_connerr_notes() -> None:
    ix = _fastindex.get()
    for name in notes.names():
        for platform in (None, *PLATFORMS):
            expected = [f"{n.section}: {notes.format_note(n)}" for n in notes.notes_for(name, platform)]
            assert ix.formatted_notes(name, platform) == expected, (name, platform)


def test_marshal_cache_round_trip(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setenv("CONNERR_CACHE_DIR", "")
    plain = _fastindex.FastIndex()
    monkeypatch.setenv("CONNERR_CACHE_DIR", str(tmp_path))
    writer, reader = _fastindex.FastIndex(), _fastindex.FastIndex()
    tables = ("by_number", "numbers", "kinds", "messages", "texts", "notes")
    for table in tables:
        assert getattr(writer, table) == getattr(plain, table)
    assert sorted(p.name.split(".")[0] for p in tmp_path.iterdir()) == [
        "codes",
        "kinds",
        "messages",
        "notes",
        "texts",
    ]
    for table in tables:
        assert getattr(reader, table) == getattr(plain, table)
    assert reader.message("windows", "winsock", "WSAECONNABORTED") == plain.message(
        "windows", "winsock", "WSAECONNABORTED"
    )
    for path in tmp_path.iterdir():  # damaged or foreign caches are rebuilt, never trusted
        path.write_bytes(b"\x00garbage")
    assert _fastindex.FastIndex().by_number == plain.by_number


def test_named_tuple_stand_in_behaves_like_typing() -> None:
    info = connerr.KIND_INFO[connerr.Kind.CONNECTION_RESET]
    assert info.class_name == "ConnectionReset"
    assert info._replace(side="x").side == "x"
    with pytest.raises(AttributeError):
        info.side = "x"  # type: ignore[misc]
    best = explain.explain("10053", "windows").best
    assert best is not None and best.to_dict()["name"] == "WSAECONNABORTED"
    assert not explain.Explanation("q", ())


def test_number_weights_are_whole() -> None:
    """explain ranks a repeated number once with its weight times its count: exact only for whole weights."""
    assert all(float(w).is_integer() for w in explain._NUMBER_WEIGHT.values())
