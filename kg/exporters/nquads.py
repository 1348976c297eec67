"""N-Quads, one file per shard (``nquads/part-00000.nq`` …) in the named graph
:data:`GRAPH_IRI`, for the bulk loaders of Oxigraph, Virtuoso and Fuseki.

>>> FILENAME, GRAPH_IRI
('nquads', 'https://w3id.org/newskg/graph')
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
    for shard in range(export.pieces.shards):
        nt = export.pieces.chunk(shard, "nt")
        if nt:
            yield f"{FILENAME}/part-{shard:05d}.nq", quads(nt)
