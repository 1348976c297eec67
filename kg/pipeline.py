"""The build: files → documents → graph → RDF → outputs, with an account of every file.

:func:`build` reads and maps (pure apart from reading files);
:func:`write_outputs` renders every export first and only then replaces the
files, each atomically, under a lock, so a failed or interrupted build leaves
the previous outputs whole.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.md").write_text("---\\ntitle: Hi\\nwebUrl: https://x.org/a\\n---\\n")
>>> _ = (d / "notes.bin").write_bytes(b"\\x00\\x01")
>>> result = build([d])
>>> [(o.name.split("/")[-1], o.status) for o in result.outcomes]
[('a.md', 'ingested'), ('notes.bin', 'failed')]
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import io
import json
import os
import pickle
import shutil
import sys
import tempfile
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import networkx as nx

from . import __version__
from .errors import ReadError, UnsupportedFormat
from .facts import NAMED_OUTLET, Fact, document_facts, outlet_names, outlet_resolution, resolve_outlets
from .incremental import (SIGNATURE, BuildState, Entry, FileRecord, begin, config_key, load_state, pack_shards,
                          pack_signature, save_state, signature)
from .io import atomic_write, build_lock, stage
from .model import Document, ItemFailure
from .readers import canonical_name, detect_format, get_reader
from .shards import (PIECES, ShardSummary, append_block, piece_path, piece_size, read_piece, read_top,
                     read_view, reduce_shard, render_piece, settle, shard_count, split_facts)
from .sources import as_source
from .views import DEFAULT_MAX_NODES

#: Inputs smaller than this are read in one process (starting workers costs more).
PARALLEL_FROM = 400
#: Manifest files: tab-separated, with a ``file`` and a ``url`` column.
MANIFEST_COLUMNS = {"file", "url"}


@dataclass
class Options:
    """What a build does; defaults plus the caller's overrides.

    >>> Options(out=Path("x")).exports[:2]
    ('turtle', 'ntriples')
    """

    out: Path | None = None
    format: str | None = None
    exports: tuple[str, ...] = ("turtle", "ntriples", "jsonld", "html", "graphml", "gexf")
    strict: bool = False
    progress: Callable[[int, int], None] | None = None
    workers: int | None = None
    max_nodes: int | None = None
    ner: str | None = None  # None: the best extractor installed
    spacy_model: str | None = None
    engine: str = "local"  # or "dask"


@dataclass
class FileOutcome:
    """What happened to one input file."""

    name: str
    status: str  # "ingested", "skipped" or "failed"
    format: str | None = None
    articles: list[str] = field(default_factory=list)
    reason: str | None = None
    line: int | None = None
    column: int | None = None
    notes: list[str] = field(default_factory=list)
    failed_records: list[dict[str, Any]] = field(default_factory=list)  # {"record", "line", "reason"}

    @classmethod
    def from_json(cls, text: str) -> "FileOutcome":
        """The outcome :meth:`as_dict` wrote as JSON."""
        d = json.loads(text)
        return cls(d["file"], d["status"], d.get("format"), d.get("articles", []), d.get("reason"), d.get("line"),
                   d.get("column"), d.get("notes", []), d.get("failed_records", []))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.name, "status": self.status}
        for key in ("format", "reason", "line", "column"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.articles:
            out["articles"] = self.articles
        if self.notes:
            out["notes"] = self.notes
        if self.failed_records:
            out["failed_records"] = self.failed_records
        return out


@dataclass
class BuildResult:
    """What a build produced. The graph itself lives in the shard folder
    (:mod:`kg.shards`): outputs stream from its pieces, and the networkx
    graph (``result.graph``) or rdflib graph (``result.rdf``) are assembled
    only when asked for (notebooks, tests, GraphML/GEXF)."""

    problems: list[FileOutcome]  # files found but not read (folders, links, the output folder)
    entries: list[tuple[str, Entry]]  # every file read, by name
    documents: int
    folder: Path
    shards: int
    summaries: dict[int, ShardSummary]
    resolution: dict[str, str] = field(default_factory=dict)
    notes: list[dict[str, str]] = field(default_factory=list)
    title: str = "kg news graph"
    max_nodes: int | None = None
    extraction: dict[str, Any] = field(default_factory=dict)
    files_read: int = 0
    dirty: set[int] = field(default_factory=set)
    workdir: Path | None = None
    state: BuildState | None = None
    timings: dict[str, float] = field(default_factory=dict)
    _graph: nx.MultiDiGraph | None = None
    _rdf: Any = None
    _outcomes: list[FileOutcome] | None = None

    def finish(self) -> None:
        """Remember this build in the cache (after the outputs and the store are written)."""
        if self.workdir is not None and self.state is not None:
            save_state(self.workdir, self.state)
            for shard in self.dirty:
                piece_path(self.folder, shard, "nt-prev").unlink(missing_ok=True)

    def pieces(self, kind: str) -> Iterator[bytes]:
        """One kind of shard piece (``nt``, ``ttl``, ``jsonld``, ``merges``, ``conflicts``), in shard order."""
        for shard in range(self.shards):
            if kind in ("ttl", "jsonld") and not piece_path(self.folder, shard, kind).exists():
                yield render_piece(self.folder, shard, kind)  # an export the build was not asked for
            else:
                yield read_piece(self.folder, shard, kind)

    @property
    def ntriples(self) -> bytes:
        """The graph as N-Triples bytes (each shard's lines sorted; one shard below
        :data:`kg.shards.SHARDS_FROM` files, so small graphs are fully sorted)."""
        return b"".join(self.pieces("nt"))

    @property
    def nt_lines(self) -> list[str]:
        return self.ntriples.decode("utf-8").splitlines()

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The whole graph in networkx (settled again from the shards' facts on first use)."""
        if self._graph is None:
            from .graph import assemble

            nodes = [node for shard in range(self.shards) for node in settle(self.folder, shard, self.resolution)]
            self._graph = assemble(sorted(nodes, key=lambda n: n.iri))
        return self._graph

    @property
    def rdf(self) -> Any:
        """The graph as an rdflib graph (parsed on first use; for notebooks)."""
        if self._rdf is None:
            from rdflib import Graph, Namespace

            from .namespaces import PREFIXES

            self._rdf = Graph(bind_namespaces="none")
            for prefix, ns in PREFIXES.items():
                self._rdf.bind(prefix, Namespace(ns))
            self._rdf.parse(data=self.ntriples.decode("utf-8"), format="nt")
        return self._rdf

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts of nodes by type and edges by relation."""
        nodes: Counter[str] = Counter()
        edges: Counter[str] = Counter()
        for s in self.summaries.values():
            nodes.update(s.nodes)
            edges.update(s.edges)
        return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}

    @property
    def node_count(self) -> int:
        return sum(sum(s.nodes.values()) for s in self.summaries.values())

    @property
    def edge_count(self) -> int:
        return sum(sum(s.edges.values()) for s in self.summaries.values())

    def view(self, max_nodes: int) -> tuple[nx.MultiDiGraph, str]:
        """At most *max_nodes* nodes, the most connected first, with the attributes the page
        shows; and a note saying what was left out. Reads one shard's view at a time, and
        reuses the previous build's slice of every shard whose view did not change."""
        total = self.node_count
        keep: set[str] | None = None
        if total > max_nodes:
            tops = (t for shard in range(self.shards) for t in read_top(self.folder, shard))
            keep = {iri for _d, iri in heapq.nsmallest(max_nodes, tops)}
        keep_key = hashlib.sha256("\n".join(sorted(keep)).encode()).hexdigest() if keep is not None else "all"
        cache_path = self.workdir / "view-slices.pickle" if self.workdir is not None else None
        cached: dict[str, Any] = {}
        if cache_path is not None and cache_path.is_file():
            try:
                cached = pickle.loads(cache_path.read_bytes())
            except Exception:  # a damaged cache is only slower
                cached = {}
        old_parts = cached.get("parts", {}) if cached.get("keep") == keep_key else {}
        parts = {}
        for shard in range(self.shards):
            digest = self.summaries[shard].view_digest
            hit = old_parts.get(shard)
            if hit is not None and hit[0] == digest:
                parts[shard] = hit
                continue
            view = read_view(self.folder, shard)
            nodes = {iri: {k: v for k, v in attrs.items() if k != "degree"}
                     for iri, attrs in view["nodes"].items() if keep is None or iri in keep}
            edges = [e for e in view["edges"] if keep is None or (e[0] in keep and e[1] in keep)]
            parts[shard] = (digest, nodes, edges)
        if cache_path is not None:
            tmp = cache_path.with_name(cache_path.name + ".tmp")
            tmp.write_bytes(pickle.dumps({"keep": keep_key, "parts": parts}, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, cache_path)
        graph = nx.MultiDiGraph()
        for _digest, nodes, _edges in parts.values():
            for iri, attrs in nodes.items():
                graph.add_node(iri, **attrs)
        for u, v, key, relation in sorted(e for _d, _n, edges in parts.values() for e in edges):
            graph.add_edge(u, v, key=key, relation=relation)
        if keep is None:
            return graph, ""
        left = Counter(self.summary()["nodes"])
        left.subtract(Counter(d["type"] for _, d in graph.nodes(data=True)))
        detail = ", ".join(f"{t} {c}" for t, c in sorted(left.items()) if c)
        note = f"Showing the {max_nodes} most connected of {total} nodes; {total - max_nodes} left out ({detail})."
        return graph, note

    @property
    def outcomes(self) -> list[FileOutcome]:
        """What happened to each input file, by name."""
        if self._outcomes is None:
            self._outcomes = sorted([*self.problems, *(FileOutcome.from_json(e.outcome(n)) for n, e in self.entries)],
                                    key=lambda o: o.name)
        return self._outcomes

    def not_ingested(self) -> list[FileOutcome]:
        """The outcomes of files that were skipped or failed, by name."""
        return sorted([*self.problems, *(FileOutcome.from_json(e.outcome(n)) for n, e in self.entries
                                         if e.status != "ingested")], key=lambda o: o.name)

    def counts(self) -> dict[str, int]:
        out = {"ingested": 0, "skipped": 0, "failed": 0}
        for o in self.problems:
            out[o.status] += 1
        for _n, e in self.entries:
            out[e.status] += 1
        return out

    def report(self) -> dict[str, Any]:
        """The per-file account written to ``report.json``."""
        return json.loads(self.report_json())

    def report_json(self) -> bytes:
        """``report.json`` as bytes (see :meth:`report_chunks`)."""
        return b"".join(self.report_chunks())

    def report_chunks(self) -> Iterator[bytes]:
        """``report.json``: counts, graph summary, and one entry per input file, by name, as
        ``json.dumps(..., indent=1)`` writes them; streamed, so a million entries never sit
        in memory as one text."""
        head = {
            "kg_version": __version__,
            "files": self.counts(),
            "documents": self.documents,
            "graph": self.summary(),
            "merges": sum(s.merges for s in self.summaries.values()),
            "conflicts": sum(s.conflicts for s in self.summaries.values()),
            "extraction": {k: v for k, v in self.extraction.items() if k not in ("cached", "extracted")},
        }
        yield (json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "outcomes": ').encode("utf-8")
        problems = sorted((o.name, "\n".join("  " + line for line in json.dumps(
            o.as_dict(), ensure_ascii=False, indent=1).split("\n"))) for o in self.problems)
        items = heapq.merge(problems, ((n, e) for n, e in self.entries), key=lambda item: item[0])
        batch: list[str] = []
        first = True
        for name, item in items:
            batch.append(item if isinstance(item, str) else cast(Entry, item).outcome(name, "  "))
            if len(batch) >= 10_000:
                yield (("[\n" if first else ",\n") + ",\n".join(batch)).encode("utf-8")
                batch, first = [], False
        if batch:
            yield (("[\n" if first else ",\n") + ",\n".join(batch)).encode("utf-8")
            first = False
        yield b"[]\n}\n" if first else b"\n ]\n}\n"

    def merges_json(self) -> Iterator[bytes]:
        """``merges.json``: merged nodes, conflicts and notes, as ``json.dumps(indent=1)`` writes
        them; shard pieces are streamed one at a time."""
        for name, kind in (("merges", "merges"), ("conflicts", "conflicts")):
            yield (b"{\n" if name == "merges" else b",\n") + f' "{name}": '.encode()
            first = True
            for part in self.pieces(kind):
                if part:
                    yield (b"[\n" if first else b",\n") + part
                    first = False
            yield b"[]" if first else b"\n ]"
        notes = sorted(self.notes, key=lambda n: (n["source"], n["message"]))
        text = json.dumps({"notes": notes}, ensure_ascii=False, indent=1)
        yield b",\n" + text[2:].encode("utf-8") + b"\n"


def collect_files(paths: Iterable[Path]) -> tuple[list[tuple[str, str]], list[FileOutcome]]:
    """Every file under *paths*, with the name reports use (relative to the input,
    prefixed by the input folder's name). Symlink loops and unreadable folders
    are reported, not followed."""
    found: list[tuple[str, str]] = []  # plain strings: a million Path objects weigh too much
    problems: list[FileOutcome] = []
    for root in paths:
        root = Path(root)
        if root.is_file():
            found.append((str(root), root.name))
            continue
        if not root.is_dir():
            problems.append(FileOutcome(str(root), "failed", reason="no such file or folder"))
            continue
        base = root.resolve().name or "input"
        seen: set[tuple[int, int]] = set()
        stack = [(str(root), base)]
        while stack:
            folder, prefix = stack.pop()
            try:
                st = os.stat(folder)
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as err:
                problems.append(FileOutcome(prefix, "failed", reason=f"cannot list folder: {err.strerror or err}"))
                continue
            if (st.st_dev, st.st_ino) in seen:
                problems.append(FileOutcome(prefix, "skipped", reason="symlink loop: folder already visited"))
                continue
            seen.add((st.st_dev, st.st_ino))
            subfolders = []
            for entry in entries:
                display = f"{prefix}/{entry.name}"
                try:
                    is_dir = entry.is_dir()  # follows links
                except OSError:
                    is_dir = False
                if is_dir:
                    subfolders.append((entry.path, display))
                elif entry.is_symlink() and not os.path.exists(entry.path):
                    problems.append(FileOutcome(display, "failed", reason="broken symlink or file vanished"))
                else:
                    found.append((entry.path, display))
            stack.extend(reversed(subfolders))
    found.sort(key=lambda item: item[1])
    return found, problems


def read_manifest(text: str) -> dict[str, str] | None:
    """``{file name: url}`` from a manifest TSV (``{}`` for a file table without
    urls); ``None`` if *text* is not a table of files."""
    first = text.split("\n", 1)[0].split("\t")
    if "file" not in first:
        return None
    if not MANIFEST_COLUMNS <= set(first):
        return {}
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    return {row["file"]: row["url"] for row in rows if row.get("file") and row.get("url")}


def apply_manifest(docs: list[Document], url: str) -> None:
    """Give documents the url a manifest lists for their file.

    A one-story page gets it as its own url unless it is a section index
    (ends in ``/`` or ``index.html``); an analysis page's url is the analysis's,
    not the article's; either way the outlet's domain comes from it when the
    document names none.
    """
    from urllib.parse import urlsplit

    from .model import Provider

    host = urlsplit(url).hostname or ""
    for doc in docs:
        if doc.format == "analysis":
            doc.urls.setdefault("analysis", url)
            continue
        path = urlsplit(url).path
        if len(docs) == 1 and not path.endswith("/") and not path.endswith("index.html"):
            doc.urls.setdefault("page", url)
        if doc.provider is None:
            doc.provider = Provider(name=doc.site_name, domain=host or None)
        elif not doc.provider.domain:
            doc.provider.domain = host or None


def _skip_reason(text: str, name: str) -> str:
    if not text.strip():
        return "empty file"
    if name.lower().endswith((".md", ".markdown")):
        return "Markdown without YAML front matter: not a feed item (no '---' block at the top)"
    return "not a supported news document: no YAML front matter, no byline line and no analysis-page layout found"


def read_file(path: str | Path, name: str, fmt: str | None, manifests: dict[str, str]) -> tuple[list[Document], FileOutcome]:
    """Read one file; never raises for bad input, it says what went wrong instead."""
    from .sources import MAX_BYTES

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return [], FileOutcome(name, "failed", reason=f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit")
        data = path.read_bytes()
    except OSError as err:
        return [], FileOutcome(name, "failed", reason=f"cannot read file: {err.strerror or err}")
    return _read_bytes(path, data, name, fmt, manifests)


def _read_bytes(path: Path, data: bytes, name: str, fmt: str | None,
                manifests: dict[str, str]) -> tuple[list[Document], FileOutcome]:
    try:
        source = as_source(data, name=name)
    except ReadError as err:
        return [], FileOutcome(name, "failed", reason=err.message, line=err.line, column=err.column)
    manifest = read_manifest(source.text)
    if manifest is not None:
        reason = (f"manifest: gives the urls of {len(manifest)} files" if manifest else
                  "table of files without a url column (metadata, not a news document)")
        return [], FileOutcome(name, "skipped", format="manifest", reason=reason, notes=source.notes)
    try:
        format_name = canonical_name(fmt) if fmt else detect_format(source.text)
    except UnsupportedFormat as err:
        return [], FileOutcome(name, "failed", reason=str(err))
    if format_name is None:
        return [], FileOutcome(name, "skipped", reason=_skip_reason(source.text, name), notes=source.notes)
    try:
        records = get_reader(format_name).read(source.text, name)
    except ReadError as err:
        return [], FileOutcome(name, "failed", format=format_name, reason=err.message, line=err.line,
                               column=err.column, notes=source.notes)
    except RecursionError:
        return [], FileOutcome(name, "failed", format=format_name, reason="input nested too deeply to read")
    except Exception as err:  # a reader bug must not stop the build; it is reported with the file
        return [], FileOutcome(name, "failed", format=format_name,
                               reason=f"internal error while reading ({type(err).__name__}: {err}); please report it")
    docs = [r for r in records if isinstance(r, Document)]
    failed = [{"record": r.index, **({"line": r.line} if r.line else {}), "reason": r.reason}
              for r in records if isinstance(r, ItemFailure)]
    if failed and not docs:
        return [], FileOutcome(name, "failed", format=format_name, notes=source.notes, failed_records=failed,
                               reason=f"none of its {len(failed)} records could be read")
    url = manifests.get(path.name)
    if url:
        apply_manifest(docs, url)
    notes = list(source.notes)
    for doc in docs:
        notes.extend(doc.notes)
    return docs, FileOutcome(name, "ingested", format=format_name, notes=notes, failed_records=failed)


def _read_chunk(args: tuple[list[tuple[str, str]], str | None, dict[str, str]]) -> list[tuple[list[Document], FileOutcome]]:
    files, fmt, manifests = args
    return [read_file(path, name, fmt, manifests) for path, name in files]


def read_all(files: list[tuple[str, str]], fmt: str | None, manifests: dict[str, str],
             workers: int | None = None) -> Iterator[tuple[list[Document], FileOutcome]]:
    """``(documents, outcome)`` of every file, in order; over processes when there are many
    (reading is pure per file, so that changes nothing but the time)."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM:
        workers = 1
    tasks = [(chunk, fmt, manifests) for chunk in _chunks(files, max(workers, 1))]
    for results in run_tasks(_read_chunk, tasks, workers, "local"):
        yield from results


@dataclass
class Chunk:
    """What a worker made of a batch of files: their records, and their facts as
    pickled blocks per shard (or their documents, when text extraction must run first)."""

    records: list[FileRecord]
    blocks: dict[int, bytes] = field(default_factory=dict)
    docs: list[tuple[str, list[Document]]] = field(default_factory=list)


def map_documents(record: FileRecord, docs: list[Document], shards: int,
                  out: dict[int, dict[tuple[str, str], list[Fact] | None]]) -> None:
    """The map step for one file: its documents' facts, split by shard into *out*;
    facts about name-only outlets wait in the record until every file is read."""
    facts: list[Fact] = []
    articles = set()
    record.notes = []
    for doc in sorted(docs, key=lambda d: (d.source, d.index)):
        mapped = document_facts(doc)
        articles.add(mapped.article)
        record.notes.extend(mapped.notes)
        facts.extend(mapped.facts)
    record.outcome.articles = sorted(articles)
    record.provisional = [f for f in facts if f[0].startswith(NAMED_OUTLET)]
    by_shard = split_facts((f for f in facts if not f[0].startswith(NAMED_OUTLET)), shards)
    record.shards = sorted(by_shard)
    for shard, shard_facts in by_shard.items():
        out.setdefault(shard, {})[(record.name, "")] = shard_facts


def process_chunk(args: tuple[list[tuple[str, str]], str | None, dict[str, str], int, bool]) -> Chunk:
    """Read a batch of files and (unless *map_now* is false) map them: the per-file work
    every engine runs unchanged."""
    from .extract.run import known_names

    files, fmt, manifests, shards, map_now = args
    chunk = Chunk([])
    blocks: dict[int, dict[tuple[str, str], list[Fact] | None]] = {}
    for path, name in files:
        try:
            sig: tuple[int, ...] | None = signature(path)
        except OSError:
            sig = None
        docs, outcome = read_file(path, name, fmt, manifests)
        record = FileRecord(name, sig, manifests.get(os.path.basename(path)), outcome, documents=len(docs),
                            outlets=[pair for doc in docs for pair in outlet_names(doc)])
        if map_now:
            map_documents(record, docs, shards, blocks)
        else:
            record.known = known_names(docs)
            chunk.docs.append((name, docs))
        chunk.records.append(record)
    chunk.blocks = {s: pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL) for s, b in blocks.items()}
    return chunk


def _chunks(files: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    size = max(50, min(500, len(files) // (workers * 8) or 1))
    return [files[i : i + size] for i in range(0, len(files), size)]


def run_tasks(func: Callable[[Any], Any], tasks: list[Any], workers: int, engine: str) -> Iterator[Any]:
    """``func`` over *tasks*, results in order: here, over processes, or on Dask."""
    if engine == "dask":
        from .engines import map_with_dask

        yield from map_with_dask(func, tasks)
        return
    if workers <= 1 or len(tasks) < 2:
        for task in tasks:
            yield func(task)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap(func, tasks)


def _reduce_task(args: tuple[Path, int, dict[str, str], tuple[str, ...], int]) -> ShardSummary:
    return reduce_shard(*args)


def build(paths: Sequence[Path | str], options: Options | None = None) -> BuildResult:
    """Read every file under *paths* and build the graph; outputs are written by
    :func:`write_outputs`.

    With ``options.out`` the work is kept in ``OUT/.kg-cache`` and a rebuild
    redoes only what changed (:mod:`kg.incremental`). ``kg.build(["data"])`` in
    a notebook; ``result.graph`` is the networkx graph, ``result.rdf`` the rdflib graph.
    """
    from .extract import best_available

    options = options or Options()
    clock = Clock()
    files, problems = collect_files(Path(p) for p in paths)
    if options.out is not None:  # never read kg's own outputs back as input
        out_root = os.path.realpath(options.out) + os.sep
        real = {folder: os.path.realpath(folder) + os.sep for folder in {os.path.dirname(p) for p, _n in files}}
        own = [(p, n) for p, n in files if real[os.path.dirname(p)].startswith(out_root)]
        files = [item for item in files if item not in own]
        problems += [FileOutcome(n, "skipped", reason="inside kg's output folder (an output, not an input)") for _p, n in own]
    manifests: dict[str, str] = {}
    for path, _name in files:
        if path.lower().endswith(".tsv"):
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    manifest = read_manifest(fh.read())
            except OSError:
                manifest = None
            if manifest:
                for file_name, url in manifest.items():
                    manifests.setdefault(file_name, url)
    workdir = Path(options.out) / ".kg-cache" if options.out is not None else Path(tempfile.mkdtemp(prefix="kg-build-"))
    shards = shard_count(len(files))
    ner = options.ner or best_available()
    exports = tuple(sorted({e for e in options.exports if e in PIECES}))
    max_nodes = options.max_nodes or DEFAULT_MAX_NODES
    config = config_key(format=options.format, ner=ner, model=options.spacy_model if ner == "spacy" else None,
                        shards=shards, exports=exports, max_nodes=max_nodes)
    state = load_state(workdir, config)
    begin(workdir)
    folder = workdir / "shards"
    folder.mkdir(parents=True, exist_ok=True)
    workers = options.workers if options.workers is not None else min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM:
        workers = 1
    names = {name for _p, name in files}
    todo = []
    for path, name in files:
        old = state.files.get(name)
        try:
            sig = signature(path)
        except OSError:
            sig = None
        if old is None or sig is None or old.sig != pack_signature(sig) or old.url != manifests.get(os.path.basename(path)):
            todo.append((path, name))
    clock.lap("find files and changes")
    pending: dict[int, dict[tuple[str, str], list[Fact] | None]] = defaultdict(dict)

    def forget(name: str) -> None:
        old = state.remove(name)
        if old is None:
            return
        for shard in old.shards:
            pending[shard][(name, "")] = None
        for shard in old.named_shards:
            pending[shard][(name, "named")] = None

    for name in sorted(set(state.files) - names):
        forget(name)
    for _path, name in todo:
        forget(name)
    dirty = set(pending)
    for shard, block in pending.items():
        append_block(folder, shard, block)
    pending.clear()
    new_records: list[FileRecord] = []
    extraction: dict[str, Any] = {"extractor": "none"}
    done = 0
    total = len(todo)
    tasks = [(chunk, options.format, manifests, shards, ner == "none") for chunk in _chunks(todo, max(workers, 1))]
    docs_by_file: list[tuple[str, list[Document]]] = []
    for task, chunk in zip(tasks, run_tasks(process_chunk, tasks, workers, options.engine)):
        for shard, data in chunk.blocks.items():
            append_block(folder, shard, data)
            dirty.add(shard)
        if ner == "none":
            for (_path, name), record in zip(task[0], chunk.records):
                record.name = name  # the string the file list already holds, not a copy
                state.add(record)
        else:
            new_records.extend(chunk.records)
        docs_by_file.extend(chunk.docs)
        done += len(chunk.records)
        if options.progress:
            options.progress(done, total)
    files_read = len(todo)
    clock.lap("read and map")
    if ner != "none":
        files_read += _extract_and_map(state, new_records, docs_by_file, files, manifests, options, ner, workdir,
                                       folder, shards, dirty, extraction)
        clock.lap("extract text and map")
    for record in new_records:
        state.add(record)
    del docs_by_file, new_records
    resolution = outlet_resolution(state.outlets)
    # Outlets known only by name take the domain other files give that name; when that
    # changes, the files naming such an outlet are placed again and their shards settled again.
    moved = {k for k in set(resolution) | set(state.resolution) if resolution.get(k) != state.resolution.get(k)}
    changed = {name for _path, name in todo}
    reroute = sorted(name for name, facts in state.provisional.items()
                     if name in changed or any(f[0] in moved for f in facts))
    for name in reroute:
        old = state.files[name]
        dirty.update(old.shards)
        for shard in old.named_shards:
            pending[shard][(name, "named")] = None
        by_shard = split_facts(resolve_outlets(state.provisional[name], resolution), shards)
        state.files[name] = old._replace(named_bytes=pack_shards(by_shard))
        for shard, facts in by_shard.items():
            pending[shard][(name, "named")] = facts
    for shard, block in pending.items():
        append_block(folder, shard, block)
        dirty.add(shard)
    state.resolution = resolution
    dirty |= {s for s in range(shards) if s not in state.summaries}
    clock.lap("route outlets known by name")
    # biggest shards first, so one large shard does not finish alone at the end
    order = sorted(dirty, key=lambda s: -piece_size(folder, s))
    reduce_tasks = [(folder, s, resolution, exports, max_nodes) for s in order]
    for s in dirty:  # the store update needs what each changed shard held before
        nt = piece_path(folder, s, "nt")
        if nt.exists():
            os.replace(nt, piece_path(folder, s, "nt-prev"))
    for summary in run_tasks(_reduce_task, reduce_tasks, workers if len(reduce_tasks) > 4 else 1, options.engine):
        state.summaries[summary.shard] = summary
    clock.lap(f"settle {len(reduce_tasks)} of {shards} shards")
    kept = [(n, state.files[n]) for _p, n in files if n in state.files]
    result = BuildResult(
        problems=problems, entries=kept, documents=sum(e.documents for _n, e in kept),
        folder=folder, shards=shards, summaries=state.summaries, resolution=resolution,
        notes=[{"source": s, "message": m} for _n, e in kept for s, m in e.notes],
        max_nodes=options.max_nodes, extraction=extraction if ner != "none" else {"extractor": "none"},
        files_read=files_read, dirty=dirty, workdir=workdir, state=state,
    )
    save_state(workdir, state)
    clock.lap("save build state")
    result.timings = clock.laps
    if options.out is None:
        weakref.finalize(result, shutil.rmtree, workdir, True)
    return result


def _extract_and_map(state: BuildState, new_records: list[FileRecord], docs_by_file: list[tuple[str, list[Document]]],
                     files: list[tuple[str, str]], manifests: dict[str, str], options: Options, ner: str,
                     workdir: Path, folder: Path, shards: int, dirty: set[int], extraction: dict[str, Any]) -> int:
    """Text extraction needs the names every file gives (:func:`kg.extract.run.known_names`),
    so with an extractor the map step runs here, after reading. When those names changed,
    every file is mapped again (documents come from the document cache, not re-read).
    Returns how many more files had to be read."""
    import hashlib

    from .cache import DocumentCache
    from .extract import get_extractor
    from .extract.run import extract_documents, known_names, texts

    cache = DocumentCache(workdir)
    for name, docs in docs_by_file:
        cache.put(name, pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    fresh = {r.name: r for r in new_records}
    known: dict[str, str] = {}
    for name in sorted(set(state.known) | set(fresh)):
        given = fresh[name].known if name in fresh else state.known[name]
        for k, v in given.items():
            known.setdefault(k, v)
    known = dict(sorted(known.items()))
    salt = hashlib.sha256(json.dumps(known, sort_keys=True).encode()).hexdigest()[:16] if known else ""
    work = list(docs_by_file)
    reread = 0
    records = dict(fresh)
    if salt != state.salt:
        paths = {n: p for p, n in files}
        for name, old in list(state.files.items()):
            if name in fresh or old.status != "ingested":
                continue
            cached = cache.get(name)
            if cached is not None:
                docs = cached
            else:  # not cached: read again
                docs, _outcome = read_file(paths[name], name, options.format, manifests)
                reread += 1
            work.append((name, docs))
            state.remove(name)
            sig = SIGNATURE.unpack(old.sig) if old.sig else None
            records[name] = FileRecord(name, sig, old.url, FileOutcome.from_json(old.outcome(name)),
                                       documents=old.documents, outlets=list(old.outlets),
                                       known=known_names(docs), shards=list(old.shards),
                                       named_shards=list(old.named_shards))
            new_records.append(records[name])
        state.salt = salt
    cache.keep(set(state.files) | set(records))
    cache.close()
    extracted = 0
    version = state.extraction.get("version")
    if work:
        extractor = get_extractor(ner, known=known, model=options.spacy_model)
        version = extractor.version
        all_docs = [d for _name, docs in work for d in docs]
        extracted = extract_documents(all_docs, extractor, workdir, salt, options.workers)["extracted"]
        for name, docs in work:
            records[name].texts = sum(1 for d in docs for _t in texts(d))
            records[name].mentions = sum(len(d.mentions) for d in docs)
    every = [records[n] if n in records else state.files[n] for n in set(state.files) | set(records)]
    total = sum(r.texts for r in every)
    extraction.update({"extractor": ner, "version": version, "texts": total, "extracted": extracted,
                       "cached": total - extracted, "mentions": sum(r.mentions for r in every)})
    state.extraction = dict(extraction)
    pending: dict[int, dict[tuple[str, str], list[Fact] | None]] = {}
    for name, docs in sorted(work, key=lambda item: item[0]):
        record = records[name]
        for shard in record.shards:
            pending.setdefault(shard, {})[(name, "")] = None
        map_documents(record, docs, shards, pending)
    for shard, block in pending.items():
        append_block(folder, shard, block)
        dirty.add(shard)
    return reread


#: The named graph kg's triples go in when written as quads.
GRAPH_IRI = "https://w3id.org/newskg/graph"


def nquads_chunks(result: BuildResult) -> Iterator[tuple[str, bytes]]:
    """``(file name, N-Quads)`` per shard, in the named graph :data:`GRAPH_IRI`."""
    suffix = f" <{GRAPH_IRI}> .".encode()
    for shard, nt in enumerate(result.pieces("nt")):
        lines = nt.splitlines()
        yield f"part-{shard:05d}.nq", b"".join(line[:-2] + suffix + b"\n" for line in lines)


def write_nquads(result: BuildResult, folder: Path) -> Path:
    """The graph as N-Quads shards (``part-00000.nq`` …, one per shard) in the named graph
    :data:`GRAPH_IRI`, ready for the bulk loaders of Oxigraph, Virtuoso and Fuseki; replaced as a whole."""
    import shutil

    tmp = folder.with_name(folder.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for name, data in nquads_chunks(result):
        if data:
            atomic_write(tmp / name, data)
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        if old.exists():
            shutil.rmtree(old)
        os.replace(folder, old)
    os.replace(tmp, folder)
    if old.exists():
        shutil.rmtree(old)
    return folder


def write_outputs(result: BuildResult, out_dir: Path, exports: Sequence[str], store: bool = True) -> list[Path]:
    """Write every export and the reports to temporary files, then rename them all into
    place, under a lock; then bring the embedded SPARQL store (``store/``) up to date."""
    from .exporters import get_exporter

    nquads = "nquads" in exports
    exports = [e for e in exports if e != "nquads"]
    clock = Clock()
    with build_lock(out_dir):
        staged: list[tuple[Path, Path]] = []
        try:
            for name in exports:
                exporter = get_exporter(name)
                chunks = getattr(exporter, "chunks", None)
                parts = chunks(result) if chunks else iter([exporter.render(result)])
                staged.append((out_dir / exporter.FILENAME, stage(out_dir / exporter.FILENAME, parts)))
                clock.lap(f"write {exporter.FILENAME}")
            staged.append((out_dir / "report.json", stage(out_dir / "report.json", result.report_chunks())))
            staged.append((out_dir / "merges.json", stage(out_dir / "merges.json", result.merges_json())))
            clock.lap("write report.json and merges.json")
        except BaseException:
            for _path, tmp in staged:
                tmp.unlink(missing_ok=True)
            raise
        for path, tmp in staged:
            os.replace(tmp, path)
        written = [path for path, _ in staged]
        if nquads:
            written.append(write_nquads(result, out_dir / "nquads"))
        if store:
            from .store import update_store

            written.append(update_store(out_dir, result))
            clock.lap("update the SPARQL store")
        result.finish()
    result.timings.update(clock.laps)
    return written


class Clock:
    """Wall time per step, for ``kg build --timings`` and the benchmarks."""

    def __init__(self) -> None:
        import time

        self._now = time.perf_counter
        self._last = self._now()
        self.laps: dict[str, float] = {}

    def lap(self, step: str) -> None:
        now = self._now()
        self.laps[step] = self.laps.get(step, 0.0) + now - self._last
        self._last = now


def print_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr, for large inputs on a terminal."""
    if total < 200 or not sys.stderr.isatty():
        return
    if done == total or done % max(1, total // 100) == 0:
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\rreading [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
