"""Turtle, the main export: kg's prefixes, one block per subject, subjects sorted.

Written by Oxigraph's serializer (Rust, fast) from the sorted N-Triples, so
the same graph gives the same bytes; tests parse it back with rdflib as an
independent parser.

>>> NAME, FILENAME
('turtle', 'graph.ttl')
"""

from __future__ import annotations

from typing import Any

from ..namespaces import PREFIXES

NAME = "turtle"
FILENAME = "graph.ttl"
#: Prefixes written at the top of the file (``kgid:`` would make IRIs such as
#: ``kgid:article\\/0a1b`` that read worse than the full IRI).
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "kgid"}


def render(result: Any) -> bytes:
    """The result's graph as Turtle."""
    import pyoxigraph as ox

    triples = ox.parse(result.ntriples, format=ox.RdfFormat.N_TRIPLES)
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)
    return bytes(data or b"")
