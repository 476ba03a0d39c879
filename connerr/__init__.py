"""connerr: one answer for network errors on every OS.

The public API is loaded lazily so that ``import connerr`` stays cheap: the reference data, the
classifier and the exception classes are imported on first use.
"""

from __future__ import annotations

from connerr._version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: public name -> module that defines it (imported on first access)
_LAZY = {
    "native": "connerr.native",
    "reference": "connerr.reference",
    "lookup": "connerr.reference",
    "Kind": "connerr.taxonomy", "KindInfo": "connerr.taxonomy", "KIND_INFO": "connerr.taxonomy",
    "Diagnosis": "connerr.diagnosis", "normalize": "connerr.normalize", "translate": "connerr.translate",
    "FaultyServer": "connerr.faults",
    **{name: "connerr.exceptions" for name in (
        "ConnError", "ConnectionRefused", "ConnectionReset", "ConnectionAborted", "BrokenPipe",
        "TimedOut", "HostUnreachable", "NetworkUnreachable", "NetworkDown", "NetworkReset", "HostDown",
        "NotConnected", "AlreadyConnected", "AddressInUse", "AddressNotAvailable", "WouldBlock",
        "InProgress", "Interrupted", "Cancelled", "Shutdown", "NameNotFound", "NameTemporaryFailure",
        "NameResolutionFailed", "TlsEof", "TlsCertificate", "TlsProtocol", "RemoteDisconnected",
        "PermissionDenied", "ResourceExhausted", "Invalid", "Unsupported", "Unknown")},
}


__all__ = ["__version__", *sorted(_LAZY)]  # noqa: PLE0604


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'connerr' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(module_name)
    value = getattr(module, name, module)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
