"""Names of a package loaded when first used (module ``__getattr__``, PEP 562): a command imports
only the modules it needs, so that ``clusterkit --help`` or ``workbook check`` does not pay for
pandas, openpyxl or the notebook stack."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_names(package: str, names: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose ``names`` map each name to the
    submodule (relative to ``package``) that defines it."""
    namespace = vars(import_module(package))

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{names[name]}", package), name)
        namespace[name] = value  # once loaded, an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
