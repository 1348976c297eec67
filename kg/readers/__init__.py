"""The registry of input formats: one module per format, looked up by name.

Modules are imported only when a format is asked for. :func:`detect_format`
guesses a file's format from its text (in :data:`DETECT_ORDER`), falling back
to nothing: a file no reader recognises is reported, never forced.

>>> get_reader("markdown").NAME
'feed'
>>> detect_format("---\\ntitle: x\\n---\\n")
'feed'
>>> get_reader("pdf")
Traceback (most recent call last):
...
kg.errors.UnsupportedFormat: unknown format 'pdf' (known: analysis, feed, jsonfeed, newsapi, page, rss)
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import cast

from ..errors import UnsupportedFormat
from .base import ReaderModule

#: Format name → module implementing it.
READERS = {
    "feed": "kg.readers.feed",
    "page": "kg.readers.page",
    "analysis": "kg.readers.analysis",
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
#: Detection order: the most specific format first. ``rss`` looks at the XML root
#: element, ``jsonfeed`` at a JSON Feed version; ``newsapi`` takes any other JSON
#: (a file of an unknown shape is then reported with its keys, never read as articles).
DETECT_ORDER = ("feed", "rss", "jsonfeed", "newsapi", "analysis", "page")


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


__all__ = ["READERS", "ALIASES", "ReaderModule", "canonical_name", "detect_format", "get_reader"]
