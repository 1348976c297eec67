"""Stories in the settled graph: once per build, every article's sketch (written while its
shard was settled, :func:`kg.pieces.article_sketch`) goes through story detection
(:func:`kg.stories.cluster`), and the stories become one more part of the graph, after the
shards: a ``kg:Story`` node per story of two or more articles (label: its first article's
headline; its first and last date; its articles and outlets), ``schema:isPartOf`` from each
article to its story, and ``kg:duplicateOf`` from a near-copy to its original.

>>> import tempfile, pathlib
>>> from datetime import datetime, timezone
>>> from kg.model import Document
>>> from kg.pieces import settle_documents
>>> when = datetime(2022, 5, 9, tzinfo=timezone.utc)
>>> docs = [Document(source=f"{n}.md", format="feed", title=t, published=when, urls={"web": f"https://{n}.org/a"})
...         for n, t in (("a", "Clearview AI settles ACLU lawsuit over face database"),
...                      ("b", "Clearview AI agrees to settle ACLU face database lawsuit"))]
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> pieces = settle_documents(docs, folder)
>>> summary = settle_stories(folder, 1, ("turtle",), 100)
>>> dict(summary.nodes), sorted(summary.edges.items())
({'story': 1}, [('covered_by', 2), ('story', 2)])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .codec import pack, unpack
from .facts.reduce import Node
from .io import read_checked, write_checked
from .namespaces import ID
from .pieces import ShardSummary, piece_path, write_part


def _instant(when: datetime) -> datetime:
    """A date to compare: one without a zone is taken as UTC (as story detection does)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def story_iri(story_id: str) -> str:
    return f"{ID}story/{story_id}"


def settle_stories(folder: Path, shards: int, exports: Iterable[str], max_nodes: int) -> ShardSummary:
    """Find the stories among every shard's articles and write them as the part after the shards."""
    from .stories import Sketch, cluster
    from .stories.index import Index

    def sketches() -> Iterator[tuple[list[Any], list[Any]]]:
        for shard in range(shards):
            yield from unpack(read_checked(piece_path(folder, shard, "sketches")))

    found = cluster(Index.of(sketch for sketch, _card in sketches()))  # columns: no object per article
    members = {iri for story in found.stories for iri in story.members}
    cards: dict[str, list[Any]] = {}
    for sketch, card in sketches():
        if card[0] in members:
            cards[card[0]] = [*card, frozenset(Sketch(*sketch).title)]
    nodes = story_nodes(found, cards)
    write_checked(piece_path(folder, shards, "storynodes"),
                  pack([[n.iri, n.attrs, n.edges, n.incoming] for n in nodes]))
    return write_part(folder, shards, nodes, exports, max_nodes, edges_of_bare_nodes=True)


def story_nodes(found: Any, cards: dict[str, list[Any]]) -> list[Node]:
    """Story nodes, and each article's edge to its story or original (on a bare node: the
    article's own attributes are in its shard), in IRI order."""
    nodes: dict[str, Node] = {}

    def bare(iri: str) -> Node:
        return nodes.setdefault(iri, Node(iri, {}))

    for story in found.stories:
        iri = story_iri(story.id)
        members = [cards[m] for m in story.members if m in cards]
        dates = sorted((c[2] for c in members if isinstance(c[2], datetime)), key=_instant)
        outlets = sorted({c[3] for c in members if c[3]})
        nodes[iri] = Node(iri, {
            "type": "story", "label": representative(members) or iri, "published": dates[0] if dates else None,
            "last_published": dates[-1] if dates else None, "article_count": len(story.members),
            "outlet_count": len(outlets)},
            edges=[(outlet, "covered_by", "covered_by") for outlet in outlets],
            incoming=sorted((member, "story", "story") for member in story.members))
        for member in story.members:
            bare(member).edges.append((iri, "story", "story"))
    for pair in found.duplicates:
        bare(pair.duplicate).edges.append((pair.original, "duplicate", "duplicate"))
    for node in nodes.values():
        node.edges.sort()
    return [nodes[iri] for iri in sorted(nodes)]


def representative(members: list[list[Any]], most: int = 200) -> str | None:
    """The headline that shares the most words with the story's other headlines (the
    earliest among equals); members are cards in story order, the headline's stems last."""
    titled = [c for c in members[:most] if c[1]]
    if not titled:
        return None
    shared = [sum(len(c[-1] & other[-1]) for other in titled if other is not c) for c in titled]
    return str(titled[shared.index(max(shared))][1])
