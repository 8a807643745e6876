"""The one registry of rules: built-in modules, then entry-point plugins."""
from __future__ import annotations

from .base import Rule

_RULES: dict[str, Rule] = {}


def register(cls):
    """Class decorator: validate the rule's metadata and add one instance."""
    cls.validate()
    if cls.code in _RULES:
        raise ValueError(f"rule code {cls.code} is registered twice "
                         f"({type(_RULES[cls.code]).__name__} and {cls.__name__})")
    _RULES[cls.code] = cls()
    return cls


def all_rules() -> list[Rule]:
    _load_builtin()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get(code: str) -> Rule | None:
    _load_builtin()
    return _RULES.get(code)


def rules_for_tip(tip: str) -> list[Rule]:
    return [r for r in all_rules() if tip in r.tips]


_loaded = False


def _load_builtin():
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib
    import pkgutil

    from .. import rules as package
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name not in ("base", "registry", "context"):
            importlib.import_module(f"{package.__name__}.{info.name}")
