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


def one_line(text: str, limit: int = 160) -> str:
    """*text* on one line, cut at a word (with …) when longer than *limit*.

    >>> one_line("expected one of\\n  ; or .", 80)
    'expected one of ; or .'
    >>> one_line("a sentence that is too long to show", 20)
    'a sentence that is…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def read_graph(path: Path) -> Any:
    """The RDF file *path* as an rdflib graph, its format known by its suffix (``.ttl``, ``.nt``,
    ``.nq``, ``.trig``, ``.jsonld``/``.json``, ``.rdf``/``.xml``, ``.n3``; the triples of every
    graph of a dataset). Parsed by pyoxigraph, whose errors name the line and column; a file
    kg cannot read as RDF, or one with no triples in it, is one :class:`~kg.errors.KGError`.
    """
    import pyoxigraph as ox
    from rdflib import Graph

    from .errors import KGError
    from .store import not_a_file

    why = not_a_file(path)
    if why:
        raise KGError(f"{path}: {why}")
    suffix = path.suffix.lower().lstrip(".")
    fmt = ox.RdfFormat.from_extension(suffix) if suffix else None
    if fmt is None:
        raise KGError(f"{path}: not an RDF file kg can read: give Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld), "
                      f"N-Quads (.nq), TriG (.trig) or RDF/XML (.rdf), e.g. graph.ttl")
    try:
        quads = ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        ntriples = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError, OSError) as err:
        message = str(err).replace(f" ({path}, ", " (").replace(f" ({path.resolve()}, ", " (")
        raise KGError(f"{path}: not valid {fmt.name}: {one_line(message)}") from err
    if not ntriples:
        raise KGError(f"{path}: holds no RDF triples ({fmt.name}); give a graph kg build wrote, e.g. graph.ttl")
    return Graph().parse(data=ntriples, format="nt")


def validate(data: Any) -> tuple[bool, str]:
    """``(conforms, report text)`` for an rdflib graph or an RDF file path."""
    import pyshacl
    from rdflib import Graph

    graph = data if isinstance(data, Graph) else read_graph(Path(data))
    shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, _report_graph, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    return bool(conforms), str(text)
