"""Facts on disk, sharded by node IRI: the shuffle step.

Every fact is about one node, so facts are split by a hash of the node's IRI
into shards (:func:`shard_of`). A shard's facts file is a sequence of blocks,
each a list of ``(file name, part, facts or None)`` entries; a later entry
replaces an earlier one for the same file and part (``None`` deletes it), so
a rebuild appends what changed instead of rewriting the shard
(:func:`append_block`), and :func:`load_facts` rewrites a shard compactly when
most of it is superseded.

Blocks are MessagePack (:mod:`kg.codec`: plain data, never code), each framed
with its length and CRC-32 (:func:`kg.io.append_checked`): a truncated or
corrupted shard raises :class:`~kg.errors.CacheDamaged` instead of giving a
wrong graph. A fact is stored as ``(node, document index, n, kind code,
*fields)``; its source file is the entry's, so it is written once per file.

>>> import tempfile, pathlib
>>> from kg.facts.records import Alias
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> fact = Fact("https://x.org/n", ("a.md", 0, 1), Alias("N", 1))
>>> append_block(folder, 0, encode_block({("a.md", ""): [fact]}))
>>> load_facts(folder, 0)[("a.md", "")] == [fact]
True
>>> shard_of("https://w3id.org/newskg/id/topic/ai", 1), shard_of("https://w3id.org/newskg/id/topic/ai", 256)
(0, 142)
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..codec import pack, unpack
from ..errors import CacheDamaged
from ..io import append_checked, read_blocks, write_checked
from .records import KINDS, Fact, kind_code

#: Inputs with fewer files than this are settled as one shard (outputs fully sorted).
SHARDS_FROM = 2000
#: Shards of a large build: small enough that one changed file touches a few percent.
LARGE_SHARDS = 256

#: ``(file name, part)``: the facts of one file, or of its outlets known by name (part ``named``).
Key = tuple[str, str]
Block = dict[Key, list[Fact] | None]


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
        out.setdefault(shard_of(fact.node, shards), []).append(fact)
    return out


def facts_path(folder: Path, shard: int) -> Path:
    return folder / f"{shard:04d}.facts"


def encode_facts(facts: list[Fact]) -> list[tuple[Any, ...]]:
    """Facts as plain tuples (the source file is left out: it is the entry's)."""
    return [(f.node, f.order[1], f.order[2], kind_code(f.what), *f.what) for f in facts]


def decode_facts(source: str, rows: Iterable[tuple[Any, ...]]) -> list[Fact]:
    """The facts :func:`encode_facts` stored for the file *source*."""
    try:
        return [Fact(row[0], (source, row[1], row[2]), KINDS[row[3]]._make(row[4:])) for row in rows]
    except (IndexError, TypeError) as err:
        raise CacheDamaged(f"facts of {source!r} are not in kg's format") from err


def encode_block(block: Block) -> bytes:
    """A block as bytes, ready for :func:`append_block` (workers encode, the parent appends)."""
    return pack([(name, part, None if facts is None else encode_facts(facts))
                 for (name, part), facts in sorted(block.items())])


def append_block(folder: Path, shard: int, data: bytes) -> None:
    """Add an encoded block of per-file facts to a shard's facts file."""
    append_checked(facts_path(folder, shard), data)


def load_facts(folder: Path, shard: int) -> dict[Key, list[Fact]]:
    """A shard's current facts by (file, part); rewrites the file when mostly superseded."""
    path = facts_path(folder, shard)
    current: dict[Key, list[Fact]] = {}
    entries = 0
    for data in read_blocks(path):
        for name, part, rows in unpack(data):
            entries += 1
            if rows is None:
                current.pop((name, part), None)
            else:
                current[(name, part)] = decode_facts(name, rows)
    if entries > 2 * len(current) + 64:
        write_checked(path, encode_block(dict(current)))
    return current
