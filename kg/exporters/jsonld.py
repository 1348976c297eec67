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
from collections.abc import Iterable, Iterator
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


def node_objects(lines: Iterable[str]) -> Iterator[str]:
    """One JSON object per subject of sorted N-Triples *lines* (a subject's lines are adjacent)."""
    node: dict[str, Any] | None = None
    for line in lines:
        subject, predicate, value = parse_line(line)
        if node is None or node["@id"] != subject:
            if node is not None:
                yield json.dumps(node, ensure_ascii=False)
            node = {"@id": subject}
        if predicate == RDF_TYPE:
            node.setdefault("@type", []).append(compact(value["@id"]))
        else:
            node.setdefault(compact(predicate), []).append(value)
    if node is not None:
        yield json.dumps(node, ensure_ascii=False)


def chunks(result: Any) -> Iterator[bytes]:
    """The result's graph as JSON-LD, one node object per subject, compacted by prefix.

    Node objects come from each shard's sorted N-Triples, so subjects,
    properties and values come out in a stable order.
    """
    yield ('{"@context": ' + json.dumps(dict(sorted(PREFIXES.items())), ensure_ascii=False) + ',\n "@graph": [').encode()
    first = True
    for piece in result.pieces("jsonld"):
        if piece:
            yield (b"\n  " if first else b",\n  ") + piece
            first = False
    yield b"\n ]\n}\n"


def render(result: Any) -> bytes:
    """:func:`chunks`, joined."""
    return b"".join(chunks(result))
