"""What a build remembers in ``OUT/.kg-cache`` so the next one redoes only what changed.

``state.sqlite`` holds one :class:`Entry` per input file (its size,
modification and change times and inode, its outcome, the shards its facts
went to) and one summary per shard. A rebuild re-reads a file only when its
signature changed (or its manifest url did), replaces its facts in the shards
it touched (:mod:`kg.facts.shuffle`), and settles only those shards again.
Only the rows of files that changed are written back.

The state is plain data (SQLite rows of MessagePack, :mod:`kg.codec`), never
code. It is valid only for the same code and settings (:func:`config_key`);
a build that stops half-way leaves a marker, and the next build then starts
clean; a state file that is not what kg wrote raises
:class:`~kg.errors.CacheDamaged`, and the build starts clean, saying so.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> state = load_state(folder, "k"); state.files
{}
>>> save_state(folder, state); load_state(folder, "k").config
'k'
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import struct
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .codec import pack, unpack
from .errors import CacheDamaged
from .facts.names import NameTable, Target
from .facts.records import Fact
from .facts.shuffle import decode_facts, encode_facts
from .model import FileOutcome
from .pieces import ShardSummary
from .version import __version__

STATE = "state.sqlite"
UNFINISHED = "build-in-progress"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of kg's code: any change to it makes the next build a clean one."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def config_key(**settings: Any) -> str:
    """The code fingerprint and every setting that changes what a file contributes."""
    return code_fingerprint() + ":" + repr(sorted(settings.items()))


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
                 tuple(sorted({f.node for f in record.provisional})))


@dataclass
class BuildState:
    """Everything :mod:`kg.incremental` keeps between builds (loaded whole; written by change)."""

    config: str
    files: dict[str, Entry] = field(default_factory=dict)
    summaries: dict[int, ShardSummary] = field(default_factory=dict)
    provisional: dict[str, list[Fact]] = field(default_factory=dict)  # file → its provisional facts, once read
    folder: Path | None = None  # where the state is kept (provisional facts are read from there when needed)
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # file → names, with an extractor
    resolution: dict[str, Target] = field(default_factory=dict)  # provisional IRI → where its facts go
    salt: str = ""
    extraction: dict[str, Any] = field(default_factory=dict)
    store: dict[str, Any] = field(default_factory=dict)  # folder and shard digests it holds
    outlets: Counter[tuple[str, str]] = field(default_factory=Counter)  # (name key, domain) → files; derived
    names: NameTable = field(default_factory=NameTable)  # every file's name claims; derived
    changed: set[str] = field(default_factory=set)  # files to write back

    def remove(self, name: str) -> Entry | None:
        """Forget a file; return what was kept of it."""
        old = self.files.pop(name, None)
        if old is not None:
            for pair in old.outlets:
                self.outlets[pair] -= 1
                if self.outlets[pair] <= 0:
                    del self.outlets[pair]
            self.names.update(old.names, old.acronyms, sign=-1)
        self.provisional.pop(name, None)
        self.known.pop(name, None)
        self.changed.add(name)
        return old

    def provisional_facts(self, name: str) -> list[Fact]:
        """The facts a file states about provisional nodes (read from the state on first use)."""
        if name not in self.provisional and self.folder is not None and (self.folder / STATE).is_file():
            db = _connect(self.folder)
            try:
                row = db.execute("SELECT provisional FROM files WHERE name = ?", (name,)).fetchone()
            except sqlite3.DatabaseError as err:
                raise CacheDamaged(f"{STATE}: not a build state kg wrote ({err})") from err
            finally:
                db.close()
            self.provisional[name] = decode_facts(name, unpack(row[0])) if row and row[0] is not None else []
        return self.provisional.get(name, [])

    def add(self, record: FileRecord) -> None:
        """Remember a file just read (and mapped)."""
        self.files[record.name] = entry(record)
        self.outlets.update(record.outlets)
        self.names.update(record.names, record.acronyms)
        if record.provisional:
            self.provisional[record.name] = record.provisional
        if record.known:
            self.known[record.name] = record.known
        self.changed.add(record.name)


_META = ("config", "summaries", "resolution", "salt", "extraction", "store")


def _connect(folder: Path) -> sqlite3.Connection:
    db = sqlite3.connect(folder / STATE, timeout=60)
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, entry BLOB NOT NULL, "
               "provisional BLOB, known BLOB)")
    return db


def load_state(folder: Path, config: str) -> BuildState:
    """The previous build's state, or a fresh one (and an emptied shard folder) when the
    settings or code changed or the previous build did not finish; raises
    :class:`~kg.errors.CacheDamaged` when the state is not what kg wrote."""
    fresh = BuildState(config, folder=folder)
    if (folder / UNFINISHED).exists() or not (folder / STATE).is_file():
        reset(folder)
        return fresh
    try:
        db = _connect(folder)
        try:
            meta = {key: unpack(value, lists=True) for key, value in db.execute("SELECT key, value FROM meta")}
            if meta.get("config") != config:
                db.close()
                reset(folder)
                return fresh
            state = BuildState(config, resolution={k: Target(*v) for k, v in meta["resolution"].items()}, salt=meta["salt"],
                               folder=folder,
                               extraction=meta["extraction"], store=meta["store"],
                               summaries={s[0]: ShardSummary.from_plain(s) for s in meta["summaries"]})
            for name, data, known in db.execute("SELECT name, entry, known FROM files"):
                old = Entry(*unpack(data))
                state.files[name] = old
                state.outlets.update(old.outlets)
                state.names.update(old.names, old.acronyms)
                if known is not None:
                    state.known[name] = unpack(known, lists=True)
        finally:
            db.close()
    except (sqlite3.DatabaseError, KeyError, TypeError, ValueError) as err:
        raise CacheDamaged(f"{STATE}: not a build state kg wrote ({err})") from err
    return state


def reset(folder: Path) -> None:
    """Forget everything the cache holds about earlier builds (shards and state)."""
    shutil.rmtree(folder / "shards", ignore_errors=True)
    (folder / STATE).unlink(missing_ok=True)


def begin(folder: Path) -> None:
    """Mark the cache as being changed (until :func:`save_state`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / UNFINISHED).touch()


def save_state(folder: Path, state: BuildState) -> None:
    """Write the files that changed and the build's summaries in one transaction, then
    clear the in-progress marker."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"config": state.config, "summaries": [s.as_plain() for _k, s in sorted(state.summaries.items())],
            "resolution": state.resolution, "salt": state.salt, "extraction": state.extraction, "store": state.store}
    db = _connect(folder)
    try:
        with db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", ((k, pack(meta[k])) for k in _META))
            gone = [(name,) for name in state.changed if name not in state.files]
            db.executemany("DELETE FROM files WHERE name = ?", gone)
            for name in sorted(state.changed):
                if name not in state.files:
                    continue
                known = pack(state.known[name]) if name in state.known else None
                if name in state.provisional:
                    provisional = pack(encode_facts(state.provisional[name])) if state.provisional[name] else None
                    db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                               (name, pack(state.files[name]), provisional, known))
                else:  # its provisional facts on disk are still right
                    db.execute("INSERT INTO files VALUES (?, ?, NULL, ?) ON CONFLICT(name) DO UPDATE "
                               "SET entry = excluded.entry, known = excluded.known", (name, pack(state.files[name]), known))
    finally:
        db.close()
    state.changed.clear()
    (folder / UNFINISHED).unlink(missing_ok=True)
