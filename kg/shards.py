"""The fact store on disk, sharded by node IRI, and the reduce step that settles a shard.

Every fact is about one node, so facts are split by a hash of the node's
IRI into shards (:func:`shard_of`). A shard's facts file is a sequence of
pickled blocks ``{(file name, part): [facts] or None}``; a later block's
entry replaces an earlier one for the same file (``None`` deletes it), so
a rebuild appends what changed instead of rewriting the shard. When most of
a shard file is superseded it is rewritten compactly.

:func:`reduce_shard` settles one shard on its own (in any process): it
writes the shard's sorted N-Triples, its Turtle and JSON-LD pieces, its
merge-report entries and a compact view of its nodes for the interactive
page. The whole graph is never in memory: outputs are the shards' pieces
concatenated in shard order, and a shard's pieces change only when its
facts do.

>>> shard_of("https://w3id.org/newskg/id/topic/ai", 1), shard_of("https://w3id.org/newskg/id/topic/ai", 256)
(0, 142)
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import pickle
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .facts import Fact, Node, group, reduce_node, resolve_outlets

#: Inputs with fewer files than this are settled as one shard (outputs fully sorted).
SHARDS_FROM = 2000
#: Shards of a large build: small enough that one changed file touches a few percent.
LARGE_SHARDS = 256
#: Attributes the interactive page shows; the rest stay in RDF.
VIEW_ATTRS = ("type", "label", "url", "published", "by_reference", "domain", "iso", "score", "scale")
#: Pieces a reduce can write, by export name.
PIECES = {"ntriples": "nt", "turtle": "ttl", "jsonld": "jsonld"}


def shard_count(files: int) -> int:
    """How many shards a build of *files* input files uses."""
    return 1 if files < SHARDS_FROM else LARGE_SHARDS


def shard_of(iri: str, shards: int) -> int:
    """The shard that holds the facts about *iri*."""
    return zlib.crc32(iri.encode("utf-8")) % shards if shards > 1 else 0


def split_facts(facts: Iterable[Fact], shards: int) -> dict[int, list[Fact]]:
    """Facts grouped by the shard of their node."""
    out: dict[int, list[Fact]] = {}
    for fact in facts:
        out.setdefault(shard_of(fact[0], shards), []).append(fact)
    return out


def piece_path(folder: Path, shard: int, kind: str) -> Path:
    return folder / f"{shard:04d}.{kind}"


def piece_size(folder: Path, shard: int, kind: str = "facts") -> int:
    """Bytes in one piece of a shard (0 if it has none)."""
    try:
        return piece_path(folder, shard, kind).stat().st_size
    except FileNotFoundError:
        return 0


def append_block(folder: Path, shard: int, block: dict[tuple[str, str], list[Fact] | None] | bytes) -> None:
    """Add a block of per-file facts (or the block already pickled, as workers send it) to a
    shard's facts file (made durable by the caller's state file)."""
    data = block if isinstance(block, bytes) else pickle.dumps(block, protocol=pickle.HIGHEST_PROTOCOL)
    with open(piece_path(folder, shard, "facts"), "ab") as fh:
        fh.write(len(data).to_bytes(8, "little") + data)


def read_blocks(path: Path) -> Iterator[dict[tuple[str, str], list[Fact] | None]]:
    """The blocks of a facts file, oldest first (a torn last block is ignored)."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    with fh:
        while True:
            head = fh.read(8)
            if len(head) < 8:
                return
            size = int.from_bytes(head, "little")
            data = fh.read(size)
            if len(data) < size:
                return
            yield pickle.loads(data)


def load_facts(folder: Path, shard: int) -> dict[tuple[str, str], list[Fact]]:
    """A shard's current facts by (file, part); rewrites the file when mostly superseded."""
    path = piece_path(folder, shard, "facts")
    current: dict[tuple[str, str], list[Fact]] = {}
    entries = 0
    for block in read_blocks(path):
        for key, facts in block.items():
            entries += 1
            if facts is None:
                current.pop(key, None)
            else:
                current[key] = facts
    if entries > 2 * len(current) + 64:
        tmp = path.with_suffix(".facts-tmp")
        data = pickle.dumps(current, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.write_bytes(len(data).to_bytes(8, "little") + data)
        os.replace(tmp, path)
    return current


def settle(folder: Path, shard: int, resolution: dict[str, str]) -> list[Node]:
    """Every node of a shard, settled from its current facts, in IRI order."""
    facts = load_facts(folder, shard)
    every = resolve_outlets((f for key in sorted(facts) for f in facts[key]), resolution)
    return [reduce_node(iri, node_facts) for iri, node_facts in sorted(group(every).items())]


@dataclass
class ShardSummary:
    """What the build keeps of a settled shard (the pieces themselves are files)."""

    shard: int
    digest: str = ""
    triples: int = 0
    nodes: Counter[str] = field(default_factory=Counter)
    edges: Counter[str] = field(default_factory=Counter)
    merges: int = 0
    conflicts: int = 0
    view_digest: str = ""


def _json_items(items: list[dict[str, Any]]) -> str:
    """Items as ``json.dumps(..., indent=1)`` writes them two levels deep, joined by commas."""
    return ",\n".join("\n".join("  " + line for line in json.dumps(item, ensure_ascii=False, indent=1).split("\n"))
                      for item in items)


def reduce_shard(folder: Path, shard: int, resolution: dict[str, str], exports: Iterable[str],
                 max_nodes: int) -> ShardSummary:
    """Settle one shard and write its pieces: ``.nt`` always, ``.ttl``/``.jsonld`` when
    exported, ``.merges``/``.conflicts`` (JSON items) and ``.view`` (compact nodes, edges,
    degrees and the shard's most connected nodes)."""
    from .rdf import node_lines

    nodes = settle(folder, shard, resolution)
    lines: set[str] = set()
    summary = ShardSummary(shard)
    merges, conflicts = [], []
    view_nodes: dict[str, dict[str, Any]] = {}
    view_edges: list[tuple[str, str, str, str]] = []
    for node in nodes:
        lines |= node_lines(node)
        entry = node.merge_entry()
        if entry:
            merges.append(entry)
        conflicts.extend(node.conflicts)
        if node.attrs:
            summary.nodes[node.attrs["type"]] += 1
            view_nodes[node.iri] = {k: node.attrs[k] for k in VIEW_ATTRS if node.attrs.get(k) is not None}
            view_nodes[node.iri]["degree"] = node.degree
            for target, key, relation in node.edges:
                summary.edges[relation] += 1
                view_edges.append((node.iri, target, key, relation))
    ordered = sorted(lines)
    nt = ("\n".join(ordered) + "\n").encode("utf-8") if ordered else b""
    summary.digest = hashlib.sha256(nt).hexdigest()
    summary.triples = len(ordered)
    summary.merges, summary.conflicts = len(merges), len(conflicts)
    write_piece(folder, shard, "nt", nt)
    exports = set(exports)
    for name, kind in PIECES.items():
        if kind == "nt":
            continue
        piece_path(folder, shard, kind).unlink(missing_ok=True)
        if name in exports:
            render_piece(folder, shard, kind)
    write_piece(folder, shard, "merges", _json_items(merges).encode("utf-8"))
    write_piece(folder, shard, "conflicts", _json_items(conflicts).encode("utf-8"))
    top = heapq.nsmallest(max_nodes, ((-d["degree"], iri) for iri, d in view_nodes.items()))
    write_piece(folder, shard, "top", pickle.dumps(top, protocol=pickle.HIGHEST_PROTOCOL))
    view = pickle.dumps({"nodes": view_nodes, "edges": view_edges}, protocol=pickle.HIGHEST_PROTOCOL)
    summary.view_digest = hashlib.sha256(view).hexdigest()
    write_piece(folder, shard, "view", view)
    return summary


def render_piece(folder: Path, shard: int, kind: str) -> bytes:
    """Write a shard's Turtle (``ttl``) or JSON-LD (``jsonld``) piece from its N-Triples; return it."""
    nt = read_piece(folder, shard, "nt")
    if kind == "ttl":
        data = turtle_piece(nt)
    else:
        from .exporters.jsonld import node_objects

        data = ",\n  ".join(node_objects(nt.decode("utf-8").splitlines())).encode("utf-8")
    write_piece(folder, shard, kind, data)
    return data


def turtle_piece(nt: bytes) -> bytes:
    """Turtle for a shard's N-Triples, without the prefix lines (written once, by the exporter)."""
    import pyoxigraph as ox

    from .exporters.turtle import TURTLE_PREFIXES, prefix_header

    if not nt:
        return b""
    data = bytes(ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                              prefixes=TURTLE_PREFIXES) or b"")
    header = prefix_header()
    if not data.startswith(header):  # pragma: no cover - guards a change in Oxigraph's output
        raise RuntimeError("unexpected Turtle prefix block from Oxigraph")
    return data[len(header):]


def write_piece(folder: Path, shard: int, kind: str, data: bytes) -> None:
    """Replace one piece of a shard (write, then rename)."""
    path = piece_path(folder, shard, kind)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_piece(folder: Path, shard: int, kind: str) -> bytes:
    try:
        return piece_path(folder, shard, kind).read_bytes()
    except FileNotFoundError:
        return b""


def read_view(folder: Path, shard: int) -> dict[str, Any]:
    """A shard's compact nodes (the page's attributes and degree) and edges."""
    data = read_piece(folder, shard, "view")
    return pickle.loads(data) if data else {"nodes": {}, "edges": []}


def read_top(folder: Path, shard: int) -> list[tuple[int, str]]:
    """A shard's most connected nodes, as ``(-degree, IRI)``, most connected first."""
    data = read_piece(folder, shard, "top")
    return pickle.loads(data) if data else []
