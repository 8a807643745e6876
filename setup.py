"""Build the optional C fast paths: the reader's loops (``edi_lint/x12/_speedups.c``) and
the 837P implementation-guide pass's per-segment step (``edi_lint/_igstep.c``).

Everything else is declared in ``setup.cfg``. ``optional=True``: where no C compiler or
Python headers are found, the install goes on without it and both run in Python.
"""
from setuptools import Extension, setup

setup(ext_modules=[
    Extension("edi_lint.x12._speedups", ["edi_lint/x12/_speedups.c"], optional=True),
    Extension("edi_lint._igstep", ["edi_lint/_igstep.c", "edi_lint/_igstep_plan.c",
                                   "edi_lint/_igstep_counts.c"],
              depends=["edi_lint/_igstep.h"], optional=True),
])
