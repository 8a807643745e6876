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
    _load()
    return sorted(_RULES.values(), key=lambda r: r.code)


def registered(code: str) -> Rule | None:
    """The rule registered under ``code`` so far (no loading: plugins ask while loading)."""
    return _RULES.get(code)


def get(code: str) -> Rule | None:
    _load()
    return _RULES.get(code)


_loaded = False
_plugin_error: Exception | None = None


def _load():
    """Built-in rule modules, then third-party plugins (once; a plugin error sticks)."""
    global _loaded, _plugin_error
    if not _loaded:
        _loaded = True
        _load_builtin()
        from ..plugins import PluginError, load_plugins
        try:
            load_plugins(register, Rule)
        except PluginError as exc:
            _plugin_error = exc
    if _plugin_error is not None:
        raise _plugin_error


def _load_builtin():
    import importlib
    import pkgutil

    from .. import rules as package
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name not in ("base", "registry"):
            importlib.import_module(f"{package.__name__}.{info.name}")
