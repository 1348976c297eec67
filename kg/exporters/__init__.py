"""The registry of output formats: one module per format, looked up by name.

Every exporter module meets :class:`ExporterModule`: ``NAME``, ``FILENAME`` and
``files(export)``, which yields ``(path, chunks)`` pairs — one pair named
``FILENAME`` for a one-file format, or one per part inside the folder
``FILENAME`` for a format written in parts (N-Quads). Exporters only join
what the settled shards hold (:class:`kg.pieces.GraphPieces`); the build writes
every file atomically (:func:`kg.builder.write_outputs`). Modules are imported
only when used.

>>> get_exporter("ttl").FILENAME
'graph.ttl'
>>> sorted(EXPORTERS) == sorted(DEFAULT_EXPORTS + ("nquads",))
True
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast, runtime_checkable

from ..errors import UnsupportedFormat
from ..pieces import GraphPieces

EXPORTERS = {
    "turtle": "kg.exporters.turtle",
    "ntriples": "kg.exporters.ntriples",
    "jsonld": "kg.exporters.jsonld",
    "html": "kg.exporters.html",
    "graphml": "kg.exporters.graphml",
    "gexf": "kg.exporters.gexf",
    "nquads": "kg.exporters.nquads",
}
ALIASES = {"ttl": "turtle", "nt": "ntriples", "json-ld": "jsonld", "n-triples": "ntriples", "nq": "nquads",
           "n-quads": "nquads"}
#: What ``kg build`` writes unless told otherwise.
DEFAULT_EXPORTS = ("turtle", "ntriples", "jsonld", "html", "graphml", "gexf")


@dataclass
class Export:
    """What an exporter is given: the settled graph, and the page's settings."""

    pieces: GraphPieces
    max_nodes: int
    title: str = "kg news graph"
    cache: Path | None = None  # where the page may keep its layout between builds


Files = Iterator[tuple[str, Iterable[bytes]]]


@runtime_checkable
class ExporterModule(Protocol):
    """What :mod:`kg.exporters` expects of a format module."""

    NAME: str
    FILENAME: str

    def files(self, export: Export) -> Files: ...


def canonical_export(name: str) -> str:
    """The registry name for an output format name or alias."""
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in EXPORTERS:
        raise UnsupportedFormat(f"unknown output format {name!r} (known: {', '.join(sorted(EXPORTERS))})")
    return key


def get_exporter(name: str) -> ExporterModule:
    """The exporter module for a format name or alias."""
    return cast(ExporterModule, importlib.import_module(EXPORTERS[canonical_export(name)]))
