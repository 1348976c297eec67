"""What a build remembers in ``OUT/.kg-cache`` so the next one redoes only what changed.

``state.pickle`` holds one :class:`FileRecord` per input file (its size,
modification and change times and inode, its outcome, the shards its facts went to)
and one summary per shard. A rebuild re-reads a file only when its
signature changed (or its manifest url did), replaces its facts in the
shards it touched (:mod:`kg.shards`), and settles only those shards again.

The state is valid only for the same code and settings (:func:`config_key`);
a build that stops half-way leaves a marker, and the next build then starts
clean, so an interrupted build can never leave a stale cache behind.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> state = load_state(folder, "k"); state.files
{}
>>> save_state(folder, state); load_state(folder, "k").config
'k'
"""

from __future__ import annotations

import hashlib
import json
import struct
from array import array
from collections.abc import Iterable
import os
import pickle
import shutil
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__

STATE = "state.pickle"
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


@dataclass
class FileRecord:
    """One input file as a worker just read it (kept in the state as an :class:`Entry`)."""

    name: str
    signature: tuple[int, ...] | None
    url: str | None
    outcome: Any  # kg.pipeline.FileOutcome
    documents: int = 0
    notes: list[dict[str, str]] = field(default_factory=list)  # for merges.json
    outlets: list[tuple[str, str]] = field(default_factory=list)  # (name key, domain)
    known: dict[str, str] = field(default_factory=dict)  # names for text extraction
    shards: list[int] = field(default_factory=list)
    provisional: list[Any] = field(default_factory=list)  # facts about name-only outlets
    named_shards: list[int] = field(default_factory=list)
    texts: int = 0  # texts given to the extractor
    mentions: int = 0  # mentions it found


class Entry(NamedTuple):
    """What the state keeps of one file: a few hundred bytes of plain values, so the state
    of a million files loads in seconds. An ordinary ingested file keeps its format and
    article IRIs; any other outcome keeps its report entry as JSON text."""

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

    @property
    def shards(self) -> tuple[int, ...]:
        return tuple(array("H", self.shard_bytes))

    @property
    def named_shards(self) -> tuple[int, ...]:
        return tuple(array("H", self.named_bytes))

    def outcome(self, name: str, indent: str = "") -> str:
        """The file's report entry, as ``json.dumps(..., indent=1)`` writes it (each line
        after *indent*, for nesting)."""
        if self.other is not None:
            return "\n".join(indent + line for line in self.other.split("\n")) if indent else self.other
        i = indent
        articles = "".join(f"\n{i}  {json.dumps(a, ensure_ascii=False)}," for a in self.articles)[:-1]
        return (f'{i}{{\n{i} "file": {json.dumps(name, ensure_ascii=False)},\n{i} "status": "ingested",\n{i} "format": '
                f'{json.dumps(self.format, ensure_ascii=False)}'
                + (f',\n{i} "articles": [{articles}\n{i} ]' if articles else "") + f"\n{i}}}")


def pack_shards(shards: Iterable[int]) -> bytes:
    return array("H", sorted(shards)).tobytes()


SIGNATURE = struct.Struct("<qqqq")


def pack_signature(sig: tuple[int, ...] | None) -> bytes | None:
    return None if sig is None else SIGNATURE.pack(*sig)


_shared: dict[Any, Any] = {}


def _same(value: Any) -> Any:
    """One object for equal small values (outlet pairs, formats): less memory, smaller state."""
    return _shared.setdefault(value, value)


def entry(record: FileRecord) -> Entry:
    """The state's form of a file record."""
    o = record.outcome
    plain = (o.status == "ingested" and o.format is not None and not o.notes and o.reason is None and o.line is None
             and not o.failed_records)
    articles = tuple(o.articles) if plain else ()
    return Entry(pack_signature(record.signature), record.url, _same(o.status), record.documents,
                 _same(o.format), articles, None if plain else json.dumps(o.as_dict(), ensure_ascii=False, indent=1),
                 pack_shards(record.shards), pack_shards(record.named_shards),
                 tuple((n["source"], n["message"]) for n in record.notes),
                 tuple(_same(tuple(pair)) for pair in record.outlets), record.texts, record.mentions)


@dataclass
class BuildState:
    """Everything :mod:`kg.incremental` keeps between builds."""

    config: str
    files: dict[str, Entry] = field(default_factory=dict)
    summaries: dict[int, Any] = field(default_factory=dict)  # shard → kg.shards.ShardSummary
    outlets: Counter[tuple[str, str]] = field(default_factory=Counter)  # (name key, domain) → files
    provisional: dict[str, list[Any]] = field(default_factory=dict)  # file → facts about name-only outlets
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # file → names, with an extractor
    resolution: dict[str, str] = field(default_factory=dict)
    salt: str = ""
    extraction: dict[str, Any] = field(default_factory=dict)
    store: dict[str, Any] = field(default_factory=dict)  # folder and shard digests it holds

    def remove(self, name: str) -> Entry | None:
        """Forget a file; return what was kept of it."""
        old = self.files.pop(name, None)
        for pair in old.outlets if old is not None else ():
            self.outlets[pair] -= 1
            if self.outlets[pair] <= 0:
                del self.outlets[pair]
        self.provisional.pop(name, None)
        self.known.pop(name, None)
        return old

    def add(self, record: FileRecord) -> None:
        """Remember a file just read (and mapped)."""
        self.files[record.name] = entry(record)
        self.outlets.update(record.outlets)
        if record.provisional:
            self.provisional[record.name] = record.provisional
        if record.known:
            self.known[record.name] = record.known


def load_state(folder: Path, config: str) -> BuildState:
    """The previous build's state, or a fresh one (and an emptied shard folder) when the
    settings or code changed or the previous build did not finish."""
    path = folder / STATE
    fresh = BuildState(config)
    if (folder / UNFINISHED).exists() or not path.is_file():
        _reset(folder)
        return fresh
    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # an unreadable cache is only a slower build
        _reset(folder)
        return fresh
    if not isinstance(state, BuildState) or state.config != config:
        _reset(folder)
        return fresh
    return state


def _reset(folder: Path) -> None:
    shutil.rmtree(folder / "shards", ignore_errors=True)
    (folder / STATE).unlink(missing_ok=True)


def begin(folder: Path) -> None:
    """Mark the cache as being changed (until :func:`save_state`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / UNFINISHED).touch()


def save_state(folder: Path, state: BuildState) -> None:
    """Write the state atomically and clear the in-progress marker."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (STATE + ".tmp")
    tmp.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, folder / STATE)
    (folder / UNFINISHED).unlink(missing_ok=True)
