"""What each news API says that a field table cannot: its extracted subjects,
image renditions and structured bylines. One function per API, called by
:func:`kg.readers.apischemas.build_document` after the table has filled the
simple fields; each only adds to the document.

Subjects keep the API's own vocabulary and name it as their ``source``:

* Guardian ``tags``: ``keyword`` and ``series`` tags are topics, with the tag's
  web url as IRI and its id as code; ``contributor`` tags are the authors
  (their profile urls in ``extra["author_urls"]``); ``tone`` tags go to
  ``extra["tones"]``, other tag types to ``extra["guardian_tags"]``;
* NYT ``keywords``: ``subject`` and ``creative_works`` → topic, ``persons`` →
  person (``Federer, Roger`` → ``Roger Federer``), ``glocations`` → place,
  ``organizations`` → organization, in the API's rank order;
* ninjs ``subject(s)`` → topic, ``person``/``people`` → person,
  ``organisation(s)`` → organization, ``place(s)`` → place; an IPTC Media Topic
  gets the IPTC label and IRI (:mod:`kg.readers.iptc`), any other
  ``scheme`` + ``code`` the IRI ``scheme + code``;
* Event Registry ``concepts`` (``person``/``org``/``loc``/``wiki``, Wikipedia
  urls as IRIs) and ``categories`` (topics, their uri as code).

>>> from kg.model import Document
>>> doc = Document(source="x", format="newsapi")
>>> nyt({"keywords": [{"name": "persons", "value": "Federer, Roger", "rank": "1"}]}, doc)
>>> doc.subjects[0].name, doc.subjects[0].type, doc.subjects[0].source
('Roger Federer', 'person', 'nyt-api')
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..model import Document, Image, Provider, Subject
from .base import clean
from .bylines import split_byline
from .iptc import media_topic
from .markup import html_paragraphs, text_paragraphs
from .when import parse_when

NYT_KEYWORDS = {"subject": "topic", "persons": "person", "glocations": "place", "organizations": "organization",
                "creative_works": "topic"}
GUARDIAN_TAGS = {"keyword": "topic", "series": "topic"}
#: Guardian ``fields`` the schema table reads (the rest is kept in ``extra["guardian_fields"]``).
GUARDIAN_FIELDS_READ = {"headline", "standfirst", "trailText", "body", "bodyText", "shortUrl", "byline", "lang",
                        "wordcount", "productionOffice", "lastModified", "firstPublicationDate", "publication"}
NINJS_LISTS = {"subject": "topic", "subjects": "topic", "person": "person", "people": "person",
               "organisation": "organization", "organisations": "organization", "organization": "organization",
               "organizations": "organization", "place": "place", "places": "place"}
EVENT_REGISTRY_CONCEPTS = {"person": "person", "org": "organization", "loc": "place", "wiki": "topic"}
NYT_SITE = "https://www.nytimes.com/"
_CUT = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+(\d+) chars\]\s*$")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return clean(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") and not isinstance(value, bool) else None
    except ValueError:
        return None


def _add(doc: Document, subject: Subject) -> None:
    if all((s.name, s.type, s.iri) != (subject.name, subject.type, subject.iri) for s in doc.subjects):
        doc.subjects.append(subject)


def _largest(images: list[Image]) -> Image | None:
    return max(images, key=lambda i: (i.width or 0) * (i.height or 0), default=None)


def newsapi(record: dict[str, Any], doc: Document) -> None:
    """NewsAPI.org: the outlet's name after the headline goes (kept as an alternative
    headline), the "… [+N chars]" cut is recorded."""
    outlet = doc.provider.name if doc.provider else None
    if doc.title and outlet:
        cut = cut_outlet_suffix(doc.title, outlet)
        if cut != doc.title:
            doc.alt_titles.append(doc.title)
            doc.title = cut
    if doc.body:
        last = doc.body[-1]
        m = _CUT.search(last, max(0, len(last) - 60))
        if m:
            doc.body[-1] = last[: m.start()].rstrip() + "…"
            doc.extra["content_cut_chars"] = int(m.group(1))


_SUFFIX = re.compile(r"^(.*\S)\s+[-|–—]\s+([^|–—]+?)\s*$")


def cut_outlet_suffix(title: str, outlet: str) -> str:
    """*title* without the trailing `` - Outlet`` / `` | Outlet`` segments that name *outlet*
    (the same letters, one within the other: "TheHill", "GSMArena.com news").

    >>> cut_outlet_suffix("Bills win | TheHill - The Hill", "The Hill")
    'Bills win'
    >>> cut_outlet_suffix("Starship test soon - CNET", "CNET"), cut_outlet_suffix("A - B | CBR", "Google News")
    ('Starship test soon', 'A - B | CBR')
    """
    key = re.sub(r"[^0-9a-z]", "", outlet.casefold())
    while key and (m := _SUFFIX.match(title)):
        segment = re.sub(r"[^0-9a-z]", "", m.group(2).casefold())
        if not segment or not (key in segment or segment in key) or len(m.group(1)) < 8:
            break
        title = m.group(1)
    return title


def guardian(record: dict[str, Any], doc: Document) -> None:
    """Guardian Content API: tags, main-image elements, the publication as the outlet."""
    fields = _dict(record.get("fields"))
    rest = {k: v for k, v in fields.items() if k not in GUARDIAN_FIELDS_READ and isinstance(v, (str, int, float, bool))}
    if rest:
        doc.extra["guardian_fields"] = {k: v.strip() if isinstance(v, str) else v for k, v in sorted(rest.items())}
    doc.provider = doc.provider or Provider()
    doc.provider.name = "The Observer" if _text(fields.get("publication")) == "The Observer" else "The Guardian"
    for tag in _list(record.get("tags")):
        title, kind, url = _text(tag.get("webTitle")), _text(tag.get("type")), _text(tag.get("webUrl"))
        if not title:
            continue
        if kind in GUARDIAN_TAGS:
            _add(doc, Subject(title, GUARDIAN_TAGS[kind], "guardian-api", iri=url, code=_text(tag.get("id"))))
        elif kind == "contributor":
            if title not in doc.authors:
                doc.authors.append(title)
            if url:
                doc.extra.setdefault("author_urls", {})[title] = url
        elif kind == "tone":
            doc.extra.setdefault("tones", []).append(title)
        elif kind != "type":
            doc.extra.setdefault("guardian_tags", []).append({"type": kind, "title": title, "url": url})
    for element in _list(record.get("elements")):
        if element.get("type") != "image":
            continue
        assets = []
        for asset in _list(element.get("assets")):
            data = _dict(asset.get("typeData"))
            if _text(asset.get("file")):
                assets.append((Image(url=_text(asset["file"]) or "", width=_int(data.get("width")),
                                     height=_int(data.get("height")), caption=_text(data.get("caption"))),
                               _text(data.get("credit"))))
        best = _largest([a for a, _c in assets])
        if best and all(i.url != best.url for i in doc.images):
            doc.images.append(best)
            credit = next((c for a, c in assets if a is best), None)
            if credit and credit not in doc.photo_credits:
                doc.photo_credits.append(credit)


def _nyt_person(person: dict[str, Any]) -> str | None:
    parts = [_text(person.get(k)) for k in ("firstname", "middlename", "lastname")]
    name = " ".join(p for p in parts if p)
    if not name:
        return None
    return " ".join(w.title() if w.isupper() and len(w) > 2 else w for w in name.split())


def nyt(record: dict[str, Any], doc: Document) -> None:
    """NYT Article Search: byline persons, keywords, multimedia (relative urls made absolute)."""
    byline = record.get("byline")
    persons = _list(byline.get("person")) if isinstance(byline, dict) else []
    people = [n for n in (_nyt_person(p) for p in sorted(persons, key=lambda p: _int(p.get("rank")) or 0)) if n]
    if people:
        doc.authors += [p for p in people if p not in doc.authors]
    elif isinstance(byline, dict) and _text(byline.get("original")):
        found = split_byline(byline["original"], [(doc.provider.name or "") if doc.provider else ""])
        doc.authors += found.people
    if isinstance(byline, dict) and _text(byline.get("original")):
        doc.extra["byline"] = _text(byline["original"])
    keywords = sorted(_list(record.get("keywords")), key=lambda k: _int(k.get("rank")) or 0)
    for keyword in keywords:
        kind, value = NYT_KEYWORDS.get(str(keyword.get("name"))), _text(keyword.get("value"))
        if not kind or not value:
            continue
        if kind == "person" and value.count(",") == 1:
            last, first = (p.strip() for p in value.split(","))
            value = f"{first} {last}" if first else last
        _add(doc, Subject(value, kind, "nyt-api"))
    groups: dict[str, list[Image]] = {}
    for media in _list(record.get("multimedia")):
        url = _text(media.get("url"))
        if not url or (media.get("type") not in (None, "image")):
            continue
        if not url.startswith(("http://", "https://")):
            url = NYT_SITE + url.lstrip("/")
        image = Image(url=url, width=_int(media.get("width")), height=_int(media.get("height")),
                      caption=_text(media.get("caption")))
        groups.setdefault(urlsplit(url).path.rsplit("/", 1)[0], []).append(image)
    for renditions in groups.values():
        best = _largest(renditions)
        if best:
            doc.images.append(best)


def _ninjs_subject(item: dict[str, Any], kind: str) -> Subject | None:
    name = _text(item.get("name")) or _text(item.get("literal"))
    uri, scheme, code = _text(item.get("uri")), _text(item.get("scheme")), _text(item.get("code"))
    topic = media_topic(uri) or media_topic(item.get("qcode")) or (media_topic(code, scheme) if code else None)
    if topic:
        return Subject(topic[2] or name or topic[0], kind, "ninjs", iri=topic[1], code=f"medtop:{topic[0]}")
    if not name:
        return None
    iri = uri or (scheme + code if scheme and code and scheme.startswith(("http://", "https://")) else None)
    return Subject(name, kind, "ninjs", iri=iri, code=code or _text(item.get("qcode")))


def _ninjs_images(record: dict[str, Any], doc: Document) -> None:
    associations = record.get("associations")
    items = associations.values() if isinstance(associations, dict) else associations if isinstance(associations, list) else []
    for assoc in items:
        if not isinstance(assoc, dict) or assoc.get("type") not in ("picture", "graphic"):
            continue
        renditions = assoc.get("renditions")
        values = renditions.values() if isinstance(renditions, dict) else renditions if isinstance(renditions, list) else []
        caption = _text(assoc.get("description_text")) or _text(assoc.get("headline"))
        images = [Image(url=_text(r.get("href")) or "", width=_int(r.get("width")), height=_int(r.get("height")),
                        caption=caption)
                  for r in values if isinstance(r, dict) and _text(r.get("href"))
                  and str(r.get("mimetype") or r.get("contentType") or "image/").startswith("image/")]
        best = _largest(images)
        if best and all(i.url != best.url for i in doc.images):
            doc.images.append(best)


def _body_kind(body: dict[str, Any]) -> str:
    return str(body.get("contenttype") or body.get("contentType") or body.get("role") or "")


def _ninjs_body(bodies: list[dict[str, Any]]) -> list[str]:
    """ninjs 2.x/3.x ``bodies``: the HTML one, else plain text, else the first (NITF reads as markup)."""
    chosen = next((b for b in bodies if "html" in _body_kind(b)), None) or \
        next((b for b in bodies if _body_kind(b) in ("text/plain", "text")), None) or (bodies[0] if bodies else None)
    if not chosen or not isinstance(chosen.get("value"), str):
        return []
    if _body_kind(chosen) in ("text/plain", "text"):
        return text_paragraphs(chosen["value"])
    return html_paragraphs(chosen["value"])


def ninjs(record: dict[str, Any], doc: Document) -> None:
    """IPTC ninjs 1.x/2.x/3.x: the uri as identifier (and url when it is one), the first
    version's date as the publication date, subjects, bodies, associated pictures.

    ninjs dates a version (``versioncreated``, kept as the modification date); only
    ``firstcreated`` or the first version's date is when the item was published.
    """
    uri = _text(record.get("uri"))
    if uri:
        doc.identifiers.append(uri)
        if uri.startswith(("http://", "https://")):
            doc.urls["web"] = uri
    if doc.published is None and doc.modified is not None:
        version = _text(record.get("version"))
        if version in (None, "1"):
            doc.published, doc.published_text = doc.modified, _text(record.get("versioncreated") or
                                                                      record.get("versionCreated"))
        else:
            doc.notes.append(f"ninjs record {doc.index + 1}: no firstcreated; versioncreated dates version "
                             f"{version}, kept as the date modified, not as the publication date")
    if not doc.body:
        doc.body = _ninjs_body(_list(record.get("bodies")))
    for key, kind_ in NINJS_LISTS.items():
        for item in _list(record.get(key)):
            subject = _ninjs_subject(item, kind_)
            if subject:
                _add(doc, subject)
    _ninjs_images(record, doc)


def eventregistry(record: dict[str, Any], doc: Document) -> None:
    """Event Registry: authors (agencies apart), concepts and categories, a date from date + time."""
    for author in _list(record.get("authors")):
        name = _text(author.get("name"))
        if name and author.get("isAgency"):
            doc.extra.setdefault("byline_organizations", []).append(name)
        elif name and name not in doc.authors:
            doc.authors.append(name)
    if doc.published is None and _text(record.get("date")):
        doc.published = parse_when(f"{record['date']}T{_text(record.get('time')) or '00:00:00'}Z")
    for concept in _list(record.get("concepts")):
        kind = EVENT_REGISTRY_CONCEPTS.get(str(concept.get("type")))
        label = concept.get("label")
        name = (_text(label.get("eng")) or next((_text(v) for v in label.values() if _text(v)), None)) \
            if isinstance(label, dict) else _text(label)
        if kind and name:
            _add(doc, Subject(name, kind, "eventregistry", iri=_text(concept.get("uri"))))
    for category in _list(record.get("categories")):
        uri, label = _text(category.get("uri")), _text(category.get("label"))
        name = (label or uri or "").rsplit("/", 1)[-1]
        if name:
            _add(doc, Subject(name, "topic", "eventregistry", code=uri))
