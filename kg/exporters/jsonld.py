"""JSON-LD with a context that maps kg's prefixes (schema.org first) to their IRIs.

One node object per subject, written from each shard's sorted N-Triples while
it is settled (:func:`kg.rdf.jsonld_piece`), so subjects, properties and values
come out in a stable order; any JSON-LD processor expands it back to the same
triples.

>>> import tempfile, pathlib
>>> from kg.model import Document
>>> from kg.pieces import settle_documents
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> export = Export(settle_documents([doc], pathlib.Path(tempfile.mkdtemp())), max_nodes=100)
>>> import json
>>> [(name, len(json.loads(b"".join(data))["@graph"])) for name, data in files(export)]
[('graph.jsonld', 2)]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..rdf import jsonld_header
from . import Export, Files

NAME = "jsonld"
FILENAME = "graph.jsonld"


def chunks(export: Export) -> Iterator[bytes]:
    yield jsonld_header()
    first = True
    for piece in export.pieces.chunks("jsonld"):
        if piece:
            yield (b"\n  " if first else b",\n  ") + piece
            first = False
    yield b"\n ]\n}\n"


def files(export: Export) -> Files:
    yield FILENAME, chunks(export)
