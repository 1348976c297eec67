"""A web page's own structured data, read as plain JSON: schema.org JSON-LD and
microdata, OpenGraph (``og:*``, ``article:*``) and other ``<meta>`` tags.

JSON-LD is read block by block with extruct's JSON-LD extractor and never
expanded: a remote ``@context`` is a name here, nothing is fetched. Microdata
items are turned into the same dict shape as JSON-LD (``@type`` plus
properties), so one set of accessors serves both. One broken block (an empty
``<script type="application/ld+json">``, JavaScript comments, a truncated
object) is a note, not a failure: the other blocks are still read. RDFa is not
read: an RDFa processor may fetch vocabularies, and news pages put nothing
there that JSON-LD, microdata and OpenGraph do not already say.

Dates are parsed here too, in the forms pages really use (:func:`parse_datetime`):
ISO 8601 with or without a colon in the offset, ISO 8601 followed by a zone
abbreviation (``2021-01-03T17:40:00EET``), Java's ``Date.toString`` form
(``Tue Jan 28 15:28:56 CET 2020``) and RFC 2822.

>>> when, note = parse_datetime("Tue Jan 28 15:28:56 CET 2020")
>>> when.isoformat(), note is not None
('2020-01-28T15:28:56+01:00', True)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..dates import MIN_YEAR, parse_date, parse_rfc822
from .base import clean
from .jsontext import MAX_DEPTH, cut_deep, depth, repair_strings, surrogate_notes

#: schema.org types that are an article (or a post that reads as one).
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle", "BackgroundNewsArticle",
    "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "SatiricalArticle", "ScholarlyArticle",
    "TechArticle", "Report", "BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "DiscussionForumPosting",
})
#: schema.org types of pages that list articles rather than being one.
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage", "Blog"})
#: schema.org types of a subject or mention → kg's entity types.
SUBJECT_TYPES = {
    "Person": "person",
    "Organization": "organization", "Corporation": "organization", "NewsMediaOrganization": "organization",
    "GovernmentOrganization": "organization", "NGO": "organization", "SportsTeam": "organization",
    "EducationalOrganization": "organization", "PoliticalParty": "organization", "SportsOrganization": "organization",
    "Place": "place", "Country": "place", "City": "place", "State": "place", "AdministrativeArea": "place",
    "Continent": "place", "LandmarksOrHistoricalBuildings": "place",
}
#: Time-zone abbreviations with one meaning in news pages, as UTC offsets in hours.
#: Ambiguous ones (``IST``, ``CST``, ``BST`` outside Europe …) are not guessed.
ZONE_OFFSETS = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2,
    "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "HST": -10,
}
#: Most JSON-LD blocks read from one page (pages with more are scripts, not data).
MAX_BLOCKS = 100
#: Most items (after flattening ``@graph``) and subjects kept from one page.
MAX_ITEMS = 500
#: Deepest nesting of one JSON-LD property's value read (deeper ones are left out, noted).
FIELD_DEPTH = MAX_DEPTH

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$"
)
_JAVA = re.compile(
    r"^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([A-Za-z]{2,5})\s+(\d{4})$"
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")


@dataclass
class PageData:
    """What a page says about itself in markup, before any choice is made."""

    jsonld: list[dict[str, Any]] = field(default_factory=list)
    microdata: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)  # og:*, article:*, name=… → values in order
    links: dict[str, list[str]] = field(default_factory=dict)  # rel → hrefs
    title: str | None = None  # the <title> text
    headings: list[str] = field(default_factory=list)  # <h1> texts
    lang: str | None = None  # <html lang>
    notes: list[str] = field(default_factory=list)

    def first_meta(self, *keys: str) -> str | None:
        """The first non-empty value of the first key present, in *keys* order."""
        for key in keys:
            for value in self.meta.get(key, []):
                if clean(value):
                    return clean(value)
        return None

    def all_meta(self, *keys: str) -> list[str]:
        return [v for key in keys for v in (clean(x) for x in self.meta.get(key, [])) if v]

    def items(self) -> list[tuple[str, dict[str, Any]]]:
        """Every structured item with its syntax (``json-ld`` first, then ``microdata``)."""
        return [("json-ld", i) for i in self.jsonld] + [("microdata", i) for i in self.microdata]

    def articles(self) -> list[tuple[str, dict[str, Any]]]:
        """Every article item with its syntax, JSON-LD first: fields missing in one are
        looked up in the next.

        A microdata ``CreativeWork`` with a headline counts (heise marks its
        articles up that way).
        """
        return [(syntax, item) for syntax, item in self.items()
                if type_names(item) & ARTICLE_TYPES or ("CreativeWork" in type_names(item) and item.get("headline"))]

    def types(self) -> set[str]:
        return {t for _, i in self.items() for t in type_names(i)}


def type_names(item: dict[str, Any]) -> set[str]:
    """Short schema.org type names of an item: ``http://schema.org/NewsArticle`` → ``NewsArticle``.

    >>> sorted(type_names({"@type": ["schema:NewsArticle", "https://schema.org/WebPage"]}))
    ['NewsArticle', 'WebPage']
    """
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return {re.split(r"[/#:]", v.strip())[-1] for v in values if isinstance(v, str) and v.strip()}


def text_of(value: Any) -> str | None:
    """A display string from a JSON value: a string, a number, or the name of an object.

    HTML entities a CMS left in a JSON string (``North Korea&apos;s``) are decoded.

    >>> text_of({"@type": "Person", "name": " Ann  Lee "}), text_of(["", "x"]), text_of("It&apos;s")
    ('Ann Lee', 'x', "It's")
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return clean(html.unescape(value) if _ENTITY.search(value) else value)
    if isinstance(value, dict):
        for key in ("name", "@value", "headline", "text"):
            if key in value:
                return text_of(value[key])
        return None
    if isinstance(value, list):
        for member in value:
            text = text_of(member)
            if text:
                return text
    return None


def texts_of(value: Any) -> list[str]:
    """Every display string in a JSON value (lists flattened, nested lists too)."""
    if isinstance(value, list):
        return [t for member in value[:MAX_ITEMS] for t in texts_of(member)]
    text = text_of(value)
    return [text] if text else []


def url_of(value: Any) -> str | None:
    """A url from a JSON value: a string, or an object's ``url``/``@id``/``contentUrl``."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        for key in ("url", "contentUrl", "@id"):
            found = url_of(value.get(key))
            if found:
                return found
    if isinstance(value, list):
        for member in value:
            found = url_of(member)
            if found:
                return found
    return None


def objects_of(value: Any) -> list[Any]:
    """A property's values as a list (a single value or a list of them)."""
    if value is None:
        return []
    return value[:MAX_ITEMS] if isinstance(value, list) else [value]


def zone(label: str) -> timezone | None:
    """The fixed offset of ``Z``, ``+0100``, ``-05:00``, ``+01`` or a known abbreviation (``CET``).

    >>> zone("+0100"), zone("EET"), zone("IST")
    (datetime.timezone(datetime.timedelta(seconds=3600)), datetime.timezone(datetime.timedelta(seconds=7200)), None)
    """
    label = label.strip()
    if label[:1] in "+-" and label[1:3].isdigit():
        digits = label[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
        if minutes >= 24 * 60:
            return None
        return timezone(timedelta(minutes=minutes if label[0] == "+" else -minutes))
    hours = ZONE_OFFSETS.get(label.upper())
    return None if hours is None else timezone(timedelta(hours=hours))


def _build(parts: tuple[str | None, ...], tz: timezone | None) -> datetime | None:
    y, mo, d, h, mi, s = (int(p or 0) for p in parts)
    if y < MIN_YEAR:
        return None
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError:
        return None


def parse_datetime(text: str | None) -> tuple[datetime | None, str | None]:
    """Parse a date a page gives; return ``(datetime, note)``.

    The note says how a form that is not plain ISO 8601 was read, or why a
    zone was not. A date without a zone stays naive.

    >>> parse_datetime("2018-12-22T00:00:00+0100")[0].isoformat()
    '2018-12-22T00:00:00+01:00'
    >>> parse_datetime("2021-01-03T17:40:00EET")[0].isoformat()
    '2021-01-03T17:40:00+02:00'
    >>> parse_datetime("Mon, 20 Jan 2020 06:05:18 GMT")[0].isoformat()
    '2020-01-20T06:05:18+00:00'
    >>> parse_datetime("2021-02-30"), parse_datetime("soon")
    ((None, "'2021-02-30' is not a real date"), (None, "'soon' is not a date kg reads"))
    """
    value = clean(text)
    if not value or len(value) > 80:
        return None, None if not value else f"{value[:40]!r}… is not a date kg reads"
    m = _ISO.match(value)
    if m:
        label = m.group(7)
        tz = zone(label) if label else None
        when = _build(m.groups()[:6], tz)
        if when is None:
            return None, f"{value!r} is not a real date"
        if label and tz is None:
            return when, f"{value!r}: unknown time zone {label!r}; left without a zone"
        if label and label[0].isalpha() and label.upper() != "Z":
            return when, f"{value!r}: zone abbreviation {label!r} read as UTC{when.strftime('%z')}"
        return when, None
    m = _JAVA.match(value)
    if m:
        mon, day, h, mi, s, label, year = m.groups()
        from ..dates import MONTHS

        tz = zone(label)
        month = MONTHS.get(mon.lower())
        when = _build((year, str(month), day, h, mi, s), tz) if month else None
        if when is None:
            return None, f"{value!r} is not a real date"
        how = f"read as {when.isoformat()}" if tz else f"unknown time zone {label!r}; left without a zone"
        return when, f"{value!r} is not ISO 8601; {how}"
    when = parse_rfc822(value)
    if when is not None:
        return when, None
    when = parse_date(value)
    if when is None:
        return None, f"{value!r} is not a date kg reads"
    return when, None


# --- gathering -------------------------------------------------------------------------------


def _line(node: Any) -> int | None:
    line = getattr(node, "sourceline", None)
    return line if isinstance(line, int) else None


def read_jsonld(tree: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Every JSON-LD item of the page (``@graph`` and top-level lists flattened), and notes
    on blocks that are not JSON, on fields nested deeper than
    :data:`FIELD_DEPTH` (each left out alone, :func:`shallow`) and on
    strings repaired (a lone surrogate, :func:`~kg.readers.jsontext.repair_strings`)."""
    from extruct.jsonld import JsonLdExtractor

    extractor = JsonLdExtractor()
    items: list[dict[str, Any]] = []
    notes: list[str] = []
    scripts = [s for s in tree.iter("script") if (s.get("type") or "").strip().lower() == "application/ld+json"]
    for script in scripts[:MAX_BLOCKS]:
        where = f"line {_line(script)}: " if _line(script) else ""
        if not (script.text or "").strip():
            notes.append(f"{where}empty JSON-LD block; ignored")
            continue
        try:
            found = _extract(extractor, script, where, notes)
        except (ValueError, RecursionError) as err:
            notes.append(f"{where}JSON-LD block is not valid JSON ({type(err).__name__}); ignored")
            continue
        deep = depth(found, FIELD_DEPTH) > FIELD_DEPTH
        block = [i for item in found for i in _flatten(item)]
        if deep:
            block = [shallow(item, where, notes) for item in block]
            if not block:
                notes.append(f"{where}JSON-LD block nested more than {FIELD_DEPTH} levels deep, with no item "
                             "within 3 levels; ignored")
        if "\\u" in (script.text or ""):
            block, paths = repair_strings(block)
            notes += surrogate_notes([p.split("]", 1)[-1].lstrip(".") for p in paths], f"{where}JSON-LD ")
        items.extend(block)
    if len(scripts) > MAX_BLOCKS:
        notes.append(f"{len(scripts)} JSON-LD blocks; only the first {MAX_BLOCKS} read")
    if len(items) > MAX_ITEMS:
        notes.append(f"{len(items)} JSON-LD items; the first {MAX_ITEMS} kept (limit {MAX_ITEMS})")
    return items[:MAX_ITEMS], notes


def _extract(extractor: Any, script: Any, where: str, notes: list[str]) -> list[Any]:
    """extruct's items of one JSON-LD block. A block too deep for Python's parser is read
    again with its values nested past :data:`FIELD_DEPTH` (+3, for ``@graph`` and the item)
    cut out (:func:`~kg.readers.jsontext.cut_deep`), so :func:`shallow` leaves out only the
    fields that held them."""
    try:
        return list(extractor.extract_items(script))
    except RecursionError:
        import lxml.etree

        text, cut = cut_deep(script.text or "", FIELD_DEPTH + 3)
        copy = lxml.etree.Element("script", type="application/ld+json")
        copy.text = text
        found = list(extractor.extract_items(copy))
        notes.append(f"{where}JSON-LD block nested too deeply for a JSON parser; {cut} value(s) nested more than "
                     f"{FIELD_DEPTH + 3} levels deep cut out to read the rest")
        return found


def shallow(item: dict[str, Any], where: str, notes: list[str], limit: int = FIELD_DEPTH) -> dict[str, Any]:
    """*item* without its properties nested more than *limit* levels deep, each noted: one
    absurd field never costs the page its other fields.

    >>> notes = []
    >>> shallow({"@type": "NewsArticle", "headline": "H", "keywords": [[[["x"]]]]}, "line 3: ", notes, 3), notes
    ({'@type': 'NewsArticle', 'headline': 'H'}, ['line 3: JSON-LD NewsArticle keywords: nested more than 3 levels deep; left out'])
    """
    kept: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, (list, dict)) and depth(value, limit) > limit:
            kind = " ".join(sorted(type_names(item))) or "item"
            notes.append(f"{where}JSON-LD {kind} {key}: nested more than {limit} levels deep; left out")
            continue
        kept[key] = value
    return kept


def _flatten(item: Any, depth: int = 0) -> list[dict[str, Any]]:
    if isinstance(item, list) and depth < 3:
        return [i for member in item for i in _flatten(member, depth + 1)]
    if not isinstance(item, dict):
        return []
    out = [item] if "@type" in item else []
    graph = item.get("@graph")
    if graph is not None and depth < 3:
        out.extend(_flatten(graph, depth + 1))
    return out


def _from_microdata(item: Any, depth: int = 0) -> Any:
    """extruct's microdata shape (``{"type", "properties"}``) → JSON-LD shape."""
    if isinstance(item, list):
        return [_from_microdata(i, depth + 1) for i in item[:MAX_ITEMS]]
    if not isinstance(item, dict) or depth > 20:
        return item
    out: dict[str, Any] = {"@type": item.get("type")} if item.get("type") else {}
    for key, value in (item.get("properties") or {}).items():
        out[key] = _from_microdata(value, depth + 1)
    if "value" in item and not out.get("name"):
        out.setdefault("@value", item["value"])
    return out


def read_microdata(tree: Any, base_url: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every top-level microdata item that has a type, in JSON-LD shape."""
    from extruct.w3cmicrodata import MicrodataExtractor

    try:
        found = MicrodataExtractor().extract_items(tree, base_url)
    except (ValueError, RecursionError, TypeError) as err:
        return [], [f"microdata could not be read ({type(err).__name__}); ignored"]
    items = [_from_microdata(i) for i in found[:MAX_ITEMS] if isinstance(i, dict) and i.get("type")]
    return [i for i in items if isinstance(i, dict)], []


def read_meta(tree: Any) -> dict[str, list[str]]:
    """``<meta>`` values by lowercased key: OpenGraph and ``article:*`` properties (read
    with extruct's OpenGraph extractor) and every ``name=`` / ``http-equiv=`` tag."""
    from extruct.opengraph import OpenGraphExtractor

    meta: dict[str, list[str]] = {}
    try:
        for block in OpenGraphExtractor().extract_items(tree):
            for key, value in block.get("properties", []):
                meta.setdefault(key.strip().lower(), []).append(value)
    except (ValueError, KeyError, IndexError):
        pass
    for node in tree.iter("meta"):
        key = node.get("name") or node.get("http-equiv")
        content = node.get("content")
        if key and content is not None and not node.get("property"):
            meta.setdefault(key.strip().lower(), []).append(content)
    return meta


def read_links(tree: Any) -> dict[str, list[str]]:
    """``<link rel=… href=…>`` hrefs by lowercased rel word."""
    links: dict[str, list[str]] = {}
    for node in tree.iter("link"):
        href = clean(node.get("href"))
        if not href:
            continue
        for rel in (node.get("rel") or "").lower().split():
            links.setdefault(rel, []).append(href)
    return links


def gather(tree: Any, base_url: str | None = None) -> PageData:
    """Everything the page says about itself, from a parsed lxml HTML tree."""
    data = PageData()
    data.jsonld, notes = read_jsonld(tree)
    data.microdata, more = read_microdata(tree, base_url)
    data.notes = notes + more
    data.meta = read_meta(tree)
    data.links = read_links(tree)
    title = tree.find(".//title")
    data.title = clean(title.text_content()) if title is not None else None
    data.headings = [t for t in (clean(h.text_content()) for h in tree.iter("h1")) if t][:10]
    root = tree.getroottree().getroot()
    data.lang = clean(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
    return data
