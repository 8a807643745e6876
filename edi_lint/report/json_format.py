"""The JSON contract: one object, exact keys, no timestamps."""
from __future__ import annotations

import json


def render(result) -> str:
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
