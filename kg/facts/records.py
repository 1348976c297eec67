"""The facts a document states, one typed record per kind: the contract between the
map (:mod:`kg.facts.map`, which writes them) and the reduce (:mod:`kg.facts.reduce`,
which settles them).

Every fact is about one node: :class:`Fact` is ``(node IRI, order, what)``, where
*order* is ``(source file, document index, n)`` — the document order the reduce
replays — and *what* one of the records below.

>>> f = Fact("https://x.org/n", ("a.md", 0, 3), Claim("headline", 2, "a.md:1", "Hi"))
>>> f.what.attr, kind_code(f.what), KINDS[kind_code(f.what)] is Claim
('headline', 2, True)
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Exists(NamedTuple):
    """The node exists with these attributes (the first source's win; later ones fill gaps)."""

    attrs: dict[str, Any]


class Named(NamedTuple):
    """An entity, outlet or place: exists, was called *form* (counted *weight* times
    toward its label; ``None``: not a label candidate) at *where* in *source*, by *rule*."""

    attrs: dict[str, Any]
    form: str
    weight: int | None
    source: str
    where: str
    rule: str


class Claim(NamedTuple):
    """A source states a value of an article attribute; *rank* says whose word wins
    (a file read beats a related listing)."""

    attr: str
    rank: int
    source: str
    value: Any


class Saw(NamedTuple):
    """A url or surface form that reached this node, and where (for the merge report)."""

    form: str
    source: str
    where: str
    rule: str


class Alias(NamedTuple):
    """Another name of the node, counted *weight* times toward its label (0: alternate only)."""

    form: str
    weight: int


class Edge(NamedTuple):
    """An edge from this node (*key* tells two edges of one relation apart)."""

    target: str
    key: str
    relation: str


class InEdge(NamedTuple):
    """The same edge, written on its target, so every node's facts are complete on their own."""

    source: str
    key: str
    relation: str


class ReadFrom(NamedTuple):
    """An article was read from a file (not only listed): ``file:line``."""

    where: str


class Evidence(NamedTuple):
    """A mention found in text: entity, article, field, offsets, extractor, score, surface form."""

    mention: dict[str, Any]


class SameAs(NamedTuple):
    """The same thing in another vocabulary or knowledge base, as a source says."""

    iri: str


What = Exists | Named | Claim | Saw | Alias | Edge | InEdge | ReadFrom | Evidence | SameAs

#: Record classes by their code on disk (append only: codes are part of the cache format).
KINDS: tuple[Any, ...] = (Exists, Named, Claim, Saw, Alias, Edge, InEdge, ReadFrom, Evidence, SameAs)
_CODES = {cls: code for code, cls in enumerate(KINDS)}


def kind_code(what: What) -> int:
    """The code a record is stored under."""
    return _CODES[type(what)]


class Fact(NamedTuple):
    """One fact about one node, in document order."""

    node: str
    order: tuple[str, int, int]
    what: What
