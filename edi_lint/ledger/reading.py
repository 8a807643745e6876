"""The read side both ledger backends share: history, ``show`` and ``stats`` queries, once.

A backend gives a ``Dialect`` (how its SQL spells a parameter, a true condition and
"column is one of these values") and a ``_snapshot()`` context that yields a cursor
reading one consistent snapshot; ``LedgerReader`` writes every read query once on top.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

SERVICE_FIELDS = ("n", "code", "modifiers", "hcr01", "hcr02", "um01", "um02", "dates",
                  "unit_basis", "units", "hsd_quantity", "amount_cents")
CLAIM_KEYS = ("id", "billing_npi", "clm01", "frequency", "member", "charge_cents", "g1",
                "status", "status_by", "recorded_at")
LINE_KEYS = ("n", "code", "modifiers", "group", "dos_from", "dos_to", "unit_basis", "units",
               "charge_cents", "g1")
RESPONSE_KEYS = ("id", "certification", "member", "um01", "um02", "hcr01", "hcr02", "trace",
                   "dates", "hsd_quantity", "recorded_at")

HISTORY_QUERIES = (
    "SELECT id, billing_npi, clm01, digest, frequency, member, g1, status FROM claims"
    " WHERE {member}",
    "SELECT dos_from, claim_id, n, code, modifiers, dos_to, unit_basis, units,"
    " charge_cents, g1 FROM lines WHERE {member} AND dos_from IS NOT NULL"
    " ORDER BY dos_from, claim_id, n",
    "SELECT id, member, um01, um02, hcr01, hcr02, trace, dates, hsd_quantity, digest"
    " FROM responses WHERE {member}",
    "SELECT s.response_id, s.n, s.code, s.modifiers, s.hcr01, s.hcr02, s.um01, s.um02,"
    " s.dates, s.unit_basis, s.units, s.hsd_quantity, s.amount_cents"
    " FROM response_services s JOIN responses r ON r.id = s.response_id"
    " WHERE r.{member}",
)


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends' read SQL.

    ``mark`` is the parameter placeholder, ``true`` an always-true condition;
    ``in_chunk`` bounds an ``IN`` list (SQLite's variable limit); with
    ``array_types`` set (PostgreSQL) a list of values is one ``= ANY(array)``
    parameter instead.
    """
    backend: str
    mark: str
    true: str
    in_chunk: int = 0
    array_types: bool = False

    def one_of(self, column: str, values: list, sql_type: str) -> Iterator[tuple[str, list]]:
        """(condition, parameters) pairs that together select ``column`` in ``values``."""
        if self.array_types:
            yield f"{column} = ANY({self.mark}::{sql_type}[])", [list(values)]
            return
        for start in range(0, len(values), self.in_chunk):
            chunk = values[start:start + self.in_chunk]
            yield f"{column} IN ({','.join([self.mark] * len(chunk))})", chunk

    def where(self, *pairs) -> tuple[str, list]:
        """``column = value`` for every (column, value) pair whose value is given."""
        clauses, args = [], []
        for column, value in pairs:
            if value is not None:
                clauses.append(f"{column} = {self.mark}")
                args.append(value)
        return (" AND ".join(clauses) or self.true), args


class LedgerReader:
    """Read queries written once; a backend sets ``dialect`` and defines ``_snapshot``."""

    dialect: Dialect
    _version: int

    def _snapshot(self):  # pragma: no cover - every backend defines it
        raise NotImplementedError

    def _fetch_history(self, members):
        results: tuple[list, ...] = ([], [], [], [])
        with self._snapshot() as cur:
            for condition, args in self.dialect.one_of("member", list(members), "text"):
                for sql, out in zip(HISTORY_QUERIES, results):
                    out.extend(cur.execute(sql.format(member=condition), args))
        return results

    def find_claims(self, member=None, clm01=None):
        where, args = self.dialect.where(("c.member", member), ("c.clm01", clm01))
        with self._snapshot() as cur:
            claims = [dict(zip(CLAIM_KEYS, row)) for row in cur.execute(
                "SELECT c.id, c.billing_npi, c.clm01, c.frequency, c.member, c.charge_cents,"
                " c.g1, c.status, c.status_by, a.recorded_at FROM claims c"
                f" JOIN adds a ON a.id = c.add_id WHERE {where} ORDER BY c.id", args)]
            lines = self._children(
                cur, "SELECT claim_id, n, code, modifiers, grp, dos_from, dos_to, unit_basis,"
                " units, charge_cents, g1 FROM lines WHERE {ids} ORDER BY claim_id, n",
                "claim_id", [c["id"] for c in claims], LINE_KEYS)
        for claim in claims:
            claim["lines"] = lines.get(claim["id"], [])
        return claims

    def find_responses(self, member=None, certification=None):
        where, args = self.dialect.where(("r.member", member), ("r.certification", certification))
        with self._snapshot() as cur:
            found = [dict(zip(RESPONSE_KEYS, row)) for row in cur.execute(
                "SELECT r.id, r.certification, r.member, r.um01, r.um02, r.hcr01, r.hcr02,"
                " r.trace, r.dates, r.hsd_quantity, a.recorded_at FROM responses r"
                f" JOIN adds a ON a.id = r.add_id WHERE {where} ORDER BY r.id", args)]
            services = self._children(
                cur, f"SELECT response_id, {', '.join(SERVICE_FIELDS)} FROM response_services"
                " WHERE {ids} ORDER BY response_id, n",
                "response_id", [r["id"] for r in found], SERVICE_FIELDS)
        for response in found:
            response["services"] = services.get(response["id"], [])
        return found

    def _children(self, cur, sql: str, parent: str, ids: list, names) -> dict:
        """Rows of ``sql`` (parent id first) as dicts of ``names``, grouped by parent id."""
        grouped: dict = {}
        if not ids:
            return grouped
        for condition, args in self.dialect.one_of(parent, ids, "bigint"):
            for row in cur.execute(sql.format(ids=condition), args):
                grouped.setdefault(row[0], []).append(dict(zip(names, row[1:])))
        return grouped

    def stats(self) -> dict:
        with self._snapshot() as cur:
            return collect_stats(cur, self.dialect.backend, self._version)


def collect_stats(cur, backend: str, version: int) -> dict:
    """The ``stats`` of a ledger, read through ``cur`` (one snapshot, the caller's).

    Written once in SQL both backends speak, so ``ledger stats`` says the same of
    the same history on SQLite and PostgreSQL.
    """
    def one(query):
        return cur.execute(query).fetchone()
    status = dict(cur.execute("SELECT status, COUNT(*) FROM claims GROUP BY status"))
    lines, members, first, last = one(
        "SELECT COUNT(*), COUNT(DISTINCT member), MIN(dos_from),"
        " MAX(COALESCE(dos_to, dos_from)) FROM lines")
    counted = one("SELECT COUNT(*) FROM lines l JOIN claims c ON c.id = l.claim_id"
                  " WHERE c.status = 'active'")[0]
    responses, approved = one(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN hcr01 IN ('A1', 'A2', 'A6') THEN 1 ELSE 0 END),"
        " 0) FROM responses")
    adds, last_add = one("SELECT COUNT(*), MAX(recorded_at) FROM adds")
    groups = dict(cur.execute(
        "SELECT COALESCE(grp, '(not in profile)'), COUNT(*) FROM lines"
        " GROUP BY grp ORDER BY grp NULLS FIRST"))
    return {
        "backend": backend, "schema_version": version,
        "claims": sum(status.values()),
        "claims_active": status.get("active", 0),
        "claims_superseded": status.get("superseded", 0),
        "claims_void": status.get("void", 0),
        "lines": lines, "lines_counted": counted, "members": members,
        "dos_first": first, "dos_last": last,
        "tar_responses": responses, "tar_responses_approved": approved,
        "adds": adds, "last_add": last_add, "lines_by_group": groups,
    }
