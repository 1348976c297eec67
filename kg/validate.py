"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl`` (pySHACL).

>>> SHAPES.name
'shapes.ttl'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


def shapes_path() -> Path:
    """The shapes file: in the source tree, or installed beside the package."""
    if SHAPES.is_file():
        return SHAPES
    from importlib import resources

    return Path(str(resources.files("kg").joinpath("shapes.ttl")))


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
