"""Third-party rules: the ``edi_lint.rules`` entry-point group feeds the one registry.

A plugin package declares, in its metadata::

    [options.entry_points]
    edi_lint.rules =
        acme = acme_edi_rules.rules          # a module whose rules use @register
        acme-big = acme_edi_rules.big:BigClaim   # or one Rule subclass

Loading a module registers its ``@register`` rules as a side effect; a Rule
subclass that is not registered yet is registered here. Anything else, an
import error, or a rule whose metadata the registry rejects (a malformed or
duplicate code) is a ``PluginError``: one line naming the plugin, exit 2.
"""
from __future__ import annotations

import inspect
import os
import sys

from .errors import UsageError

GROUP = "edi_lint.rules"


class PluginError(UsageError):
    """A plugin that cannot be loaded (the CLI prints it on one line and exits 2)."""


def _describe(ep) -> str:
    dist = getattr(ep, "dist", None)
    where = f" from {dist.name} {dist.version}" if dist is not None else ""
    return f"plugin {ep.name!r} ({ep.value}){where}"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def may_declare_plugins(path=None, meta_path=None) -> bool:
    """False only when no distribution can declare an ``edi_lint.rules`` entry point.

    ``importlib.metadata`` reads every installed distribution's metadata (about 30 ms
    with its import, on an environment of 120 packages: a fifth of ``edi-lint``'s
    start-up). This looks first, in the same places, at the ``entry_points.txt`` files
    only: a directory on ``sys.path`` holding ``*.dist-info`` or ``*.egg-info``
    directories. Anything else that could hold metadata (a zip file on the path, a
    finder of ``sys.meta_path`` with its own ``find_distributions``) answers True, and
    ``importlib.metadata`` decides.
    """
    from importlib.machinery import PathFinder
    for finder in sys.meta_path if meta_path is None else meta_path:
        find = getattr(finder, "find_distributions", None)
        if find is not None and find is not PathFinder.find_distributions:
            return True
    for entry in sys.path if path is None else path:
        try:
            listing = os.scandir(entry or ".")
        except OSError:
            if os.path.isfile(entry):  # a zip file: its metadata is importlib's to read
                return True
            continue
        with listing:
            for item in listing:
                if not item.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(item.path, "entry_points.txt"), "rb") as fh:
                        if GROUP.encode() in fh.read():
                            return True
                except OSError:  # no entry points, or an egg-info file
                    continue
    return False


def load_plugins(register, rule_base) -> list[str]:
    """Load every entry point of the group; returns their names (sorted, loaded once)."""
    if not may_declare_plugins():
        return []
    from importlib.metadata import entry_points
    loaded = []
    seen = set()
    for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.name, e.value)):
        if (ep.name, ep.value) in seen:  # the same distribution found twice on sys.path
            continue
        seen.add((ep.name, ep.value))
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - any failure of third-party code
            raise PluginError(f"{_describe(ep)} cannot be loaded: {_one_line(exc)}") from None
        if inspect.ismodule(obj):
            pass  # its @register decorators ran on import
        elif inspect.isclass(obj) and issubclass(obj, rule_base):
            try:
                _register_class(obj, register)
            except Exception as exc:  # noqa: BLE001
                raise PluginError(f"{_describe(ep)}: {_one_line(exc)}") from None
        else:
            raise PluginError(f"{_describe(ep)} is neither a module nor an edi_lint Rule "
                              f"subclass (got {type(obj).__name__})")
        loaded.append(ep.name)
    return loaded


def _register_class(cls, register):
    from .rules.registry import registered
    if type(registered(cls.code)) is cls:
        return  # the module registered it already with @register
    register(cls)
