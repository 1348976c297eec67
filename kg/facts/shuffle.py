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

import os
import zlib
from array import array
from hashlib import blake2b
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..codec import pack, unpack
from ..errors import CacheDamaged
from ..io import append_checked, read_blocks
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


def _entries(data: bytes) -> Iterator[tuple[str, str, bool, int, int]]:
    """``(file, part, deleted, start, end)`` of each entry of an encoded block, without
    decoding its facts (*start*:*end* is where they are)."""
    import msgpack

    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=len(data) + 1, strict_map_key=False)
    unpacker.feed(data)
    try:
        for _ in range(unpacker.read_array_header()):
            if unpacker.read_array_header() != 3:
                raise ValueError("an entry is not (file, part, facts)")
            name, part = unpacker.unpack(), unpacker.unpack()
            start = unpacker.tell()
            unpacker.skip()
            yield name, part, data[start] == 0xC0, start, unpacker.tell()  # 0xc0: nil, a deletion
    except (ValueError, msgpack.ExtraData, msgpack.OutOfData, msgpack.FormatError, msgpack.StackError) as err:
        raise CacheDamaged(f"a block of facts is not in kg's format ({type(err).__name__})") from err


def _live(folder: Path, shard: int) -> tuple[Any, int]:
    """Where the current facts of each (file, part) are — ``(block number, start)`` of each
    live entry, in file order, as an array — and how many entries the shard file holds.

    Entries are indexed by a 128-bit digest of their (file, part) in flat arrays (40 bytes
    an entry): a hub's shard holds an entry for every file of the corpus, and a dict of
    keys took 300 MB at 1,000,000 files."""
    import numpy as np

    digests, places, gone = array("Q"), array("q"), array("b")
    for number, data in enumerate(read_blocks(facts_path(folder, shard))):
        for name, part, deleted, start, _end in _entries(data):
            digests.frombytes(blake2b(f"{name}\0{part}".encode(), digest_size=16).digest())
            places.extend((number, start))
            gone.append(deleted)
    entries = len(gone)
    if not entries:
        return np.empty((0, 2), dtype=np.int64), 0
    pairs = np.frombuffer(digests, dtype=np.uint64).reshape(-1, 2)
    order = np.lexsort((np.arange(entries), pairs[:, 1], pairs[:, 0]))  # by key, then by when
    ordered = pairs[order]
    last = np.ones(entries, dtype=bool)
    last[:-1] = np.any(ordered[1:] != ordered[:-1], axis=1)  # the latest entry of each key
    latest = order[last]
    live = latest[np.frombuffer(gone, dtype=np.int8)[latest] == 0]
    return np.frombuffer(places, dtype=np.int64).reshape(-1, 2)[np.sort(live)], entries


def iter_facts(folder: Path, shard: int) -> Iterator[tuple[Key, list[Fact]]]:
    """A shard's current facts, one file's at a time (never the whole shard in memory);
    the shard file is rewritten compactly when most of it is superseded."""
    live, entries = _live(folder, shard)
    compact = entries > 2 * len(live) + 64
    out = facts_path(folder, shard).with_suffix(".facts-compact.tmp")
    if compact:
        out.unlink(missing_ok=True)
    bounds = live[:, 0].searchsorted(range(int(live[-1, 0]) + 2)) if len(live) else [0]
    for number, data in enumerate(read_blocks(facts_path(folder, shard))):
        if number + 1 >= len(bounds):
            break
        starts = set(live[bounds[number]:bounds[number + 1], 1].tolist())
        if not starts:
            continue
        for name, part, _deleted, start, end in _entries(data):
            if start in starts:
                key, rows = (name, part), data[start:end]
                if compact:
                    append_checked(out, _entry_block(key, rows))
                yield key, decode_facts(name, unpack(rows))
    if compact:
        if not out.exists():
            out.write_bytes(b"")
        os.replace(out, facts_path(folder, shard))


def _entry_block(key: Key, rows: bytes) -> bytes:
    """A block of one entry (an array of one ``[file, part, facts]``), its facts copied as
    they were encoded."""
    return b"\x91\x93" + pack(key[0]) + pack(key[1]) + rows


def load_facts(folder: Path, shard: int) -> dict[Key, list[Fact]]:
    """A shard's current facts by (file, part), all at once (for tests and small graphs)."""
    return dict(iter_facts(folder, shard))
