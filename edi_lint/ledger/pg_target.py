"""Where a PostgreSQL ledger lives and how its errors read: the URL taken apart, one-line messages.

The password (in the URL or as ``password=``) never appears: ``Target.display`` masks it and
``describe_error`` scrubs it from every server message.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

LOCK_TIMEOUT_S = 300  # how long a writer waits for other writers (SQLite's busy timeout)


class Target:
    """A ``postgresql://`` URL taken apart: what libpq gets, the schema, what may be shown."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        userinfo, at, hostport = parts.netloc.rpartition("@")
        secrets: list[str] = []
        shown_netloc = parts.netloc
        if at and ":" in userinfo:
            user, _, password = userinfo.partition(":")
            secrets.append(password)
            shown_netloc = f"{user}:***@{hostport}"
        kept, shown, params = [], [], {}
        for pair in parts.query.split("&") if parts.query else []:
            key, eq, value = pair.partition("=")
            name = unquote(key)
            params[name] = unquote(value)
            if name == "password":
                secrets.append(value)
                shown.append(f"{key}=***")
                kept.append(pair)
                continue
            shown.append(pair)
            if name != "schema":
                kept.append(pair)
        self.schema = params.get("schema")
        self.params = params
        self.conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept),
                                    parts.fragment))
        self.display = urlunsplit((parts.scheme, shown_netloc, parts.path, "&".join(shown),
                                   parts.fragment))
        self.secrets = sorted({s for v in secrets if v for s in (v, unquote(v))},
                              key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def describe_error(target: Target, exc: Exception, connecting: bool = False) -> str:
    """A psycopg error as one line naming the ledger, the password masked."""
    display = target.display
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = target.mask(_one_line(primary or exc)) or type(exc).__name__
    state = getattr(exc, "sqlstate", None)
    if connecting:
        return f"{display}: cannot connect to the ledger: {text}"
    if state in ("42P01", "42703", "42883", "42P02"):  # a table/column/function is missing
        return f"{display}: the ledger is damaged ({text}); restore it from a backup"
    if state in ("55P03", "57014"):  # lock_not_available, query_canceled (lock_timeout)
        return (f"{display}: the ledger stayed locked by another writer for more than"
                f" {LOCK_TIMEOUT_S} s; try again")
    if state == "42501":
        return f"{display}: permission denied ({text})"
    if state == "25006":
        return f"{display}: the ledger is read-only ({text})"
    if state == "3D000":
        return f"{display}: {text}"
    return f"{display}: ledger error: {text}"
