"""The contract every reader module meets, and small helpers they share.

A reader module exposes two pure functions:

``detect(text) -> bool``
    Does this text look like the module's format? Cheap; looks at the start.
``read(text, name) -> list[Document | ItemFailure]``
    Parse the text (from the file called *name*) into one or more documents;
    raise :class:`~kg.errors.ReadError` with a line number when the file as a
    whole cannot be read. A file of many records (a feed, an API dump) returns
    an :class:`~kg.model.ItemFailure` in place of each record it could not read,
    so the report accounts for every record. A file that was read but holds no
    article (a section front, an empty page shell) raises
    :class:`~kg.errors.NoArticles`: the build reports it *skipped*, with why.

A format whose files are bytes, not text (a WARC archive, maybe gzipped),
also sets ``BINARY = True`` and adds two functions; the registry
(:func:`kg.readers.binary_format`, :func:`kg.readers.read_source`) routes such
files to them with the raw bytes, which the door (:func:`kg.sources.as_source`
with ``binary=True``) keeps undecoded, under a larger size limit:

``detect_bytes(data, name) -> bool``
    Does this file look like the format (magic bytes, then the name)?
``read_bytes(data, name) -> list[Document | ItemFailure]``
    As ``read``, from the bytes. Each record is bounded by the module.

>>> from kg.readers import feed, warc
>>> isinstance(feed, ReaderModule), isinstance(warc, BinaryReaderModule), is_binary(feed)
(True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from ..model import Document, ItemFailure


@runtime_checkable
class ReaderModule(Protocol):
    """What :mod:`kg.readers` expects of a format module."""

    NAME: str
    SUFFIXES: tuple[str, ...]

    def detect(self, text: str) -> bool: ...

    def read(self, text: str, name: str) -> Sequence[Document | ItemFailure]: ...


@runtime_checkable
class BinaryReaderModule(ReaderModule, Protocol):
    """What :mod:`kg.readers` expects of a format read from bytes (``BINARY = True``)."""

    BINARY: bool

    def detect_bytes(self, data: bytes, name: str) -> bool: ...

    def read_bytes(self, data: bytes, name: str) -> Sequence[Document | ItemFailure]: ...


def is_binary(module: ReaderModule) -> bool:
    """True for a module that reads bytes (``BINARY = True``)."""
    return bool(getattr(module, "BINARY", False))


_WS = re.compile(r"\s+")


def clean(text: object) -> str | None:
    """Collapse white space; ``None`` for empty values.

    >>> clean("  two\\n words "), clean("   ")
    ('two words', None)
    """
    if text is None:
        return None
    value = _WS.sub(" ", str(text)).strip()
    return value or None


def line_of(text: str, needle: str, start: int = 0) -> int | None:
    """1-based line number of the first *needle* in *text* at or after *start*."""
    pos = text.find(needle, start)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def non_empty_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, stripped line)`` for every line with text on it."""
    return [(n, line.strip()) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
