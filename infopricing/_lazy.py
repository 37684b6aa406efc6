"""Modules loaded on first attribute access, to keep ``import infopricing`` fast.

``scipy.sparse`` alone is about a third of the import time (it pulls in most of numpy's
submodules); the modules that build sparse LPs refer to it as ``sp`` and only touch it inside
functions, so ``from .._lazy import sparse as sp`` defers the cost to the first LP built.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule(ModuleType):
    """Stands in for the module ``name`` and imports it on the first attribute access."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_target"] = None

    def _load(self) -> ModuleType:
        mod = self.__dict__["_lazy_target"]
        if mod is None:
            mod = importlib.import_module(self.__name__)
            self.__dict__["_lazy_target"] = mod
        return mod

    def __getattr__(self, attr: str):
        return getattr(self._load(), attr)

    def __dir__(self):
        return dir(self._load())


sparse = LazyModule("scipy.sparse")
