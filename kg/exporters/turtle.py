"""Turtle, the main export: kg's prefixes, one block per subject, subjects sorted.

Written by Oxigraph's serializer (Rust, fast) from each shard's sorted
N-Triples (:mod:`kg.shards`), so the same graph gives the same bytes; tests parse it back with rdflib as an
independent parser.

>>> NAME, FILENAME
('turtle', 'graph.ttl')
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..namespaces import PREFIXES

NAME = "turtle"
FILENAME = "graph.ttl"
#: Prefixes written at the top of the file (``kgid:`` would make IRIs such as
#: ``kgid:article\\/0a1b`` that read worse than the full IRI).
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "kgid"}


@lru_cache(maxsize=1)
def prefix_header() -> bytes:
    """The prefix lines Oxigraph writes for :data:`TURTLE_PREFIXES` (in its own order)."""
    import pyoxigraph as ox

    one = ox.Triple(ox.NamedNode("https://x.org/s"), ox.NamedNode("https://x.org/p"), ox.Literal("o"))
    data = bytes(ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES) or b"")
    return b"".join(line for line in data.splitlines(keepends=True) if line.startswith(b"@prefix "))


def chunks(result: Any) -> Iterator[bytes]:
    """The result's graph as Turtle: the prefixes, then each shard's subjects."""
    yield prefix_header()
    yield from result.pieces("ttl")


def render(result: Any) -> bytes:
    """:func:`chunks`, joined."""
    return b"".join(chunks(result))
