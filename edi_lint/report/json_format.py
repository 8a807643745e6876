"""The JSON contract: one object, exact keys, no timestamps."""
from __future__ import annotations

import json

_PIECE = 1 << 16  # characters handed to the stream at a time


def render(result) -> str:
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"


def write(result, stream) -> None:
    """``render``'s text, written in pieces of about 64 KiB.

    ``render`` holds the encoder's pieces, their join, the join plus a newline and
    the encoded bytes at once: about 20 MB at the peak of a 100 MB batch's run,
    which is what its peak RSS was made of. Here at most one piece is held.
    """
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    pending: list[str] = []
    size = 0
    for chunk in encoder.iterencode(result.as_dict()):
        pending.append(chunk)
        size += len(chunk)
        if size >= _PIECE:
            stream.write("".join(pending))
            pending, size = [], 0
    pending.append("\n")
    stream.write("".join(pending))
