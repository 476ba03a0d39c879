"""Diagnosis is written out by hand (no ``dataclasses`` import on the first normalize()), yet must be
what ``@dataclass(frozen=True)`` with the same fields would give a user."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from typing import Any, Optional, Tuple

import pytest

import connerr
from connerr import Diagnosis, Kind


@dataclasses.dataclass(frozen=True)
class Reference:
    """The class Diagnosis stands for, built by dataclasses itself."""

    kind: Kind
    name: Optional[str]
    number: Optional[int]
    domain: Optional[str]
    platform: Optional[str]
    message: str
    notes: Tuple[str, ...]
    retry: str
    side: str
    original: BaseException = dataclasses.field(compare=False, repr=False)
    phase: str = "any"
    evidence: str = "none"
    library: Optional[str] = None
    exception: str = ""
    source: Optional[BaseException] = dataclasses.field(default=None, compare=False, repr=False)


def _both(**values: Any) -> Tuple[Diagnosis, Reference]:
    return Diagnosis(**values), Reference(**values)


def _values() -> dict[str, Any]:
    return dict(
        kind=Kind.CONNECTION_RESET,
        name="ECONNRESET",
        number=104,
        domain="errno",
        platform="linux",
        message="Connection reset by peer",
        notes=("a", "b"),
        retry="idempotent_only",
        side="remote",
        original=ConnectionResetError(104, "x"),
    )


def test_fields_are_the_dataclass_fields() -> None:
    assert dataclasses.is_dataclass(Diagnosis)
    mine = [(f.name, f.default, f.compare, f.repr, f.init, f.hash) for f in dataclasses.fields(Diagnosis)]
    theirs = [(f.name, f.default, f.compare, f.repr, f.init, f.hash) for f in dataclasses.fields(Reference)]
    assert mine == theirs
    if sys.version_info >= (3, 10):  # dataclasses write __match_args__ since 3.10
        assert Diagnosis.__match_args__ == Reference.__match_args__  # type: ignore[attr-defined]
    assert Diagnosis.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_repr_eq_hash_as_a_dataclass() -> None:
    mine, theirs = _both(**_values())
    assert repr(mine).replace("Diagnosis(", "Reference(", 1) == repr(theirs)
    other, _ = _both(**{**_values(), "original": OSError("another")})
    assert mine == other and hash(mine) == hash(other)  # the exceptions are not compared
    changed, _ = _both(**{**_values(), "retry": "no"})
    assert mine != changed
    assert mine.__eq__(theirs) is NotImplemented


def test_replace_asdict_and_frozen() -> None:
    mine, theirs = _both(**_values())
    assert dataclasses.replace(mine, retry="no").retry == "no"
    assert dataclasses.asdict(mine).keys() == dataclasses.asdict(theirs).keys()
    for target in (mine, theirs):
        with pytest.raises(dataclasses.FrozenInstanceError):
            target.kind = Kind.UNKNOWN  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            del target.kind  # type: ignore[misc]


def test_pickle_round_trip_keeps_the_answer() -> None:
    d = connerr.normalize(ConnectionResetError(104, "Connection reset by peer"))
    again = pickle.loads(pickle.dumps(d))
    assert again == d and isinstance(again.original, ConnectionResetError)


def test_first_normalize_imports_neither_dataclasses_nor_re() -> None:
    code = (
        "import sys, connerr; before = set(sys.modules);"
        "connerr.normalize(ConnectionResetError(104, 'x'));"
        "print(sorted({'dataclasses', 'inspect', 're', 'typing', 'pickle', 'socket', 'threading'}"
        " & (set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
