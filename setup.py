"""Build the reader's optional C fast path (``edi_lint/x12/_speedups.c``).

Everything else is declared in ``setup.cfg``. ``optional=True``: where no C compiler or
Python headers are found, the install goes on without it and the reader runs in Python.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("edi_lint.x12._speedups", ["edi_lint/x12/_speedups.c"],
                             optional=True)])
