"""Rules: one module per group, one registry (``registry.all_rules()``)."""
from .base import Rule
from .registry import all_rules, get, register

__all__ = ["Rule", "all_rules", "get", "register"]
