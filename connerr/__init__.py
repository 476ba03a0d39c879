"""connerr: one answer for network errors on every OS.

The public API is loaded lazily so that ``import connerr`` stays cheap: the reference data, the
classifier and the exception classes are imported on first use.
"""

from __future__ import annotations

from typing import Any

from connerr._version import __version__

__all__ = ["__version__"]

#: public name -> module that defines it (imported on first access)
_LAZY = {
    "native": "connerr.native",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'connerr' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(module_name)
    value = module if module_name.endswith("." + name) else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
