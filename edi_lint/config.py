"""Configuration: ``[edi_lint]`` in setup.cfg / tox.ini, ``[tool.edi-lint]`` in pyproject.toml.

Found by walking up from the working directory (the first directory with such a
section wins; in one directory setup.cfg, then tox.ini, then pyproject.toml), or
named with ``--config PATH``. One file is read, never merged across directories.

Keys (INI values are comma- or newline-separated, and `` # `` or `` ; `` after a space starts
a comment; TOML takes strings, arrays and tables)::

    [edi_lint]
    select = ECM, CS, X
    ignore = GEN-05
    per-file-ignores =
        legacy/*.x12: X025, S010
        *.278: GEN
    severity = GEN-05=error, X025=warning
    profile = payer/profile.toml      # paths are relative to this file
    ledger = history.sqlite
    roster = roster.csv
    fail-on = warning
    min-severity = warning            # what reports show (counts and exit code: everything)
    format = sarif
    jobs = 2
    payers = PARTNERSHIP HEALTH

An unknown key or a bad value is a :class:`ConfigError` (exit 2) naming the file and the key.
The command line wins over the file: ``merge`` keeps any option given on the command line.
"""
from __future__ import annotations

import configparser
import os
import tomllib
from dataclasses import dataclass, field

from .engine import UsageError
from .findings import SEVERITIES

INI_SECTION = "edi_lint"
TOML_TABLE = ("tool", "edi-lint")
CANDIDATES = ("setup.cfg", "tox.ini", "pyproject.toml")
FORMATS = ("text", "json", "sarif", "junit", "github", "html", "999", "277ca")
KEYS = ("select", "ignore", "per-file-ignores", "severity", "profile", "ledger", "roster",
        "fail-on", "min-severity", "format", "jobs", "payers")
PATH_KEYS = ("profile", "ledger", "roster")
# ``jobs = 2  # or auto``: after a space, '#' or ';' starts a comment (flake8 rejects these;
# docs/decisions.md says why edi-lint takes them). A full line may be a comment too.
INLINE_COMMENTS = ("#", ";")


class ConfigError(UsageError):
    """A configuration problem: one line naming the file and key, exit 2."""


@dataclass
class Config:
    """What one configuration file says (None or empty: not set)."""

    path: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    profile: str | None = None
    ledger: str | None = None
    roster: str | None = None
    fail_on: str | None = None
    min_severity: str | None = None
    format: str | None = None
    jobs: int | str | None = None  # a number, or "auto"
    payers: tuple[str, ...] | None = None  # payer ids or parts of names (``--payer``)


def _ini_parser() -> configparser.ConfigParser:
    return configparser.ConfigParser(interpolation=None, inline_comment_prefixes=INLINE_COMMENTS)


# -- finding the file ---------------------------------------------------------

def _has_section(path: str) -> bool:
    try:
        if path.endswith(".toml"):
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            return isinstance(data.get(TOML_TABLE[0], {}).get(TOML_TABLE[1]), dict)
        parser = _ini_parser()
        parser.read(path, encoding="utf-8")
        return parser.has_section(INI_SECTION)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, configparser.Error):
        # a broken file: ours only if it names us (then reading it reports the problem)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return False
        return b"edi_lint" in data or b"edi-lint" in data


def find_config(start: str | None = None) -> str | None:
    """The first file with an edi-lint section, walking up from ``start`` (default cwd)."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        for name in CANDIDATES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and _has_section(candidate):
                return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


# -- reading it ---------------------------------------------------------------

def load_config(path: str | None = None, *, start: str | None = None) -> Config:
    """Read ``path`` (``--config``), else the file found from ``start``; Config() if none."""
    explicit = path is not None
    if path is None:
        path = find_config(start)
        if path is None:
            return Config()
    raw = _read(path, explicit)
    if raw is None:
        return Config(path=path)
    return _parse(raw, path)


def _read(path: str, explicit: bool) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration is not UTF-8") from None
    if path.endswith(".toml"):
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        table = doc.get(TOML_TABLE[0], {})
        table = table.get(TOML_TABLE[1]) if isinstance(table, dict) else None
        if table is None:
            if explicit:
                raise ConfigError(f"{path}: no [tool.edi-lint] table")
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.edi-lint] is not a table")
        return {"__section__": "[tool.edi-lint]", **table}
    parser = _ini_parser()
    parser.optionxform = str  # keep the key as written, to name it in errors
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        message = " ".join(str(exc).split())
        raise ConfigError(f"{path}: invalid configuration: {message}") from None
    if not parser.has_section(INI_SECTION):
        if explicit:
            raise ConfigError(f"{path}: no [{INI_SECTION}] section")
        return None
    return {"__section__": f"[{INI_SECTION}]", **dict(parser.items(INI_SECTION))}


def _parse(raw: dict, path: str) -> Config:
    section = raw.pop("__section__")
    base = os.path.dirname(os.path.abspath(path))
    cfg = Config(path=path)

    def fail(key, why):
        raise ConfigError(f"{path}: {section} {key}: {why}")

    for key, value in raw.items():
        if key not in KEYS:
            hint = key.replace("_", "-").lower()
            extra = f" (did you mean '{hint}'?)" if hint in KEYS else ""
            raise ConfigError(f"{path}: {section}: unknown key '{key}'{extra}; "
                              f"known keys: {', '.join(KEYS)}")
        if key in ("select", "ignore"):
            setattr(cfg, key, _codes(value, key, fail))
        elif key == "per-file-ignores":
            cfg.per_file_ignores = _per_file(value, base, fail)
        elif key == "severity":
            cfg.severity = _severity(value, fail)
        elif key in PATH_KEYS:
            text = _scalar(value, key, fail)
            setattr(cfg, key, _relative_to(base, text, key) if text else None)
        elif key in ("fail-on", "min-severity"):
            text = _scalar(value, key, fail)
            if text not in SEVERITIES:
                fail(key, f"{text!r} is not one of {', '.join(SEVERITIES)}")
            setattr(cfg, key.replace("-", "_"), text)
        elif key == "format":
            text = _scalar(value, key, fail)
            if text not in FORMATS:
                fail(key, f"{text!r} is not one of {', '.join(FORMATS)}")
            cfg.format = text
        elif key == "payers":
            cfg.payers = tuple(_items(value, key, fail))
        elif key == "jobs":
            jobs = parse_jobs(value)
            if jobs is None:
                fail(key, f"{value!r} is not 'auto' or a whole number of at least 1")
            cfg.jobs = jobs
    _check_names(cfg, fail)
    return cfg


def _check_names(cfg: Config, fail) -> None:
    """Every code or tip the file names must be registered (plugins included):
    upper-cased, or a ConfigError naming the entry (a typo would turn checks off)."""
    if not (cfg.select or cfg.ignore or cfg.per_file_ignores or cfg.severity):
        return
    from types import SimpleNamespace

    from .rules.registry import all_rules
    from .selection import Selection, UnknownEntry
    entries = SimpleNamespace(select=cfg.select or (), ignore=cfg.ignore or (),
                              per_file_ignores=cfg.per_file_ignores, severity=cfg.severity)
    try:
        checked = Selection(entries, all_rules())
    except UnknownEntry as exc:
        fail(exc.key, exc.why)
    cfg.select = checked.select if cfg.select is not None else None
    cfg.ignore = checked.ignore if cfg.ignore is not None else None
    cfg.per_file_ignores = checked.per_file
    cfg.severity = checked.severity


def parse_jobs(value) -> int | str | None:
    """``jobs`` as given ('auto', or a whole number of at least 1), else None."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    try:
        jobs = int(value) if not isinstance(value, bool) else 0
    except (TypeError, ValueError):
        return None
    return jobs if jobs >= 1 else None


def _scalar(value, key, fail) -> str:
    if not isinstance(value, str):
        fail(key, f"expected a string, got {type(value).__name__}")
    return value.strip()


def _items(value, key, fail) -> list[str]:
    """Comma/newline-separated string or a list of strings -> stripped items."""
    if isinstance(value, str):
        parts = value.replace("\n", ",").split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = [p for v in value for p in v.split(",")]
    else:
        fail(key, "expected a comma-separated string or a list of strings")
    return [p.strip() for p in parts if p.strip()]


def _codes(value, key, fail) -> tuple[str, ...]:
    items = _items(value, key, fail)
    for item in items:
        if not all(c.isalnum() or c == "-" for c in item):
            fail(key, f"{item!r} is not a rule code or tip id prefix")
    return tuple(items)


def _per_file(value, base, fail) -> tuple[tuple[str, tuple[str, ...]], ...]:
    key = "per-file-ignores"
    pairs: list[tuple[str, list[str]]] = []
    if isinstance(value, dict):  # TOML: {"legacy/*.x12" = ["X025"], ...}
        for pattern, codes in value.items():
            pairs.append((pattern, _items(codes, key, fail)))
    elif isinstance(value, (str, list)):
        lines = value.splitlines() if isinstance(value, str) else value
        for line in lines:
            if not isinstance(line, str):
                fail(key, "expected 'pattern: codes' strings")
            line = line.strip()
            if not line:
                continue
            pattern, sep, codes = line.rpartition(":")
            if not sep or not pattern.strip():
                fail(key, f"{line!r} is not 'pattern: code, code'")
            pairs.append((pattern.strip(), _items(codes, key, fail)))
    else:
        fail(key, "expected 'pattern: codes' lines or a table")
    out = []
    for pattern, codes in pairs:
        for pat in _patterns(pattern, base):
            out.append((pat, tuple(codes)))
    return tuple(out)


def _patterns(pattern: str, base: str) -> list[str]:
    """A pattern with a directory part is relative to the config file: match it both
    relative to the working directory (paths as given) and absolute."""
    pattern = pattern.replace(os.sep, "/")
    if "/" not in pattern:
        return [pattern]  # '*.278' matches in any directory
    absolute = pattern if os.path.isabs(pattern) else os.path.normpath(os.path.join(base, pattern))
    relative = os.path.relpath(absolute)
    return sorted({relative, absolute})


def _severity(value, fail) -> dict[str, str]:
    key = "severity"
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = []
        for item in _items(value, key, fail):
            code, sep, level = item.partition("=")
            if not sep:
                fail(key, f"{item!r} is not CODE=severity")
            pairs.append((code.strip(), level.strip()))
    out = {}
    for code, level in pairs:
        if not isinstance(level, str) or level not in SEVERITIES:
            fail(key, f"{code}={level!r}: severity is not one of {', '.join(SEVERITIES)}")
        if not code or not all(c.isalnum() or c == "-" for c in code):
            fail(key, f"{code!r} is not a rule code or tip id")
        out[code] = level
    return out


def _relative_to(base: str, value: str, key: str) -> str:
    if key == "ledger" and "://" in value:
        return value  # a database URL, not a path
    value = os.path.expanduser(value)
    return value if os.path.isabs(value) else os.path.normpath(os.path.join(base, value))


def merge(cfg: Config, **cli) -> dict:
    """Command line over file: each CLI value that is set (not None / not empty) wins."""
    out = {
        "select": cfg.select or (),
        "ignore": cfg.ignore or (),
        "per_file_ignores": cfg.per_file_ignores,
        "severity": dict(cfg.severity),
        "profile": cfg.profile,
        "ledger": cfg.ledger,
        "roster": cfg.roster,
        "fail_on": cfg.fail_on or "error",
        "min_severity": cfg.min_severity or "info",
        "format": cfg.format or "text",
        "jobs": cfg.jobs or "auto",  # the command line's default (the API's is 1)
        "payers": cfg.payers or (),
    }
    for key, value in cli.items():
        if value is None or value == ():
            continue
        out[key] = value
    return out
