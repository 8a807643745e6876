"""What a rule is: explicit metadata plus check methods that yield findings."""
from __future__ import annotations

import inspect
import re
from typing import Iterable

from ..findings import SEVERITIES, Finding

CODE_RE = re.compile(r"^[A-Z]{1,4}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TIP_RE = re.compile(r"^[A-Z]+-[0-9]{2}$")
SCOPES = ("structure", "segment", "claim", "tar", "batch")


class Rule:
    """Base class. Subclasses set the metadata and override one check method.

    scope: ``structure`` (emitted by the reader/envelope/builders; metadata only),
    ``segment`` (``check_segment`` for the ids in ``segment_ids``), ``claim``
    (``check_claim`` per 837P claim), ``tar`` (``check_tar`` per 278 patient
    event) or ``batch`` (``check_batch`` once, over the whole batch's facts).
    """

    code: str = ""
    name: str = ""
    summary: str = ""
    severity: str = "error"
    tips: tuple[str, ...] = ()
    scope: str = "claim"
    segment_ids: tuple[str, ...] = ()
    # optional hooks (the engine and ``-j`` read them; the defaults are what most rules want)
    tar_kinds: tuple[str, ...] = ("request",)  # the 278 purposes ``check_tar`` is given
    by_member: bool = False  # ``check_batch`` reads the batch member by member: -j shards it

    def check_segment(self, seg, state, ctx) -> Iterable[Finding]:
        return ()

    def segment_guard(self, tag: str):
        """An optional fast path for segment rules: None, or a predicate ``ok(seg, state)``
        that is True only when ``check_segment`` would return nothing for ``seg`` and change
        no state. When every rule of a segment id returns the same predicate (one object,
        covering them all), the engine calls it once and skips the rules on True."""
        return None

    def check_claim(self, claim, ctx) -> Iterable[Finding]:
        return ()

    def check_tar(self, tar, ctx) -> Iterable[Finding]:
        return ()

    def check_batch(self, batch, ctx) -> Iterable[Finding]:
        return ()

    def join_parts(self, parts: list[list]) -> list:
        """An optional hook for a file checked in parts (``-j``): its findings, each part's
        in a list, made one file's (a cap counted over the whole file). Only rules that
        override it are joined this way; the others' findings are kept as they come."""
        return [finding for found in parts for finding in found]

    @property
    def tip(self) -> str | None:
        """The tip id when the rule enforces exactly one."""
        return self.tips[0] if len(self.tips) == 1 else None

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def validate(cls) -> None:
        """Reject malformed metadata at import (a registry must stay trustworthy)."""
        where = f"rule {cls.__name__}"
        if not CODE_RE.match(cls.code or ""):
            raise ValueError(f"{where}: code {cls.code!r} is not a prefix of letters + 3 digits")
        if not NAME_RE.match(cls.name or ""):
            raise ValueError(f"{where}: name {cls.name!r} is not kebab-case")
        if cls.severity not in SEVERITIES:
            raise ValueError(f"{where}: severity {cls.severity!r}")
        if cls.scope not in SCOPES:
            raise ValueError(f"{where}: scope {cls.scope!r}")
        if not cls.summary or not cls.doc():
            raise ValueError(f"{where}: a summary and a docstring are required")
        for tip in cls.tips:
            if not TIP_RE.match(tip):
                raise ValueError(f"{where}: tip id {tip!r}")


def table_rule(row, module: str, prefix: str) -> type:
    """A structure-scope rule class from one table row ``(code, name, severity, summary,
    what, why, bad, good)``: its docstring in the ruff template (to register)."""
    code, name, severity, summary, what, why, bad, good = row
    doc = (f"{summary}\n\nWhat it does: {what}\n\nWhy it matters: {why}\n\n"
           f"Example that fails: ``{bad}``\n\nExample that passes: ``{good}``")
    return type(f"{prefix}{code}", (Rule,), {
        "__doc__": doc, "code": code, "name": name, "severity": severity, "summary": summary,
        "scope": "structure", "__module__": module})
