"""What the build state keeps of each input file: one :class:`Entry` per file (a few hundred
bytes of plain values: its signature, outcome, the shards its facts went to, the names and
provisional nodes it gives), made from the :class:`FileRecord` a worker returns.

>>> from kg.model import FileOutcome
>>> record = FileRecord("a.md", (10, 1, 1, 7), None, FileOutcome("a.md", "ingested", "feed", ["https://x.org/n"]),
...                     documents=1, shards=[3])
>>> from kg.codec import pack
>>> kept = entry(record)
>>> kept.status, kept.shards, from_bytes(pack(kept)) == kept
('ingested', (3,), True)
"""

from __future__ import annotations

import os
import struct
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .codec import unpack
from .facts.records import Fact
from .model import FileOutcome


def signature(path: str | Path) -> tuple[int, int, int, int]:
    """``(size, mtime_ns, ctime_ns, inode)``: a file whose signature is unchanged is not read
    again (as git's index does). The change time cannot be set back by tools that restore
    modification times (``cp -p``, ``rsync -t``, ``touch -d``), so new content always shows."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


SIGNATURE = struct.Struct("<qqqq")


def pack_signature(sig: tuple[int, ...] | None) -> bytes | None:
    return None if sig is None else SIGNATURE.pack(*sig)


def pack_shards(shards: Iterable[int]) -> bytes:
    return array("H", sorted(shards)).tobytes()


@dataclass
class FileRecord:
    """One input file as a worker just read it (kept in the state as an :class:`Entry`)."""

    name: str
    signature: tuple[int, ...] | None
    url: str | None
    outcome: FileOutcome
    documents: int = 0
    notes: list[dict[str, str]] = field(default_factory=list)  # for merges.json
    outlets: list[tuple[str, str]] = field(default_factory=list)  # (name key, domain)
    known: dict[str, str] = field(default_factory=dict)  # names for text extraction
    typed: dict[str, dict[str, int]] = field(default_factory=dict)  # names the model typed: form → type → count
    shards: list[int] = field(default_factory=list)
    provisional: list[Fact] = field(default_factory=list)  # facts about outlets known by name
    named_shards: list[int] = field(default_factory=list)
    texts: int = 0  # texts given to the extractor
    mentions: int = 0  # mentions it found
    names: list[tuple[str, str, str, int]] = field(default_factory=list)  # kg.facts.names.NameClaim
    acronyms: list[tuple[str, str]] = field(default_factory=list)  # (acronym key, long form key) defined


class Entry(NamedTuple):
    """What the state keeps of one file: a few hundred bytes of plain values. An ordinary
    ingested file keeps its format and article IRIs; any other outcome keeps its report
    entry as JSON text."""

    sig: bytes | None  # packed (size, mtime_ns, ctime_ns, inode)
    url: str | None
    status: str
    documents: int
    format: str | None
    articles: tuple[str, ...]
    other: str | None  # the report entry as JSON, when not an ordinary ingested file
    shard_bytes: bytes
    named_bytes: bytes
    notes: tuple[tuple[str, str], ...]
    outlets: tuple[tuple[str, str], ...]
    texts: int
    mentions: int
    names: tuple[tuple[str, str, str, int], ...] = ()
    acronyms: tuple[tuple[str, str], ...] = ()
    nodes: tuple[str, ...] = ()  # the provisional nodes its facts are about (their facts stay on disk)

    @property
    def shards(self) -> tuple[int, ...]:
        return tuple(array("H", self.shard_bytes))

    @property
    def named_shards(self) -> tuple[int, ...]:
        return tuple(array("H", self.named_bytes))

    def outcome(self, name: str) -> FileOutcome:
        """The file's outcome again."""
        if self.other is not None:
            return FileOutcome.from_json(self.other)
        return FileOutcome(name, self.status, self.format, list(self.articles))


#: An entry with nothing in it (for "no entry").
EMPTY = Entry(None, None, "", 0, None, (), None, b"", b"", (), (), 0, 0)

_shared: dict[Any, Any] = {}


def _same(value: Any) -> Any:
    """One object for equal small values (outlet pairs, formats): less memory."""
    return _shared.setdefault(value, value)


def entry(record: FileRecord) -> Entry:
    """The state's form of a file record."""
    import json

    o = record.outcome
    plain = (o.status == "ingested" and o.format is not None and not o.notes and o.reason is None and o.line is None
             and not o.failed_records)
    return Entry(pack_signature(record.signature), record.url, _same(o.status), record.documents,
                 _same(o.format), tuple(o.articles) if plain else (),
                 None if plain else json.dumps(o.as_dict(), ensure_ascii=False, indent=1),
                 pack_shards(record.shards), pack_shards(record.named_shards),
                 tuple((n["source"], n["message"]) for n in record.notes),
                 tuple(_same(tuple(pair)) for pair in record.outlets), record.texts, record.mentions,
                 tuple((c[0], c[1], c[2], c[3]) for c in record.names), tuple((a, b) for a, b in record.acronyms),
                 tuple(sorted({n for f in record.provisional for n in {f.node, f.node.split("--")[0]}})))


def from_bytes(data: bytes) -> Entry:
    """An entry as :func:`kg.codec.pack` stored it."""
    return Entry(*unpack(data))
