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
import io
import json
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from . import __version__
from .errors import ReadError, UnsupportedFormat
from .graph import MergeLog, build_graph, summary
from .io import atomic_write, build_lock
from .model import Document
from .readers import canonical_name, detect_format, get_reader
from .sources import as_source

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

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.name, "status": self.status}
        for key in ("format", "reason", "line", "column"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.articles:
            out["articles"] = self.articles
        if self.notes:
            out["notes"] = self.notes
        return out


@dataclass
class BuildResult:
    """Everything a build produced, in memory."""

    graph: nx.MultiDiGraph
    log: MergeLog
    outcomes: list[FileOutcome]
    documents: int
    title: str = "kg news graph"
    max_nodes: int | None = None
    extraction: dict[str, Any] = field(default_factory=dict)
    files_read: int = 0
    _rdf: Any = None
    _nt: list[str] | None = None
    _nt_bytes: bytes | None = None

    @property
    def nt_lines(self) -> list[str]:
        """The graph as sorted N-Triples lines (mapped on first use)."""
        if self._nt is None:
            from .rdf import ntriples_lines

            self._nt = ntriples_lines(self.graph)
        return self._nt

    @property
    def ntriples(self) -> bytes:
        """The graph as N-Triples bytes, sorted: the form every RDF export starts from."""
        if self._nt_bytes is None:
            self._nt_bytes = ("\n".join(self.nt_lines) + "\n").encode("utf-8") if self.nt_lines else b""
        return self._nt_bytes

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

    def counts(self) -> dict[str, int]:
        out = {"ingested": 0, "skipped": 0, "failed": 0}
        for o in self.outcomes:
            out[o.status] += 1
        return out

    def report(self) -> dict[str, Any]:
        """The per-file account written to ``report.json``."""
        return {
            "kg_version": __version__,
            "files": self.counts(),
            "documents": self.documents,
            "graph": summary(self.graph),
            "merges": len(self.log.merges(self.graph)),
            "conflicts": len(self.log.conflicts),
            "extraction": {k: v for k, v in self.extraction.items() if k not in ("cached", "extracted")},
            "outcomes": [o.as_dict() for o in self.outcomes],
        }


def collect_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[FileOutcome]]:
    """Every file under *paths*, with the name reports use (relative to the input,
    prefixed by the input folder's name). Symlink loops and unreadable folders
    are reported, not followed."""
    found: list[tuple[Path, str]] = []
    problems: list[FileOutcome] = []
    for root in paths:
        root = Path(root)
        if root.is_file():
            found.append((root, root.name))
            continue
        if not root.is_dir():
            problems.append(FileOutcome(str(root), "failed", reason="no such file or folder"))
            continue
        base = root.resolve().name or "input"
        seen: set[tuple[int, int]] = set()
        for folder, dirs, files in os.walk(root, followlinks=True, onerror=None):
            st = os.stat(folder)
            rel_folder = os.path.relpath(folder, root)
            if (st.st_dev, st.st_ino) in seen:
                problems.append(FileOutcome(f"{base}/{rel_folder}", "skipped", reason="symlink loop: folder already visited"))
                dirs[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                rel = os.path.normpath(os.path.join(rel_folder, name))
                display = f"{base}/{rel}"
                if not path.exists():
                    problems.append(FileOutcome(display, "failed", reason="broken symlink or file vanished"))
                    continue
                found.append((path, display))
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


def read_file(path: Path, name: str, fmt: str | None, manifests: dict[str, str],
              cache: Any = None) -> tuple[list[Document], FileOutcome]:
    """Read one file; never raises for bad input, it says what went wrong instead."""
    return read_file_cached(path, name, fmt, manifests, cache)[:2]  # type: ignore[return-value]


def read_file_cached(path: Path, name: str, fmt: str | None, manifests: dict[str, str],
                     cache: Any = None) -> tuple[list[Document], FileOutcome, str | None, bool]:
    """:func:`read_file`, through the document cache: ``(docs, outcome, key, read now)``."""
    from .cache import cache_key
    from .sources import MAX_BYTES

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return [], FileOutcome(name, "failed", reason=f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit"), None, True
        data = path.read_bytes()
    except OSError as err:
        return [], FileOutcome(name, "failed", reason=f"cannot read file: {err.strerror or err}"), None, True
    key = cache_key(data, name, fmt, manifests.get(path.name)) if cache is not None else None
    if key is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit[0], hit[1], key, False
    docs, outcome = _read_bytes(path, data, name, fmt, manifests)
    return docs, outcome, key, True


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
        docs = get_reader(format_name).read(source.text, name)
    except ReadError as err:
        return [], FileOutcome(name, "failed", format=format_name, reason=err.message, line=err.line,
                               column=err.column, notes=source.notes)
    except RecursionError:
        return [], FileOutcome(name, "failed", format=format_name, reason="input nested too deeply to read")
    except Exception as err:  # a reader bug must not stop the build; it is reported with the file
        return [], FileOutcome(name, "failed", format=format_name,
                               reason=f"internal error while reading ({type(err).__name__}: {err}); please report it")
    url = manifests.get(path.name)
    if url:
        apply_manifest(docs, url)
    notes = list(source.notes)
    for doc in docs:
        notes.extend(doc.notes)
    return docs, FileOutcome(name, "ingested", format=format_name, notes=notes)


Read = tuple[list[Document], FileOutcome, "str | None", bool]


def _read_chunk(args: tuple[list[tuple[Path, str]], str | None, dict[str, str], Any]) -> list[Read]:
    chunk, fmt, manifests, cache = args
    return [read_file_cached(path, name, fmt, manifests, cache) for path, name in chunk]


def read_all(files: list[tuple[Path, str]], fmt: str | None, manifests: dict[str, str],
             workers: int | None = None, cache: Any = None) -> Iterator[Read]:
    """Read every file, in order; over several processes when there are many files.

    Reading (decoding, YAML, text patterns) is pure per file, so it spreads
    over processes without changing the result.
    """
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(files) < PARALLEL_FROM:
        for path, name in files:
            yield read_file_cached(path, name, fmt, manifests, cache)
        return
    import multiprocessing

    size = max(50, min(500, len(files) // (workers * 8) or 1))
    chunks = [(files[i : i + size], fmt, manifests, cache) for i in range(0, len(files), size)]
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with context.Pool(workers) as pool:
        for results in pool.imap(_read_chunk, chunks):
            yield from results


def build(paths: Sequence[Path | str], options: Options | None = None) -> BuildResult:
    """Read every file under *paths* and build the graph (nothing is written).

    ``kg.build(["data"])`` in a notebook; ``result.graph`` is the networkx
    graph, ``result.rdf`` the rdflib graph.
    """
    options = options or Options()
    files, problems = collect_files(Path(p) for p in paths)
    if options.out is not None:  # never read kg's own outputs back as input
        out_root = Path(options.out).resolve()
        own = [(p, n) for p, n in files if out_root == p.resolve().parent or out_root in p.resolve().parents]
        files = [item for item in files if item not in own]
        problems += [FileOutcome(n, "skipped", reason="inside kg's output folder (an output, not an input)") for _p, n in own]
    manifests: dict[str, str] = {}
    for path, _name in files:
        if path.suffix.lower() == ".tsv":
            try:
                manifest = read_manifest(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                manifest = None
            if manifest:
                for file_name, url in manifest.items():
                    manifests.setdefault(file_name, url)
    outcomes = list(problems)
    docs: list[Document] = []
    per_file: list[tuple[FileOutcome, list[Document]]] = []
    cache = None
    if options.out is not None:
        from .cache import DocumentCache

        cache = DocumentCache(Path(options.out) / ".kg-cache")
    used: set[str] = set()
    new: dict[str, Any] = {}
    if options.engine == "dask":
        from .engines import read_with_dask

        results = read_with_dask(files, options.format, manifests, cache)
    else:
        results = read_all(files, options.format, manifests, options.workers, cache)
    for i, (file_docs, outcome, key, fresh) in enumerate(results):
        per_file.append((outcome, file_docs))
        docs.extend(file_docs)
        if key is not None:
            used.add(key)
            if fresh:  # pickled now, before extraction adds mentions to the documents
                new[key] = pickle.dumps((file_docs, outcome), protocol=pickle.HIGHEST_PROTOCOL)
        if options.progress:
            options.progress(i + 1, len(files))
    if cache is not None:
        cache.update(used, new)
        cache.close()
    reread = len(new) if cache is not None else len(files)
    extraction = extract_mentions(docs, options)
    graph, log = build_graph(docs)
    for outcome, file_docs in per_file:
        outcome.articles = sorted({log.documents[(d.source, d.index)] for d in file_docs})
        outcomes.append(outcome)
    outcomes.sort(key=lambda o: o.name)
    return BuildResult(graph=graph, log=log, outcomes=outcomes, documents=len(docs), max_nodes=options.max_nodes,
                       extraction=extraction, files_read=reread)


def extract_mentions(docs: list[Document], options: Options) -> dict[str, Any]:
    """Run the chosen extractor over every document's text (cached in the output folder)."""
    import hashlib

    from .extract import best_available, get_extractor
    from .extract.run import extract_documents, known_names

    name = options.ner or best_available()
    if name == "none":
        return {"extractor": "none"}
    known = known_names(docs)
    extractor = get_extractor(name, known=known, model=options.spacy_model)
    salt = hashlib.sha256(json.dumps(known, sort_keys=True).encode()).hexdigest()[:16] if known else ""
    cache_dir = Path(options.out) / ".kg-cache" if options.out else None
    if cache_dir:
        cache_dir.mkdir(parents=True, exist_ok=True)
    counts = extract_documents(docs, extractor, cache_dir, salt, options.workers)
    return {"extractor": name, "version": extractor.version, **counts,
            "mentions": sum(len(d.mentions) for d in docs)}


#: Lines per N-Quads shard.
SHARD_LINES = 1_000_000
#: The named graph kg's triples go in when written as quads.
GRAPH_IRI = "https://w3id.org/newskg/graph"


def write_nquads(result: BuildResult, folder: Path) -> Path:
    """The graph as N-Quads shards (``part-00000.nq`` …) in the named graph :data:`GRAPH_IRI`,
    ready for the bulk loaders of Oxigraph, Virtuoso and Fuseki; replaced as a whole."""
    import shutil

    tmp = folder.with_name(folder.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    lines = result.nt_lines
    suffix = f" <{GRAPH_IRI}> .\n"
    for n, start in enumerate(range(0, max(len(lines), 1), SHARD_LINES)):
        chunk = lines[start : start + SHARD_LINES]
        data = "".join(line[:-2] + suffix for line in chunk).encode("utf-8")
        atomic_write(tmp / f"part-{n:05d}.nq", data)
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
    """Render every export, then write them and the reports atomically under a lock;
    then load the embedded SPARQL store (``store/``) and swap it in."""
    from .exporters import get_exporter

    nquads = "nquads" in exports
    exports = [e for e in exports if e != "nquads"]
    with build_lock(out_dir):
        rendered: list[tuple[Path, bytes]] = []
        for name in exports:
            exporter = get_exporter(name)
            rendered.append((out_dir / exporter.FILENAME, exporter.render(result)))
        report = json.dumps(result.report(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        merges = {
            "merges": result.log.merges(result.graph),
            "conflicts": result.log.conflicts,
            "notes": sorted(result.log.notes, key=lambda n: (n["source"], n["message"])),
        }
        rendered.append((out_dir / "report.json", report.encode("utf-8")))
        rendered.append((out_dir / "merges.json", (json.dumps(merges, ensure_ascii=False, indent=1) + "\n").encode("utf-8")))
        for path, data in rendered:
            atomic_write(path, data)
        written = [path for path, _ in rendered]
        if nquads:
            written.append(write_nquads(result, out_dir / "nquads"))
        if store:
            from .store import write_store

            written.append(write_store(out_dir, result.ntriples))
    return written


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
