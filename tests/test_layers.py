"""The layers of edi_lint: every module belongs to one, and imports only go down.

Layers, lowest first (a module may import its own layer and any lower one):

    core     errors, findings, dates, messages, the package itself (__version__)
    reader   x12/: bytes -> segments, envelopes, the files a batch reads
    model    model/: claims, TARs, facts, the reading service (model.read)
    profile  profiles/, payer_scope: profile data and the payer scope
    rules    rules/, plugins, selection, ig, igcheck (+ igwalk, igcounts, igelements,
             igfast), igmap: the checks and which of them run
    ledger   ledger/, roster: history kept between runs
    run      engine, options, results, batch, parallel, units, progress, history: one run
             over a batch
    report   report/, ack/, baseline, tree: what a run's result becomes
    face     cli, cli_ledger, __main__, config, testing/: what users and tests call

Lazy imports (inside functions) count as imports: they are edges of the same graph,
only later. The few exceptions are in ``EXCEPTIONS``, each with its reason. A module
the table does not place fails ``test_every_module_has_a_layer`` by name: place it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "edi_lint"

LAYERS = ("core", "reader", "model", "profile", "rules", "ledger", "run", "report", "face")

# module -> layer; "pkg.*" places a package and every module under it. The longest
# match wins (edi_lint.ack.model is model, the rest of edi_lint.ack is report).
PLACES = {
    "edi_lint": "core",
    "edi_lint.errors": "core",
    "edi_lint.findings": "core",
    "edi_lint.dates": "core",
    "edi_lint.messages": "core",
    "edi_lint.x12.*": "reader",
    "edi_lint.model.*": "model",
    # the facts acknowledgments need, collected while reading (imports nothing of ours)
    "edi_lint.ack.model": "model",
    "edi_lint.profiles.*": "profile",
    "edi_lint.payer_scope": "profile",
    "edi_lint.rules.*": "rules",
    "edi_lint.plugins": "rules",
    "edi_lint.selection": "rules",
    "edi_lint.ig": "rules",
    "edi_lint.igcheck": "rules",  # the fast 837P implementation-guide pass (I1xx)
    "edi_lint.igwalk": "rules",  # igcheck's map nodes and structural walk
    "edi_lint.igcounts": "rules",  # igcheck's counts and segment-level problems
    "edi_lint.igelements": "rules",  # igcheck's element, composite and syntax checks
    "edi_lint.igfast": "rules",  # igcheck's fast path: one regex per map node
    "edi_lint.igmap": "rules",  # pyx12's 837P map compiled into tables for igcheck
    "edi_lint.ledger.*": "ledger",
    "edi_lint.roster": "ledger",
    "edi_lint.engine": "run",
    "edi_lint.options": "run",
    "edi_lint.results": "run",
    "edi_lint.batch": "run",
    "edi_lint.parallel": "run",
    "edi_lint.units": "run",
    "edi_lint.progress": "run",
    "edi_lint.history": "run",
    "edi_lint.report.*": "report",
    "edi_lint.ack.*": "report",
    "edi_lint.baseline": "report",
    "edi_lint.tree": "report",
    "edi_lint.cli": "face",
    "edi_lint.cli_ledger": "face",
    "edi_lint.__main__": "face",
    "edi_lint.config": "face",
    "edi_lint.testing.*": "face",
}

# (importer, imported): why this upward import is right
EXCEPTIONS = {
    ("edi_lint", "edi_lint.engine"):
        "edi_lint.lint(), the package's one-call API, runs the engine (lazily: importing"
        " any module of the package does not load it)",
    ("edi_lint.options", "edi_lint.ack.x12out"):
        "Options checks --ack-date with the parser of the writers that stamp it (lazily,"
        " only when the option is given)",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
PACKAGES = {module_name(p) for p in ROOT.rglob("__init__.py")}


def layer_of(module: str) -> str | None:
    best, layer = -1, None
    for pattern, place in PLACES.items():
        if pattern.endswith(".*"):
            base = pattern[:-2]
            hit = module == base or module.startswith(base + ".")
        else:
            hit = module == pattern
        if hit and len(pattern) > best:
            best, layer = len(pattern), place
    return layer


def imports_of(module: str) -> list[tuple[str, int]]:
    """(imported edi_lint module, line) for every import of ``module``, lazy ones too."""
    path = MODULES[module]
    package = module if module in PACKAGES else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("edi_lint")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("edi_lint"):
                continue
            for alias in node.names:  # ``from . import parallel``: the module edi_lint.parallel
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, node.lineno))
    return found


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in MODULES if layer_of(m) is None)
    assert not unplaced, ("modules in no layer: " + ", ".join(unplaced)
                          + " (place each in tests/test_layers.py PLACES)")


def test_places_name_existing_modules():
    stale = [p for p in PLACES if not any(
        m == p or (p.endswith(".*") and (m == p[:-2] or m.startswith(p[:-1])))
        for m in MODULES)]
    assert not stale, f"PLACES entries naming no module: {stale}"
    assert not [e for e in EXCEPTIONS if e[0] not in MODULES or e[1] not in MODULES]
    assert set(PLACES.values()) <= set(LAYERS)


def test_imports_only_go_down():
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward, used = [], set()
    for module in MODULES:
        if layer_of(module) is None:
            continue  # test_every_module_has_a_layer names it
        for target, line in imports_of(module):
            if target not in MODULES or layer_of(target) is None:
                continue
            if rank[layer_of(target)] > rank[layer_of(module)]:
                if (module, target) in EXCEPTIONS:
                    used.add((module, target))
                    continue
                upward.append(f"{MODULES[module].relative_to(ROOT.parent)}:{line}: {module}"
                              f" ({layer_of(module)}) imports {target} ({layer_of(target)})")
    assert not upward, "imports going up a layer:\n" + "\n".join(upward)
    assert used == set(EXCEPTIONS), f"exceptions no longer needed: {set(EXCEPTIONS) - used}"


def test_the_checker_sees_lazy_and_relative_imports():
    """The graph holds lazy and relative imports (the check above cannot pass blind)."""
    found = dict(imports_of("edi_lint"))
    assert "edi_lint.engine" in found  # lazy, inside lint()
    assert "edi_lint.errors" in dict(imports_of("edi_lint.ledger"))
    assert "edi_lint.parallel" in dict(imports_of("edi_lint.engine"))  # from . import parallel
    assert layer_of("edi_lint.ack.model") == "model" and layer_of("edi_lint.ack") == "report"
    assert layer_of("edi_lint.not_a_module") is None


def test_usage_error_comes_from_the_errors_module():
    """``edi_lint.engine.UsageError`` is API (a re-export); inside, it comes from errors."""
    from edi_lint.engine import UsageError
    from edi_lint.errors import UsageError as low
    assert UsageError is low
    wrong = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module != "errors"
                    and (node.module or "").rpartition(".")[2] != "errors"
                    and any(a.name == "UsageError" for a in node.names)):
                wrong.append(f"{module}:{node.lineno}")
    assert not wrong, f"UsageError imported from elsewhere than edi_lint.errors: {wrong}"


def test_no_module_imports_another_modules_private_names():
    """A name shared between modules is public (a private C extension of the importer's own
    package, ``x12._speedups``, is that package's own)."""
    wrong = []
    for module, path in MODULES.items():
        package = module if module in PACKAGES else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            for alias in node.names:
                name = alias.name
                if not name.startswith("_") or name.startswith("__"):
                    continue
                if node.level == 1 and node.module is None and module.startswith(package):
                    continue  # ``from . import _speedups``: a private module of its package
                wrong.append(f"{module}:{node.lineno} imports {name}")
    assert not wrong, "private names imported from another module: " + "; ".join(wrong)


# -- rule codes the reader, the envelope tracker and the builders emit ---------------------

CODE = re.compile(r"^[A-Z]{1,4}-?\d{2,4}$")
# the calls that take a rule code first (or as rule=): report(code, message, seg, ...),
# the reader's _problem, the tracker's _unique/_count_check, Finding and segment_finding
EMITTERS = {"report", "_problem", "_unique", "_count_check", "Finding", "segment_finding"}


def emitted_codes() -> dict[str, set[str]]:
    """Rule codes passed as literals to an emitter, per module outside rules/."""
    found: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        if module.startswith("edi_lint.rules."):
            continue  # rules emit their own declared code (checked by the registry)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in EMITTERS:
                continue
            values = [node.args[0]] if node.args else []
            values += [k.value for k in node.keywords if k.arg in ("rule", "code")]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    assert CODE.match(value.value), f"{module}:{node.lineno}: {value.value!r}"
                    found.setdefault(module, set()).add(value.value)
    return found


def test_every_emitted_rule_code_is_registered():
    from edi_lint.rules.registry import all_rules
    registered = {rule.code for rule in all_rules()}
    found = emitted_codes()
    # the scan sees each emitting layer (it would pass blind if the emitters were renamed)
    for module, code in [("edi_lint.x12.reader", "X001"), ("edi_lint.x12.envelope", "X020"),
                         ("edi_lint.x12.envelope", "X026"), ("edi_lint.model.build837", "S010"),
                         ("edi_lint.model.build278", "S201"), ("edi_lint.model.hl", "S004"),
                         ("edi_lint.engine", "X005"), ("edi_lint.payer_scope", "B001")]:
        assert code in found.get(module, ()), (module, code)
    missing = sorted(f"{code} ({module})" for module, codes in found.items()
                     for code in codes if code not in registered)
    assert not missing, f"rule codes emitted but not registered: {missing}"


def test_registry_skips_only_existing_modules():
    """The registry's list of rules/ modules that hold no rule names existing modules."""
    tree = ast.parse(MODULES["edi_lint.rules.registry"].read_text(encoding="utf-8"))
    skipped = [elt.value for node in ast.walk(tree) if isinstance(node, ast.Compare)
               for comp in node.comparators if isinstance(comp, ast.Tuple)
               for elt in comp.elts if isinstance(elt, ast.Constant)]
    assert skipped, "the registry's skip list was not found"
    assert [s for s in skipped if f"edi_lint.rules.{s}" not in MODULES] == []
