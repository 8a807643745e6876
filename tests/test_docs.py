"""The README and docs/ stay true: the rules table is the registry's; relative links resolve."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from edi_lint.cli import main
from edi_lint.report.rules_table import rules_markdown

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
START = "<!-- rules-table:start"
END = "<!-- rules-table:end -->"
REGENERATE = (
    "the README's rules table is not the registry's: regenerate it with\n"
    "    python tests/test_docs.py\n"
    "which writes the output of `python -m edi_lint rules --format markdown` between the lines\n"
    f"'{START}...' and '{END}' of README.md")


def _readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, REGENERATE
    block = text.split(START, 1)[1].split(END, 1)[0]
    return block.split("\n", 1)[1]  # drop the rest of the start marker's line


def test_rules_markdown_command_prints_a_row_per_rule():
    result = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["| code | tips | severity | summary |", "|---|---|---|---|"]
    assert ("| B101 | ECM-01 | error | At most one ECM monthly line (G9008-U1 / G9012-U2, "
            "any mix) per member per month. |") in lines
    assert "| X301 | - | error | CLM02 does not equal the sum of SV102 to the cent. |" in lines


def test_rules_markdown_escapes_table_syntax():
    class Fake:
        code, tips, severity = "Z999", ("A-1", "B-2"), "warning"
        summary = "a | b\nc"
    assert rules_markdown([Fake()]).splitlines()[2] == "| Z999 | A-1, B-2 | warning | a \\| b c |"


def test_readme_rules_table_is_current():
    """A new or changed rule fails here until the README's table is regenerated."""
    output = CliRunner().invoke(main, ["rules", "--format", "markdown"]).output
    assert _readme_table() == output, REGENERATE


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(path: Path) -> str:
    return re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", _prose(path), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda p: p.name)
def test_relative_links_point_to_existing_files(doc):
    broken = []
    for target in LINK.findall(_prose(doc)):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        path, _, anchor = target.partition("#")
        file = (doc.parent / path) if path else doc
        if not file.exists() or (anchor and file.suffix == ".md" and anchor not in _anchors(file)):
            broken.append(target)
    assert broken == [], f"{doc.name}: links to missing files or headings: {broken}"


def test_no_document_speaks_of_work_sessions():
    """Docs are dated facts about the product (code blocks may name a pytest session)."""
    for doc in [README, *DOCS]:
        prose = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
        hits = [line for line in prose.splitlines() if re.search(r"\bsessions?\b", line, re.I)]
        assert hits == [], f"{doc.name}: {hits}"


def write_readme_table() -> None:
    """Replace the README's rules table with the output of `edi-lint rules --format markdown`."""
    output = CliRunner().invoke(main, ["rules", "--format", "markdown"]).output
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    marker, rest = rest.split("\n", 1)
    tail = rest.split(END, 1)[1]
    README.write_text(f"{head}{START}{marker}\n{output}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    write_readme_table()
