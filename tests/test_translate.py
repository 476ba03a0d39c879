"""translate(): context manager and decorator, sync and async; real clients on real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import pickle
import socket
import ssl
import traceback
from typing import AsyncIterator, NoReturn

import pytest

from connerr import exceptions
from connerr._translate import Translator, convert, translate
from connerr.exceptions import ConnError
from connerr.faults import FaultyServer
from connerr.taxonomy import Kind


def boom_reset() -> NoReturn:
    raise ConnectionResetError(104, "Connection reset by peer")


def test_context_manager_re_raises_from_the_original() -> None:
    with pytest.raises(ConnectionResetError) as info, translate():
        boom_reset()
    exc = info.value
    assert type(exc) is exceptions.ConnectionReset and exc.kind is Kind.CONNECTION_RESET
    assert isinstance(exc.__cause__, ConnectionResetError) and not isinstance(exc.__cause__, ConnError)
    assert exc.diagnosis.original is exc.__cause__
    assert (exc.errno, exc.strerror) == (104, "Connection reset by peer")
    names = [frame.name for frame in traceback.extract_tb(exc.__traceback__)]
    assert "boom_reset" in names  # the original traceback is kept


def test_unrecognised_and_base_exceptions_pass_untouched() -> None:
    for original in (
        ValueError("x"),
        KeyError("k"),
        ValueError("connection refused"),
        KeyboardInterrupt(),
        asyncio.CancelledError(),
        SystemExit(1),
    ):
        with pytest.raises(BaseException) as info, translate():
            raise original
        assert info.value is original


def test_connerr_exceptions_pass_untouched() -> None:
    original = exceptions.BrokenPipe(32, "Broken pipe")
    with pytest.raises(exceptions.BrokenPipe) as info, translate():
        raise original
    assert info.value is original


def test_no_exception_no_effect() -> None:
    with translate() as t:
        pass
    assert isinstance(t, Translator)


def test_decorator_with_and_without_parentheses() -> None:
    @translate
    def bare() -> None:
        raise socket.gaierror(-2, "Name or service not known")

    @translate(platform="linux")
    def called() -> int:
        raise TimeoutError("timed out")

    with pytest.raises(socket.gaierror) as info:
        bare()
    assert isinstance(info.value, exceptions.NameNotFound) and info.value.errno == -2
    with pytest.raises(exceptions.TimedOut):
        called()
    assert bare.__name__ == "bare"


def test_platform_argument() -> None:
    windows = OSError(22, "The specified network name is no longer available", None, 64, None)
    with pytest.raises(exceptions.ConnectionReset), translate(platform="windows"):
        raise windows
    with pytest.raises(OSError) as info, translate(platform="linux"):
        raise windows
    assert info.value is windows  # EINVAL on Linux: not a network error, left as it is


def test_tls_classes() -> None:
    with pytest.raises(ssl.SSLEOFError) as info, translate():
        raise ssl.SSLEOFError(8, "EOF occurred in violation of protocol")
    assert isinstance(info.value, exceptions.TlsEof)


def test_coroutine_function() -> None:
    @translate
    async def fetch() -> None:
        await asyncio.sleep(0)
        raise ConnectionRefusedError(111, "Connection refused")

    assert inspect.iscoroutinefunction(fetch)
    with pytest.raises(exceptions.ConnectionRefused):
        asyncio.run(fetch())


def test_async_with() -> None:
    async def main() -> None:
        async with translate():
            raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(exceptions.BrokenPipe):
        asyncio.run(main())


def test_wraps_an_async_context_manager() -> None:
    @contextlib.asynccontextmanager
    async def connect() -> AsyncIterator[int]:
        raise ConnectionRefusedError(111, "Connection refused")
        yield 1  # pragma: no cover

    @contextlib.asynccontextmanager
    async def fine() -> AsyncIterator[int]:
        yield 1

    async def main() -> None:
        async with translate(fine()) as value:
            assert value == 1
        async with translate(fine()):
            raise ConnectionResetError(104, "reset")

    async def failing() -> None:
        async with translate(connect()):
            pass  # pragma: no cover

    with pytest.raises(exceptions.ConnectionRefused):
        asyncio.run(failing())
    with pytest.raises(exceptions.ConnectionReset):
        asyncio.run(main())


def test_bad_target() -> None:
    with pytest.raises(TypeError):
        translate(42)


def test_convert_and_pickle() -> None:
    new = convert(ConnectionAbortedError(103, "Software caused connection abort"), platform="linux")
    assert isinstance(new, exceptions.ConnectionAborted)
    back = pickle.loads(pickle.dumps(new))
    assert type(back) is exceptions.ConnectionAborted and back.diagnosis.name == "ECONNABORTED"
    assert convert(ValueError("x")) is None


# -- real clients on real sockets -------------------------------------------------------------


def test_requests_reset_is_still_a_connection_reset_error() -> None:
    requests = pytest.importorskip("requests")
    with FaultyServer("reset") as server:
        try:
            with translate(), requests.Session() as session:
                session.get(server.url, timeout=3)
        except ConnectionResetError as exc:
            assert isinstance(exc, exceptions.ConnectionReset)
            assert isinstance(exc.__cause__, requests.ConnectionError)
            assert exc.diagnosis.phase == "request"
        else:  # pragma: no cover
            pytest.fail("no exception")


def test_httpx_refused() -> None:
    httpx = pytest.importorskip("httpx")
    with (
        FaultyServer("refuse") as server,
        pytest.raises(ConnectionRefusedError) as info,
        translate(),
        httpx.Client(timeout=3) as client,
    ):
        client.get(server.url)
    assert isinstance(info.value, exceptions.ConnectionRefused)
    assert info.value.diagnosis.retry == "safe"


def test_aiohttp_closed_without_response() -> None:
    aiohttp = pytest.importorskip("aiohttp")

    async def main(url: str) -> None:
        async with translate(), aiohttp.ClientSession() as session, session.get(url) as response:
            await response.read()  # pragma: no cover

    with FaultyServer("close") as server, pytest.raises(ConnectionResetError) as info:
        asyncio.run(main(server.url))
    assert isinstance(info.value, exceptions.RemoteDisconnected)
    assert type(info.value.__cause__).__name__ == "ServerDisconnectedError"
