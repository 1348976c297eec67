"""WARC web archives (``.warc``, ``.warc.gz``): every HTML page a crawler kept.

A binary format (``BINARY = True``): the registry hands this module the file's
bytes, not decoded text (see :mod:`kg.readers.base`). Records are read with
warcio, in order, numbered from 1, and every one is accounted for:

* an HTML ``response`` (HTTP 2xx) or ``resource`` record goes through the HTML
  route (:func:`kg.readers.html.read_page`); its ``WARC-Target-URI`` is the
  page's url when the page names no canonical one (``urls["page"]`` always)
  and its ``WARC-Date`` is when it was fetched (``Document.retrieved``);
* a record that is not a page (``warcinfo``, ``request``, ``metadata``,
  ``revisit``, an image, a redirect, an HTML page that is no article) is
  *skipped*: counted, by reason and record number, in a note of the file;
* a page record that cannot be read (over :data:`MAX_RECORD_BYTES`, cut
  short, undecodable) is an :class:`~kg.model.ItemFailure` with its number.

A file whose records hold no article at all is skipped as a whole
(:class:`~kg.errors.NoArticles`, with the counts). Reads are bounded: the
file by :data:`kg.sources.MAX_ARCHIVE_BYTES`, each record by
:data:`MAX_RECORD_BYTES`, the whole archive once decompressed by
:data:`MAX_EXPANDED_BYTES` (a gzip bomb stops there) and by
:data:`MAX_RECORDS`. A WARC has no lines: a document's ``line`` is its record
number.

>>> detect_bytes(b"WARC/1.1\\r\\nWARC-Type: warcinfo\\r\\n", "x.warc"), detect_bytes(b"<html>", "x.html")
(True, False)
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..errors import NoArticles, ReadError
from ..model import Document, ItemFailure
from .structured import parse_datetime

NAME = "warc"
SUFFIXES = (".warc", ".warc.gz")
BINARY = True

#: Largest page (HTTP payload) read from one record: the same as a single file's limit.
MAX_RECORD_BYTES = 2 * 1024 * 1024
#: Most bytes a compressed archive may expand to; reading stops there.
MAX_EXPANDED_BYTES = 2 * 1024 * 1024 * 1024
#: Most records read from one file.
MAX_RECORDS = 200_000
#: Media types read as pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Records of these types are pages; every other type is skipped.
PAGE_RECORDS = ("response", "resource")

_GZIP = b"\x1f\x8b"
#: What warcio raises on a damaged record (it does not wrap every parsing error).
DAMAGED = (ValueError, EOFError, OSError, AttributeError, KeyError, IndexError, TypeError, UnicodeError, zlib.error)


class ArchiveLimit(Exception):
    """The archive expanded past :data:`MAX_EXPANDED_BYTES`."""


class Inflater(io.RawIOBase):
    """A readable stream of a gzip file's decompressed bytes (every member, in
    order, as WARC writers make one member per record). It stops with
    :class:`ArchiveLimit` past *limit* bytes, and on data cut short or corrupt
    it ends early and says so (``truncated``, ``corrupt``) instead of failing."""

    def __init__(self, data: bytes, limit: int) -> None:
        self.data, self.pos, self.limit, self.out = data, 0, limit, 0
        self.inflate = zlib.decompressobj(wbits=31)
        self.pending = b""
        self.truncated = False
        self.corrupt: str | None = None
        self.done = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self.pending and not self.done:
            self._step()

    def _step(self) -> None:
        """Inflate the next piece into ``pending``, or set ``done``."""
        if self.inflate.eof:
            self.pos -= len(self.inflate.unused_data)  # bytes after the member, from the last chunk
            if self.data[self.pos:self.pos + 2] != _GZIP:
                rest = self.data[self.pos:self.pos + 1024]
                if rest.strip(b"\x00") or self.pos + 1024 < len(self.data):
                    self.corrupt = "bytes after a gzip member are not gzip"
                self.done = True
                return
            self.inflate = zlib.decompressobj(wbits=31)
        if self.inflate.unconsumed_tail:
            chunk = self.inflate.unconsumed_tail
        elif self.pos < len(self.data):
            chunk = self.data[self.pos:self.pos + 65536]
            self.pos += len(chunk)
        else:
            self.truncated = self.done = True
            return
        try:
            self.pending = self.inflate.decompress(chunk, 65536)
        except zlib.error as err:
            self.corrupt, self.done = str(err), True

    def readinto(self, buffer: Any) -> int:
        self._fill()
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.out += n
        if self.out > self.limit:
            raise ArchiveLimit(f"the archive expands past {self.limit:,} bytes")
        return n


def detect(text: str) -> bool:
    """An uncompressed WARC starts with its version line (it is read from its bytes)."""
    return text.startswith("WARC/1.")


def detect_bytes(data: bytes, name: str) -> bool:
    """A WARC starts with ``WARC/1.``; a gzipped one does once its first member is inflated."""
    if data.startswith(b"WARC/1."):
        return True
    if data.startswith(_GZIP):
        try:
            return zlib.decompressobj(wbits=31).decompress(data[:4096], 16).startswith(b"WARC/1.")
        except zlib.error:
            return False
    return False


def read(text: str, name: str) -> list[Document | ItemFailure]:
    """The text route cannot read a WARC (its lengths count bytes): use :func:`read_bytes`."""
    raise ReadError("a WARC file is read from its bytes, not as text", source=name)


def _header(headers: Any, key: str) -> str | None:
    value = headers.get_header(key) if headers is not None else None
    return str(value) if value else None


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _skip_reason(record: Any) -> str | None:
    """Why a record is not a page to read, or ``None`` when it is one."""
    if record.rec_type not in PAGE_RECORDS:
        return f"{record.rec_type} record"
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    if record.rec_type == "response":
        if record.http_headers is None:
            return "response without HTTP headers"
        status = record.http_headers.get_statuscode() or "?"
        if not status.startswith("2"):
            return f"HTTP {status}"
    mime = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
    if mime not in HTML_TYPES:
        return f"not HTML ({mime or 'no content type'})"
    return None


def _page(record: Any, n: int, name: str) -> Document | ItemFailure:
    """Read one page record: bounded, decoded at the door, then the HTML route."""
    from ..sources import as_source
    from .html import read_page

    uri = (_header(record.rec_headers, "WARC-Target-URI") or "").strip("<> ") or None  # WARC 1.1 writers may bracket it
    try:
        payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
    except DAMAGED as err:
        return ItemFailure(n, f"payload cannot be decoded ({type(err).__name__}: {err})")
    if len(payload) > MAX_RECORD_BYTES:
        return ItemFailure(n, f"page is over the {MAX_RECORD_BYTES:,}-byte limit of one record")
    missing = getattr(record.raw_stream, "limit", 0) or 0
    if missing > 0:
        return ItemFailure(n, f"record is cut short: {missing:,} of its bytes are missing")
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    try:
        source = as_source(payload, name=f"{name} record {n}", charset=_charset(_header(headers, "Content-Type")))
        retrieved: datetime | None = parse_datetime(_header(record.rec_headers, "WARC-Date"))[0]
        doc = read_page(source.text, name, url=uri, retrieved=retrieved, index=n, line=n)
    except NoArticles:
        raise
    except ReadError as err:
        return ItemFailure(n, err.message)
    doc.notes = [f"record {n}: {note}" for note in source.notes + doc.notes]
    return doc


def records(stream: Any) -> Iterator[tuple[int, Any]]:
    """``(record number, warcio record)`` for every record of an uncompressed stream."""
    from warcio.archiveiterator import ArchiveIterator

    for n, record in enumerate(ArchiveIterator(stream, arc2warc=False, check_digests=False), start=1):
        yield n, record


#: Record numbers listed in a note on skipped records (the note always gives how many in all).
SHOWN_RECORDS = 20


def _summary(skipped: dict[str, list[int]]) -> list[str]:
    """One note per reason records were skipped: how many in all, and their numbers (the
    first :data:`SHOWN_RECORDS`, then the last).

    >>> _summary({"request record": list(range(1, 10_001)), "HTTP 404": [20_000]})[0]
    'request record: 10,000 records skipped: records 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, … 10000'
    >>> _summary({"HTTP 404": [7]})
    ['HTTP 404: record 7 skipped']
    """
    out = []
    for reason, numbers in sorted(skipped.items(), key=lambda kv: kv[1][0]):
        if len(numbers) == 1:
            out.append(f"{reason}: record {numbers[0]} skipped")
            continue
        shown = ", ".join(map(str, numbers[:SHOWN_RECORDS]))
        if len(numbers) > SHOWN_RECORDS:
            shown += f", … {numbers[-1]}"
        out.append(f"{reason}: {len(numbers):,} records skipped: records {shown}")
    return out


def read_bytes(data: bytes, name: str) -> list[Document | ItemFailure]:
    """Every page of a WARC file as a document; unreadable page records as failures."""
    from warcio.exceptions import ArchiveLoadFailed

    stream: Any = Inflater(data, MAX_EXPANDED_BYTES) if data.startswith(_GZIP) else io.BytesIO(data)
    out: list[Document | ItemFailure] = []
    skipped: dict[str, list[int]] = {}
    n = 0
    try:
        for n, record in records(io.BufferedReader(stream, 65536) if isinstance(stream, Inflater) else stream):
            if n > MAX_RECORDS:
                out.append(ItemFailure(n, f"over {MAX_RECORDS:,} records; the rest of the file was not read"))
                break
            try:
                reason = _skip_reason(record)
                if reason is None:
                    out.append(_page(record, n, name))
                    continue
            except NoArticles as err:
                reason = f"not an article: {err.message.split(':')[0]}"
            except DAMAGED as err:
                out.append(ItemFailure(n, f"damaged record ({type(err).__name__}: {_short(err)})"))
                continue
            skipped.setdefault(reason, []).append(n)
    except ArchiveLimit as err:
        out.append(ItemFailure(n + 1, f"{err}; records from here on were not read"))
    except (ArchiveLoadFailed, *DAMAGED) as err:
        if n == 0:
            raise ReadError(f"not a readable WARC file ({_short(err)})", source=name) from err
        out.append(ItemFailure(n + 1, f"not a WARC record ({_short(err)}); the rest of the file was not read"))
    if isinstance(stream, Inflater) and (stream.truncated or stream.corrupt):
        how = "is cut short" if stream.truncated else f"is corrupt ({stream.corrupt})"
        out.append(ItemFailure(n + 1, f"the gzip data {how}; nothing after record {n} could be read"))
    docs = [r for r in out if isinstance(r, Document)]
    notes = _summary(skipped)
    if not docs and not any(isinstance(r, ItemFailure) for r in out):
        raise NoArticles("no article in the archive: " + ("; ".join(notes) or "it holds no records"), source=name)
    if docs:
        docs[0].notes[:0] = notes
    return out


def _short(err: BaseException) -> str:
    text = str(err).replace("\n", " ")
    return text[:160] + ("…" if len(text) > 160 else "")
