"""N-Triples, one triple per line, each shard's lines sorted, so the file is byte-stable
(one shard below 2,000 input files: fully sorted).

>>> FILENAME
'graph.nt'
"""

from __future__ import annotations

from . import Export, Files

NAME = "ntriples"
FILENAME = "graph.nt"


def files(export: Export) -> Files:
    yield FILENAME, export.pieces.chunks("nt")
