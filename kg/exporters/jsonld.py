"""JSON-LD with a context that maps kg's prefixes (schema.org first) to their IRIs.

Written directly from the sorted triples (subjects, then predicates, then
objects) so the file is byte-stable; any JSON-LD processor expands it back
to the same triples.

>>> NAME, FILENAME
('jsonld', 'graph.jsonld')
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import XSD

from ..namespaces import PREFIXES

NAME = "jsonld"
FILENAME = "graph.jsonld"


def compact(iri: str) -> str:
    """``https://schema.org/headline`` → ``schema:headline``; other IRIs unchanged.

    >>> compact("https://schema.org/headline")
    'schema:headline'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")) and iri != ns:
            rest = iri[len(ns):]
            if rest and all(c.isalnum() or c in "_-." for c in rest):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def _value(term: Any) -> Any:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    assert isinstance(term, Literal)
    out: dict[str, Any] = {"@value": str(term)}
    if term.language:
        out["@language"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["@type"] = compact(str(term.datatype))
    return out


def render(result: Any) -> bytes:
    """The result's RDF graph as compacted-by-prefix JSON-LD."""
    subjects: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in result.rdf:
        subjects[str(s)][str(p)].append(o)
    nodes = []
    for s in sorted(subjects):
        node: dict[str, Any] = {"@id": s}
        props = subjects[s]
        types = sorted(compact(str(o)) for o in props.pop(str(RDF.type), []))
        if types:
            node["@type"] = types
        for p in sorted(props):
            values = sorted((_value(o) for o in props[p]), key=lambda v: json.dumps(v, sort_keys=True))
            node[compact(p)] = values
        nodes.append(node)
    doc = {"@context": dict(sorted(PREFIXES.items())), "@graph": nodes}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
