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

from array import array
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .codec import pack, pack_items, unpack
from .facts.reduce import Node
from .io import read_checked, write_checked
from .namespaces import ID
from .pieces import ShardSummary, piece_path, write_part


def _instant(when: datetime) -> datetime:
    """A date to compare: one without a zone is taken as UTC (as story detection does)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


#: A story's label is chosen among the headlines of its first this many articles.
REPRESENTED = 200


def story_iri(story_id: str) -> str:
    return f"{ID}story/{story_id}"


def settle_stories(folder: Path, shards: int, exports: Iterable[str], max_nodes: int) -> ShardSummary:
    """Find the stories among every shard's articles and write them as the part after the shards."""
    from .stories import cluster
    from .stories.index import Index

    def records() -> Iterator[tuple[list[Any], list[Any]]]:
        for shard in range(shards):
            yield from unpack(read_checked(piece_path(folder, shard, "sketches")))

    found = cluster(Index.of(sketch for sketch, _card in records()))  # columns: no object per article
    place, summaries = story_summaries(found, records())
    write_checked(piece_path(folder, shards, "storynodes"),
                  pack_items(pack([n.iri, n.attrs, n.edges, n.incoming]) for n in story_nodes(found, place, summaries)))
    return write_part(folder, shards, story_nodes(found, place, summaries), exports, max_nodes,
                      edges_of_bare_nodes=True)


def story_summaries(found: Any, records: Iterable[tuple[list[Any], list[Any]]]) -> tuple[dict[str, int], list[list[Any]]]:
    """Where each member sits (its story's number << 32 | its place in the story), and what
    each story node says of its members, gathered as the articles' cards stream past: the
    headline and headline stems of its first :data:`REPRESENTED` members (for its label), its
    earliest and latest date (ties broken as a stable sort in story order would) and its outlets."""
    from .stories import Sketch

    place = {iri: (k << 32) | n for k, story in enumerate(found.stories) for n, iri in enumerate(story.members)}
    summaries: list[list[Any]] = [[{}, None, None, set()] for _ in found.stories]
    for sketch, card in records:
        at = place.get(card[0])
        if at is None:
            continue
        n, summary = at & 0xFFFFFFFF, summaries[at >> 32]
        if n < REPRESENTED:  # the headline and its stems, compact: a set is made when the label is chosen
            summary[0][n] = (card[1], array("I", Sketch(*sketch).title))
        when = card[2]
        if isinstance(when, datetime):
            key = (_instant(when), n)
            if summary[1] is None or key < summary[1][0]:
                summary[1] = (key, when)
            if summary[2] is None or key > summary[2][0]:
                summary[2] = (key, when)
        if card[3]:
            summary[3].add(card[3])
    return place, summaries


def story_nodes(found: Any, place: dict[str, int], summaries: list[list[Any]]) -> Iterator[Node]:
    """Story nodes, and each article's edge to its story or original (on a bare node: the
    article's own attributes are in its shard), in IRI order, made one at a time."""
    iris = [story_iri(story.id) for story in found.stories]  # one string each, shared by its members' edges
    stories = {iri: k for k, iri in enumerate(iris)}
    originals: dict[str, list[str]] = {}
    for pair in found.duplicates:
        originals.setdefault(pair.duplicate, []).append(pair.original)
    for iri in sorted({*stories, *place, *originals}):
        k = stories.get(iri)
        if k is not None:
            yield _story_node(iri, found.stories[k], summaries[k])
            continue
        edges = [(original, "duplicate", "duplicate") for original in originals.get(iri, ())]
        if iri in place:
            edges.append((iris[place[iri] >> 32], "story", "story"))
        yield Node(iri, {}, edges=sorted(edges))


def _story_node(iri: str, story: Any, summary: list[Any]) -> Node:
    heads, first, last, outlets = summary
    cards = [[None, headline, frozenset(stems)] for headline, stems in (heads[n] for n in sorted(heads))]
    return Node(iri, {
        "type": "story", "label": representative(cards) or iri,
        "published": first[1] if first else None, "last_published": last[1] if last else None,
        "article_count": len(story.members), "outlet_count": len(outlets)},
        edges=[(outlet, "covered_by", "covered_by") for outlet in sorted(outlets)],
        incoming=sorted((member, "story", "story") for member in story.members))


def representative(members: list[list[Any]], most: int = REPRESENTED) -> str | None:
    """The headline that shares the most words with the story's other headlines (the
    earliest among equals); members are cards in story order, the headline's stems last."""
    titled = [c for c in members[:most] if c[1]]
    if not titled:
        return None
    shared = [sum(len(c[-1] & other[-1]) for other in titled if other is not c) for c in titled]
    return str(titled[shared.index(max(shared))][1])
