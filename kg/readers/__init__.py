"""The registry of input formats: one module per format, looked up by name.

Modules are imported only when a format is asked for. :func:`detect_format`
guesses a file's format from its text (in :data:`DETECT_ORDER`), falling back
to nothing: a file no reader recognises is reported, never forced. Formats
read from bytes (:data:`BINARY_FORMATS`, WARC) are recognised first, by
:func:`binary_format`, from the bytes and the file name, and
:func:`read_source` hands each reader what it reads (text or bytes).
:func:`guess_format` names the format a file's suffix suggests.

>>> get_reader("markdown").NAME
'feed'
>>> detect_format("---\\ntitle: x\\n---\\n")
'feed'
>>> get_reader("pdf")
Traceback (most recent call last):
...
kg.errors.UnsupportedFormat: unknown format 'pdf' (known: analysis, feed, html, jsonfeed, newsapi, page, rss, warc)
>>> detect_format("<!DOCTYPE html><html><body></body></html>"), guess_format("crawl.warc.gz")
('html', 'warc')
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import cast

from collections.abc import Sequence

from ..errors import UnsupportedFormat
from ..model import Document, ItemFailure
from ..sources import Source
from .base import BinaryReaderModule, ReaderModule, is_binary

#: Format name → module implementing it.
READERS = {
    "feed": "kg.readers.feed",
    "page": "kg.readers.page",
    "analysis": "kg.readers.analysis",
    "html": "kg.readers.html",
    "warc": "kg.readers.warc",
    "rss": "kg.readers.rss",
    "jsonfeed": "kg.readers.jsonfeed",
    "newsapi": "kg.readers.newsapi",
}
#: Other names users may give with ``--format``.
ALIASES = {
    "markdown": "feed",
    "md": "feed",
    "frontmatter": "feed",
    "feed-item": "feed",
    "text": "page",
    "txt": "page",
    "page-dump": "page",
    "byline": "page",
    "analysis-page": "analysis",
    "mytinyfeed": "analysis",
    "htm": "html",
    "xhtml": "html",
    "web-page": "html",
    "warc.gz": "warc",
    "web-archive": "warc",
    "atom": "rss",
    "rdf": "rss",
    "rss1": "rss",
    "rss2": "rss",
    "syndication": "rss",
    "xml-feed": "rss",
    "json-feed": "jsonfeed",
    "news-api": "newsapi",
    "api": "newsapi",
    "api-json": "newsapi",
    "jsonl": "newsapi",
    "ndjson": "newsapi",
    "newsapi.org": "newsapi",
    "guardian": "newsapi",
    "guardian-api": "newsapi",
    "nyt": "newsapi",
    "nyt-api": "newsapi",
    "ninjs": "newsapi",
    "gdelt": "newsapi",
    "eventregistry": "newsapi",
    "event-registry": "newsapi",
    "newsapi.ai": "newsapi",
}
#: Detection order of text formats: the most specific format first. ``rss`` looks at the
#: XML root element (before ``html``, which would take any markup), ``jsonfeed`` at a JSON
#: Feed version; ``newsapi`` takes any other JSON (a file of an unknown shape is then
#: reported with its keys, never read as articles).
DETECT_ORDER = ("feed", "rss", "jsonfeed", "newsapi", "html", "analysis", "page")
#: Formats read from bytes, tried (in this order) before any text format.
BINARY_FORMATS = ("warc",)


def canonical_name(name: str) -> str:
    """The registry name for a format name or alias."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in READERS:
        raise UnsupportedFormat(f"unknown format {name!r} (known: {', '.join(sorted(READERS))})")
    return key


def get_reader(name: str) -> ReaderModule:
    """The reader module for *name* (a format name or alias)."""
    module: ModuleType = importlib.import_module(READERS[canonical_name(name)])
    return cast(ReaderModule, module)


def detect_format(text: str) -> str | None:
    """The first format in :data:`DETECT_ORDER` whose reader recognises *text*."""
    for name in DETECT_ORDER:
        if get_reader(name).detect(text):
            return name
    return None


def guess_format(name: str) -> str | None:
    """The format a file name's suffix suggests (the longest suffix that matches), if any.

    >>> guess_format("Story.HTM"), guess_format("notes.txt"), guess_format("x.pdf")
    ('html', 'page', None)
    """
    low = name.lower()
    best: tuple[int, str] | None = None
    for fmt in READERS:
        for suffix in get_reader(fmt).SUFFIXES:
            if low.endswith(suffix) and (best is None or len(suffix) > best[0]):
                best = (len(suffix), fmt)
    return best[1] if best else None


def binary_format(data: bytes, name: str, fmt: str | None = None) -> str | None:
    """The binary format of a file: the one *fmt* names if that is binary, else the
    first of :data:`BINARY_FORMATS` whose reader recognises the bytes; ``None`` for text."""
    if fmt:
        try:
            key = canonical_name(fmt)
        except UnsupportedFormat:
            return None  # the caller reports the unknown name
        return key if is_binary(get_reader(key)) else None
    for key in BINARY_FORMATS:
        reader = get_reader(key)
        if isinstance(reader, BinaryReaderModule) and reader.detect_bytes(data[:65536], name):
            return key
    return None


def read_source(format_name: str, source: Source) -> Sequence[Document | ItemFailure]:
    """Read a :class:`~kg.sources.Source` with the reader of *format_name*: a binary
    reader gets the bytes the door kept, a text reader the text."""
    reader = get_reader(format_name)
    if isinstance(reader, BinaryReaderModule) and is_binary(reader) and source.data is not None:
        return reader.read_bytes(source.data, source.name)
    return reader.read(source.text, source.name)


__all__ = ["READERS", "ALIASES", "BINARY_FORMATS", "ReaderModule", "BinaryReaderModule", "binary_format",
           "canonical_name", "detect_format", "get_reader", "guess_format", "read_source"]
