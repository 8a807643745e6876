"""The rules as a Markdown table (`edi-lint rules --format markdown`).

The README's rules table is this output, between two marker comments:
`python tests/test_docs.py` writes it there and tests/test_docs.py checks it is current.
"""


def _cell(text):
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def rules_markdown(rules):
    """One row per rule: code, tips, severity, summary (registry order)."""
    lines = ["| code | tips | severity | summary |", "|---|---|---|---|"]
    for r in rules:
        tips = ", ".join(r.tips) or "-"
        lines.append(f"| {r.code} | {_cell(tips)} | {r.severity} | {_cell(r.summary)} |")
    return "\n".join(lines) + "\n"
