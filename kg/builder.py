"""The build: files → map → shuffle → reduce → outputs, with an account of every file.

:func:`build` runs the steps of :mod:`kg.steps` in order. With ``out`` it
takes the output folder's lock before it touches anything there (the cache
included), keeps its work in ``OUT/.kg-cache`` so the next build redoes only
what changed (:mod:`kg.incremental`), and writes the outputs: each staged to a
temporary file and all renamed together only when every one is written, so a
failed, interrupted or refused build leaves the previous outputs whole. A
cache that is not what kg wrote is detected and the build starts clean.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.md").write_text("---\\ntitle: Hi\\nwebUrl: https://x.org/a\\n---\\n")
>>> _ = (d / "notes.bin").write_bytes(b"\\x00\\x01")
>>> result = build([d], Options(ner="none"))
>>> [(o.name.split("/")[-1], o.status) for o in result.outcomes]
[('a.md', 'ingested'), ('notes.bin', 'failed')]
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import CacheDamaged, OutputError, UsageError
from .exporters import DEFAULT_EXPORTS, Export, canonical_export, get_exporter
from .facts.shuffle import shard_count
from .entries import Entry
from .incremental import BuildState, EntryView, begin, config_key, load_state, reset, save_state
from .inputs import collect_files, manifests
from .io import TMP_SUFFIX, build_lock, stage
from .model import FileOutcome
from .pieces import PIECES, GraphPieces, piece_path
from .progress import Progress, Quiet
from .steps import (MapTask, extract_and_map, find_changes, forget, map_files, route_provisional, settle_shards,
                    settle_story_part)
from .views import DEFAULT_MAX_NODES

CACHE = ".kg-cache"


@dataclass
class Options:
    """What a build does; defaults plus the caller's overrides.

    >>> Options(out=Path("x")).exports[:2]
    ('turtle', 'ntriples')
    """

    out: Path | None = None  # None: build in a temporary folder and write no outputs
    format: str | None = None
    exports: tuple[str, ...] | str | None = DEFAULT_EXPORTS  # names, or "turtle,html" as --exports takes
    store: bool = True  # the embedded SPARQL store, with out
    strict: bool = False
    progress: Progress = field(default_factory=Quiet)  # bars or summary lines for the long steps
    workers: int | None = None
    max_nodes: int | None = None
    ner: str | None = None  # None: the best extractor installed
    spacy_model: str | None = None
    engine: str = "local"  # or "dask"
    stories: bool = True  # group coverage of one event into stories


ENGINES = ("local", "dask")


def as_paths(paths: Any) -> list[Path]:
    """The files and folders to read: one path (``str`` or ``os.PathLike``) or an iterable of
    them, as :class:`~pathlib.Path`; anything else is a :class:`~kg.errors.UsageError`.

    >>> as_paths("data"), as_paths(["a", Path("b")])
    ([PosixPath('data')], [PosixPath('a'), PosixPath('b')])
    >>> as_paths(b"data")
    Traceback (most recent call last):
    kg.errors.UsageError: paths: b'data' is bytes; give a file or folder as str or pathlib.Path
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(paths, (bytes, bytearray)):
        raise UsageError(f"paths: {bytes(paths)[:60]!r} is bytes; give a file or folder as str or pathlib.Path")
    try:
        items = list(paths)
    except TypeError:
        raise UsageError(f"paths: {paths!r:.60} is not a file or folder, nor a list of them") from None
    for item in items:
        if not isinstance(item, (str, os.PathLike)) or isinstance(os.fspath(item), bytes):
            raise UsageError(f"paths: {item!r:.60} is not a file or folder path; give str or pathlib.Path")
    return [Path(item) for item in items]


def export_names(exports: tuple[str, ...] | str | None, engine: str = "local") -> tuple[str, ...]:
    """The outputs to write, by registry name and without repeats: from a comma-separated
    string (what ``--exports`` takes) or a sequence of names; ``None`` or ``""``: the defaults.
    The Dask engine adds ``nquads``. An unknown name is one :class:`~kg.errors.UnsupportedFormat`.

    >>> export_names("turtle, HTML,turtle")
    ('turtle', 'html')
    """
    if exports is None or (isinstance(exports, str) and not exports.strip()):
        names: tuple[str, ...] = DEFAULT_EXPORTS
    elif isinstance(exports, str):
        names = tuple(e.strip() for e in exports.split(",") if e.strip())
    else:
        try:
            names = tuple(exports)
        except TypeError:
            raise UsageError(f"--exports {exports!r:.60}: give output names, e.g. 'turtle,html'") from None
        bad = next((e for e in names if not isinstance(e, str)), None)
        if bad is not None:
            raise UsageError(f"--exports: {bad!r:.60} is not an output name, e.g. 'turtle'")
    names = tuple(dict.fromkeys(canonical_export(e) for e in names))
    return (*names, "nquads") if engine == "dask" and "nquads" not in names else names


def checked(options: Options) -> Options:
    """*options* with every field checked at the door, the way ``kg build`` checks its
    options and with the same messages (so ``kg.build(format="bogus")`` fails as
    ``kg build --format bogus`` does), and normalised: ``out`` a Path, ``exports`` names.

    >>> checked(Options(exports="turtle,html", out="x")).exports, checked(Options(out="x")).out
    (('turtle', 'html'), PosixPath('x'))
    >>> checked(Options(ner="bogus"))
    Traceback (most recent call last):
    kg.errors.UsageError: --ner 'bogus': unknown extractor (known: none, rules, spacy)
    """
    from .extract import EXTRACTORS

    out = options.out
    if out is not None and (not isinstance(out, (str, os.PathLike)) or isinstance(os.fspath(out), bytes)):
        raise UsageError(f"--out {out!r:.60}: not a folder path; give str or pathlib.Path")
    if options.format is not None:
        from .readers import canonical_name

        if not isinstance(options.format, str):
            raise UsageError(f"--format {options.format!r:.60}: give a format name, e.g. 'feed'")
        canonical_name(options.format)
    if options.engine not in ENGINES:
        raise UsageError(f"--engine {options.engine!r:.60}: unknown engine (known: {', '.join(ENGINES)})")
    if options.ner is not None and options.ner not in EXTRACTORS:
        raise UsageError(f"--ner {options.ner!r:.60}: unknown extractor (known: {', '.join(EXTRACTORS)})")
    if options.max_nodes is not None and (type(options.max_nodes) is not int or options.max_nodes < 1):
        raise UsageError(f"--max-nodes {options.max_nodes!r:.60}: must be a whole number of 1 or more")
    if options.workers is not None and type(options.workers) is not int:
        raise UsageError(f"--workers {options.workers!r:.60}: must be a whole number")
    if options.spacy_model is not None and not isinstance(options.spacy_model, (str, os.PathLike)):
        raise UsageError(f"--spacy-model {options.spacy_model!r:.60}: give a package name or a folder")
    for flag in ("store", "strict", "stories"):
        if not isinstance(getattr(options, flag), bool):
            raise UsageError(f"{flag}={getattr(options, flag)!r:.60}: give True or False")
    return replace(options, out=None if out is None else Path(out),
                   exports=export_names(options.exports, options.engine),
                   spacy_model=None if options.spacy_model is None else os.fspath(options.spacy_model),
                   progress=options.progress or Quiet())


@dataclass
class Workspace:
    """Where a build keeps its work, and what it must write back after its outputs."""

    folder: Path
    state: BuildState
    dirty: set[int]


@dataclass
class BuildResult:
    """What a build produced: a plain record. The graph itself stays on disk as settled
    shards (``pieces``); ``graph`` and ``rdf`` assemble it in memory on first use, for
    notebooks and tests."""

    pieces: GraphPieces
    problems: list[FileOutcome]  # files found but not read (links to nowhere, FIFOs, kg's own outputs)
    entries: Iterable[tuple[str, Entry]]  # every file read, by name (read from the build state on disk)
    documents: int
    notes: list[dict[str, str]]  # for merges.json
    extraction: dict[str, Any]
    files_read: int
    out: Path | None = None
    written: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # what the user should know (a damaged cache rebuilt)
    work: Workspace | None = None

    @cached_property
    def graph(self) -> Any:
        """The whole graph as a networkx MultiDiGraph."""
        from .graph import assemble

        return assemble(self.pieces)

    @cached_property
    def rdf(self) -> Any:
        """The whole graph as an rdflib Graph."""
        from rdflib import Graph, Namespace

        from .namespaces import PREFIXES

        graph = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, Namespace(ns))
        return graph.parse(data=b"".join(self.pieces.chunks("nt")).decode("utf-8"), format="nt")

    @property
    def outcomes(self) -> list[FileOutcome]:
        """What happened to each input file, by name."""
        return sorted([*self.problems, *(e.outcome(n) for n, e in self.entries)], key=lambda o: o.name)

    def counts(self) -> dict[str, int]:
        from .report import counts

        return counts(self.problems, self.entries)

    def report(self) -> dict[str, Any]:
        """The per-file account ``report.json`` holds."""
        import json

        from .report import report_chunks

        return json.loads(b"".join(report_chunks(self.problems, self.entries, self.documents, self.pieces,
                                                  self.extraction)))

    def __repr__(self) -> str:
        """One line: what was read and what the graph holds (the record itself is large)."""
        return f"<BuildResult: {self.summary()}>"

    def summary(self) -> str:
        """What was read and what the graph holds, in a line."""
        files, nodes = self.counts(), self.pieces.node_counts
        kinds = ", ".join(f"{nodes[t]} {name}" for t, name in (("article", "articles"), ("story", "stories")) if nodes[t])
        graph = f"{sum(nodes.values())} nodes" + (f" ({kinds})" if kinds else "")
        graph += f", {sum(self.pieces.edge_counts.values())} edges"
        failed = f", {files['failed']} failed" if files["failed"] else ""
        where = f", written to {str(self.out)!r}" if self.out is not None else ""
        return f"{self.documents} documents from {files['ingested']} files{failed}; {graph}{where}"

    def _repr_html_(self) -> str:
        """What Jupyter shows for a build: a picture of what its page opens on (inline SVG,
        no script, tens of KB whatever the graph's size; a tooltip on every node), a line of
        counts, and the way to the interactive page: a link to the ``graph.html`` the build
        wrote, and :meth:`page`. (Embedding the page itself added 0.5–3 MB to the notebook
        file per cell, and GitHub or nbviewer would not run it.)"""
        from .exporters.picture import notebook_html
        from .pageview import page_graph

        graph, _note = page_graph(self.pieces, DEFAULT_MAX_NODES)
        page = next((p for p in self.written if p.name == "graph.html"), None)
        try:  # relative to the notebook's folder (the kernel's), as Jupyter serves it
            link = os.path.relpath(page) if page is not None else None
        except ValueError:  # on another drive
            link = page.as_uri() if page is not None else None
        summary = self.summary()
        return notebook_html(graph, summary[:1].upper() + summary[1:], link)

    def page(self, height: int = 760) -> Any:
        """The interactive page, inline in a notebook cell (``result.page()``): the page
        ``graph.html`` holds, sandboxed in an iframe, offline. It carries vis-network and the
        graph, so the notebook file grows by its size (0.6 MB for ``data/``, 2.7 MB for a
        corpus of 3,700 nodes)."""
        from .exporters.html import InlinePage, render_page
        from .pageview import page_graph

        graph, note = page_graph(self.pieces, DEFAULT_MAX_NODES)
        return InlinePage(render_page(graph, notice=note), height)


class Clock:
    """Wall time per step, for ``kg build --timings`` and the benchmarks."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps[step] = self.laps.get(step, 0.0) + now - self._last
        self._last = now


def build(paths: Iterable[Path | str] | Path | str, options: Options | None = None) -> BuildResult:
    """Read every file under *paths* and build the graph; with ``options.out``, write the
    outputs there. ``kg.build(["data"])`` in a notebook. The paths and options are checked
    first (:func:`as_paths`, :func:`checked`): a mistake is one error and nothing is touched."""
    options = checked(options or Options())
    roots = as_paths(paths)
    for root in roots:
        if not os.path.lexists(root):
            raise UsageError(f"{root}: no such file or folder")
    if options.out is None:
        workdir = Path(tempfile.mkdtemp(prefix="kg-build-"))
        result = _build(roots, options, workdir)
        weakref.finalize(result, shutil.rmtree, workdir, True)
        return result
    out = Path(options.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder")
    if not out.parent.is_dir():  # as mkdir without -p: a mistyped path must not grow a tree of folders
        raise OutputError(f"--out {out}: the folder {out.parent} does not exist (kg makes {out.name}/, not its parents)")
    try:
        out.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(f"--out {out}: cannot create the folder ({err.strerror or err})") from err
    with build_lock(out):
        remove_leftovers(out)
        try:
            try:
                return _build_and_write(roots, options, out)
            except CacheDamaged as err:
                reset(out / CACHE)
                result = _build_and_write(roots, options, out)
                result.notices.append(f"the cache in {out / CACHE} was damaged ({err}); built from scratch")
                return result
        except OSError as err:  # e.g. a full disk: the previous outputs are still whole
            where = f" ({err.filename})" if err.filename else ""
            raise OutputError(f"--out {out}: cannot write{where}: {err.strerror or err}; "
                              "the previous outputs are unchanged") from err


def remove_leftovers(out: Path) -> None:
    """Files a killed build left behind: staged outputs and cache files never renamed into place."""
    for path in [*out.glob(f".*{TMP_SUFFIX}"), *out.glob(f"nquads.partial/.*{TMP_SUFFIX}"), *out.glob(".store-*.partial"), *out.glob(".store-link-*"),
                 *out.glob("nquads.partial"), *out.glob("nquads.old"), *(out / CACHE).rglob("*.tmp")]:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _build_and_write(roots: list[Path], options: Options, out: Path) -> BuildResult:
    result = _build(roots, options, out / CACHE)
    try:
        written = write_outputs(result, out, export_names(options.exports), store=options.store,
                                max_nodes=options.max_nodes, locked=True, progress=options.progress)
    finally:
        if result.work is not None:
            result.work.state.files.close()  # reopened when the result is read
    result.out, result.written = out, written
    return result


def _exclude_outputs(files: list[tuple[str, str]], out: Path | None) -> tuple[list[tuple[str, str]], list[FileOutcome]]:
    """Never read kg's own outputs back as input."""
    if out is None:
        return files, []
    root = os.path.realpath(out) + os.sep
    real = {folder: os.path.realpath(folder) + os.sep for folder in {os.path.dirname(p) for p, _n in files}}
    own = [(p, n) for p, n in files if real[os.path.dirname(p)].startswith(root)]
    skipped = [FileOutcome(n, "skipped", reason="inside kg's output folder (an output, not an input)") for _p, n in own]
    return [item for item in files if item not in set(own)], skipped


@dataclass
class Settings:
    """What a build's options come to for this input (and the key its cache is valid for)."""

    ner: str
    exports: tuple[str, ...]
    max_nodes: int
    shards: int
    config: str


def _settings(options: Options, files: int) -> Settings:
    from .extract import best_available

    shards = shard_count(files)
    ner = options.ner or best_available()
    exports = tuple(sorted(set(export_names(options.exports)) & set(PIECES)))
    max_nodes = options.max_nodes or DEFAULT_MAX_NODES
    config = config_key(format=options.format, ner=ner, model=options.spacy_model if ner == "spacy" else None,
                        shards=shards, exports=exports, max_nodes=max_nodes, stories=options.stories)
    return Settings(ner, exports, max_nodes, shards, config)


def _build(roots: list[Path], options: Options, workdir: Path) -> BuildResult:
    """Steps 1-5 (find, map, shuffle, resolve, reduce) into *workdir*; the state is saved by the caller."""
    clock = Clock()
    files, problems = collect_files(roots)
    files, own = _exclude_outputs(files, options.out)
    settings = _settings(options, len(files))
    state = load_state(workdir, settings.config)
    try:
        return _steps(files, problems + own, options, settings, state, workdir, clock)
    finally:
        state.files.close()  # reopened when the result is read


def _steps(files: list[tuple[str, str]], problems: list[FileOutcome], options: Options, settings: Settings,
           state: BuildState, workdir: Path, clock: Clock) -> BuildResult:
    begin(workdir)
    folder = workdir / "shards"
    folder.mkdir(parents=True, exist_ok=True)
    manifest = manifests(files)
    todo, gone = find_changes(state, files, manifest)
    dirty = forget(state, folder, gone + [name for _p, name in todo])
    clock.lap("find files and changes")
    task = MapTask([], options.format, manifest, settings.shards, map_now=settings.ner == "none")
    with options.progress.step("read and map", len(todo), "files") as step:
        mapped = map_files(state, folder, todo, task, options.workers, options.engine, step.advance)
    clock.lap("read and map")
    extraction: dict[str, Any] = {"extractor": "none"}
    if settings.ner != "none":
        with options.progress.step(f"find names in text ({settings.ner})", None, "texts") as step:
            extraction = extract_and_map(state, mapped, files, task, settings.ner, options.spacy_model, workdir,
                                         options.workers)
            step.advance(extraction["extracted"])
        clock.lap("extract text and map")
    dirty |= mapped.dirty | route_provisional(state, folder, {name for _p, name in todo}, settings.shards)
    dirty |= {s for s in range(settings.shards) if s not in state.summaries}
    clock.lap("resolve outlets and names across the corpus")
    with options.progress.step("settle shards", len(dirty), "shards") as step:
        settle_shards(state, folder, dirty, settings.exports, settings.max_nodes, options.workers, options.engine,
                      step.advance)
    clock.lap(f"settle {len(dirty)} of {settings.shards} shards")
    if options.stories:
        with options.progress.step("find stories", None, "stories") as step:
            if settle_story_part(state, folder, settings.shards, dirty, settings.exports, settings.max_nodes):
                dirty.add(settings.shards)
                step.advance(state.summaries[settings.shards].nodes.get("story", 0))
        clock.lap("find stories")
    state.flush()
    _counts, documents = state.counts()
    return BuildResult(
        pieces=GraphPieces(folder, settings.shards, state.summaries, state.resolution), problems=problems,
        entries=EntryView(state.files), documents=documents,
        notes=[{"source": s, "message": m} for _n, e in state.files.items() for s, m in e.notes],
        extraction=extraction, files_read=mapped.files_read, timings=clock.laps,
        work=Workspace(workdir, state, dirty) if options.out is not None else None)


def write_outputs(result: BuildResult, out_dir: Path, exports: Sequence[str], store: bool = True,
                  max_nodes: int | None = None, locked: bool = False, progress: Progress | None = None) -> list[Path]:
    """Write every export and the reports to temporary files, then rename them all into
    place; then bring the embedded SPARQL store (``store/``) up to date."""
    if not locked:
        with build_lock(out_dir):
            return write_outputs(result, out_dir, exports, store, max_nodes, locked=True, progress=progress)
    from .report import merges_chunks, report_chunks

    clock = Clock()
    work = result.work if result.work is not None and result.work.folder.parent == out_dir else None
    export = Export(result.pieces, max_nodes or DEFAULT_MAX_NODES, cache=work.folder if work else None)
    files: list[tuple[str, Any]] = []
    for name in dict.fromkeys(canonical_export(e) for e in exports):
        files.extend(get_exporter(name).files(export))
    files.append(("report.json", report_chunks(result.problems, result.entries, result.documents, result.pieces,
                                               result.extraction)))
    files.append(("merges.json", merges_chunks(result.pieces, result.notes)))
    progress = progress or Quiet()
    with progress.step("write outputs", len(files), "files") as step:
        staged = _stage(out_dir, files, clock, step.advance)
    try:
        store_update = None
        if store:
            from .store import update_store

            with progress.step("make the SPARQL store", None, "triples") as step:
                store_update = update_store(out_dir, result.pieces, work.state.store if work else {})
                step.advance(sum(s.triples for s in result.pieces.summaries.values()))
            clock.lap("make the SPARQL store")
    except BaseException:
        staged.discard()
        raise
    written = [store_update.commit()] if store_update else []  # the store first, then the files
    written[:0] = staged.rename()
    if work:
        if store_update:
            work.state.store = store_update.record
        save_state(work.folder, work.state)
        for shard in work.dirty:
            piece_path(result.pieces.folder, shard, "nt-prev").unlink(missing_ok=True)
    result.timings.update(clock.laps)
    return written


@dataclass
class Staged:
    """Output files written beside their places, waiting to be renamed into them."""

    files: list[tuple[Path, Path]] = field(default_factory=list)  # (place, staged file)
    folders: dict[Path, Path] = field(default_factory=dict)  # place → staged folder (formats in parts)

    def rename(self) -> list[Path]:
        for path, tmp in self.files:
            os.replace(tmp, path)
        for top, partial in self.folders.items():
            _swap_folder(partial, top)
        return [path for path, _tmp in self.files] + list(self.folders)

    def discard(self) -> None:
        for _path, tmp in self.files:
            tmp.unlink(missing_ok=True)
        for partial in self.folders.values():
            shutil.rmtree(partial, ignore_errors=True)


def _stage(out_dir: Path, files: list[tuple[str, Any]], clock: Clock, advance: Callable[[int], None]) -> Staged:
    """Write every file to a temporary file beside its place (a format written in parts:
    into a temporary folder); on any error remove what was staged."""
    staged = Staged()
    try:
        for name, chunks in files:
            if "/" in name:
                top, part = name.split("/", 1)
                partial = staged.folders.get(out_dir / top)
                if partial is None:
                    partial = staged.folders[out_dir / top] = out_dir / f"{top}.partial"
                    shutil.rmtree(partial, ignore_errors=True)
                    partial.mkdir()
                os.replace(stage(partial / part, chunks), partial / part)
            else:
                staged.files.append((out_dir / name, stage(out_dir / name, chunks)))
            clock.lap(f"write {name.split('/', 1)[0]}")
            advance(1)
    except BaseException:
        staged.discard()
        raise
    return staged


def _swap_folder(partial: Path, folder: Path) -> None:
    """Put a finished folder in place of the old one (two renames; the old one is removed)."""
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(partial, folder)
    shutil.rmtree(old, ignore_errors=True)
