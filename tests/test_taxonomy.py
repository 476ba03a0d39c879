"""The taxonomy contract: 31 kinds with metadata, one exception class per kind, builtin bases."""

from __future__ import annotations

import builtins
import importlib
import pickle
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from connerr import exceptions
from connerr._diagnosis import Diagnosis
from connerr._normalize import normalize
from connerr.exceptions import ConnError, class_for, from_diagnosis
from connerr.taxonomy import KIND_INFO, PHASES, RETRY, SIDES, Kind

DESIGN_KINDS = (  # noqa: SIM905 (the DESIGN text, verbatim)
    "connection_refused connection_reset connection_aborted broken_pipe timed_out host_unreachable "
    "network_unreachable network_down network_reset host_down not_connected already_connected "
    "address_in_use address_not_available would_block in_progress interrupted cancelled shutdown "
    "name_not_found name_temporary_failure name_resolution_failed tls_eof tls_certificate "
    "tls_protocol remote_disconnected permission_denied resource_exhausted invalid unsupported unknown"
).split()


def _builtin(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    cls = getattr(importlib.import_module(module) if module else builtins, name)
    assert isinstance(cls, type)
    return cls


def test_kind_values_are_the_design_contract() -> None:
    assert [k.value for k in Kind] == DESIGN_KINDS


def test_kind_is_a_str() -> None:
    assert Kind("connection_reset") is Kind.CONNECTION_RESET
    assert Kind.CONNECTION_RESET == "connection_reset"
    assert str(Kind.TIMED_OUT) == "timed_out"


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_metadata(kind: Kind) -> None:
    info = KIND_INFO[kind]
    assert info.kind is kind
    assert info.side in SIDES and info.phase in PHASES and info.retry in RETRY
    assert info.meaning.endswith(".") and "\n" not in info.meaning
    assert (kind.meaning, kind.side, kind.phase, kind.retry) == (
        info.meaning,
        info.side,
        info.phase,
        info.retry,
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_one_class_per_kind_deriving_from_the_builtin(kind: Kind) -> None:
    cls = class_for(kind)
    assert cls.__name__ == kind.class_name
    assert getattr(exceptions, kind.class_name) is cls
    assert issubclass(cls, ConnError) and cls.kind is kind
    assert issubclass(cls, _builtin(KIND_INFO[kind].builtin))
    assert kind.class_name in exceptions.__all__
    assert f"+-- {kind.class_name} " in (exceptions.__doc__ or "")  # drawn in the tree


def test_familiar_except_clauses_still_catch() -> None:
    assert issubclass(exceptions.ConnectionReset, ConnectionResetError)
    assert issubclass(exceptions.RemoteDisconnected, ConnectionError)
    assert issubclass(exceptions.TimedOut, TimeoutError)
    assert issubclass(exceptions.TimedOut, socket.timeout)
    assert issubclass(exceptions.NameNotFound, socket.gaierror)
    assert issubclass(exceptions.TlsEof, ssl.SSLEOFError)
    assert issubclass(exceptions.TlsCertificate, ssl.SSLCertVerificationError)
    assert issubclass(exceptions.TlsProtocol, ssl.SSLError)
    assert all(issubclass(class_for(k), OSError) for k in Kind)


def test_root_is_never_a_kind_class() -> None:
    assert ConnError not in {class_for(k) for k in Kind}


def test_importing_does_not_import_ssl() -> None:
    code = (
        "import sys, connerr.exceptions, connerr._normalize, connerr._translate; print('ssl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        exceptions.NoSuchClass  # noqa: B018


@pytest.mark.parametrize("kind", list(Kind))
def test_instances_pickle_with_their_diagnosis(kind: Kind) -> None:
    original = ConnectionResetError(104, "Connection reset by peer")
    diagnosis = normalize(original)
    exc = from_diagnosis(Diagnosis(**{**diagnosis.__dict__, "kind": kind}))
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc) and back.args == exc.args
    assert back.kind is kind and back.diagnosis.kind is kind
    assert back.diagnosis.name == "ECONNRESET"


def test_errno_and_strerror_are_kept() -> None:
    exc = from_diagnosis(normalize(ConnectionRefusedError(111, "Connection refused")))
    assert (exc.errno, exc.strerror) == (111, "Connection refused")
    assert str(exc) == "[Errno 111] Connection refused"


def test_diagnosis_of_a_bare_instance_comes_from_its_class() -> None:
    exc = exceptions.BrokenPipe("gone")
    assert exc.diagnosis.kind is Kind.BROKEN_PIPE
    assert normalize(exc).kind is Kind.BROKEN_PIPE


def test_generated_api_is_current() -> None:
    """The exception classes and the package's exports are generated from the kind table."""
    root = Path(__file__).resolve().parent.parent
    tool = root / "tools" / "gen_api.py"
    if not tool.exists():
        pytest.skip("no tools/ beside the tests")
    proc = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_exceptions_follow_the_kind_table() -> None:
    assert [c for c in exceptions.__all__ if c[0].isupper()] == sorted(
        ["ConnError", *(k.class_name for k in Kind)]
    )
    for kind in Kind:
        cls = class_for(kind)
        assert cls.kind is kind and cls.__doc__ == kind.meaning
        assert kind.builtin.rpartition(".")[2] in {b.__name__ for b in cls.__mro__}
