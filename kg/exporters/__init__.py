"""The registry of output formats: one module per format, looked up by name.

Every exporter module exposes ``NAME``, ``FILENAME`` and a pure
``render(result) -> bytes``; :func:`kg.pipeline.write_outputs` writes the
bytes atomically. Modules are imported only when used.

>>> get_exporter("ttl").FILENAME
'graph.ttl'
"""

from __future__ import annotations

import importlib
from typing import Protocol, cast, runtime_checkable

from ..errors import UnsupportedFormat

EXPORTERS = {
    "turtle": "kg.exporters.turtle",
    "ntriples": "kg.exporters.ntriples",
    "jsonld": "kg.exporters.jsonld",
    "html": "kg.exporters.html",
    "graphml": "kg.exporters.graphml",
    "gexf": "kg.exporters.gexf",
}
ALIASES = {"ttl": "turtle", "nt": "ntriples", "json-ld": "jsonld", "n-triples": "ntriples"}
#: What ``kg build`` writes unless told otherwise.
DEFAULT_EXPORTS = ("turtle", "ntriples", "jsonld", "html", "graphml", "gexf")


@runtime_checkable
class ExporterModule(Protocol):
    """What :mod:`kg.exporters` expects of a format module."""

    NAME: str
    FILENAME: str

    def render(self, result: object) -> bytes: ...


def get_exporter(name: str) -> ExporterModule:
    """The exporter module for a format name or alias."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in EXPORTERS:
        raise UnsupportedFormat(f"unknown output format {name!r} (known: {', '.join(sorted(EXPORTERS))})")
    return cast(ExporterModule, importlib.import_module(EXPORTERS[key]))
