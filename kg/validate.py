"""Check a graph against kg's SHACL shapes (``ontology/shapes.ttl``) with pySHACL.

The ontology lives in the repository's ``ontology/`` folder; ``kg/ontology`` is a
link to it, so the same files are package data in a wheel and found the same way
from a source checkout or an installed package.

>>> shapes_path().name
'shapes.ttl'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any


def ontology_file(name: str) -> Path:
    """A file of kg's ontology folder (``kg.ttl``, ``shapes.ttl``), wherever kg is installed."""
    path = Path(str(resources.files("kg").joinpath("ontology", name)))
    if not path.is_file():
        from .errors import KGError

        raise KGError(f"kg's ontology file {name} is missing from {path.parent}; reinstall kg")
    return path


def shapes_path() -> Path:
    """The SHACL shapes file."""
    return ontology_file("shapes.ttl")


def validate(data: Any) -> tuple[bool, str]:
    """``(conforms, report text)`` for an rdflib graph or an RDF file path."""
    import pyshacl
    from rdflib import Graph

    graph = data
    if not isinstance(data, Graph):
        graph = Graph().parse(str(data))
    shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, _report_graph, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    return bool(conforms), str(text)
