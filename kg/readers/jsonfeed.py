"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1): one article per item.

The feed is the outlet: its name is the feed ``title``, or the feed's
``author`` when that author's url is on the feed's own site (NPR's feed is
titled "Technology" and written by "NPR"); its domain is the host of
``home_page_url``; its logo the ``icon``. Each item gives:

* ``title``; ``url`` as the ``web`` url (``external_url``, the page an item
  links to, and a non-url ``id`` are kept in ``extra``);
* ``date_published`` (``date_modified`` in ``extra``);
* ``authors`` (1.1) or ``author`` (1.0), else the feed's, read by
  :mod:`kg.readers.bylines`; ``tags`` as topics; ``language`` (1.1);
* ``summary`` as the excerpt; ``content_html`` (else ``content_text``) as the body;
* ``image`` and ``banner_image`` as images; ``attachments`` and ``_extension``
  objects in ``extra``.

An item that is not an object, or has neither url nor title, is an
:class:`~kg.model.ItemFailure`.

>>> doc, = read('{"version": "https://jsonfeed.org/version/1.1", "title": "Harbour Ledger", '
...             '"home_page_url": "https://harbour-ledger.example/", "items": [{"id": "1", '
...             '"url": "https://harbour-ledger.example/a", "title": "Turbines", "tags": ["Energy"]}]}', "h.json")
>>> doc.title, doc.urls, doc.topics, doc.provider.name
('Turbines', {'web': 'https://harbour-ledger.example/a'}, ['Energy'], 'Harbour Ledger')
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from ..errors import NoArticles, ReadError
from ..model import Document, Image, ItemFailure, Provider
from .base import clean
from .bylines import is_home_page, split_byline
from .jsontext import Lines, load_json, shape
from .markup import html_paragraphs, text_paragraphs
from .when import parse_when

NAME = "jsonfeed"
SUFFIXES = (".json", ".feed.json")

VERSION_PREFIX = "https://jsonfeed.org/version/"
KNOWN = {"id", "url", "external_url", "title", "content_html", "content_text", "summary", "image", "banner_image",
         "date_published", "date_modified", "author", "authors", "tags", "language"}


def _is_feed(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("version"), str)
            and value["version"].replace("http://", "https://").startswith(VERSION_PREFIX)
            and isinstance(value.get("items"), list))


def detect(text: str) -> bool:
    """A JSON object whose ``version`` is a jsonfeed.org version url and which has ``items``."""
    if shape(text) != "object" or "jsonfeed.org" not in text.replace("\\/", "/"):
        return False
    try:
        return _is_feed(load_json(text)[0])
    except ReadError:
        return False


def _host(url: Any) -> str | None:
    try:
        return urlsplit(url).hostname if isinstance(url, str) else None
    except ValueError:
        return None


def _authors(value: Any) -> list[dict[str, Any]]:
    """``authors`` (1.1) or ``author`` (1.0) as a list of author objects."""
    items = value if isinstance(value, list) else [value] if value else []
    return [a if isinstance(a, dict) else {"name": a} for a in items if isinstance(a, (dict, str))]


def extract_feed(feed: dict[str, Any]) -> tuple[Provider, dict[str, Any]]:
    """The outlet and what items inherit (authors, language)."""
    title = clean(feed.get("title")) if isinstance(feed.get("title"), str) else None
    home = _host(feed.get("home_page_url"))
    authors = _authors(feed.get("authors") or feed.get("author"))
    own = [clean(a.get("name")) for a in authors
           if isinstance(a.get("name"), str) and home and _host(a.get("url")) == home]
    name = own[0] if own and own[0] else title
    images = [Image(url=u) for u in (feed.get("icon"), feed.get("favicon")) if isinstance(u, str) and u]
    provider = Provider(name=name, domain=home or _host(feed.get("feed_url")), images=images[:1],
                        titled=bool(name) and name == title)
    inherited = {"authors": [a for a in authors if clean(a.get("name")) not in own],
                 "language": clean(feed.get("language")) if isinstance(feed.get("language"), str) else None,
                 "title": title if title != name else None}
    return provider, inherited


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return clean(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def extract_item(item: Any, provider: Provider, inherited: dict[str, Any], name: str, index: int,
                 line: int) -> Document:
    """One item as a document; :class:`ValueError` when it cannot be one."""
    if not isinstance(item, dict):
        raise ValueError(f"item is a {type(item).__name__}, not an object")
    doc = Document(source=name, format=NAME, line=line, index=index)
    doc.title = _text(item, "title")
    url, item_id = _text(item, "url"), _text(item, "id")
    if url and is_home_page(url):
        doc.extra["url"], url = url, None  # a home page is not the item's own url
    if url:
        doc.urls["web"] = url
    if not doc.urls and not doc.title:
        raise ValueError("item has neither a url nor a title")
    if item_id and item_id != url:
        doc.extra["id"] = item_id
    for key in ("external_url", "date_modified"):
        if _text(item, key):
            doc.extra[key] = _text(item, key)
    raw = _text(item, "date_published")
    doc.published, doc.published_text = parse_when(raw), raw
    if raw and doc.published is None:
        doc.notes.append(f"item {index + 1} date_published: not a date: {raw[:40]!r}")
    doc.provider = Provider(name=provider.name, domain=provider.domain, images=list(provider.images),
                            titled=provider.titled)
    doc.language = _text(item, "language") or inherited["language"]
    for author in _authors(item.get("authors") or item.get("author")) or inherited["authors"]:
        byline = split_byline(author.get("name"), [provider.name or ""], [provider.domain or ""])
        doc.authors += [p for p in byline.people if p not in doc.authors]
        doc.notes += byline.notes
        if byline.organizations:
            doc.extra.setdefault("byline_organizations", []).extend(byline.organizations)
    tags: list[Any] = item["tags"] if isinstance(item.get("tags"), list) else []
    doc.topics = list(dict.fromkeys(t for t in (clean(x) for x in tags if isinstance(x, str)) if t))
    summary = _text(item, "summary")
    doc.excerpt = summary
    html = item.get("content_html")
    doc.body = html_paragraphs(html) if isinstance(html, str) else text_paragraphs(_text(item, "content_text"))
    doc.images = [Image(url=u) for u in dict.fromkeys(item.get(k) for k in ("image", "banner_image"))
                  if isinstance(u, str) and u]
    if isinstance(item.get("attachments"), list):
        doc.extra["attachments"] = [a for a in item["attachments"] if isinstance(a, dict)]
    doc.extra.update({k: v for k, v in item.items() if k.startswith("_")})
    if inherited["title"]:
        doc.extra["feed_title"] = inherited["title"]
    return doc


def read(text: str, name: str) -> list[Document | ItemFailure]:
    """Read every item of a JSON Feed."""
    feed, repairs = load_json(text, name)
    if not _is_feed(feed):
        raise ReadError("not a JSON Feed: no jsonfeed.org 'version' with an 'items' list", source=name)
    if not feed["items"]:
        raise NoArticles("JSON Feed has no items", source=name)
    provider, inherited = extract_feed(feed)
    out: list[Document | ItemFailure] = []
    lines = Lines(text)
    for n, item in enumerate(feed["items"], start=1):
        key = item.get("id") if isinstance(item, dict) else None
        line = lines.find(json.dumps(key)) if isinstance(key, (str, int)) and not isinstance(key, bool) else None
        try:
            out.append(extract_item(item, provider, inherited, name, n - 1, line or 1))
        except ValueError as err:
            out.append(ItemFailure(index=n, reason=str(err), line=line))
    first = next((d for d in out if isinstance(d, Document)), None)
    if first is not None:
        first.notes[:0] = repairs
    return out
