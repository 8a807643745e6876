"""The eligibility roster (``--roster PATH``): who is eligible, and with what other coverage, each month.

A CSV file with exactly this header and one row per member-month::

    member_id,month,status,other_coverage
    MBR000001,2025-06,eligible,
    MBR000002,2025-06,eligible,kaiser
    MBR000003,2025-06,ineligible,
    MBR000004,2025-06,eligible,dsnp

``month`` is ``YYYY-MM``; ``status`` is ``eligible`` or ``ineligible``; ``other_coverage`` is
empty, ``kaiser`` or ``dsnp``. Blank lines are skipped. Any other content stops the run with a
one-line usage error (exit 2) that names the file and the line. Read by GEN-02 (kaiser),
GEN-03 (dsnp) and GEN-04 (not eligible in the service month; a member-month absent from a
roster that lists other members is not eligible).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

from .dates import month_key
from .errors import UsageError

__all__ = ["HEADER", "STATUSES", "COVERAGES", "Roster", "load_roster"]

HEADER = ("member_id", "month", "status", "other_coverage")
STATUSES = ("eligible", "ineligible")
COVERAGES = ("", "kaiser", "dsnp")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


class Roster:
    """Member-months of the roster: (member_id, "YYYY-MM") -> (status, other_coverage)."""

    __slots__ = ("path", "_rows")

    def __init__(self, rows: dict[tuple[str, str], tuple[str, str]] | None = None, path: str = ""):
        self.path = path
        self._rows = dict(rows or {})

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Roster(path={self.path!r}, member_months={len(self._rows)})"

    @staticmethod
    def _month(month) -> str:
        return month_key(month) if isinstance(month, date) else str(month)

    def lookup(self, member, month) -> tuple[str, str] | None:
        """(status, other_coverage) of the member in ``month`` ("YYYY-MM" or a date), else None."""
        if member is None:
            return None
        return self._rows.get((str(member).strip(), self._month(month)))

    def is_eligible(self, member, month) -> bool:
        """Eligible in ``month``; absent from a non-empty roster is not eligible."""
        row = self.lookup(member, month)
        if row is None:
            return not self._rows
        return row[0] == "eligible"

    def coverage(self, member, month) -> str:
        """The member-month's other coverage ("", "kaiser" or "dsnp"; "" when absent)."""
        row = self.lookup(member, month)
        return row[1] if row else ""


def load_roster(path) -> Roster:
    """Read and validate the roster CSV at ``path``; a problem raises ``UsageError`` (exit 2)."""
    name = str(path)

    def fail(line: int | None, msg: str):
        where = f"{name}: line {line}" if line is not None else name
        raise UsageError(f"{where}: {msg}")

    try:
        with open(name, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read roster: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: roster is not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None

    reader = csv.reader(io.StringIO(text, newline=""))
    header = None
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    first_line: dict[tuple[str, str], int] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            fields = [f.strip() for f in fields]
            if header is None:
                header = tuple(f.lower() for f in fields)
                if header != HEADER:
                    fail(line, f"roster header is {','.join(fields)!r}; expected exactly "
                               f"{','.join(HEADER)!r}")
                continue
            if len(fields) != len(HEADER):
                fail(line, f"{len(fields)} fields; a roster row has {len(HEADER)} "
                           f"({','.join(HEADER)})")
            member, month, status, coverage = fields
            if not member:
                fail(line, "empty member_id")
            if not _MONTH.fullmatch(month):
                fail(line, f"month {month!r} is not YYYY-MM (e.g. 2025-06)")
            status_l, coverage_l = status.lower(), coverage.lower()
            if status_l not in STATUSES:
                fail(line, f"unknown status {status!r} (expected eligible or ineligible)")
            if coverage_l not in COVERAGES:
                fail(line, f"unknown other_coverage {coverage!r} (expected empty, kaiser or dsnp)")
            key = (member, month)
            value = (status_l, coverage_l)
            if key in rows and rows[key] != value:
                fail(line, f"{month} of this member is already on line {first_line[key]} with "
                           f"other values")
            rows[key] = value
            first_line.setdefault(key, line)
    except csv.Error as exc:
        fail(reader.line_num, f"unreadable CSV: {exc}")
    if header is None:
        fail(None, f"empty roster: the header {','.join(HEADER)!r} is missing")
    return Roster(rows, name)
