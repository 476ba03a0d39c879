"""The live-machine view: constants, messages and raw socket calls of THIS machine.

Backed by the C extension ``connerr._native`` when it imports (``BACKEND == "cffi"``), else by a
pure-Python fallback (``BACKEND == "python"``). Set ``CONNERR_NO_EXTENSION=1`` to force the fallback.

Available everywhere: ``compiled_os``, ``compiled_arch``, ``compiled_libc``, ``constants``,
``strerror``, ``raw_connect``, ``raw_bind``, ``raw_exchange``, ``raw_resolve``.
cffi backend only: ``gai_strerror``, ``last_socket_error``; on Windows also ``format_message``.
Both backends take the same arguments and give the same results for them: the raw_* calls raise
:class:`TypeError` for arguments of the wrong type and :class:`ValueError` for unusable ones (a
non-numeric IP, a NUL byte, a port outside 0..65535, a timeout not above 0).
"""

from __future__ import annotations

import os
from types import ModuleType

from connerr._native_types import EXCHANGE_STEPS, Constant
from connerr.platforms import platform_tag

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _load_backend() -> tuple[str, ModuleType]:
    if not os.environ.get("CONNERR_NO_EXTENSION"):
        try:
            from connerr import _backend_cffi
        except ImportError:
            pass
        else:
            return "cffi", _backend_cffi
    from connerr import _backend_python

    return "python", _backend_python


BACKEND, _backend = _load_backend()
_PUBLIC = (
    "compiled_os",
    "compiled_arch",
    "compiled_libc",
    "constants",
    "strerror",
    "gai_strerror",
    "last_socket_error",
    "format_message",
    "raw_connect",
    "raw_bind",
    "raw_exchange",
    "raw_resolve",
)
globals().update({name: getattr(_backend, name) for name in _PUBLIC if hasattr(_backend, name)})
__all__ = ["BACKEND", "EXCHANGE_STEPS", "Constant", "current_platform"]
__all__ += [name for name in _PUBLIC if hasattr(_backend, name)]


def current_platform() -> str:
    """The platform tag of this machine (see :mod:`connerr.platforms`)."""
    return platform_tag(_backend.compiled_os(), _backend.compiled_arch(), _backend.compiled_libc())


def __getattr__(name: str) -> Any:
    """Say which backend lacks ``name`` (psutil-style: absent where unsupported)."""
    raise AttributeError(f"connerr.native ({BACKEND} backend on this OS) has no {name!r}")
