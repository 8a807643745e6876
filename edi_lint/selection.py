"""Which findings a run keeps: select/ignore by code or tip prefix, longest wins.

As in flake8's decision engine: every finding has a rule code (``B101``) and
maybe a tip id (``ECM-01``); the longest ``select`` or ``ignore`` prefix that
matches either decides. ``--ignore GEN`` drops every GEN-xx tip; ``GEN-05`` one.

Entries are case-insensitive (upper-cased here), and each must name something: a
prefix of at least one registered rule code or tip id (a severity override, a whole
code or tip id). Else ``UnknownEntry``: a typo never silently turns every check off.
"""
from __future__ import annotations

import difflib
import fnmatch


class UnknownEntry(ValueError):
    """A select, ignore, per-file-ignores or severity entry that names no rule or tip."""

    def __init__(self, key: str, why: str):
        super().__init__(f"{key}: {why}")
        self.key, self.why = key, why


class Names:
    """The registered rule codes and tip ids, to check entries against."""

    def __init__(self, rules):
        self.whole = sorted({r.code for r in rules} | {t for r in rules for t in r.tips})

    def check(self, key: str, entries, *, whole=False) -> tuple[str, ...]:
        """``entries`` stripped and upper-cased; UnknownEntry for the first that matches
        no code or tip (``whole``: that is no code or tip)."""
        out = []
        for entry in entries:
            entry = entry.strip().upper()
            if not entry:
                continue
            if entry in self.whole if whole else any(n.startswith(entry) for n in self.whole):
                out.append(entry)
                continue
            near = difflib.get_close_matches(entry, self.whole + self.families(), n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            kind = "is no rule code or tip id" if whole else "matches no rule code or tip id"
            raise UnknownEntry(key, f"'{entry}' {kind}{hint}; 'edi-lint rules' lists them")
        return tuple(out)

    def families(self) -> list[str]:
        """Code letters and tip families (``GEN``, ``X``): the prefixes most often meant."""
        return sorted({n.partition("-")[0] if "-" in n else n.rstrip("0123456789")
                       for n in self.whole})


class Selection:
    def __init__(self, options, rules):
        """UnknownEntry when an entry of ``options`` names no rule of ``rules``."""
        names = Names(rules)
        self.select = names.check("select", options.select)
        self.ignore = names.check("ignore", options.ignore)
        self.per_file = tuple((pattern, names.check("per-file-ignores", prefixes))
                              for pattern, prefixes in options.per_file_ignores)
        self.severity = {names.check("severity", (code,), whole=True)[0]: level
                         for code, level in dict(options.severity).items()}

    @staticmethod
    def _longest(prefixes, code, tip) -> int:
        best = -1
        for p in prefixes:
            if code.startswith(p) or (tip and tip.startswith(p)):
                best = max(best, len(p))
        return best

    def selected(self, code: str, tip: str | None, ignore=()) -> bool:
        chosen = self._longest(self.select, code, tip) if self.select else 0
        dropped = self._longest(self.ignore + tuple(ignore), code, tip)
        return chosen >= 0 and chosen > dropped  # a tie goes to ignore, as in flake8

    def rule_may_fire(self, rule) -> bool:
        return any(self.selected(rule.code, tip) for tip in (rule.tips or (None,)))

    def apply(self, findings, rules_by_code):
        """Filter and re-grade findings (the rule's default severity, then overrides)."""
        out = []
        per_file_cache: dict[str, tuple] = {}
        for f in findings:
            extra = per_file_cache.get(f.path)
            if extra is None:
                extra = tuple(p for pattern, prefixes in self.per_file
                              if fnmatch.fnmatch(f.path, pattern) for p in prefixes)
                per_file_cache[f.path] = extra
            if not self.selected(f.rule, f.tip, extra):
                continue
            rule = rules_by_code.get(f.rule)
            if rule is not None and rule.scope == "structure":
                f.severity = rule.severity
            override = self.severity.get(f.tip) if f.tip else None
            override = self.severity.get(f.rule, override)
            if override:
                f.severity = override
            out.append(f)
        return out
