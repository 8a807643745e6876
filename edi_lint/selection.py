"""Which findings a run keeps: select/ignore by code or tip prefix, longest wins.

As in flake8's decision engine: every finding has a rule code (``B101``) and
maybe a tip id (``ECM-01``); the longest ``select`` or ``ignore`` prefix that
matches either decides. ``--ignore GEN`` drops every GEN-xx tip; ``GEN-05`` one.
"""
from __future__ import annotations

import fnmatch


class Selection:
    def __init__(self, options):
        self.select = tuple(p.strip() for p in options.select if p.strip())
        self.ignore = tuple(p.strip() for p in options.ignore if p.strip())
        self.per_file = tuple((pattern, tuple(prefixes)) for pattern, prefixes
                              in options.per_file_ignores)
        self.severity = dict(options.severity)

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
