"""Make a module callable, so ``connerr.normalize`` works as a function even once the import system
has bound the ``connerr.normalize`` submodule onto the package (which it does on first import)."""

from __future__ import annotations

import sys
import types
from typing import Any, Callable


def make_module_callable(module_name: str, func: Callable[..., Any]) -> None:
    """Calling the module ``module_name`` calls ``func``."""

    class _CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

    _CallableModule.__doc__ = func.__doc__
    sys.modules[module_name].__class__ = _CallableModule
