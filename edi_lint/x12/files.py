"""The files a batch reads: a directory walk, X12 sniffing of .txt files, opening.

Below the engine and the ledger (both read files through it); its problems are
``UsageError`` (exit 2).
"""
from __future__ import annotations

import os
import stat
import sys

from ..errors import UsageError

# The one list of what a directory walk takes, in any case (``NOAUTH.X12``); the
# pre-commit hook's ``files`` pattern matches the same names (tests/test_precommit.py).
DEFAULT_EXTENSIONS = (".x12", ".edi", ".837", ".278", ".txt")
# Taken by the walk only when the file starts with an ISA (after a BOM or white space):
# a README or notes file beside the claims is not X12. Named, such a file is always read,
# unless ``Options.sniff_txt`` (the pre-commit hook, which names every staged file).
SNIFFED_EXTENSIONS = (".txt",)


def expand_paths(paths, extensions=DEFAULT_EXTENSIONS, *, unreadable=None,
                 sniff_named=False) -> list[str]:
    """Files as given, directories walked recursively (sorted), '-' for stdin.

    No path at all is a UsageError, as the command line refuses it. A walked file
    with an extension of ``SNIFFED_EXTENSIONS`` is taken only when it starts with an
    ISA (a named one too with ``sniff_named``). With ``unreadable`` (a list), a walked
    entry that cannot be read (a dangling symbolic link, no permission, a directory
    that cannot be listed) is appended there as ``(path, why)`` and the walk goes on;
    without it, reading it fails later (a UsageError), as a named file does.
    """
    if not paths:
        raise UsageError("no paths to check: name files, directories or '-' (stdin)")
    extensions = tuple(e.lower() for e in extensions)
    sniffed = tuple(e for e in SNIFFED_EXTENSIONS if e in extensions)
    out: list[str] = []
    for path in paths:
        if path == "-":
            out.append(path)
        elif os.path.isdir(path):
            out.extend(_walk(path, extensions, sniffed, unreadable))
        elif os.path.exists(path):
            if not (sniff_named and sniffed and path.lower().endswith(sniffed)
                    and os.path.isfile(path) and _not_x12(path)):
                out.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return out


def _walk(top, extensions, sniffed, unreadable) -> list[str]:
    """The files under ``top`` that a walk takes, sorted (see ``expand_paths``)."""
    found = []

    def cannot_list(exc):
        if unreadable is not None:
            unreadable.append((exc.filename, f"cannot list this directory: {_why(exc)}"))

    for root, dirs, files in os.walk(top, onerror=cannot_list):
        dirs.sort()
        for name in files:
            lower = name.lower()
            if not lower.endswith(extensions):
                continue
            file = os.path.join(root, name)
            try:
                mode = os.stat(file).st_mode
            except OSError as exc:  # a dangling symbolic link, a link loop
                if unreadable is None:
                    found.append(file)  # reading it reports it
                elif os.path.islink(file):
                    unreadable.append((file, "cannot read this file: it is a symbolic link"
                                             " to a file that does not exist"))
                else:
                    unreadable.append((file, f"cannot read this file: {_why(exc)}"))
                continue
            if not stat.S_ISREG(mode):
                # a named pipe would block the walk until someone writes to it
                raise UsageError(f"{file}: not a regular file (a pipe, socket or"
                                 " device); name it on its own to read it")
            if unreadable is not None and not os.access(file, os.R_OK):
                unreadable.append((file, "cannot read this file: permission denied"))
                continue
            if sniffed and lower.endswith(sniffed) and _not_x12(file):
                continue
            found.append(file)
    return sorted(found)


def _why(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


_LEADING = b"\xef\xbb\xbf \t\r\n\x0b\x0c"


def _not_x12(path) -> bool:
    """True when ``path`` can be read and does not start with an ISA (after a BOM or
    white space): not an X12 interchange. A file that cannot be read is not judged."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return not head.lstrip(_LEADING).startswith(b"ISA")


def open_input(path):
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
