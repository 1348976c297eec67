"""N-Triples, one triple per line, lines sorted so the file is byte-stable.

>>> NAME, FILENAME
('ntriples', 'graph.nt')
"""

from __future__ import annotations

from typing import Any

NAME = "ntriples"
FILENAME = "graph.nt"


def render(result: Any) -> bytes:
    """Sorted N-Triples of the result's RDF graph."""
    text = result.rdf.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")
