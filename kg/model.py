"""Plain records that every reader returns and every later stage consumes.

A reader turns one input file into one or more :class:`Document` records. The
records hold what the file *says*, normalised only as far as parsing needs
(dates become timezone-aware datetimes, numbers become ints); identity and
merging happen later, in :mod:`kg.identity` and :mod:`kg.graph`.

>>> doc = Document(source="a.md", format="feed", title="Hello")
>>> doc.title, doc.related
('Hello', [])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Image:
    """An image shown with an article or an outlet (logo)."""

    url: str
    width: int | None = None
    height: int | None = None
    caption: str | None = None


@dataclass
class Provider:
    """The outlet that published an article, as the document names it.

    ``titled``: the name is a feed's title ("heise developer neueste Meldungen"), not
    the name the outlet goes by; it names the outlet only when nothing else does.
    """

    name: str | None = None
    domain: str | None = None
    images: list[Image] = field(default_factory=list)
    titled: bool = False


@dataclass
class Related:
    """An article another document lists as related coverage.

    It is known only by reference: its text was not read, only the listing's
    summary of it.
    """

    title: str | None = None
    excerpt: str | None = None
    published: datetime | None = None
    urls: dict[str, str] = field(default_factory=dict)
    provider: Provider | None = None
    quality: int | None = None
    type: str | None = None
    images: list[Image] = field(default_factory=list)
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class QA:
    """A question and its answer from an analysis page."""

    question: str
    answer: str


@dataclass
class BiasScore:
    """One bias dimension of an analysis page, e.g. ``2/5 Framing Bias``."""

    dimension: str
    score: int | None
    scale: int | None
    rationale: str | None = None


@dataclass
class SDGRelevance:
    """A UN Sustainable Development Goal an analysis page relates the story to."""

    goal: int
    name: str
    direction: str | None = None  # "Positive" / "Negative"
    relevance: str | None = None  # "Direct Relevance" / "Indirect Relevance"
    rationale: str | None = None


@dataclass
class Mention:
    """An entity mention found in a document's text by an extractor."""

    text: str
    type: str  # "organization", "person", "place", "product", "event" or "work"
    field: str
    start: int
    end: int
    extractor: str
    score: float | None = None
    related: int | None = None  # index of the related entry whose text it is in
    label: str | None = None  # the extractor's own label ("ORG", "GPE", "known", "cue" …), for type voting


@dataclass
class Subject:
    """An entity or topic a source already extracted (an API's tags, keywords or
    subjects, a page's structured data), kept with who said so.

    ``type`` is ``topic``, ``organization``, ``person`` or ``place``; ``source``
    names the extractor (``guardian-api``, ``ninjs``, ``json-ld`` …); ``iri`` is
    the vocabulary's own IRI when it has one (an IPTC Media Topic).
    """

    name: str
    type: str
    source: str
    iri: str | None = None
    code: str | None = None


@dataclass
class ItemFailure:
    """One record inside a multi-record file (a feed item, an API record, a WARC
    response) that could not be read; the rest of the file still is.

    ``index`` is the record's 1-based position in the file, ``line`` its line
    where the format has lines.
    """

    index: int
    reason: str
    line: int | None = None


@dataclass
class Document:
    """One article as read from one file (a file may hold several).

    ``urls`` maps the role of each url (``original``, ``web``, ``amp``,
    ``cdn_amp``, ``page``) to the url as written. ``extra`` keeps fields the
    reader does not model, so nothing the file says is dropped.
    """

    source: str
    format: str
    line: int = 1
    index: int = 0
    title: str | None = None
    excerpt: str | None = None
    body: list[str] = field(default_factory=list)
    published: datetime | None = None
    published_text: str | None = None
    urls: dict[str, str] = field(default_factory=dict)
    provider: Provider | None = None
    site_name: str | None = None
    type: str | None = None
    category: str | None = None
    section: str | None = None
    quality: int | None = None
    heat: int | None = None
    is_published: bool | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    language: str | None = None
    country: str | None = None
    images: list[Image] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    qa: list[QA] = field(default_factory=list)
    bias: list[BiasScore] = field(default_factory=list)
    sdgs: list[SDGRelevance] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    retrieved: datetime | None = None  # when a crawler fetched the page (WARC date)
    modified: datetime | None = None  # when the source says it last changed the article
    identifiers: list[str] = field(default_factory=list)  # ids a source gives that are not urls (a ninjs uri)
    alt_titles: list[str] = field(default_factory=list)  # the headline as given, before kg cut an outlet's name off

    @property
    def label(self) -> str:
        """A human label: the title, else the first words of the text."""
        if self.title:
            return self.title
        text = self.excerpt or (self.body[0] if self.body else "")
        words = text.split()
        short = " ".join(words[:12])
        return short + ("…" if len(words) > 12 else "") if short else self.source


@dataclass
class FileOutcome:
    """What happened to one input file: ``ingested`` (with the articles it gave),
    ``skipped`` or ``failed`` (with the reason, and line and column where known).

    >>> FileOutcome("a.md", "failed", reason="bad YAML", line=3).as_dict()
    {'file': 'a.md', 'status': 'failed', 'reason': 'bad YAML', 'line': 3}
    """

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
