"""pytest plugin: real loopback servers that fail on purpose, and ``raises_kind``.

Installed with connerr (entry point ``pytest11``), so in any test::

    import connerr, requests
    from connerr import Kind
    from connerr.testing import raises_kind

    def test_retry_on_reset(faulty_server):
        srv = faulty_server("reset")                  # .host, .port, .url; family="ipv6" for ::1
        with pytest.raises(connerr.ConnectionReset), connerr.translate():
            requests.get(srv.url)
        with raises_kind(Kind.CONNECTION_RESET):      # the same, by normalized kind
            requests.get(srv.url)

Modes are those of :class:`connerr.faults.FaultyServer`: ``refuse``, ``reset`` (SO_LINGER 0),
``close`` (no response), ``abort``, ``half_close``, ``stall``, ``drip``, ``tls_handshake_cut`` and
``tls_midstream_cut`` (its certificate comes from ``trustme``: trust ``faulty_server.ca_path`` or
``faulty_server.tls.client_context``). Every server is stopped when the test ends, and each wait of
the server is bounded by ``timeout`` seconds.

Loading this plugin costs nothing a test run notices: connerr's data, :mod:`ssl` and the servers
are imported only when a test asks for them.
"""

from __future__ import annotations

import re
import socket
from types import TracebackType
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Tuple, Type, Union

import pytest

if TYPE_CHECKING:
    from connerr._diagnosis import Diagnosis
    from connerr.faults import FaultyServer, TLSFixture
    from connerr.taxonomy import Kind

__all__ = ["FaultyServerFactory", "KindRaises", "faulty_server", "raises_kind"]

_FAMILIES = {"ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}


class FaultyServerFactory:
    """What the ``faulty_server`` fixture gives: call it to start a server for the test."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._servers: List[FaultyServer] = []
        self._tls: Optional[TLSFixture] = None
        self._ca_path: Optional[str] = None

    def __call__(
        self, mode: str, *, family: Union[str, int] = "ipv4", timeout: float = 5.0, **options: Any
    ) -> FaultyServer:
        """Start a :class:`~connerr.faults.FaultyServer` in ``mode``; it stops when the test ends.

        ``family`` is ``"ipv4"`` (127.0.0.1), ``"ipv6"`` (::1; the test is skipped where there is
        no IPv6 loopback) or a ``socket.AF_*`` value. ``options`` go to FaultyServer
        (``drip_interval``, ``drip_bytes``, ``ssl_context``).
        """
        from connerr.faults import FaultyServer

        af = _FAMILIES.get(family, family) if isinstance(family, str) else family
        if isinstance(af, str):
            raise ValueError(f"family must be 'ipv4', 'ipv6' or a socket.AF_* value, not {family!r}")
        if mode == "tls_midstream_cut" and options.get("ssl_context") is None:
            options["ssl_context"] = self.tls.server_context
        server = FaultyServer(mode, family=af, timeout=timeout, **options)
        try:
            server.start()
        except OSError as exc:
            if af == socket.AF_INET6:
                pytest.skip(f"no IPv6 loopback here: {exc}")
            raise
        self._servers.append(server)
        return server

    @property
    def tls(self) -> TLSFixture:
        """A throw-away CA and localhost certificate (needs ``trustme``; the test is skipped without)."""
        if self._tls is None:
            pytest.importorskip("trustme", reason="faulty_server's TLS certificate needs trustme")
            from connerr.faults import self_signed

            self._tls = self_signed()
        return self._tls

    @property
    def ca_path(self) -> str:
        """A PEM file of :attr:`tls`'s CA, for clients that want a path (``requests.get(verify=...)``)."""
        if self._ca_path is None:
            path = self._tmp.mktemp("connerr-ca") / "ca.pem"
            path.write_bytes(self.tls.ca_pem)
            self._ca_path = str(path)
        return self._ca_path

    def close(self) -> None:
        """Stop every server started so far."""
        while self._servers:
            self._servers.pop().stop()


@pytest.fixture
def faulty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyServerFactory]:
    """A factory of real loopback servers that fail on purpose: ``faulty_server("reset")``."""
    factory = FaultyServerFactory(tmp_path_factory)
    try:
        yield factory
    finally:
        factory.close()


class KindRaises:
    """Context manager of :func:`raises_kind`; after the block, ``.value``, ``.kind``, ``.diagnosis``."""

    def __init__(self, kinds: Tuple[Kind, ...], match: Optional[str]) -> None:
        self.expected = kinds
        self.match = match
        self.value: Optional[BaseException] = None
        self.diagnosis: Optional[Diagnosis] = None

    @property
    def kind(self) -> Optional[Kind]:
        """The normalized kind of the exception caught (None before it is caught)."""
        return self.diagnosis.kind if self.diagnosis is not None else None

    def _wanted(self) -> str:
        return " or ".join(k.value for k in self.expected)

    def __enter__(self) -> KindRaises:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool:
        __tracebackhide__ = True
        if exc is None:
            pytest.fail(f"DID NOT RAISE: expected an error of kind {self._wanted()}")
        if not isinstance(exc, Exception):
            return False  # KeyboardInterrupt, SystemExit, ...: never swallowed
        from connerr._normalize import normalize

        diagnosis = normalize(exc)
        if diagnosis.kind not in self.expected:
            code = f" ({diagnosis.name} {diagnosis.number})" if diagnosis.name else ""
            raise pytest.fail.Exception(
                f"expected an error of kind {self._wanted()}, got {diagnosis.kind.value}{code} "
                f"from {type(exc).__name__}: {exc}"
            ) from exc
        if self.match is not None and not re.search(self.match, str(exc)):
            raise pytest.fail.Exception(
                f"kind {diagnosis.kind.value} matched, but {self.match!r} does not match {str(exc)!r}"
            ) from exc
        self.value, self.diagnosis = exc, diagnosis
        return True


def raises_kind(*kinds: Union[Kind, str], match: Optional[str] = None) -> KindRaises:
    """Like :func:`pytest.raises`, but by connerr's normalized kind (any OS, any library).

    ``with raises_kind(Kind.CONNECTION_RESET): ...`` passes when the block raises an exception that
    :func:`connerr.normalize` classifies as one of ``kinds`` (and whose text matches the regular
    expression ``match``, if given); it fails the test when nothing is raised or the kind differs.
    """
    from connerr.taxonomy import Kind

    if not kinds:
        raise TypeError("raises_kind() needs at least one Kind")
    return KindRaises(tuple(Kind(k) for k in kinds), match)
