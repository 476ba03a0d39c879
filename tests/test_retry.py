"""should_retry / retryable with real clients and real retry libraries against real faulty servers."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import connerr
from connerr.faults import FaultyServer, self_signed

requests = pytest.importorskip("requests")
urllib3 = pytest.importorskip("urllib3")


def _failure(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except BaseException as exc:  # what the client raises, whatever it is
        return exc
    raise AssertionError("nothing was raised")


@pytest.fixture
def no_such_name(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A name the resolver answers EAI_NONAME for (no DNS is asked)."""
    real = socket.getaddrinfo
    name = "no-such-name.invalid"

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in (name, name.encode()):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield name


def test_nothing_sent_is_always_retryable() -> None:
    with FaultyServer("refuse") as server:
        exc = _failure(lambda: requests.post(server.url, data=b"x", timeout=2))
    assert connerr.should_retry(exc) and connerr.should_retry(exc, idempotent=True)


@pytest.mark.parametrize("mode", ["reset", "close"])
def test_a_sent_request_is_retried_only_when_idempotent(mode: str) -> None:
    with FaultyServer(mode) as server:
        exc = _failure(lambda: requests.post(server.url, data=b"payload", timeout=2))
    assert not connerr.should_retry(exc)
    assert connerr.should_retry(exc, idempotent=True)


def test_permanent_failures_are_never_retried(no_such_name: str) -> None:
    exc = _failure(lambda: requests.get(f"http://{no_such_name}/", timeout=2))
    assert not connerr.should_retry(exc, idempotent=True)
    pytest.importorskip("trustme")
    tls = self_signed()
    with FaultyServer("tls_midstream_cut", ssl_context=tls.server_context) as server:
        # the client does not trust the throw-away CA: a certificate failure
        cert = _failure(lambda: urllib3.PoolManager(retries=False).request("GET", server.url))
    assert connerr.normalize(cert).kind is connerr.Kind.TLS_CERTIFICATE
    assert not connerr.should_retry(cert, idempotent=True)


def test_a_temporary_dns_failure_is_retryable(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(*_args: Any, **_kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    exc = _failure(lambda: requests.get("http://db.internal/", timeout=2))
    assert connerr.should_retry(exc)


def test_not_network_errors_and_non_exceptions() -> None:
    assert not connerr.should_retry(ValueError("bad"), idempotent=True)
    assert not connerr.should_retry(ssl.SSLCertVerificationError(1, "certificate verify failed"))
    with pytest.raises(TypeError):
        connerr.should_retry("timed out")  # type: ignore[arg-type]
    assert connerr.retryable(idempotent=True)(ConnectionResetError(104, "reset")) is True
    assert connerr.retryable()(ConnectionResetError(104, "reset")) is False


def test_urllib3_retry_gets_through_resets() -> None:
    from connerr.contrib.urllib3 import Retry

    with FaultyServer("reset", fail_times=2) as server:
        response = urllib3.PoolManager(retries=Retry(total=5)).request("GET", server.url)
        assert (response.status, response.data, server.connections) == (200, b"ok", 3)


def test_urllib3_retry_does_not_resend_a_post() -> None:
    from connerr.contrib.urllib3 import Retry

    with FaultyServer("reset", fail_times=2) as server:
        http = urllib3.PoolManager(retries=Retry(total=5, allowed_methods=None))  # urllib3: any method
        with pytest.raises(urllib3.exceptions.MaxRetryError):
            http.request("POST", server.url, body=b"order #1")
        assert server.connections == 1


def test_urllib3_retry_gives_up_on_a_name_that_does_not_exist(no_such_name: str) -> None:
    from connerr.contrib.urllib3 import Retry

    with pytest.raises(urllib3.exceptions.MaxRetryError) as caught:
        urllib3.PoolManager(retries=Retry(total=5)).request("GET", f"http://{no_such_name}/")
    assert connerr.normalize(caught.value).kind is connerr.Kind.NAME_NOT_FOUND


def test_requests_with_the_urllib3_retry() -> None:
    from connerr.contrib.urllib3 import Retry

    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(max_retries=Retry(total=4)))
    with FaultyServer("close", fail_times=3) as server:
        response = session.get(server.url, timeout=2)
        assert (response.text, server.connections) == ("ok", 4)


def test_tenacity_recipe() -> None:
    tenacity = pytest.importorskip("tenacity")
    attempts: List[int] = []

    @tenacity.retry(
        retry=tenacity.retry_if_exception(connerr.retryable(idempotent=True)),
        stop=tenacity.stop_after_attempt(5),
        wait=tenacity.wait_none(),
        reraise=True,
    )
    def fetch(url: str) -> str:
        attempts.append(1)
        return str(requests.get(url, timeout=2).text)

    with FaultyServer("reset", fail_times=2) as server:
        assert fetch(server.url) == "ok" and len(attempts) == 3

    @tenacity.retry(
        retry=tenacity.retry_if_exception(connerr.retryable()),
        stop=tenacity.stop_after_attempt(3),
        wait=tenacity.wait_none(),
        reraise=True,
    )
    def order(url: str) -> None:
        attempts.append(1)
        requests.post(url, data=b"order #1", timeout=2)

    attempts.clear()
    with FaultyServer("reset") as server, pytest.raises(requests.ConnectionError):
        order(server.url)
    assert len(attempts) == 1  # the request may have been processed: not sent again
    attempts.clear()
    with FaultyServer("refuse") as server, pytest.raises(requests.ConnectionError):
        order(server.url)
    assert len(attempts) == 3  # nothing was sent: retried until the stop


def test_stamina_recipe() -> None:
    stamina = pytest.importorskip("stamina")
    attempts: List[int] = []

    @stamina.retry(
        on=connerr.retryable(idempotent=True), attempts=5, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0
    )
    def fetch(url: str) -> str:
        attempts.append(1)
        return str(requests.get(url, timeout=2).text)

    with FaultyServer("close", fail_times=2) as server:
        assert fetch(server.url) == "ok" and len(attempts) == 3


def test_backoff_recipe(no_such_name: str) -> None:
    backoff = pytest.importorskip("backoff")
    attempts: List[int] = []

    @backoff.on_exception(
        backoff.constant,
        Exception,
        interval=0,
        max_tries=5,
        giveup=lambda e: not connerr.should_retry(e, idempotent=True),
    )
    def fetch(url: str) -> str:
        attempts.append(1)
        return str(requests.get(url, timeout=2).text)

    with FaultyServer("reset", fail_times=1) as server:
        assert fetch(server.url) == "ok" and len(attempts) == 2
    attempts.clear()
    with pytest.raises(requests.ConnectionError):
        fetch(f"http://{no_such_name}/")
    assert len(attempts) == 1


def test_httpx_and_aiohttp_clients() -> None:
    httpx = pytest.importorskip("httpx")
    with FaultyServer("reset") as server:
        exc = _failure(lambda: httpx.post(server.url, content=b"x", timeout=2))
    assert (connerr.should_retry(exc), connerr.should_retry(exc, idempotent=True)) == (False, True)
    aiohttp = pytest.importorskip("aiohttp")
    import asyncio

    async def post(url: str) -> None:
        async with aiohttp.ClientSession() as session, session.post(url, data=b"x") as response:
            await response.read()

    with FaultyServer("refuse") as server:
        exc = _failure(lambda: asyncio.run(post(server.url)))
    assert connerr.should_retry(exc)


def test_import_connerr_imports_no_retry_library() -> None:
    code = (
        "import sys, connerr; connerr.should_retry(ConnectionResetError(104, 'x')); "
        "print([m for m in ('tenacity', 'stamina', 'backoff', 'urllib3') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_fail_times_is_checked() -> None:
    for bad in ({"fail_times": -1}, {"fail_times": 1, "protocol": "smtp"}):
        with pytest.raises(ValueError):
            FaultyServer("reset", **bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FaultyServer("refuse", fail_times=1)


def _recipes(path: Path) -> Dict[str, str]:
    """The ``# recipe: NAME`` code blocks of a docs page."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(# recipe: (\w+)\n.*?)```", text, flags=re.S)
    return {name: code for code, name in blocks}


DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("page", ["retry.md", "pt-BR/retry.md"])
def test_every_recipe_of_the_docs_runs(page: str) -> None:
    recipes = _recipes(DOCS / page)
    assert set(recipes) == {"tenacity", "stamina", "backoff", "urllib3"}
    for name, code in recipes.items():
        if name != "urllib3":
            pytest.importorskip(name)
        namespace: Dict[str, Any] = {}
        exec(compile(code, f"{page}:{name}", "exec"), namespace)  # the docs page's own code
        with FaultyServer("reset", fail_times=2) as server:
            assert namespace["fetch"](server.url) == "ok", name
            assert server.connections == 3, name


def _tenacity_retry(idempotent: bool) -> Any:
    tenacity = pytest.importorskip("tenacity")
    return tenacity.retry(
        retry=tenacity.retry_if_exception(connerr.retryable(idempotent=idempotent)),
        stop=tenacity.stop_after_attempt(4),
        wait=tenacity.wait_none(),
        reraise=True,
    )


def test_every_client_with_tenacity() -> None:
    """requests, urllib3, httpx (sync and async) and aiohttp: a GET gets through two resets, a POST
    whose request was sent is tried once."""
    import asyncio

    httpx = pytest.importorskip("httpx")
    aiohttp = pytest.importorskip("aiohttp")

    async def httpx_async(method: str, url: str) -> str:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.request(method, url, content=b"x" if method == "POST" else None)).text

    async def aiohttp_call(method: str, url: str) -> str:
        async with aiohttp.ClientSession() as session, session.request(method, url) as response:
            return await response.text()

    clients: Dict[str, Callable[[str, str], str]] = {
        "requests": lambda m, u: str(requests.request(m, u, timeout=2).text),
        "urllib3": lambda m, u: urllib3.PoolManager(retries=False).request(m, u).data.decode(),
        "httpx": lambda m, u: httpx.request(m, u, timeout=2).text,
        "httpx-async": lambda m, u: asyncio.run(httpx_async(m, u)),
        "aiohttp": lambda m, u: asyncio.run(aiohttp_call(m, u)),
    }
    for name, call in clients.items():
        # a GET through two resets: three connections (aiohttp retries a GET once itself: fewer calls)
        attempts, connections = _through_resets(call, "GET")
        assert connections == 3 and 1 <= attempts <= 3, (name, attempts, connections)
        # a POST whose request was sent: tried once
        assert _through_resets(call, "POST") == (1, 1), name


def _through_resets(call: Callable[[str, str], str], method: str) -> Tuple[int, int]:
    """(calls tenacity made, connections the server saw) for a ``method`` to a server that resets
    the first two connections after reading the request."""
    attempts: List[int] = []

    @_tenacity_retry(idempotent=method == "GET")
    def once(url: str) -> str:
        attempts.append(1)
        return call(method, url)

    with FaultyServer("reset", fail_times=2) as server:
        if method == "GET":
            assert once(server.url) == "ok"
        else:
            with pytest.raises(Exception):  # noqa: B017 - each client raises its own class
                once(server.url)
        return len(attempts), server.connections


def test_a_certificate_failure_is_tried_once() -> None:
    pytest.importorskip("trustme")
    attempts: List[int] = []

    @_tenacity_retry(idempotent=True)
    def fetch(url: str) -> str:
        attempts.append(1)
        return str(requests.get(url, timeout=2).text)  # the throw-away CA is not trusted

    tls = self_signed()
    with (
        FaultyServer("tls_midstream_cut", ssl_context=tls.server_context) as server,
        pytest.raises(requests.exceptions.SSLError),
    ):
        fetch(server.url)
    assert len(attempts) == 1
