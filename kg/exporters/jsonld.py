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

from ..namespaces import PREFIXES
from ..rdf import IRI, triples

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_STRING = PREFIXES["xsd"] + "string"

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
    if isinstance(term, IRI):
        return {"@id": str(term)}
    out: dict[str, Any] = {"@value": term.value}
    if term.datatype and term.datatype != XSD_STRING:
        out["@type"] = compact(term.datatype)
    return out


def render(result: Any) -> bytes:
    """The result's graph as JSON-LD, nodes compacted by prefix."""
    subjects: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    seen = set()
    for s, p, o in triples(result.graph):
        if (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        subjects[str(s)][str(p)].append(o)
    nodes = []
    for subject in sorted(subjects):
        node: dict[str, Any] = {"@id": subject}
        props = subjects[subject]
        types = sorted(compact(str(o)) for o in props.pop(RDF_TYPE, []))
        if types:
            node["@type"] = types
        for predicate in sorted(props):
            values = sorted((_value(o) for o in props[predicate]), key=lambda v: json.dumps(v, sort_keys=True))
            node[compact(predicate)] = values
        nodes.append(node)
    doc = {"@context": dict(sorted(PREFIXES.items())), "@graph": nodes}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
