"""N-Triples, one triple per line, lines sorted so the file is byte-stable.

>>> NAME, FILENAME
('ntriples', 'graph.nt')
"""

from __future__ import annotations

from typing import Any

NAME = "ntriples"
FILENAME = "graph.nt"


def render(result: Any) -> bytes:
    """Sorted N-Triples of the result's graph."""
    data: bytes = result.ntriples
    return data
