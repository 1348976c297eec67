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
kg.errors.UnsupportedFormat: unknown format 'pdf' (known: analysis, feed, page)
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
}
#: Detection order: the most specific format first.
DETECT_ORDER = ("feed", "analysis", "page")


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
