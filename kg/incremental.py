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
>>> state = load_state(folder, "k"); len(state.files)
0
>>> save_state(folder, state); load_state(folder, "k").config
'k'
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .codec import pack, unpack
from .errors import CacheDamaged
from .facts.names import NameTable, Target
from .entries import Entry, FileRecord, entry, from_bytes
from .facts.records import Fact
from .facts.shuffle import decode_facts, encode_facts
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


#: Changed entries held in memory before they are written to the state (a clean build of a
#: million files never holds a million entries).
FLUSH_EVERY = 20_000
_TABLES = ("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
           "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, entry BLOB NOT NULL, status TEXT NOT NULL, "
           "documents INTEGER NOT NULL, nodes INTEGER NOT NULL, provisional BLOB, known BLOB)")


def _connect(folder: Path) -> sqlite3.Connection:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(folder / STATE, timeout=60)
    except sqlite3.DatabaseError as err:
        raise sql_error(err) from err
    try:
        for table in _TABLES:
            db.execute(table)
    except sqlite3.DatabaseError as err:
        db.close()  # a full disk must not leave the file open (a notebook would hold it)
        raise sql_error(err) from err
    return db


#: SQLite's result codes for a disk that is full or failing (not a damaged file).
_DISK_ERRORS = {13: errno.ENOSPC, 10: errno.EIO, 14: errno.EACCES}


def sql_error(err: sqlite3.DatabaseError) -> Exception:
    """What an SQLite error means for the build: the disk (an :class:`OSError`, so the
    build reports it as an output error), or a state that is not what kg wrote."""
    code = getattr(err, "sqlite_errorcode", None)
    if code in _DISK_ERRORS:
        return OSError(_DISK_ERRORS[code], f"{os.strerror(_DISK_ERRORS[code])} (the build state: {err})", STATE)
    return CacheDamaged(f"{STATE}: not a build state kg wrote ({err})")


class FileTable:
    """Every file's :class:`Entry`, by name: in SQLite, with the entries this build changed
    in memory until written (every :data:`FLUSH_EVERY`, and at the end). Reads see both;
    :meth:`items` streams them in name order, so no build holds every entry at once."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.pending: dict[str, Entry | None] = {}  # None: removed
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None and self.folder is not None and (self.folder / STATE).is_file():
            self._db = _connect(self.folder)
        return self._db

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        db = self._conn()
        if db is None:
            return []
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            raise sql_error(err) from err

    def get(self, name: str) -> Entry | None:
        if name in self.pending:
            return self.pending[name]
        rows = self._query("SELECT entry FROM files WHERE name = ?", (name,))
        return from_bytes(rows[0][0]) if rows else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __getitem__(self, name: str) -> Entry:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def __setitem__(self, name: str, value: Entry) -> None:
        self.pending[name] = value

    def pop(self, name: str, default: Entry | None = None) -> Entry | None:
        old = self.get(name)
        self.pending[name] = None
        return old if old is not None else default

    def items(self, with_nodes: bool = False) -> Iterator[tuple[str, Entry]]:
        """Every entry, by name (with *with_nodes*: only files that name provisional nodes)."""
        import heapq

        where = " WHERE nodes > 0" if with_nodes else ""
        stored = ((name, from_bytes(data)) for name, data in self._rows(f"SELECT name, entry FROM files{where} ORDER BY name")
                  if name not in self.pending)
        fresh = sorted((n, e) for n, e in self.pending.items() if e is not None and (e.nodes or not with_nodes))
        yield from heapq.merge(stored, fresh, key=lambda item: item[0])

    def _rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        db = self._conn()
        if db is None:
            return
        try:
            yield from db.cursor().execute(sql)
        except sqlite3.DatabaseError as err:
            raise sql_error(err) from err

    def __iter__(self) -> Iterator[str]:
        return (name for name, _entry in self.items())

    def values(self) -> Iterator[Entry]:
        return (e for _name, e in self.items())

    def __len__(self) -> int:
        stored = self._query("SELECT COUNT(*) FROM files")
        count = stored[0][0] if stored else 0
        for name, value in self.pending.items():
            before = bool(self._query("SELECT 1 FROM files WHERE name = ?", (name,)))
            count += (value is not None) - before
        return int(count)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class EntryView:
    """Every (name, entry) of a :class:`FileTable`, in name order, each time it is walked."""

    def __init__(self, table: FileTable) -> None:
        self.table = table

    def __iter__(self) -> Iterator[tuple[str, Entry]]:
        return self.table.items()


@dataclass
class BuildState:
    """Everything :mod:`kg.incremental` keeps between builds: the file table on disk, the
    rest (summaries, resolution, aggregates) in memory."""

    config: str
    folder: Path | None = None  # where the state is kept
    files: FileTable = field(default_factory=lambda: FileTable(None))
    summaries: dict[int, ShardSummary] = field(default_factory=dict)
    provisional: dict[str, list[Fact]] = field(default_factory=dict)  # file → its provisional facts, while held
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # file → names, with an extractor
    typed: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # file → names the model typed
    resolution: dict[str, Target] = field(default_factory=dict)  # provisional IRI → where its facts go
    salt: str = ""
    extraction: dict[str, Any] = field(default_factory=dict)
    store: dict[str, Any] = field(default_factory=dict)  # folder and shard digests it holds
    outlets: Counter[tuple[str, str]] = field(default_factory=Counter)  # (name key, domain) → files; derived
    names: NameTable = field(default_factory=NameTable)  # every file's name claims; derived

    def __post_init__(self) -> None:
        if self.files.folder is None and self.folder is not None:
            self.files = FileTable(self.folder)

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
        self.typed.pop(name, None)
        return old

    def provisional_facts(self, name: str) -> list[Fact]:
        """The facts a file states about provisional nodes (read from the state when not held)."""
        if name not in self.provisional:
            rows = self.files._query("SELECT provisional FROM files WHERE name = ?", (name,))
            self.provisional[name] = decode_facts(name, unpack(rows[0][0])) if rows and rows[0][0] is not None else []
        return self.provisional[name]

    def add(self, record: FileRecord) -> None:
        """Remember a file just read (and mapped)."""
        self.files[record.name] = entry(record)
        self.outlets.update(record.outlets)
        self.names.update(record.names, record.acronyms)
        self.provisional[record.name] = record.provisional
        if record.known:
            self.known[record.name] = record.known
        if record.typed:
            self.typed[record.name] = record.typed
        if len(self.files.pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the changed entries (and their provisional facts) to the state."""
        if self.folder is None or not self.files.pending:
            return
        self.files.close()
        db = _connect(self.folder)
        try:
            with db:
                for name, value in sorted(self.files.pending.items()):
                    if value is None:
                        db.execute("DELETE FROM files WHERE name = ?", (name,))
                        continue
                    names = [self.known.get(name, {}), self.typed.get(name, {})]
                    known = pack(names) if any(names) else None
                    row = (name, pack(value), value.status, value.documents, len(value.nodes))
                    if name in self.provisional:
                        facts = self.provisional.pop(name)
                        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   (*row, pack(encode_facts(facts)) if facts else None, known))
                    else:  # its provisional facts on disk are still right
                        db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(name) DO UPDATE SET "
                                   "entry = excluded.entry, status = excluded.status, documents = excluded.documents, "
                                   "nodes = excluded.nodes, known = excluded.known", (*row, known))
        except sqlite3.DatabaseError as err:
            raise sql_error(err) from err
        finally:
            db.close()
        self.files.pending.clear()

    def counts(self) -> tuple[dict[str, int], int]:
        """Files by status, and documents in all (after :meth:`flush`)."""
        counts = {"ingested": 0, "skipped": 0, "failed": 0}
        for status, n in self.files._query("SELECT status, COUNT(*) FROM files GROUP BY status"):
            counts[status] = n
        total = self.files._query("SELECT COALESCE(SUM(documents), 0) FROM files")
        return counts, int(total[0][0]) if total else 0


_META = ("config", "summaries", "resolution", "salt", "extraction", "store")


def load_state(folder: Path, config: str) -> BuildState:
    """The previous build's state, or a fresh one (and an emptied shard folder) when the
    settings or code changed or the previous build did not finish; raises
    :class:`~kg.errors.CacheDamaged` when the state is not what kg wrote. Entries stay on
    disk; only what every build needs (aggregates, summaries) is read into memory."""
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
            state = BuildState(config, folder=folder, resolution={k: Target(*v) for k, v in meta["resolution"].items()},
                               salt=meta["salt"], extraction=meta["extraction"], store=meta["store"],
                               summaries={s[0]: ShardSummary.from_plain(s) for s in meta["summaries"]})
            for name, data, known in db.execute("SELECT name, entry, known FROM files"):
                old = from_bytes(data)
                state.outlets.update(old.outlets)
                state.names.update(old.names, old.acronyms)
                if known is not None:
                    fields, typed = unpack(known, lists=True)
                    if fields:
                        state.known[name] = fields
                    if typed:
                        state.typed[name] = typed
        finally:
            db.close()
    except sqlite3.DatabaseError as err:
        raise sql_error(err) from err
    except (KeyError, TypeError, ValueError) as err:
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
    """Write the files that changed and the build's summaries, then clear the in-progress marker."""
    state.flush()
    meta = {"config": state.config, "summaries": [s.as_plain() for _k, s in sorted(state.summaries.items())],
            "resolution": state.resolution, "salt": state.salt, "extraction": state.extraction, "store": state.store}
    db = _connect(folder)
    try:
        with db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", ((k, pack(meta[k])) for k in _META))
    finally:
        db.close()
    (folder / UNFINISHED).unlink(missing_ok=True)
