"""Saved HTML article pages: the page's own structured data, its main text.

Reading runs as named steps:

1. :func:`parse`: lxml's HTML parser, with the network off and the huge-tree
   limits on; entity declarations in a DOCTYPE are never expanded (the HTML
   parser ignores them), so an entity bomb is inert text;
2. :func:`~kg.readers.structured.gather`: JSON-LD, microdata and OpenGraph
   with extruct, read as plain JSON (a remote ``@context`` is never fetched);
3. the fields, each from its sources in the order :mod:`kg.readers.html_fields`
   documents (canonical url, headline, date, byline, outlet, language,
   subjects, images);
4. :func:`extract_body`: the main text with trafilatura, as paragraphs;
5. :func:`check_article`: a page that is not an article (a client-side shell
   with ``{{…}}`` placeholders, a listing, a page without text) raises
   :class:`~kg.errors.NoArticles`, which the build reports as *skipped*
   with the reason.

The canonical url is the article's identity (``urls["web"]``), so the same
article reached as a feed item with the same link is one node. A page saved
by a browser keeps where it came from in a ``saved from url`` comment; that
url, like a WARC record's target, is ``urls["page"]`` and the identity only
when the page names no url of its own.

>>> doc, = read('''<!DOCTYPE html><html lang="en"><head><title>Rain Returns | Example Post</title>
... <link rel="canonical" href="https://example.org/rain">
... <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rain returns",
...  "datePublished": "2024-03-01T08:00:00+01:00", "author": {"@type": "Person", "name": "Ann Lee"},
...  "publisher": {"@type": "Organization", "name": "Example Post"}}</script></head>
... <body><article><h1>Rain returns</h1><p>Rain fell on the city of Example for the first
... time in a month on Friday, filling the reservoirs that had run low over the winter.</p>
... <p>Farmers welcomed it, and the water board lifted its limits on garden hoses.</p></article></body></html>''', "rain.html")
>>> doc.title, doc.urls["web"], doc.published.isoformat(), doc.authors, doc.provider.name
('Rain returns', 'https://example.org/rain', '2024-03-01T08:00:00+01:00', ['Ann Lee'], 'Example Post')
"""

from __future__ import annotations

import itertools
import logging
import re
from datetime import datetime
from typing import Any

from ..errors import NoArticles, ReadError
from ..model import Document
from ..sources import repair_char_refs
from . import html_fields as fields
from .base import clean
from .structured import ARTICLE_TYPES, LISTING_TYPES, PageData, gather, parse_datetime, text_of, type_names

NAME = "html"
SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")

#: Text (in characters, a Han/kana/Hangul character counting three) below which a
#: page without article markup is not taken for an article.
MIN_TEXT = 200
#: Share of the main text in whole-link paragraphs from which a page without
#: article markup is a list of links (a section front), not an article.
MAX_LINK_SHARE = 0.5
#: Most paragraphs kept from one page.
MAX_PARAGRAPHS = 2000
#: ``{{ … }}`` template placeholders of a page rendered in the browser (AngularJS, Vue …).
PLACEHOLDER = re.compile(r"\{\{[^{}\n]{1,200}\}\}")
#: Attributes that mark a client-side application's root element.
APP_ATTRIBUTES = ("ng-app", "data-ng-app", "ng-controller", "v-cloak", "x-data")

_START = re.compile(r"\A\ufeff?\s*(?:<\?xml[^>]{0,300}\?>\s*)?(?:<!--.*?-->\s*){0,20}"
                    r"(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.IGNORECASE | re.DOTALL)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s+url:\s*(\S+)\s+saved date:\s*([^\n(]+)", re.IGNORECASE)
_WIDE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def detect(text: str) -> bool:
    """An HTML page starts with a doctype, ``<html>`` or ``<head>`` (after a BOM, an
    XML declaration or comments).

    >>> detect("<!-- saved -->\\n<!DOCTYPE html><html>"), detect("<?xml version='1.0'?><rss/>")
    (True, False)
    """
    return bool(_START.match(text[:8192]))


def parse(text: str, name: str) -> Any:
    """The lxml tree of a page, parsed with no network and no entity expansion."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, huge_tree=False, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as err:
        raise ReadError(f"not readable as HTML ({err})", source=name) from err
    if tree is None:
        raise ReadError("not readable as HTML (no document)", source=name)
    return tree


def saved_from(text: str) -> tuple[str | None, datetime | None]:
    """The url (and date) a browser or SingleFile wrote into a saved page.

    >>> saved_from("<!-- saved from url=(0023)https://example.org/a -->\\n<html>")
    ('https://example.org/a', None)
    """
    head = text[:4096]
    m = _SINGLEFILE.search(head)
    if m:
        return m.group(1), parse_datetime(m.group(2))[0]
    m = _SAVED_FROM.search(head)
    return (m.group(1), None) if m else (None, None)


def extract_body(tree: Any, page: PageData, title: str | None) -> tuple[list[str], list[str]]:
    """The article's paragraphs and notes. The text is trafilatura's main text
    (comments, tables and navigation left out); when that is short and the
    article's structured data carries an ``articleBody`` (a paywalled page, a
    script-rendered one), that is the text. Leading paragraphs repeating the
    headline (alone or after a kicker) are dropped."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        result = trafilatura.bare_extraction(tree, with_metadata=False, include_comments=False,
                                             include_tables=False, deduplicate=False)
    except (ValueError, TypeError, RecursionError):
        result = None
    text = getattr(result, "text", None) or ""
    paragraphs = [p for p in (clean(line) for line in text.split("\n")) if p]
    notes = []
    origin = "main text"
    stated = text_of(fields.article_value(page, "articleBody")) or ""
    if text_weight([stated]) >= MIN_TEXT and text_weight(paragraphs) * 3 < text_weight([stated]):
        notes.append(f"main text taken from the page's articleBody: its HTML showed {text_weight(paragraphs)} "
                     "characters of text")
        raw = fields.article_value(page, "articleBody")
        paragraphs = [p for p in (clean(line) for line in str(raw if isinstance(raw, str) else stated).split("\n")) if p]
        origin = "articleBody"
    while paragraphs and title and title.casefold() in paragraphs[0].casefold() \
            and len(paragraphs[0]) < 1.5 * len(title) + 10:
        paragraphs.pop(0)
    if len(paragraphs) > MAX_PARAGRAPHS:
        notes.append(f"body ({origin}): {len(paragraphs):,} paragraphs; the first {MAX_PARAGRAPHS:,} kept "
                     f"(limit {MAX_PARAGRAPHS:,} paragraphs per page), {len(paragraphs) - MAX_PARAGRAPHS:,} left out")
    return paragraphs[:MAX_PARAGRAPHS], notes


def visible_text(tree: Any) -> str:
    body = tree.find("body")
    if body is None:
        return ""
    parts = body.xpath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
    return " ".join(str(p) for p in parts[:20000])


def link_share(tree: Any, paragraphs: list[str]) -> float:
    """Share of the main text (by characters) in paragraphs that are a link's whole
    text: high on a section front or list of headlines, low in an article."""
    total = sum(len(p) for p in paragraphs)
    if not total:
        return 0.0
    anchors = {clean(a.text_content()) for a in itertools.islice(tree.iter("a"), 20000)}
    return sum(len(p) for p in paragraphs if p in anchors) / total


def text_weight(paragraphs: list[str]) -> int:
    """Length of the text, a Han, kana or Hangul character counting three (they carry
    about as much as a short word)."""
    text = " ".join(paragraphs)
    return len(text) + 2 * len(_WIDE.findall(text))


def check_article(page: PageData, tree: Any, title: str | None, body: list[str], name: str) -> list[str]:
    """Raise :class:`~kg.errors.NoArticles` for a page that is no article; else
    return notes (an article with no text found is kept, metadata only)."""
    root = tree.getroottree().getroot()
    app = next((a for a in APP_ATTRIBUTES for el in (root, tree.find("body")) if el is not None and a in el.attrib),
               None)
    shown = visible_text(tree)
    placeholders = PLACEHOLDER.findall(shown) + PLACEHOLDER.findall(page.title or "")
    if (not title or "{{" in title) and len(placeholders) >= 3:
        example = min(placeholders, key=len)[:80]
        raise NoArticles(
            f"client-side rendered page{' (' + app + ')' if app else ''}: the saved HTML holds template "
            f"placeholders such as {example}, not the article; save the page after it has rendered", source=name)
    types = page.types()
    marked = bool(page.articles()) or (page.first_meta("og:type") or "").lower() == "article"
    weight = text_weight(body)
    if not marked and types & LISTING_TYPES:
        kind = sorted(types & LISTING_TYPES)[0]
        raise NoArticles(f"a listing page (schema.org {kind}), not an article", source=name)
    share = link_share(tree, body)
    if not page.articles() and share >= MAX_LINK_SHARE:
        raise NoArticles(f"a page of links ({share:.0%} of its main text is link text): a section front or "
                           "list, not an article", source=name)
    if not marked and weight < MIN_TEXT:
        raise NoArticles(f"no article found: no article markup and {weight} characters of main text "
                           f"(an article has at least {MIN_TEXT})", source=name)
    if not title and not body:
        raise NoArticles("no article found: the page has neither a headline nor text", source=name)
    if weight < MIN_TEXT:
        return [f"little article text found ({weight} characters); read for its metadata"]
    return []


def read_page(text: str, name: str, *, url: str | None = None, retrieved: datetime | None = None,
              index: int = 0, line: int = 1) -> Document:
    """One page as one :class:`Document`. *url* and *retrieved* are where and when it was
    fetched (a WARC record's target and date), when known."""
    saved_url, saved_date = saved_from(text)
    fetched = url or saved_url
    tree = parse(text, name)
    page = gather(tree, fetched)
    doc = Document(source=name, format=NAME, index=index, line=line)
    doc.notes = list(page.notes)
    doc.retrieved = retrieved or saved_date
    links = [str(href) for href in itertools.islice(tree.xpath("//a/@href"), 5000)]
    doc.urls, notes = fields.extract_urls(page, fetched, links)
    doc.notes += notes
    doc.title, notes = fields.extract_title(page)
    doc.notes += notes
    web = doc.urls.get("web")
    doc.published, doc.published_text, notes = fields.extract_published(page, tree, web)
    doc.notes += notes
    doc.modified = fields.extract_modified(page)
    doc.authors = fields.extract_authors(page)
    doc.provider = fields.extract_provider(page, web)
    doc.site_name = doc.provider.name if doc.provider else None
    doc.section = fields.extract_section(page)
    doc.excerpt = fields.extract_excerpt(page)
    doc.subjects = fields.extract_subjects(page)
    doc.images = fields.extract_images(page, web)
    kinds = sorted(t for _, item in page.articles() for t in type_names(item) if t in ARTICLE_TYPES)
    doc.type = kinds[0] if kinds else clean(page.first_meta("og:type"))
    doc.body, notes = extract_body(tree, page, doc.title)
    doc.notes += notes
    doc.language, notes = fields.extract_language(page, " ".join(doc.body) or (doc.title or ""))
    doc.notes += notes
    doc.notes += check_article(page, tree, doc.title, doc.body, name)
    doc.notes += repair_char_refs(text)[1]  # lxml reads each as U+FFFD; say where
    doc.notes += fields.long_url_notes(page)
    return doc


def read(text: str, name: str) -> list[Document]:
    """Read one saved page; raise :class:`~kg.errors.NoArticles` when it holds none."""
    return [read_page(text, name)]
