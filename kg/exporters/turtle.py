"""Turtle, the main export: prefixes from :data:`kg.namespaces.PREFIXES`, subjects sorted.

>>> NAME, FILENAME
('turtle', 'graph.ttl')
"""

from __future__ import annotations

from typing import Any

NAME = "turtle"
FILENAME = "graph.ttl"


def render(result: Any) -> bytes:
    """The result's RDF graph as Turtle (rdflib's serializer sorts, so output is stable)."""
    data: bytes = result.rdf.serialize(format="turtle", encoding="utf-8")
    return data
