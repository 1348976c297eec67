"""The table of news-API schemas: how each API's record fills kg's record.

Each :class:`Schema` names the keys that mark a record of that API and, in
``fields``, the record paths that fill each field of :class:`~kg.model.Document`
(the first path with a value wins). A path is dotted (``fields.headline``);
``name[key=value]`` picks the first list element whose ``key`` is ``value``,
``name[0]`` the first element. Field kinds:

``title``, ``excerpt``, ``section``, ``type``, ``language``, ``country`` — text;
``excerpt_html`` — HTML, as text; ``body`` — plain text, split at blank lines;
``body_html`` — HTML, split into paragraphs; ``published``, ``retrieved`` — dates;
``url`` — the ``web`` url; ``urls.ROLE`` — another url role; ``image`` — an image url;
``modified`` — when the source last changed it (``schema:dateModified``);
``identifier`` — an id that is not a url (``schema:identifier``);
``byline`` — text read by :mod:`kg.readers.bylines`; ``provider``/``domain`` — the outlet's
name and domain (or a url whose host is the domain); ``extra.NAME`` — kept in ``extra``.

What a table cannot say (tags and keywords as :class:`~kg.model.Subject`, image
renditions, structured bylines) is the schema's ``hook``, in :mod:`kg.readers.apihooks`.

>>> schema_of({"web_url": "https://www.nytimes.com/x", "headline": {"main": "X"}}).name
'nyt'
>>> get({"headlines": [{"role": "sub", "value": "a"}, {"role": "main", "value": "b"}]}, "headlines[role=main].value")
'b'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..model import Document, Image, Provider
from . import apihooks
from .base import clean
from .bylines import is_home_page, split_byline
from .markup import html_paragraphs, html_text, text_paragraphs
from .when import parse_when

Hook = Callable[[dict[str, Any], Document], None]


@dataclass(frozen=True)
class Schema:
    """One API's record shape and its mapping onto kg's record."""

    name: str  # short name, used in notes
    label: str  # the API as people call it
    source: str  # Subject.source for what this API extracted
    marks: tuple[frozenset[str], ...]  # a record has every key of one of these sets
    fields: Mapping[str, tuple[str, ...]]
    hook: Hook | None = None
    hook_keys: frozenset[str] = frozenset()  # record keys the hook reads
    requires: Callable[[dict[str, Any]], bool] = field(default=lambda record: True)

    @property
    def consumed(self) -> frozenset[str]:
        """The record's top-level keys this schema reads; other plain values go to ``extra``."""
        return self.hook_keys | {re.split(r"[.\[]", path, maxsplit=1)[0] for paths in self.fields.values() for path in paths}


NEWSAPI = Schema(
    "newsapi", "NewsAPI.org", "newsapi",
    marks=(frozenset({"source", "title", "url", "publishedAt"}),),
    requires=lambda r: isinstance(r.get("source"), dict),
    fields={"title": ("title",), "excerpt": ("description",), "body": ("content",), "published": ("publishedAt",),
            "url": ("url",), "image": ("urlToImage",), "byline": ("author",), "provider": ("source.name",),
            "extra.source_id": ("source.id",)},
    hook=apihooks.newsapi,
)
GDELT = Schema(
    "gdelt", "GDELT DOC 2.0", "gdelt",
    marks=(frozenset({"url", "seendate"}),),
    fields={"title": ("title",), "url": ("url",), "urls.mobile": ("url_mobile",), "image": ("socialimage",),
            "domain": ("domain",), "language": ("language",), "country": ("sourcecountry",),
            "retrieved": ("seendate",)},
)
GUARDIAN = Schema(
    "guardian", "Guardian Open Platform", "guardian-api",
    marks=(frozenset({"webUrl", "webTitle"}),),
    fields={"title": ("fields.headline", "webTitle"), "excerpt_html": ("fields.standfirst", "fields.trailText"),
            "body_html": ("fields.body",), "body": ("fields.bodyText",),
            "published": ("webPublicationDate", "fields.firstPublicationDate"), "url": ("webUrl",),
            "urls.short": ("fields.shortUrl",), "byline": ("fields.byline",), "section": ("sectionName",),
            "type": ("type",), "language": ("fields.lang",), "domain": ("webUrl",),
            "extra.id": ("id",), "extra.api_url": ("apiUrl",), "extra.wordcount": ("fields.wordcount",),
            "extra.production_office": ("fields.productionOffice",), "modified": ("fields.lastModified",),
            "extra.pillar": ("pillarName",)},
    hook=apihooks.guardian, hook_keys=frozenset({"tags", "elements", "fields"}),
)
NYT = Schema(
    "nyt", "NYT Article Search", "nyt-api",
    marks=(frozenset({"web_url", "headline"}), frozenset({"web_url", "pub_date"})),
    fields={"title": ("headline.main",), "excerpt": ("abstract", "snippet"), "body": ("lead_paragraph",),
            "published": ("pub_date",), "url": ("web_url",), "section": ("section_name",),
            "type": ("type_of_material", "document_type"), "provider": ("source",), "domain": ("web_url",),
            "extra.id": ("_id", "uri"), "extra.word_count": ("word_count",), "extra.print_page": ("print_page",),
            "extra.news_desk": ("news_desk",), "extra.subsection": ("subsection_name",),
            "extra.kicker": ("headline.kicker",), "extra.print_headline": ("headline.print_headline",)},
    hook=apihooks.nyt, hook_keys=frozenset({"byline", "keywords", "multimedia", "headline"}),
)
EVENT_REGISTRY = Schema(
    "eventregistry", "Event Registry", "eventregistry",
    marks=tuple(frozenset({"uri", "url", "title", k}) for k in ("dataType", "dateTimePub", "isDuplicate", "sim")),
    fields={"title": ("title",), "body": ("body",), "published": ("dateTimePub", "dateTime"), "url": ("url",),
            "image": ("image",), "provider": ("source.title",), "domain": ("source.uri",), "language": ("lang",),
            "extra.uri": ("uri",), "extra.event_uri": ("eventUri",), "extra.story_uri": ("storyUri",),
            "extra.sentiment": ("sentiment",), "extra.is_duplicate": ("isDuplicate",), "extra.data_type": ("dataType",),
            "extra.relevance": ("relevance",)},
    hook=apihooks.eventregistry, hook_keys=frozenset({"authors", "concepts", "categories", "date", "time",
                                                       "dateTime"}),
)
NINJS = Schema(
    "ninjs", "IPTC ninjs", "ninjs",
    marks=tuple(frozenset({"uri", k}) for k in ("versioncreated", "versionCreated", "firstcreated", "firstCreated",
                                                "headline", "headlines", "body_text", "body_html", "body_xhtml",
                                                "bodies")),
    fields={"title": ("headline", "headlines[role=main].value", "headlines[0].value", "title", "slugline"),
            "excerpt": ("description_text", "descriptions[role=summary].value", "descriptions[role=lead].value",
                        "descriptions[0].value"),
            "excerpt_html": ("description_html",),
            "body_html": ("body_html", "body_xhtml"), "body": ("body_text",),
            "published": ("firstcreated", "firstCreated"), "modified": ("versioncreated", "versionCreated"),
            "byline": ("byline", "by"), "language": ("language",), "type": ("type",),
            "provider": ("copyrightholder", "copyrightHolder"), "domain": ("uri",),
            "extra.pubstatus": ("pubstatus", "pubStatus"),
            "extra.urgency": ("urgency",), "extra.version": ("version",), "extra.profile": ("profile",),
            "extra.located": ("located",), "extra.copyright_notice": ("copyrightnotice", "copyrightNotice"),
            "extra.usage_terms": ("usageterms", "usageTerms"), "extra.embargoed": ("embargoed",),
            "extra.ninjs_version": ("standard.version",), "extra.genre": ("genres[0].uri", "genre[0].code")},
    hook=apihooks.ninjs, hook_keys=frozenset(apihooks.NINJS_LISTS) | {"uri", "bodies", "associations"},
)
#: Checked in this order: a record takes the first schema whose marks it has.
SCHEMAS: tuple[Schema, ...] = (NEWSAPI, GDELT, GUARDIAN, NYT, EVENT_REGISTRY, NINJS)

_STEP = re.compile(r"^([^\[\]]+)(?:\[(?:(\d+)|([^=\]]+)=([^\]]*))\])?$")


def get(record: Any, path: str) -> Any:
    """The value at a dotted *path* (see the module docstring), else ``None``."""
    value = record
    for step in path.split("."):
        m = _STEP.match(step)
        if not m or not isinstance(value, dict):
            return None
        value = value.get(m.group(1))
        if m.group(2) is not None or m.group(3) is not None:
            if not isinstance(value, list):
                return None
            if m.group(2) is not None:
                n = int(m.group(2))
                value = value[n] if n < len(value) else None
            else:
                value = next((v for v in value if isinstance(v, dict) and str(v.get(m.group(3))) == m.group(4)), None)
    return value


def schema_of(record: Any) -> Schema | None:
    """The first schema whose marks the record has, else ``None``."""
    if not isinstance(record, dict):
        return None
    keys = record.keys()
    for schema in SCHEMAS:
        if any(mark <= keys for mark in schema.marks) and schema.requires(record):
            return schema
    return None


def _first(record: dict[str, Any], paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = get(record, path)
        if value not in (None, "", [], {}):
            return value
    return None


def _scalar(value: Any) -> str | None:
    return clean(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _host(value: Any) -> str | None:
    text = _scalar(value)
    if not text:
        return None
    if "://" not in text:
        return text.lower() if re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", text) else None
    try:
        return urlsplit(text).hostname
    except ValueError:
        return None


def _kept(value: Any) -> Any:
    """A value for ``extra``: numbers written as text become numbers (Guardian, NYT)."""
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,15}", value.strip()):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _fill(doc: Document, kind: str, value: Any, schema: Schema) -> None:
    if kind in ("title", "excerpt", "section", "type", "language", "country"):
        setattr(doc, kind, _scalar(value))
    elif kind == "excerpt_html":
        doc.excerpt = html_text(value) if isinstance(value, str) else None
    elif kind == "body":
        doc.body = text_paragraphs(value) if isinstance(value, str) else []
    elif kind == "body_html":
        doc.body = html_paragraphs(value) if isinstance(value, str) else []
    elif kind == "identifier":
        if _scalar(value):
            doc.identifiers.append(_scalar(value) or "")
    elif kind in ("published", "retrieved", "modified"):
        when = parse_when(value)
        setattr(doc, kind, when)
        if kind == "published":
            doc.published_text = _scalar(value)
        if when is None:
            doc.notes.append(f"{schema.label} record {doc.index + 1}: {kind} date not read: {str(value)[:40]!r}")
    elif kind == "url":
        if _scalar(value):
            doc.urls["web"] = _scalar(value) or ""
    elif kind.startswith("urls."):
        if _scalar(value):
            doc.urls[kind[5:]] = _scalar(value) or ""
    elif kind == "image":
        if _scalar(value):
            doc.images.append(Image(url=_scalar(value) or ""))
    elif kind == "provider":
        doc.provider = doc.provider or Provider()
        doc.provider.name = _scalar(value)
    elif kind == "domain":
        doc.provider = doc.provider or Provider()
        doc.provider.domain = _host(value)
    elif kind.startswith("extra."):
        doc.extra[kind[6:]] = _kept(value)


def build_document(schema: Schema, record: dict[str, Any], name: str, index: int, line: int) -> Document:
    """One API record as a document; :class:`ValueError` when it has neither a url nor a title."""
    doc = Document(source=name, format="newsapi", line=line, index=index)
    doc.extra["api"] = schema.name
    byline = None
    for kind, paths in schema.fields.items():
        value = _first(record, paths)
        if value is None:
            continue
        if kind == "byline":
            byline = value
        elif not (kind == "excerpt_html" and doc.excerpt) and not (kind == "body" and doc.body):
            _fill(doc, kind, value, schema)
    if schema.hook:
        schema.hook(record, doc)
    for key in sorted(record.keys() - schema.consumed):
        value = record[key]
        if isinstance(value, (str, int, float, bool)) and value != "" and key not in doc.extra:
            doc.extra[key] = _kept(value)
    web = doc.urls.get("web")
    if web and is_home_page(web):
        doc.extra["url"] = doc.urls.pop("web")
        doc.notes.append(f"record {index + 1}: url {web[:80]!r} is a home page, not the article's own url; "
                         "kept in extra, not used as its identity")
    if not doc.urls.get("web") and not doc.title:
        raise ValueError("neither a url nor a title")
    if byline is not None:
        doc.extra["byline"] = clean(byline) if isinstance(byline, str) else byline
        outlet = doc.provider.name if doc.provider else None
        domain = doc.provider.domain if doc.provider else None
        found = split_byline(byline, [outlet or ""], [domain or ""])
        doc.authors += [p for p in found.people if p not in doc.authors]
        doc.notes += [f"record {index + 1}: {n}" for n in found.notes]
        if found.organizations:
            doc.extra.setdefault("byline_organizations", []).extend(found.organizations)
    return doc
