"""The settled graph on disk: each shard settled on its own into output pieces.

:func:`reduce_shard` loads one shard's facts (:mod:`kg.facts.shuffle`),
settles its nodes (:mod:`kg.facts.reduce`) and writes its pieces: sorted
N-Triples (always), Turtle and JSON-LD (when exported; otherwise rendered on
demand), merge-report and conflict items, and a compact view of its nodes and
edges for the page and GraphML/GEXF, plus its most connected nodes. It runs in
any process; the whole graph is never in memory.

:class:`GraphPieces` reads them back for the outputs, which are the shards'
pieces concatenated in shard order. Every piece is a checksummed cache file
(:func:`kg.io.write_checked`), so a damaged one raises
:class:`~kg.errors.CacheDamaged` rather than giving a wrong output.

>>> import tempfile, pathlib
>>> from kg.model import Document
>>> from kg.facts.map import document_facts
>>> from kg.facts.shuffle import append_block, encode_block
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> append_block(folder, 0, encode_block({("a.md", ""): document_facts(doc).facts}))
>>> summary = reduce_shard(folder, 0, {}, ("turtle",), 10)
>>> dict(summary.nodes), summary.triples
({'article': 1, 'outlet': 1}, 11)
>>> GraphPieces(folder, 1, {0: summary}).chunk(0, "ttl").startswith(b"<https://w3id.org/newskg/id/article/")
True
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .codec import pack, unpack
from .facts.records import Fact
from .facts.names import Target
from .facts.reduce import Node, NodeBuilder, resolve
from .facts.shuffle import iter_facts
from .io import nested_json, read_checked, write_checked
from .namespaces import ID
from .rdf import jsonld_piece, node_lines, turtle_piece

#: Attributes the page, GraphML and GEXF show; the rest stay in RDF.
VIEW_ATTRS = ("type", "label", "url", "published", "by_reference", "domain", "iso", "score", "scale", "alt_names",
              "last_published", "article_count", "outlet_count")
#: Pieces a reduce can write, by export name.
PIECES = {"ntriples": "nt", "turtle": "ttl", "jsonld": "jsonld"}
#: How each RDF piece is rendered from the shard's N-Triples.
RENDER = {"ttl": turtle_piece, "jsonld": jsonld_piece}


@dataclass
class ShardSummary:
    """What the build keeps of a settled shard (the pieces themselves are files)."""

    shard: int
    digest: str = ""  # sha256 of the shard's N-Triples
    triples: int = 0
    nodes: Counter[str] = field(default_factory=Counter)
    edges: Counter[str] = field(default_factory=Counter)
    merges: int = 0
    conflicts: int = 0
    view_digest: str = ""

    def as_plain(self) -> list[Any]:
        """The summary as plain values (for the build state)."""
        return [self.shard, self.digest, self.triples, dict(self.nodes), dict(self.edges), self.merges,
                self.conflicts, self.view_digest]

    @classmethod
    def from_plain(cls, values: list[Any]) -> "ShardSummary":
        shard, digest, triples, nodes, edges, merges, conflicts, view = values
        return cls(shard, digest, triples, Counter(nodes), Counter(edges), merges, conflicts, view)


def piece_path(folder: Path, shard: int, kind: str) -> Path:
    return folder / f"{shard:04d}.{kind}"


def settle(folder: Path, shard: int, targets: dict[str, Target]) -> list[Node]:
    """Every node of a shard, settled from its current facts, in IRI order. Facts stream
    through one builder per node (:class:`kg.facts.reduce.NodeBuilder`), one file's at a time."""
    builders: dict[str, NodeBuilder] = {}
    for _key, facts in iter_facts(folder, shard):
        for fact in resolve(facts, targets):
            builder = builders.get(fact.node)
            if builder is None:
                builder = builders[fact.node] = NodeBuilder(fact.node)
            builder.add(fact)
    return [builders[iri].settle() for iri in sorted(builders)]


def reduce_shard(folder: Path, shard: int, targets: dict[str, Target], exports: Iterable[str],
                 max_nodes: int) -> ShardSummary:
    """Settle one shard and write its pieces (:func:`write_part`), and a sketch of each of its
    articles for story detection (``.sketches``)."""
    nodes = settle(folder, shard, targets)
    write_checked(piece_path(folder, shard, "sketches"), pack([article_sketch(n) for n in nodes
                                                               if n.attrs.get("type") == "article"]))
    return write_part(folder, shard, nodes, exports, max_nodes)


def write_part(folder: Path, part: int, nodes: Iterable[Node], exports: Iterable[str], max_nodes: int,
               edges_of_bare_nodes: bool = False) -> ShardSummary:
    """Write a part's pieces from its settled *nodes*: ``.nt`` always, ``.ttl``/``.jsonld`` when
    exported, ``.merges``/``.conflicts`` (JSON items), ``.view`` (compact nodes and edges) and
    ``.top`` (its most connected nodes). With *edges_of_bare_nodes*, the edges of nodes that
    have no attributes here (their attributes are in another part) are in the view too."""
    summary = ShardSummary(part)
    lines: list[str] = []
    merges, conflicts = [], []
    view_nodes: dict[str, dict[str, Any]] = {}
    view_edges: list[tuple[str, str, str, str]] = []
    for node in nodes:
        lines.extend(node_lines(node))
        entry = node.merge_entry()
        if entry:
            merges.append(entry)
        conflicts.extend(node.conflicts)
        if node.attrs:
            summary.nodes[node.attrs["type"]] += 1
            view_nodes[node.iri] = {k: node.attrs[k] for k in VIEW_ATTRS if node.attrs.get(k) not in (None, [])}
            view_nodes[node.iri]["degree"] = node.degree
        if node.attrs or edges_of_bare_nodes:
            for target, key, relation in node.edges:
                summary.edges[relation] += 1
                view_edges.append((node.iri, target, key, relation))
    nt, summary.triples = sorted_lines(lines)
    del lines
    summary.digest = hashlib.sha256(nt).hexdigest()
    summary.merges, summary.conflicts = len(merges), len(conflicts)
    write_checked(piece_path(folder, part, "nt"), nt)
    wanted = {PIECES[e] for e in exports if e in PIECES}
    for kind, render in RENDER.items():
        piece_path(folder, part, kind).unlink(missing_ok=True)
        if kind in wanted:
            write_checked(piece_path(folder, part, kind), render(nt))
    write_checked(piece_path(folder, part, "merges"), ",\n".join(nested_json(m, 2) for m in merges).encode("utf-8"))
    write_checked(piece_path(folder, part, "conflicts"),
                  ",\n".join(nested_json(c, 2) for c in conflicts).encode("utf-8"))
    top = heapq.nsmallest(max_nodes, ((-d["degree"], iri) for iri, d in view_nodes.items()))
    write_checked(piece_path(folder, part, "top"), pack(top))
    view = pack({"nodes": view_nodes, "edges": view_edges})
    summary.view_digest = hashlib.sha256(view).hexdigest()
    write_checked(piece_path(folder, part, "view"), view)
    return summary


def sorted_lines(lines: list[str]) -> tuple[bytes, int]:
    """*lines* sorted (in place), each once, as UTF-8 N-Triples text, and how many: built line
    by line, so that the text is never held twice as a string.

    >>> sorted_lines(["b .", "a .", "b ."])
    (b'a .\\nb .\\n', 2)
    """
    lines.sort()
    out, count, last = bytearray(), 0, None
    for line in lines:
        if line != last:
            out += line.encode("utf-8")
            out += b"\n"
            count += 1
            last = line
    return bytes(out), count


#: IRIs of the entities a story sketch counts: organisations, places, products, events (not people: one
#: person acts in many events of one day, so a shared person says nothing of the event).
_ENTITY_PREFIXES = tuple(ID + kind + "/" for kind in ("org", "place", "product", "event"))


def article_sketch(node: Node) -> list[Any]:
    """A settled article as story detection sees it: its sketch (:func:`kg.stories.sketch`) and
    a card (IRI, headline, date, outlet) for labelling the story it joins."""
    from .stories import ArticleFacts, sketch

    attrs = node.attrs
    outlets = sorted(t for t, _k, r in node.edges if r == "publisher")
    facts = ArticleFacts(
        iri=node.iri, headline=attrs.get("headline"), excerpt=attrs.get("excerpt"), body=attrs.get("body"),
        published=attrs.get("published"), outlet=outlets[0] if outlets else None,
        entities=tuple(sorted(t for t, _k, r in node.edges if r == "mentions" and t.startswith(_ENTITY_PREFIXES))),
        related=tuple(sorted(t for t, _k, r in node.edges if r == "related")),
        by_reference=bool(attrs.get("by_reference")))
    return [list(sketch(facts)), [node.iri, attrs.get("headline") or attrs.get("label"), attrs.get("published"),
                                  facts.outlet]]


class ShardView(NamedTuple):
    """One settled shard: ``nodes`` maps each IRI to its attributes (those of
    :data:`VIEW_ATTRS` that are set, and ``degree``); ``edges`` are
    ``(source IRI, target IRI, key, relation)``, each with its source in this shard.

    >>> ShardView({"https://x.org/a": {"type": "article", "label": "A"}}, []).nodes["https://x.org/a"]["label"]
    'A'
    """

    nodes: Mapping[str, Mapping[str, Any]]
    edges: Sequence[tuple[str, str, str, str]]


@dataclass(frozen=True)
class ShardViews:
    """Every shard's view, in shard order, read again on each iteration (so a writer can
    walk them twice, nodes then edges, with one shard in memory).

    >>> views = ShardViews(lambda: iter([ShardView({}, []), ShardView({}, [])]))
    >>> len(list(views)), len(list(views))
    (2, 2)
    """

    open: Callable[[], Iterator[ShardView]]

    def __iter__(self) -> Iterator[ShardView]:
        return self.open()


@dataclass
class GraphPieces:
    """The settled graph: shard pieces in *folder*, read back for the outputs."""

    folder: Path
    shards: int
    summaries: dict[int, ShardSummary]
    resolution: dict[str, Target] = field(default_factory=dict)  # provisional IRIs → where they went

    @property
    def parts(self) -> int:
        """How many parts the graph has: its shards, and the stories after them when found."""
        return self.shards + (1 if self.shards in self.summaries else 0)

    def chunk(self, shard: int, kind: str) -> bytes:
        """One piece of one shard (``nt``, ``ttl``, ``jsonld``, ``merges``, ``conflicts``); an RDF
        piece the build was not asked for is rendered now (and kept)."""
        path = piece_path(self.folder, shard, kind)
        if kind in RENDER and not path.exists():
            data = RENDER[kind](self.chunk(shard, "nt"))
            write_checked(path, data)
            return data
        data = read_checked(path)
        if kind == "nt" and hashlib.sha256(data).hexdigest() != self.summaries[shard].digest:
            from .errors import CacheDamaged

            raise CacheDamaged(f"{path.name}: not the N-Triples this shard was settled into")
        return data

    def chunks(self, kind: str) -> Iterator[bytes]:
        """One kind of piece, in part order; a one-shard graph's N-Triples merged with its
        stories' into one sorted run (small outputs stay fully sorted)."""
        if kind == "nt" and self.shards == 1 and self.parts == 2:
            runs = [self.chunk(part, "nt").splitlines(keepends=True) for part in range(2)]
            yield b"".join(heapq.merge(*runs))
            return
        for part in range(self.parts):
            yield self.chunk(part, kind)

    def view(self, shard: int) -> ShardView:
        """A shard's compact nodes (the page's attributes and degree) and edges."""
        data = unpack(read_checked(piece_path(self.folder, shard, "view")))
        return ShardView(data["nodes"], list(data["edges"]))

    def views(self) -> ShardViews:
        """Every shard's view, as often as asked."""
        return ShardViews(lambda: (self.view(part) for part in range(self.parts)))

    def top(self, shard: int) -> list[tuple[int, str]]:
        """A shard's most connected nodes, as ``(-degree, IRI)``, most connected first."""
        return [tuple(t) for t in unpack(read_checked(piece_path(self.folder, shard, "top")))]  # type: ignore[misc]

    def nodes(self) -> Iterator[Node]:
        """Every settled node again, shard by shard, then the stories (for notebooks, tests
        and networkx)."""
        for shard in range(self.shards):
            yield from settle(self.folder, shard, self.resolution)
        if self.parts > self.shards:
            yield from read_story_nodes(self.folder, self.shards)

    @property
    def node_counts(self) -> Counter[str]:
        return sum((s.nodes for s in self.summaries.values()), Counter())

    @property
    def edge_counts(self) -> Counter[str]:
        return sum((s.edges for s in self.summaries.values()), Counter())


def settle_documents(docs: Iterable[Any], folder: Path, exports: Iterable[str] = ("turtle", "jsonld")) -> GraphPieces:
    """The settled graph of a few documents, in one shard in *folder* (for examples and tests).

    >>> import tempfile, pathlib
    >>> from kg.model import Document
    >>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
    >>> pieces = settle_documents([doc], pathlib.Path(tempfile.mkdtemp()))
    >>> dict(pieces.node_counts)
    {'article': 1, 'outlet': 1}
    """
    from .facts.map import document_facts
    from .facts.shuffle import append_block, encode_block

    docs = list(docs)
    folder.mkdir(parents=True, exist_ok=True)
    mapped = [document_facts(doc) for doc in docs]
    block: dict[tuple[str, str], list[Fact] | None] = {
        (doc.source, str(doc.index)): m.facts for doc, m in zip(docs, mapped)}
    append_block(folder, 0, encode_block(block))
    targets = document_targets(docs, mapped)
    return GraphPieces(folder, 1, {0: reduce_shard(folder, 0, targets, exports, 5000)}, targets)


def document_targets(docs: list[Any], mapped: list[Any]) -> dict[str, Target]:
    """Where the provisional nodes of a few documents go (what the build does for a corpus)."""
    from .facts.keys import outlet_names
    from .facts.names import NameTable, resolve as resolve_names, targets as name_targets
    from .facts.reduce import outlet_targets

    table = NameTable()
    for m in mapped:
        table.update(m.names, m.acronyms)
    outlets = outlet_targets(pair for doc in docs for pair in outlet_names(doc))
    return {**outlets, **name_targets(table, resolve_names(table))}


def read_story_nodes(folder: Path, part: int) -> list[Node]:
    """The nodes :func:`kg.storypieces.settle_stories` wrote (for assembling the whole graph in memory)."""
    return [Node(iri, attrs, [tuple(e) for e in edges], [tuple(e) for e in incoming])  # type: ignore[misc]
            for iri, attrs, edges, incoming in unpack(read_checked(piece_path(folder, part, "storynodes")))]
