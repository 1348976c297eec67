"""Turtle, the main export: kg's prefixes, one block per subject, subjects sorted.

Each shard's piece is written by Oxigraph's serializer while it is settled
(:func:`kg.rdf.turtle_piece`), so the same graph gives the same bytes; tests
parse it back with rdflib as an independent parser.

>>> import tempfile, pathlib
>>> from kg.model import Document
>>> from kg.pieces import settle_documents
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> export = Export(settle_documents([doc], pathlib.Path(tempfile.mkdtemp())), max_nodes=100)
>>> [(name, b"".join(data).count(b"schema:headline")) for name, data in files(export)]
[('graph.ttl', 1)]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..rdf import turtle_header
from . import Export, Files

NAME = "turtle"
FILENAME = "graph.ttl"


def chunks(export: Export) -> Iterator[bytes]:
    """The prefixes, then each shard's subjects."""
    yield turtle_header()
    yield from export.pieces.chunks("ttl")


def files(export: Export) -> Files:
    yield FILENAME, chunks(export)
