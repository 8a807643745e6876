"""The package's optional C modules as the tests find them.

An editable install builds them in the checkout; a plain install (CI) builds them into
site-packages while the tests import the checkout's Python, which then runs without them.
Each module needs nothing else of the package, so the tests load the built one by path.
"""
from __future__ import annotations

import glob
import importlib
import importlib.machinery
import importlib.util
import os
import sysconfig


def built(name: str):
    """The compiled module ``name`` (``edi_lint.x12._speedups``): the checkout's, else the
    one a plain install built into site-packages, else None (no compiler at install)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        pass
    parts = name.split(".")
    pattern = os.path.join(sysconfig.get_paths()["platlib"], *parts[:-1], parts[-1] + "*.so")
    for path in glob.glob(pattern):
        loader = importlib.machinery.ExtensionFileLoader(name, path)
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
        loader.exec_module(module)
        return module
    return None
