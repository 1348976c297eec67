"""The read step: finding input files, their manifests, and reading each file's bytes
into documents, with an outcome for every file.

Only regular files are read (a FIFO, socket or device under an input folder is
reported, never opened for reading), and never more than
:data:`kg.sources.MAX_BYTES` of one (:data:`kg.sources.MAX_ARCHIVE_BYTES` of a web
archive), whatever the file system says of its size. A format read from bytes
(WARC) gets them undecoded; a file that holds no article is *skipped* with why.
File names that are not valid UTF-8 are shown with their bad bytes escaped.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.md").write_text("---\\ntitle: Hi\\nwebUrl: https://x.org/a\\n---\\n")
>>> files, problems = collect_files([d])
>>> [name.split("/")[-1] for _path, name in files], problems
(['a.md'], [])
>>> docs, outcome = read_file(*files[0], None, {})
>>> docs[0].title, outcome.status
('Hi', 'ingested')
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from .errors import NoArticles, ReadError, UnsupportedFormat
from .facts.keys import url_keys
from .identity.provenance import NOTE_START, vouch
from .model import Document, FileOutcome, ItemFailure, Provider
from .readers import binary_format, canonical_name, detect_format, read_source
from .sources import as_source, read_bounded, size_limit

#: Manifest files: tab-separated, with a ``file`` and a ``url`` column.
MANIFEST_COLUMNS = {"file", "url"}


def display_name(name: str) -> str:
    """A file name as reports show it: bytes that are not UTF-8 escaped (``\\xe9``).

    >>> display_name("caf" + "\\udce9" + ".md")
    'caf\\\\xe9.md'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def collect_files(paths: Iterable[Path]) -> tuple[list[tuple[str, str]], list[FileOutcome]]:
    """Every regular file under *paths* as ``(path, name)``, by name — the name reports use
    is relative to the input, prefixed by the input's name (and by as many of its parent
    folders as tell two inputs of one name apart: ``2023/pages/…``, ``2024/pages/…``) — and
    an outcome for what is found but not read (links to nowhere, loops, FIFOs and devices,
    unreadable folders, a file reached twice through overlapping inputs). Names do not
    depend on the order of *paths*."""
    found: list[tuple[str, str]] = []  # plain strings: a million Path objects weigh too much
    problems: list[FileOutcome] = []
    roots = [Path(root) for root in paths]
    prefixes = root_names(roots)
    for root in roots:
        if root.is_file():
            found.append((str(root), prefixes[root]))
            continue
        if not root.is_dir():
            problems.append(FileOutcome(display_name(str(root)), "failed", reason=_not_regular(str(root))))
            continue
        _walk(root, prefixes[root], found, problems)
    return _once(found, problems), problems


def root_names(roots: list[Path]) -> dict[Path, str]:
    """Each input's name in reports: its own name, with as many parent folders as make it
    differ from every other input's (the same folder given twice is one input).

    >>> names = root_names([Path("/a/x"), Path("/b/x"), Path("/c/y")])
    >>> [names[Path(p)] for p in ("/a/x", "/b/x", "/c/y")]
    ['a/x', 'b/x', 'y']
    """
    parts = {root: root.resolve().parts[1:] or ("input",) for root in roots}
    depth = dict.fromkeys(roots, 1)
    while True:
        names = {root: "/".join(parts[root][-depth[root]:]) for root in roots}
        clash = {root for root in roots for other in roots
                 if parts[other] != parts[root] and names[other] == names[root]}
        grow = {root for root in clash if depth[root] < len(parts[root])}
        if not grow:
            return {root: display_name(name) for root, name in names.items()}
        for root in grow:
            depth[root] += 1


def _once(found: list[tuple[str, str]], problems: list[FileOutcome]) -> list[tuple[str, str]]:
    """*found* by name, each file once: a file reached again through another input (an
    input inside another, a link) is read under its first name and reported under the other."""
    found.sort(key=lambda item: item[1])
    first: dict[tuple[int, int] | str, str] = {}
    kept = []
    for path, name in found:
        try:
            st = os.stat(path)
            key: tuple[int, int] | str = (st.st_dev, st.st_ino)
        except OSError:
            key = path
        if key in first:
            if first[key] != name:
                problems.append(FileOutcome(name, "skipped", reason=f"the same file as {first[key]}; read once"))
            continue
        first[key] = name
        kept.append((path, name))
    return kept


def _walk(root: Path, prefix: str, found: list[tuple[str, str]], problems: list[FileOutcome]) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [(str(root), prefix)]
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
            display = f"{prefix}/{display_name(entry.name)}"
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()  # both follow links
            except OSError:
                is_dir = is_file = False
            if is_dir:
                subfolders.append((entry.path, display))
            elif is_file:
                found.append((entry.path, display))
            else:
                problems.append(FileOutcome(display, "skipped" if os.path.exists(entry.path) else "failed",
                                            reason=_not_regular(entry.path)))
        stack.extend(reversed(subfolders))


def _not_regular(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "broken symlink or file vanished" if os.path.islink(path) else "no such file or folder"
    kind = ("FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
    return f"not a regular file ({kind}); not read"


def read_manifest(text: str) -> dict[str, str] | None:
    """``{file name: url}`` from a manifest TSV (``{}`` for a file table without
    urls); ``None`` if *text* is not a table of files.

    >>> read_manifest("file\\turl\\na.txt\\thttps://x.org/a\\n")
    {'a.txt': 'https://x.org/a'}
    """
    first = text.split("\n", 1)[0].split("\t")
    if "file" not in first:
        return None
    if not MANIFEST_COLUMNS <= set(first):
        return {}
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    return {row["file"]: row["url"] for row in rows if row.get("file") and row.get("url")}


def manifests(files: list[tuple[str, str]]) -> dict[str, str]:
    """``{file name: url}`` from every manifest among *files* (the first one to name a file wins)."""
    out: dict[str, str] = {}
    for path, _name in files:
        if path.lower().endswith(".tsv"):
            try:
                manifest = read_manifest(read_bounded(path).decode("utf-8", "replace"))
            except ReadError:
                manifest = None
            for file_name, url in (manifest or {}).items():
                out.setdefault(file_name, url)
    return out


#: Formats whose file is one page fetched from the url a manifest gives for it.
PAGE_FORMATS = frozenset({"html", "page"})
#: Formats whose file is a collection (a feed, an archive): a manifest's url is the collection's.
COLLECTION_FORMATS = frozenset({"rss", "jsonfeed", "warc"})


def apply_manifest(docs: list[Document], url: str) -> None:
    """Give documents what the url a manifest lists for their file says.

    A manifest row describes the *file*, so a document's own urls and source
    always win over it:

    - an analysis page's url is the analysis's (``analysis``), not the article's;
    - a saved page (``html``, a page dump) was fetched from it: it vouches for the
      urls the page claims as its own or against them
      (:func:`kg.identity.provenance.vouch`), and gives the outlet's domain;
    - a single record that names no url of its own (a feed item, an API item) is
      known by it, and its outlet's domain comes from it when the record names none;
    - otherwise (a feed, an API response, an archive, a record with its own url,
      a section index) it is only where the file came from (``listing``): never an
      article's identity, never an outlet's.
    """
    host = urlsplit(url).hostname or None
    path = urlsplit(url).path
    one = len(docs) == 1 and not path.endswith("/") and not path.endswith("index.html")
    for doc in docs:
        if doc.format == "analysis":
            doc.urls.setdefault("analysis", url)
        elif one and doc.format in PAGE_FORMATS:
            doc.urls, notes = vouch(doc.urls, doc.urls.get("page") or url, fetched_role="page")
            doc.notes = [n for n in doc.notes if not n.startswith(NOTE_START)] + notes
            _outlet_from(doc, urlsplit(doc.urls.get("web") or doc.urls["page"]).hostname, replace=True)
        elif one and doc.format not in COLLECTION_FORMATS and not url_keys(doc.urls) and url_keys({"page": url}):
            doc.urls["page"] = url
            _outlet_from(doc, host, replace=False)
        else:
            doc.urls.setdefault("listing", url)


def _outlet_from(doc: Document, host: str | None, replace: bool) -> None:
    """The outlet's domain from the url the document is known by (*replace*: even when
    the document named one, as a page's domain follows its vouched url)."""
    host = host.removeprefix("www.") if host else None
    if doc.provider is None:
        doc.provider = Provider(name=doc.site_name, domain=host)
    elif replace or not doc.provider.domain:
        doc.provider.domain = host or doc.provider.domain


#: Suffixes that name a format whose text may not show it (a JSON Lines file whose first
#: lines are all bad): read as that format when no reader recognises the text.
FORMAT_SUFFIXES = {".jsonl": "newsapi", ".ndjson": "newsapi"}


def _by_name(name: str) -> str | None:
    return next((fmt for suffix, fmt in FORMAT_SUFFIXES.items() if name.lower().endswith(suffix)), None)


def _skip_reason(text: str, name: str) -> str:
    if not text.strip():
        return "empty file"
    if name.lower().endswith((".md", ".markdown")):
        return "Markdown without YAML front matter: not a feed item (no '---' block at the top)"
    return "not a supported news document: no YAML front matter, no byline line and no analysis-page layout found"


def read_file(path: str, name: str, fmt: str | None, manifest: dict[str, str]) -> tuple[list[Document], FileOutcome]:
    """Read one file into documents; never raises for bad input, the outcome says what went wrong."""
    try:
        data = read_bounded(path, size_limit(name))
    except ReadError as err:
        return [], FileOutcome(name, "failed", reason=err.message)
    return read_bytes(data, name, fmt, manifest.get(os.path.basename(path)))


def read_bytes(data: bytes, name: str, fmt: str | None, url: str | None = None) -> tuple[list[Document], FileOutcome]:
    """Documents from one file's bytes (*url*: what a manifest gives for it)."""
    try:
        binary = binary_format(data, name, fmt)
        source = as_source(data, name=name, binary=binary is not None)
    except ReadError as err:
        return [], FileOutcome(name, "failed", reason=err.message, line=err.line, column=err.column)
    manifest = read_manifest(source.text)
    if manifest is not None:
        reason = (f"manifest: gives the urls of {len(manifest)} files" if manifest else
                  "table of files without a url column (metadata, not a news document)")
        return [], FileOutcome(name, "skipped", format="manifest", reason=reason, notes=source.notes)
    try:
        format_name = binary or (canonical_name(fmt) if fmt else detect_format(source.text) or _by_name(name))
    except UnsupportedFormat as err:
        return [], FileOutcome(name, "failed", reason=str(err))
    if format_name is None:
        return [], FileOutcome(name, "skipped", reason=_skip_reason(source.text, name), notes=source.notes)
    try:
        records = read_source(format_name, source)
    except NoArticles as err:
        return [], FileOutcome(name, "skipped", format=format_name, reason=err.message, notes=source.notes)
    except ReadError as err:
        return [], FileOutcome(name, "failed", format=format_name, reason=err.message, line=err.line,
                               column=err.column, notes=source.notes)
    except RecursionError:
        return [], FileOutcome(name, "failed", format=format_name, reason="input nested too deeply to read")
    except Exception as err:  # a reader bug must not stop the build; it is reported with the file
        return [], FileOutcome(name, "failed", format=format_name,
                               reason=f"internal error while reading ({type(err).__name__}: {str(err)[:200]}); please report it")
    docs = [r for r in records if isinstance(r, Document)]
    failed = [{"record": r.index, **({"line": r.line} if r.line else {}), "reason": r.reason}
              for r in records if isinstance(r, ItemFailure)]
    if failed and not docs:
        return [], FileOutcome(name, "failed", format=format_name, notes=source.notes, failed_records=failed,
                               reason=f"none of its {len(failed)} records could be read")
    if url:
        apply_manifest(docs, url)
    notes = list(source.notes)
    for doc in docs:
        notes.extend(doc.notes)
    return docs, FileOutcome(name, "ingested", format=format_name, notes=notes, failed_records=failed)
