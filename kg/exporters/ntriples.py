"""N-Triples, one triple per line, lines sorted so the file is byte-stable.

>>> NAME, FILENAME
('ntriples', 'graph.nt')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

NAME = "ntriples"
FILENAME = "graph.nt"


def chunks(result: Any) -> Iterator[bytes]:
    """N-Triples of the result's graph: each shard's lines, sorted."""
    yield from result.pieces("nt")


def render(result: Any) -> bytes:
    """:func:`chunks`, joined."""
    return b"".join(chunks(result))
