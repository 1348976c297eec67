"""Sorted N-Triples → Turtle and JSON-LD pieces, written per shard while settling.

Outputs are the shards' pieces concatenated, so each serialiser here turns one
shard's sorted N-Triples into a piece that joins with the others: Turtle
without its prefix lines (:func:`turtle_header` is written once), JSON-LD as
node objects (:func:`jsonld_objects`) inside one ``@graph``. Turtle comes from
Oxigraph's serializer (fast, and the same graph gives the same bytes).

>>> nt = b'<https://x.org/a> <https://schema.org/name> "A" .\\n'
>>> turtle_piece(nt)
b'<https://x.org/a> schema:name "A" .\\n'
>>> list(jsonld_objects(nt.decode().splitlines()))
['{"@id": "https://x.org/a", "schema:name": [{"@value": "A"}]}']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from ..namespaces import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
#: Prefixes written at the top of Turtle (``kgid:`` would make IRIs such as
#: ``kgid:article\\/0a1b`` that read worse than the full IRI).
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "kgid"}


@lru_cache(maxsize=1)
def turtle_header() -> bytes:
    """The prefix lines Oxigraph writes for :data:`TURTLE_PREFIXES` (in its own order)."""
    import pyoxigraph as ox

    one = ox.Triple(ox.NamedNode("https://x.org/s"), ox.NamedNode("https://x.org/p"), ox.Literal("o"))
    data = bytes(ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES) or b"")
    return b"".join(line for line in data.splitlines(keepends=True) if line.startswith(b"@prefix "))


def turtle_piece(nt: bytes) -> bytes:
    """Turtle for a shard's N-Triples, without the prefix lines."""
    import pyoxigraph as ox

    if not nt:
        return b""
    data = bytes(ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                              prefixes=TURTLE_PREFIXES) or b"")
    header = turtle_header()
    if not data.startswith(header):  # pragma: no cover - guards a change in Oxigraph's output
        raise RuntimeError("unexpected Turtle prefix block from Oxigraph")
    return data[len(header):]


def jsonld_header() -> bytes:
    """The start of a JSON-LD file: the context (kg's prefixes) and the opening of ``@graph``."""
    return ('{"@context": ' + json.dumps(dict(sorted(PREFIXES.items())), ensure_ascii=False) + ',\n "@graph": [').encode()


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


def jsonld_objects(lines: Iterable[str]) -> Iterator[str]:
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


def jsonld_piece(nt: bytes) -> bytes:
    """A shard's node objects, joined as they sit inside ``@graph``."""
    return ",\n  ".join(jsonld_objects(nt.decode("utf-8").splitlines())).encode("utf-8")
