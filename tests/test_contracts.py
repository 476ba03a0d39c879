"""Which API exists where (psutil style): asserts exactly which backend/OS has which function."""

from __future__ import annotations

import pytest
from _support import WINDOWS

from connerr import native

EVERYWHERE = (
    "compiled_os",
    "compiled_arch",
    "compiled_libc",
    "constants",
    "strerror",
    "raw_connect",
    "raw_bind",
    "raw_exchange",
    "raw_resolve",
)


@pytest.mark.parametrize("name", EVERYWHERE)
def test_available_everywhere(name: str) -> None:
    assert callable(getattr(native, name))


def test_cffi_only_functions() -> None:
    cffi = native.BACKEND == "cffi"
    assert hasattr(native, "gai_strerror") == cffi
    assert hasattr(native, "last_socket_error") == cffi


def test_format_message_only_on_windows_with_the_extension() -> None:
    assert hasattr(native, "format_message") == (WINDOWS and native.BACKEND == "cffi")


def test_missing_attribute_names_the_backend() -> None:
    with pytest.raises(AttributeError, match="backend"):
        native.no_such_function  # noqa: B018


def test_backend_is_one_of_two() -> None:
    assert native.BACKEND in {"cffi", "python"}
