"""N-Quads, one file per shard (``nquads/part-00000.nq`` …) in the named graph
:data:`GRAPH_IRI`, for the bulk loaders of Oxigraph, Virtuoso and Fuseki.

>>> import tempfile, pathlib
>>> from kg.model import Document
>>> from kg.pieces import settle_documents
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> export = Export(settle_documents([doc], pathlib.Path(tempfile.mkdtemp())), max_nodes=100)
>>> [(name, b"".join(data).count(b"<https://w3id.org/newskg/graph> .")) for name, data in files(export)]
[('nquads/part-00000.nq', 11)]
"""

from __future__ import annotations

from collections.abc import Iterator

from . import Export, Files

NAME = "nquads"
FILENAME = "nquads"
#: The named graph kg's triples go in when written as quads.
GRAPH_IRI = "https://w3id.org/newskg/graph"


def quads(nt: bytes) -> Iterator[bytes]:
    """One shard's N-Triples as N-Quads in :data:`GRAPH_IRI`.

    >>> b"".join(quads(b'<https://x.org/a> <https://x.org/p> "o" .\\n'))
    b'<https://x.org/a> <https://x.org/p> "o" <https://w3id.org/newskg/graph> .\\n'
    """
    suffix = f" <{GRAPH_IRI}> .\n".encode()
    yield b"".join(line[:-2] + suffix for line in nt.splitlines())


def files(export: Export) -> Files:
    for shard in range(export.pieces.parts):
        nt = export.pieces.chunk(shard, "nt")
        if nt:
            yield f"{FILENAME}/part-{shard:05d}.nq", quads(nt)
