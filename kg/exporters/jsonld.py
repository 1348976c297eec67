"""JSON-LD with a context that maps kg's prefixes (schema.org first) to their IRIs.

Written directly from the sorted triples (subjects, then predicates, then
objects) so the file is byte-stable; any JSON-LD processor expands it back
to the same triples.

>>> NAME, FILENAME
('jsonld', 'graph.jsonld')
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ..namespaces import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_STRING = PREFIXES["xsd"] + "string"

NAME = "jsonld"
FILENAME = "graph.jsonld"


@lru_cache(maxsize=4096)
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


_UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\r": "\r", "\\t": "\t", "\\b": "\b", "\\f": "\f"}
_UNESCAPE_RE = re.compile(r'\\[\\"nrtbf]')


def parse_line(line: str) -> tuple[str, str, dict[str, str]]:
    """One of kg's N-Triples lines as ``(subject, predicate, JSON-LD value)``.

    >>> parse_line('<https://x.org/a> <https://schema.org/name> "A \\\\"b\\\\"" .')
    ('https://x.org/a', 'https://schema.org/name', {'@value': 'A "b"'})
    """
    s_end = line.index("> <")
    subject = line[1:s_end]
    p_end = line.index(">", s_end + 3)
    predicate = line[s_end + 3 : p_end]
    obj = line[p_end + 2 : -2]
    if obj.startswith("<"):
        return subject, predicate, {"@id": obj[1:-1]}
    close = obj.rindex('"')
    value: dict[str, str] = {"@value": _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group(0)], obj[1:close])}
    rest = obj[close + 1 :]
    if rest.startswith("^^<"):
        value["@type"] = compact(rest[3:-1])
    elif rest.startswith("@"):
        value["@language"] = rest[1:]
    return subject, predicate, value


def render(result: Any) -> bytes:
    """The result's graph as JSON-LD, one node object per subject, compacted by prefix.

    Built from the sorted N-Triples lines, so subjects, properties and values
    come out in a stable order.
    """
    out = ['{"@context": ' + json.dumps(dict(sorted(PREFIXES.items())), ensure_ascii=False) + ',\n "@graph": [']
    node: dict[str, Any] | None = None
    first = True

    def flush() -> None:
        nonlocal first
        if node is not None:
            out.append(("\n  " if first else ",\n  ") + json.dumps(node, ensure_ascii=False))
            first = False

    for line in result.nt_lines:
        subject, predicate, value = parse_line(line)
        if node is None or node["@id"] != subject:
            flush()
            node = {"@id": subject}
        if predicate == RDF_TYPE:
            node.setdefault("@type", []).append(compact(value["@id"]))
        else:
            node.setdefault(compact(predicate), []).append(value)
    flush()
    out.append("\n ]\n}\n")
    return "".join(out).encode("utf-8")
