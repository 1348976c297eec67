"""N-Triples, one triple per line, each shard's lines sorted, so the file is byte-stable
(one shard below 2,000 input files: fully sorted).

>>> import tempfile, pathlib
>>> from kg.model import Document
>>> from kg.pieces import settle_documents
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> export = Export(settle_documents([doc], pathlib.Path(tempfile.mkdtemp())), max_nodes=100)
>>> [(name, len(b"".join(data).splitlines())) for name, data in files(export)]
[('graph.nt', 11)]
"""

from __future__ import annotations

from . import Export, Files

NAME = "ntriples"
FILENAME = "graph.nt"


def files(export: Export) -> Files:
    yield FILENAME, export.pieces.chunks("nt")
