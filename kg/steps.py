"""The steps :func:`kg.builder.build` runs, one function each, in the order it runs them.

1. :func:`find_changes` — which files are new or changed since the last build
   (:mod:`kg.incremental`), and :func:`forget` the facts of those and of files
   that are gone;
2. :func:`map_files` — read and map the changed files over all cores
   (:func:`map_chunk` is the per-batch work every engine runs unchanged) and
   append their facts to their shards; :func:`extract_and_map` when entities
   are read from text, which needs the names the whole corpus gives first;
3. :func:`route_outlets` — outlets known only by name take the domain other
   files give that name (the one global fact);
4. :func:`settle_shards` — the reduce: settle every shard whose facts changed;
5. :func:`settle_story_part` — stories across the corpus, from every article's sketch.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engines import chunked, run_tasks, workers_for
from .facts.keys import outlet_names
from .facts.map import document_facts
from .facts.names import Target, resolve as resolve_names, targets as name_targets
from .facts.reduce import PROVISIONAL, outlet_files, outlet_targets, resolve
from .facts.records import Fact
from .facts.shuffle import Block, append_block, encode_block, split_facts
from .entries import EMPTY, SIGNATURE, FileRecord, pack_shards, pack_signature, signature
from .incremental import BuildState
from .inputs import read_file
from .model import Document, FileOutcome
from .pieces import ShardSummary, piece_path, reduce_shard


@dataclass
class MapTask:
    """A batch of files for one worker: read them, and map them unless text extraction
    must run first (*map_now* false: their documents come back instead)."""

    files: list[tuple[str, str]]
    format: str | None
    manifest: dict[str, str]
    shards: int
    map_now: bool


@dataclass
class Chunk:
    """What a worker made of a batch of files: their records, their facts as encoded
    blocks per shard, or their documents."""

    records: list[FileRecord]
    blocks: dict[int, bytes] = field(default_factory=dict)
    docs: list[tuple[str, list[Document]]] = field(default_factory=list)


def find_changes(state: BuildState, files: list[tuple[str, str]],
                 manifest: dict[str, str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The files to read — new ones, and those whose signature or manifest url changed — and
    the names of files the state holds that are gone: one pass over the file list and the
    state, both in name order."""
    todo: list[tuple[str, str]] = []
    gone: list[str] = []
    known = state.files.items()
    held = next(known, None)
    for path, name in files:
        while held is not None and held[0] < name:
            gone.append(held[0])
            held = next(known, None)
        old = None
        if held is not None and held[0] == name:
            old, held = held[1], next(known, None)
        try:
            sig: tuple[int, ...] | None = signature(path)
        except OSError:
            sig = None
        if old is None or sig is None or old.sig != pack_signature(sig) or old.url != manifest.get(os.path.basename(path)):
            todo.append((path, name))
    while held is not None:
        gone.append(held[0])
        held = next(known, None)
    return todo, gone


def forget(state: BuildState, folder: Path, names: list[str]) -> set[int]:
    """Drop what the state and the shards hold of these files; return the shards touched."""
    pending: dict[int, Block] = defaultdict(dict)
    for name in names:
        old = state.remove(name)
        if old is None:
            continue
        for shard in old.shards:
            pending[shard][(name, "")] = None
        for shard in old.named_shards:
            pending[shard][(name, "named")] = None
    for shard, block in pending.items():
        append_block(folder, shard, encode_block(block))
    return set(pending)


def map_documents(record: FileRecord, docs: list[Document], shards: int, out: dict[int, Block]) -> None:
    """The map step for one file: its documents' facts, split by shard into *out*;
    facts about outlets known only by name wait in the record until every file is read."""
    facts: list[Fact] = []
    articles = set()
    record.notes, record.names, record.acronyms = [], [], []
    for doc in sorted(docs, key=lambda d: (d.source, d.index)):
        mapped = document_facts(doc)
        articles.add(mapped.article)
        record.notes.extend(mapped.notes)
        record.names.extend(mapped.names)
        record.acronyms.extend(mapped.acronyms)
        facts.extend(mapped.facts)
    record.outcome.articles = sorted(articles)
    record.provisional = [f for f in facts if f.node.startswith(PROVISIONAL)]
    by_shard = split_facts((f for f in facts if not f.node.startswith(PROVISIONAL)), shards)
    record.shards = sorted(by_shard)
    for shard, shard_facts in by_shard.items():
        out.setdefault(shard, {})[(record.name, "")] = shard_facts


def map_chunk(task: MapTask) -> Chunk:
    """Read a batch of files and (unless ``task.map_now`` is false) map them."""
    from .extract.run import known_names

    chunk = Chunk([])
    blocks: dict[int, Block] = {}
    for path, name in task.files:
        try:
            sig: tuple[int, ...] | None = signature(path)
        except OSError:
            sig = None
        docs, outcome = read_file(path, name, task.format, task.manifest)
        record = FileRecord(name, sig, task.manifest.get(os.path.basename(path)), outcome, documents=len(docs),
                            outlets=[pair for doc in docs for pair in outlet_names(doc)])
        if task.map_now:
            map_documents(record, docs, task.shards, blocks)
        else:
            record.known = known_names(docs)
            chunk.docs.append((name, docs))
        chunk.records.append(record)
    chunk.blocks = {s: encode_block(b) for s, b in blocks.items()}
    return chunk


@dataclass
class Mapped:
    """What :func:`map_files` did: files read, shards touched, and (with an extractor)
    the records and documents still waiting for text extraction."""

    files_read: int = 0
    dirty: set[int] = field(default_factory=set)
    records: list[FileRecord] = field(default_factory=list)
    docs: list[tuple[str, list[Document]]] = field(default_factory=list)


def map_files(state: BuildState, folder: Path, todo: list[tuple[str, str]], task: MapTask, workers: int | None,
              engine: str, advance: Callable[[int], None]) -> Mapped:
    """Read and map *todo* over processes (or Dask), appending each batch's facts to its shards."""
    count = workers_for(len(todo), workers)
    tasks = [MapTask(batch, task.format, task.manifest, task.shards, task.map_now) for batch in chunked(todo, count)]
    mapped = Mapped(files_read=len(todo))
    for sent, chunk in zip(tasks, run_tasks(map_chunk, tasks, count, engine)):
        for shard, data in chunk.blocks.items():
            append_block(folder, shard, data)
            mapped.dirty.add(shard)
        for (_path, name), record in zip(sent.files, chunk.records):
            record.name = name  # the string the file list already holds, not a copy
            if task.map_now:
                state.add(record)
            else:
                mapped.records.append(record)
        mapped.docs.extend(chunk.docs)
        advance(len(chunk.records))
    return mapped


def corpus_targets(state: BuildState) -> dict[str, Target]:
    """Where every provisional node goes: outlets known by name, names settled across the corpus."""
    return {**outlet_targets(state.outlets),
            **name_targets(state.names, resolve_names(state.names), outlet_files(state.outlets))}


def route_provisional(state: BuildState, folder: Path, changed: set[str], shards: int) -> set[int]:
    """Settle the nodes whose identity needs the whole corpus (:func:`corpus_targets`) and
    place again the facts of files that name one whose target moved; return the shards touched."""
    targets = corpus_targets(state)
    moved = {k for k in set(targets) | set(state.resolution) if targets.get(k) != state.resolution.get(k)}
    pending: dict[int, Block] = defaultdict(dict)
    dirty: set[int] = set()
    again = {n for n in changed if (state.files.get(n) or EMPTY).nodes}
    if moved:
        again |= {n for n, entry in state.files.items(with_nodes=True) if not moved.isdisjoint(entry.nodes)}
    for name in sorted(again):
        old = state.files[name]
        dirty.update(old.shards)
        for shard in old.named_shards:
            pending[shard][(name, "named")] = None
        by_shard = split_facts(resolve(state.provisional_facts(name), targets), shards)
        state.files[name] = old._replace(named_bytes=pack_shards(by_shard))
        for shard, facts in by_shard.items():
            pending[shard][(name, "named")] = facts
    for shard, block in pending.items():
        append_block(folder, shard, encode_block(block))
    state.resolution = targets
    return dirty | set(pending)


def _reduce_task(args: tuple[Path, int, dict[str, Target], tuple[str, ...], int]) -> ShardSummary:
    return reduce_shard(*args)


def settle_shards(state: BuildState, folder: Path, dirty: set[int], exports: tuple[str, ...], max_nodes: int,
                  workers: int | None, engine: str, advance: Callable[[int], None]) -> None:
    """Settle every changed shard, biggest first (so one large shard does not finish alone
    at the end); keep each one's previous N-Triples for the store update."""
    order = sorted(dirty, key=lambda s: -_size(piece_path(folder, s, "facts")))
    for shard in order:
        nt = piece_path(folder, shard, "nt")
        if nt.exists():
            os.replace(nt, piece_path(folder, shard, "nt-prev"))
    tasks = [(folder, s, state.resolution, exports, max_nodes) for s in order]
    count = workers_for(len(tasks) * 100, workers) if len(tasks) > 4 else 1
    for summary in run_tasks(_reduce_task, tasks, count, engine):
        state.summaries[summary.shard] = summary
        advance(1)


def settle_story_part(state: BuildState, folder: Path, shards: int, dirty: set[int], exports: tuple[str, ...],
                      max_nodes: int) -> bool:
    """Find the stories again when any shard changed (:func:`kg.storypieces.settle_stories`):
    the part after the shards. Returns whether it was written."""
    from .storypieces import settle_stories

    if not dirty and shards in state.summaries:
        return False
    nt = piece_path(folder, shards, "nt")
    if nt.exists():
        os.replace(nt, piece_path(folder, shards, "nt-prev"))
    state.summaries[shards] = settle_stories(folder, shards, exports, max_nodes)
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def extract_and_map(state: BuildState, mapped: Mapped, files: list[tuple[str, str]], task: MapTask,
                    ner: str, model: str | None, workdir: Path, workers: int | None) -> dict[str, Any]:
    """Find entities in the text, then map. Extraction needs what the whole corpus says:
    the names every file gives in fields (:func:`kg.extract.run.known_names`) and the names
    the model types confidently across files (:mod:`kg.extract.propagate`); when either
    changed, every file is mapped again (documents come from the document cache, or are
    read again; the model's spans from its cache). Returns extraction counts."""
    from .cache import DocumentCache
    from .extract.propagate import confident, propagate

    cache = DocumentCache(workdir)
    for name, docs in mapped.docs:
        cache.put(name, docs)
    records = {r.name: r for r in mapped.records}
    known = _known(state, records)
    known_salt = _digest(known)
    work = list(mapped.docs)
    again = known_salt != state.salt.split(":")[0]
    if again:
        work += _remap_all(state, records, files, task, cache, mapped)
    run = _Extraction(ner, model, known, workdir, workers)
    run.first_pass(work, records)
    names = confident(_typed(state, records), known)
    salt = f"{known_salt}:{_digest(names)}"
    if salt != state.salt and not again:
        more = _remap_all(state, records, files, task, cache, mapped)
        run.first_pass(more, records)
        work += more
        names = confident(_typed(state, records), known)
        salt = f"{known_salt}:{_digest(names)}"
    state.salt = salt
    cache.keep(set(state.files) | set(records))
    cache.close()
    propagated = propagate([d for _name, docs in work for d in docs], names)
    for name, docs in work:
        records[name].mentions = sum(len(d.mentions) for d in docs)
    pending: dict[int, Block] = {}
    for name, docs in sorted(work, key=lambda item: item[0]):
        record = records[name]
        for shard in record.shards:
            pending.setdefault(shard, {})[(name, "")] = None
        map_documents(record, docs, task.shards, pending)
    for shard, block in pending.items():
        append_block(workdir / "shards", shard, encode_block(block))
        mapped.dirty.add(shard)
    for record in records.values():
        state.add(record)
    total = mentions = 0
    for kept in state.files.values():
        total += kept.texts
        mentions += kept.mentions
    extraction = {"extractor": ner, "version": run.version or state.extraction.get("version"), "texts": total,
                  "extracted": run.extracted, "cached": total - run.extracted, "mentions": mentions,
                  "propagated_names": len(names), "propagated": propagated}
    state.extraction = dict(extraction)
    return extraction


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16] if value else ""


class _Extraction:
    """The model's pass over documents: mentions from the model (its spans cached) and the
    corpus's fields, each file's names as the model typed them, what reading said."""

    def __init__(self, ner: str, model: str | None, known: dict[str, str], workdir: Path, workers: int | None):
        self.ner, self.model, self.known, self.workdir, self.workers = ner, model, known, workdir, workers
        self.extractor: Any = None
        self.version: str | None = None
        self.extracted = 0

    def first_pass(self, work: list[tuple[str, list[Document]]], records: dict[str, FileRecord]) -> None:
        from .extract import get_extractor
        from .extract.propagate import typed_names
        from .extract.run import extract_documents, texts

        if not work:
            return
        if self.extractor is None:
            self.extractor = get_extractor(self.ner, known=self.known, model=self.model)
            self.version = self.extractor.version
        every_doc = [d for _name, docs in work for d in docs]
        before = [len(d.notes) for d in every_doc]
        self.extracted += extract_documents(every_doc, self.extractor, self.workdir, "", self.workers)["extracted"]
        said = {id(d): d.notes[n:] for d, n in zip(every_doc, before)}
        for name, docs in work:
            records[name].texts = sum(1 for d in docs for _t in texts(d))
            records[name].typed = typed_names(docs)
            for note in (note for d in docs for note in said[id(d)]):  # what extraction says goes in the report
                if note not in records[name].outcome.notes:
                    records[name].outcome.notes.append(note)


def _typed(state: BuildState, fresh: dict[str, FileRecord]) -> list[dict[str, dict[str, int]]]:
    """Every file's names as the model typed them, by file name."""
    return [fresh[name].typed if name in fresh else state.typed[name]
            for name in sorted(set(state.typed) | set(fresh))]


def _known(state: BuildState, fresh: dict[str, FileRecord]) -> dict[str, str]:
    """Names the corpus gives in fields (first file by name wins), for the extractor."""
    known: dict[str, str] = {}
    for name in sorted(set(state.known) | set(fresh)):
        given = fresh[name].known if name in fresh else state.known[name]
        for k, v in given.items():
            known.setdefault(k, v)
    return dict(sorted(known.items()))


def _remap_all(state: BuildState, records: dict[str, FileRecord], files: list[tuple[str, str]], task: MapTask,
               cache: Any, mapped: Mapped) -> list[tuple[str, list[Document]]]:
    """Every unchanged ingested file's documents again (from the cache, else read again),
    with a fresh record in *records*."""
    from .extract.run import known_names

    paths = {n: p for p, n in files}
    work = []
    for name, old in list(state.files.items()):
        if name in records or old.status != "ingested":
            continue
        docs = cache.get(name)
        if docs is None:
            docs, _outcome = read_file(paths[name], name, task.format, task.manifest)
            mapped.files_read += 1
        work.append((name, docs))
        state.remove(name)
        sig = SIGNATURE.unpack(old.sig) if old.sig else None
        outcome: FileOutcome = old.outcome(name)
        records[name] = FileRecord(name, sig, old.url, outcome, documents=old.documents, outlets=list(old.outlets),
                                   known=known_names(docs), shards=list(old.shards),
                                   named_shards=list(old.named_shards))
        mapped.records.append(records[name])
    return work
