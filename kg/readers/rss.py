"""RSS 0.9x, 1.0 (RDF) and 2.0 and Atom feeds: one article per item.

Parsed with ``feedparser`` from the text kg already decoded: the bytes handed
to it are UTF-8 with a UTF-8 declaration, so it never guesses again, and they
are handed over as a stream, so it never opens a url or a file. A document type
declaring entities (``<!ENTITY``: "billion laughs", external entities) is
refused before parsing; feedparser itself strips DOCTYPEs and its XML parser
does not load external DTDs. A character reference that names no character
(``&#xD800;``, a UTF-16 surrogate) is read as U+FFFD, with a note naming its line
and element (:func:`kg.sources.repair_char_refs`).

The channel is the outlet: its name is the channel title (RSS 1.0's
``prism:publicationName`` when given), its domain the host of the channel
link, its logo the channel image. Each item gives, in this order of sources:

* ``title``; ``link`` as the ``web`` url (a ``guid``/``id`` that is another
  url becomes the ``guid`` url, any other guid is kept in ``extra``);
* date: ``pubDate``/``published``, else ``dc:date``/``updated``, in the zone
  the file wrote (see :mod:`kg.readers.when`);
* authors: ``dc:creator``, ``author``, Atom ``author``; else the feed's
  author (Atom's rule), each read by :mod:`kg.readers.bylines`;
* categories (``category``, ``dc:subject``, Atom ``category``) as topics, with
  their ``domain``/``scheme`` url in ``extra["category_urls"]``;
* excerpt: the first paragraph of ``description``/``summary``; body: the
  paragraphs of ``content:encoded``/Atom ``content``, else of a description
  that has several paragraphs;
* images: ``media:content`` and ``media:thumbnail`` images, image enclosures;
  ``media:credit`` as photo credits; other enclosures (audio, video) in ``extra``.

An item with neither a link nor a title is an :class:`~kg.model.ItemFailure`.

>>> docs = read('''<rss version="2.0"><channel><title>The Northwind Times</title>
... <link>https://www.northwind-times.example/</link>
... <item><title>Estuary quiet season</title><link>https://www.northwind-times.example/a</link>
... <pubDate>Fri, 01 Mar 2024 17:40:00 +0000</pubDate><category>Fisheries</category></item>
... </channel></rss>''', "nw.rss")
>>> d = docs[0]
>>> d.title, d.urls["web"], d.published.isoformat(), d.topics, d.provider.domain
('Estuary quiet season', 'https://www.northwind-times.example/a', '2024-03-01T17:40:00+00:00', ['Fisheries'], 'www.northwind-times.example')
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..dates import MIN_YEAR
from ..errors import NoArticles, ReadError
from ..model import Document, Image, ItemFailure, Provider
from ..sources import repair_char_refs
from .base import clean
from .bylines import is_home_page, split_byline
from .markup import html_paragraphs, html_text
from .when import parse_when

NAME = "rss"
SUFFIXES = (".rss", ".atom", ".rdf", ".xml")

#: How far into the text the root element is looked for.
SNIFF_CHARS = 65_536
_ROOT = re.compile(r"<(?:[\w.-]{1,40}:)?([\w.-]{1,40})([^>]{0,5000})>")
_ATOM_NS = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_RSS1_NS = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_DECLARATION = re.compile(r"\A(\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"'])[^\"']*", re.IGNORECASE)
_ITEM_TAG = re.compile(r"<(?:[\w.-]{1,40}:)?(?:item|entry)\b[^>]{0,2000}>")
#: feedparser keys read into the record or derived by feedparser itself (not kept in extra).
KNOWN = {
    "title", "title_detail", "link", "links", "id", "guidislink", "published", "published_parsed", "updated",
    "updated_parsed", "created", "created_parsed", "author", "author_detail", "authors", "tags", "summary",
    "summary_detail", "content", "media_content", "media_thumbnail", "media_credit", "credit", "enclosures",
    "href", "language", "contributors", "publisher_detail", "subtitle_detail", "media_player", "media_text",
}


def root_element(head: str) -> tuple[str, str] | None:
    """``(name, attributes)`` of the first element, after the XML declaration, processing
    instructions, comments and a DOCTYPE; ``None`` when the text does not start like XML.
    (A loop over the prolog, not one regular expression: it stays linear on any input.)

    >>> root_element('<?xml version="1.0"?>\\n<!-- c --><!DOCTYPE rss [<!ELEMENT x ANY>]><rss version="2.0">')
    ('rss', ' version="2.0"')
    """
    pos, end = 0, len(head)
    while pos < end:
        if head[pos] in " \t\r\n\ufeff":
            pos += 1
            continue
        if head.startswith("<?", pos):
            close = head.find("?>", pos + 2)
            nxt = close + 2
        elif head.startswith("<!--", pos):
            close = head.find("-->", pos + 4)
            nxt = close + 3
        elif head[pos:pos + 9].upper() == "<!DOCTYPE":
            bracket, close = head.find("[", pos), head.find(">", pos)
            if 0 <= bracket < close:
                close = head.find(">", head.find("]", bracket))
            nxt = close + 1
        else:
            m = _ROOT.match(head, pos)
            return (m.group(1), m.group(2)) if m else None
        if close < 0:
            return None  # the prolog never closes
        pos = nxt
    return None


def detect(text: str) -> bool:
    """The root element is ``rss``, an Atom ``feed``, or an RSS 1.0 / 0.90 ``rdf:RDF``."""
    head = text[:SNIFF_CHARS]
    root = root_element(head)
    if root is None:
        return False
    if root[0] == "rss":
        return True
    if root[0] == "feed":
        return any(ns in root[1] for ns in _ATOM_NS)
    return root[0] == "RDF" and any(ns in head for ns in _RSS1_NS)


def _parse(text: str, name: str) -> tuple[Any, list[str]]:
    """feedparser's reading of the feed, and notes on the character references repaired
    before it (one naming no character, ``&#xD800;``, would fail the whole feed in it)."""
    import io

    import feedparser

    first_item = m.start() if (m := _ITEM_TAG.search(text)) else len(text)
    entity = _ENTITY.search(text, 0, first_item)
    if entity:
        raise ReadError("declares XML entities (<!ENTITY …>): refused, entity expansion and external "
                        "entities are never read", source=name, line=text.count("\n", 0, entity.start()) + 1)
    text, notes = repair_char_refs(text)
    data = _DECLARATION.sub(r"\1utf-8", text.lstrip("\ufeff"), count=1).encode("utf-8")
    return feedparser.parse(io.BytesIO(data), response_headers={"content-type": "application/xml; charset=utf-8"},
                            resolve_relative_uris=False, sanitize_html=False), notes


def _host(url: object) -> str | None:
    try:
        return urlsplit(str(url)).hostname if url else None
    except ValueError:
        return None


def _text(detail_value: Any, detail: Any) -> str | None:
    if detail_value is None:
        return None
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    return html_text(str(detail_value)) if "html" in kind else clean(detail_value)


def extract_channel(feed: Any) -> tuple[Provider, dict[str, Any]]:
    """The outlet (name, domain, logo) and the feed-wide facts items inherit."""
    title = _text(feed.get("title"), feed.get("title_detail"))
    name = clean(feed.get("prism_publicationname")) or title
    link = feed.get("link")
    images: list[Image] = []
    image = feed.get("image") or {}
    for url in (image.get("href") or image.get("url"), feed.get("logo"), feed.get("icon")):
        if url and all(i.url != url for i in images):
            images.append(Image(url=str(url)))
    provider = Provider(name=name, domain=_host(link), images=images, titled=name == title)
    inherited: dict[str, Any] = {"title": title, "language": clean(feed.get("language")), "people": [], "notes": []}
    for author in feed.get("authors", []):
        if isinstance(author, dict) and author.get("name"):
            byline = split_byline(author["name"], [name or ""], [provider.domain or ""])
            inherited["people"] += byline.people
            inherited["notes"] += [f"feed author: {note}" for note in byline.notes]
    return provider, inherited


def _urls(entry: Any) -> tuple[dict[str, str], dict[str, Any]]:
    urls: dict[str, str] = {}
    extra: dict[str, Any] = {}
    link = clean(entry.get("link"))
    guid = clean(entry.get("id"))
    if link and is_home_page(link):
        extra["link"], link = link, None  # a home page is not the item's own url
    if link:
        urls["web"] = link
    if guid and guid != link:
        if guid.startswith(("http://", "https://")):
            urls["guid"] = guid
        else:
            extra["guid"] = guid
    if entry.get("feedburner_origlink"):
        urls["original"] = str(entry["feedburner_origlink"])
    return urls, extra


def _date(entry: Any, notes: list[str]) -> tuple[Any, str | None, dict[str, Any]]:
    from datetime import datetime, timezone

    extra: dict[str, Any] = {}
    stored = dict(entry)
    for key in ("published", "updated", "created"):
        raw = stored.get(key)
        if not raw:
            continue
        when = parse_when(raw)
        if when is None and stored.get(key + "_parsed") and _agrees(str(raw), stored[key + "_parsed"]):
            t = stored[key + "_parsed"]
            when = datetime(t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, tzinfo=timezone.utc)
            notes.append(f"{key} {str(raw)[:40]!r}: read by feedparser, given in UTC")
        if when is None:
            notes.append(f"{key}: not a date: {str(raw)[:40]!r}")
            continue
        updated = stored.get("updated")
        if key == "published" and updated and updated != raw and parse_when(updated) != when:
            extra["updated"] = str(updated)
        return when, str(raw), extra
    return None, None, extra


def _agrees(text: str, parsed: Any) -> bool:
    """Whether feedparser's reading of a date kg could not read says what the text says:
    its year and day are numbers of the text (a day or year off by one: feedparser gives UTC),
    its month one of them or a word. feedparser
    turns impossible dates into other real ones (``2024-13-45`` → 2025-01-01,
    ``-2024-01-01`` → 2026-07-21); an invalid date is no date.

    >>> import time
    >>> _agrees("2024-13-45T99:99:99Z", time.strptime("2025-01-01", "%Y-%m-%d"))
    False
    >>> _agrees("2021-01-03T17:40:00EET", time.strptime("2021-01-03 15:40", "%Y-%m-%d %H:%M"))
    True
    """
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    month = parsed.tm_mon in numbers or bool(re.search(r"[^\W\d_]{3,}", text))
    near = (lambda n: bool({n - 1, n, n + 1} & numbers))
    return parsed.tm_year >= MIN_YEAR and near(parsed.tm_year) and near(parsed.tm_mday) and month


def _authors(entry: Any, provider: Provider, inherited: dict[str, Any], doc: Document) -> None:
    names = [a.get("name") for a in entry.get("authors", []) if isinstance(a, dict) and a.get("name")]
    if not names and entry.get("author") and not entry.get("authors"):
        names = [entry["author"]]
    if not names:  # Atom: an entry without an author has the feed's (read once, in extract_channel)
        doc.authors = list(inherited["people"])
        return
    for name in names:
        byline = split_byline(name, [provider.name or ""], [provider.domain or ""])
        doc.authors += [p for p in byline.people if p not in doc.authors]
        doc.notes += byline.notes
        if byline.organizations:
            doc.extra.setdefault("byline_organizations", []).extend(byline.organizations)


def _categories(entry: Any, doc: Document) -> None:
    for tag in entry.get("tags", []):
        label = clean(tag.get("term") or tag.get("label"))
        if not label:
            continue
        if label not in doc.topics:
            doc.topics.append(label)
        scheme = tag.get("scheme")
        if scheme and str(scheme).startswith(("http://", "https://")):
            doc.extra.setdefault("category_urls", {})[label] = str(scheme)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None


def _media(entry: Any, doc: Document) -> None:
    seen = set()
    for item in [*entry.get("media_content", []), *entry.get("media_thumbnail", [])]:
        url, kind = item.get("url"), f"{item.get('medium', '')} {item.get('type', '')}".lower()
        if not url or url in seen or any(k in kind for k in ("video", "audio", "application", "document")):
            continue
        seen.add(url)
        doc.images.append(Image(url=str(url), width=_int(item.get("width")), height=_int(item.get("height"))))
    enclosures = [link for link in entry.get("links", []) if isinstance(link, dict) and link.get("rel") == "enclosure"]
    for enc in enclosures:
        url, kind = enc.get("href"), str(enc.get("type", ""))
        if url and kind.startswith("image/") and url not in seen:
            seen.add(url)
            doc.images.append(Image(url=str(url)))
        elif url:
            doc.extra.setdefault("enclosures", []).append({"url": str(url), "type": kind or None,
                                                           "length": _int(enc.get("length"))})
    for credit in entry.get("media_credit", []):
        text = clean(credit.get("content")) if isinstance(credit, dict) else None
        if text and text not in doc.photo_credits:
            doc.photo_credits.append(text)


def _text_fields(entry: Any, doc: Document) -> None:
    summary = entry.get("summary")
    contents = [c for c in entry.get("content", []) if isinstance(c, dict) and c.get("value")]
    content = next((c["value"] for c in contents if "html" in str(c.get("type", ""))), None) or \
        (contents[0]["value"] if contents else None)
    summary_paras = html_paragraphs(summary)
    doc.excerpt = summary_paras[0] if summary_paras else None
    if content:
        doc.body = html_paragraphs(content)
    elif len(summary_paras) > 1:
        doc.body = summary_paras


def _kept(entry: Any) -> dict[str, Any]:
    """Fields feedparser found that kg does not model (``prism:volume``, ``dc:identifier`` …)."""
    return {k: v for k, v in entry.items()
            if k not in KNOWN and not k.endswith(("_detail", "_parsed")) and isinstance(v, str) and v.strip()}


def extract_item(entry: Any, provider: Provider, inherited: dict[str, Any], name: str, index: int,
                 line: int) -> Document:
    """One feed item as a document; raises :class:`ValueError` when it has neither link nor title."""
    entry = dict(entry)  # a plain dict: feedparser's own answers some keys with others (updated → published)
    doc = Document(source=name, format=NAME, line=line, index=index)
    doc.extra = _kept(entry)
    doc.title = _text(entry.get("title"), entry.get("title_detail"))
    doc.urls, ids = _urls(entry)
    doc.extra.update(ids)
    if not doc.urls and not doc.title:
        raise ValueError("item has neither a link nor a title")
    doc.published, doc.published_text, dates = _date(entry, doc.notes)
    doc.extra.update(dates)
    doc.provider = Provider(name=provider.name, domain=provider.domain, images=list(provider.images),
                            titled=provider.titled)
    doc.language = inherited["language"] or clean((entry.get("title_detail") or {}).get("language"))
    _authors(entry, provider, inherited, doc)
    _categories(entry, doc)
    _media(entry, doc)
    _text_fields(entry, doc)
    if inherited["title"] and inherited["title"] != provider.name:
        doc.extra["feed_title"] = inherited["title"]
    return doc


def item_lines(text: str) -> list[int]:
    """The line of every ``<item>``/``<entry>`` start tag, in document order."""
    lines, pos, line = [], 0, 1
    for m in _ITEM_TAG.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


def read(text: str, name: str) -> list[Document | ItemFailure]:
    """Read every item of a feed; an item that cannot be read is an :class:`ItemFailure`."""
    parsed, repairs = _parse(text, name)
    entries = parsed.get("entries", [])
    if not parsed.get("version") and not entries:
        problem = parsed.get("bozo_exception")
        raise ReadError(f"not a feed feedparser can read{f' ({problem})' if problem else ''}", source=name)
    if not entries:
        raise NoArticles("feed has no items", source=name)
    provider, inherited = extract_channel(parsed.get("feed", {}))
    lines = item_lines(text)
    if len(lines) != len(entries):
        lines = [1] * len(entries)
    out: list[Document | ItemFailure] = []
    for n, entry in enumerate(entries, start=1):
        try:
            out.append(extract_item(entry, provider, inherited, name, n - 1, lines[n - 1]))
        except (ValueError, TypeError, AttributeError) as err:
            out.append(ItemFailure(index=n, reason=str(err), line=lines[n - 1]))
    docs = [d for d in out if isinstance(d, Document)]
    if docs:
        docs[0].notes[:0] = repairs
        docs[0].notes += inherited["notes"]
    if parsed.get("bozo") and docs:
        docs[0].notes.append(f"not well-formed XML ({parsed.get('bozo_exception')}); read with feedparser's "
                             "lenient parser")
    return out


__all__ = ["NAME", "SUFFIXES", "detect", "read"]
