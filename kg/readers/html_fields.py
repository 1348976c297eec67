"""The fields of an HTML article page, each from its sources in a fixed order.

Every ``extract_<field>`` takes the :class:`~kg.readers.structured.PageData`
of a page and returns the first value found, trying in this order:

============  =====================================================================================
field         sources, first found wins
============  =====================================================================================
url           ``<link rel=canonical>``, ``og:url``, the article's ``url``/``mainEntityOfPage``,
              ``dc.identifier`` when vouched for (:mod:`kg.identity.provenance`: on the site
              the page was fetched from, else backed by another of its urls or its
              publisher's name), then the url it was fetched from (WARC, "saved from")
title         the article's ``headline`` (a headline the site cut short with "…" is completed
              from another title that starts with it), ``og:title``, ``twitter:title``,
              ``dc.title``, ``<title>``; the last four trimmed of the site's name and date
published     the article's ``datePublished``, ``article:published_time``, date ``<meta>`` tags
              (:data:`DATE_META`), the first ``<time datetime>`` of the ``<article>``, then
              htmldate (markup only, never the network)
authors       the article's ``author`` persons, ``article:author`` names, ``author``/``dc.creator``
              ``<meta>`` tags (an organisation is never an author)
provider      the article's ``publisher``, ``og:site_name``, an ``Organization`` item,
              ``application-name``, ``dc.publisher``; its domain from the article's url
language      the article's ``inLanguage``, ``<html lang>``, language ``<meta>`` tags,
              ``og:locale``, then the script of the text (Han, kana, Hangul, Arabic …)
subjects      the article's ``keywords``, ``about`` and ``mentions``, ``article:tag``;
              ``keywords`` ``<meta>`` only when the page has none of those
============  =====================================================================================

"The article" is every schema.org article item of the page, JSON-LD before
microdata: a field missing in one is looked up in the next.

>>> trim_title("Ein Albtraum - DER SPIEGEL 52/2018", ["DER SPIEGEL"], [])
'Ein Albtraum'
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..identity.provenance import name_fits_domain, site_of, vouch
from ..model import Image, Provider, Subject
from .base import clean
from .structured import SUBJECT_TYPES, PageData, objects_of, parse_datetime, text_of, texts_of, type_names, url_of

#: ``<meta name>`` tags that give the publication date, in order of trust.
DATE_META = ("article:published_time", "og:article:published_time", "og:published_time", "pubdate",
             "publishdate", "publish-date", "publication_date", "date", "dc.date", "dc.date.issued",
             "dcterms.created", "dcterms.date", "dcterms.issued", "citation_publication_date", "sailthru.date",
             "parsely-pub-date", "article.published", "datepublished", "original-publish-date")
#: Longest url read from a page (a longer one is data or tracking, not an address; it is left
#: out with a note, :func:`long_url_notes`).
MAX_URL_CHARS = 2048
#: ``<meta>`` tags that name an author.
AUTHOR_META = ("author", "dc.creator", "dcterms.creator", "citation_author", "parsely-author", "sailthru.author",
               "byl")
#: Words that make an author value an organisation, not a person.
CORPORATE = re.compile(r"\b(?:GmbH|AG|Ltd|Limited|Inc|LLC|Corp|Corporation|S\.A\.|SAS|Verlag|Media|Group|"
                       r"News|Agency|Redaktion|Editorial|Staff)\b|www\.|https?:|\b[\w-]+\.(?:com|org|net|de|co)\b",
                       re.IGNORECASE)
#: Separators between a headline and the site's name in ``<title>``.
TITLE_SEPARATOR = re.compile(r"\s+[|»·/–—-]\s+|\s*\|\s*")
_DATE_LIKE = re.compile(r"^[\d\s./:-]{6,}$")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b)\s*")
_SCRIPTS = (("ja", re.compile(r"[\u3040-\u30ff]")), ("ko", re.compile(r"[\uac00-\ud7af]")),
            ("zh", re.compile(r"[\u4e00-\u9fff]")), ("ar", re.compile(r"[\u0600-\u06ff]")),
            ("he", re.compile(r"[\u0590-\u05ff]")), ("el", re.compile(r"[\u0370-\u03ff]")),
            ("th", re.compile(r"[\u0e00-\u0e7f]")))


def article_value(page: PageData, *keys: str) -> Any:
    """The first value of any of *keys* in the page's article items (JSON-LD first)."""
    for _, item in page.articles():
        for key in keys:
            value = item.get(key)
            if value not in (None, "", [], {}):
                return value
    return None


def _usable_url(url: str | None, base: str | None) -> str | None:
    if not url or "{{" in url or any(c.isspace() for c in url) or len(url) > MAX_URL_CHARS:
        return None
    url = urljoin(base, url) if base else url
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def extract_urls(page: PageData, fetched: str | None = None, links: list[str] | None = None
                 ) -> tuple[dict[str, str], list[str]]:
    """``{"web": identity url, "amp": …, "page": where it was fetched, "claimed": …}`` and notes.

    The page's own claims of its address are checked against where it came from
    (:func:`kg.identity.provenance.vouch`): a claim on another site is kept as
    ``claimed``, never the identity. *links* are the page's own links (its
    navigation is on its site).
    """
    og = page.first_meta("og:url")
    base = _usable_url(og, None) or _usable_url(fetched, None)
    candidates = [("<link rel=canonical>", next(iter(page.links.get("canonical", [])), None)), ("og:url", og),
                  ("the article's url", url_of(article_value(page, "url", "mainEntityOfPage"))),
                  ("dc.identifier", page.first_meta("dc.identifier", "dcterms.identifier"))]
    claims = [(label, url) for label, value in candidates if (url := _usable_url(value, base))]
    urls: dict[str, str] = {}
    notes: list[str] = []
    if claims:
        label, urls["web"] = claims[0]
        if label != "<link rel=canonical>" and page.links.get("canonical"):
            notes.append(f"canonical link {page.links['canonical'][0][:200]!r} is not a usable url; {label} used")
        other = next((url for _label, url in claims[1:] if site_of(url) != site_of(urls["web"])), None)
        if other:
            urls["claimed"] = other
    amp = _usable_url(next(iter(page.links.get("amphtml", [])), None), base)
    if amp:
        urls["amp"] = amp
    publisher = article_value(page, "publisher")
    corroborating = [u for u in [amp, *(url for _label, url in claims[1:])] if u]
    if isinstance(publisher, dict):
        corroborating += [u for u in (url_of(publisher.get("url")), url_of(publisher.get("logo"))) if u]
    corroborating += [image.url for image in extract_images(page, base)]
    corroborating += _navigation_site(links or [], base)
    name = text_of(publisher) or page.first_meta("og:site_name")
    urls, vouched = vouch(urls, _usable_url(fetched, None), corroborating, name)
    return urls, notes + vouched


#: Links a page must have on one site for its navigation to say it is on that site.
NAVIGATION_LINKS = 5


def _navigation_site(links: list[str], base: str | None) -> list[str]:
    """A url on the site a page links most, when at least :data:`NAVIGATION_LINKS` of its
    links and twice as many as to any other site go there (a page's navigation, header and
    footer link its own site; share buttons and ads link many others once or twice)."""
    sites: dict[str, list[str]] = {}
    for link in links:
        url = _usable_url(link, base)
        site = site_of(url) if url else None
        if site and url:
            sites.setdefault(site, []).append(url)
    counts = sorted((len(urls) for urls in sites.values()), reverse=True)
    if not counts or counts[0] < NAVIGATION_LINKS or (len(counts) > 1 and counts[0] < 2 * counts[1]):
        return []
    return max(sites.values(), key=len)[:1]


def _names(page: PageData) -> list[str]:
    """Names the site goes by (publisher, site name, host labels), for trimming titles and bylines."""
    names = [text_of(article_value(page, "publisher", "sourceOrganization")), page.first_meta("og:site_name"),
             page.first_meta("application-name")]
    for _, item in page.items():
        if type_names(item) & {"Organization", "NewsMediaOrganization"}:
            names.append(text_of(item.get("name")))
    return [n for n in names if n]


def _same_name(a: str, b: str) -> bool:
    key_a, key_b = re.sub(r"\W+", "", a.casefold()), re.sub(r"\W+", "", b.casefold())
    return bool(key_a and key_b) and (key_a == key_b or key_a.startswith(key_b) or key_b.startswith(key_a))


def trim_title(title: str, names: list[str], headings: list[str]) -> str:
    """A page title without the site's name, section and date around the headline.

    A leading run of segments that an ``<h1>`` equals (or starts with) is the
    headline; otherwise trailing segments naming the site or giving a date go.

    >>> trim_title("Berlin confronts colonial past | DW | 19.01.2020", ["DW.COM"], [])
    'Berlin confronts colonial past'
    >>> trim_title("港特首梁振英就住宅违建事件道歉 - BBC中文网 - 两岸三地", [], ["港特首梁振英就住宅违建事件道歉"])
    '港特首梁振英就住宅违建事件道歉'
    """
    parts = TITLE_SEPARATOR.split(title)
    seps = TITLE_SEPARATOR.findall(title)
    prefixes = ["".join(p + (seps[i] if i < len(seps) else "") for i, p in enumerate(parts[:k])).rstrip(" |»·/–—-")
                for k in range(len(parts), 0, -1)]
    for prefix in prefixes:
        if len(prefix) >= 4 and any(h == prefix or h.startswith(prefix) for h in headings):
            return prefix
    for heading in headings:
        if len(heading) >= 4 and title.startswith(heading) and len(heading) * 2 > len(title):
            return heading
    while len(parts) > 1:
        last = parts[-1].strip()
        if _DATE_LIKE.match(last) or any(_same_name(last, n) for n in names) or re.search(r"\d{1,2}/\d{4}$", last):
            parts.pop()
            seps.pop()
            continue
        break
    return "".join(p + (seps[i] if i < len(seps) else "") for i, p in enumerate(parts)).strip()


def extract_title(page: PageData) -> tuple[str | None, list[str]]:
    """The headline, and a note when it had to be completed or trimmed."""
    names = _names(page) + _host_labels(page)
    others = [t for t in (page.first_meta("og:title"), page.first_meta("twitter:title"),
                          page.first_meta("dc.title"), page.title) if t and "{{" not in t]
    headline = text_of(article_value(page, "headline"))
    if headline and "{{" not in headline:
        if _ELLIPSIS.search(headline):
            stem = _ELLIPSIS.sub("", headline)
            for other in others + page.headings:
                full = trim_title(other, names, page.headings)
                if full.startswith(stem) and len(full) > len(stem):
                    return full, [f"headline {headline!r} is cut short; the full one taken from the page"]
        return headline, []
    if others:
        return trim_title(others[0], names, page.headings), []
    return text_of(article_value(page, "name")), []


def _host_labels(page: PageData) -> list[str]:
    url = page.first_meta("og:url") or (page.links.get("canonical") or [""])[0]
    host = (urlsplit(url).hostname or "") if url and "{{" not in url else ""
    labels = host.removeprefix("www.").split(".")
    return [".".join(labels), labels[0]] if labels and labels[0] else []


def extract_published(page: PageData, tree: Any, url: str | None) -> tuple[datetime | None, str | None, list[str]]:
    """``(published, the text it was read from, notes)``."""
    notes: list[str] = []
    candidates: list[tuple[str, str | None]] = []
    for _, item in page.articles():
        candidates.append(("datePublished", text_of(item.get("datePublished"))))
    candidates += [(key, page.first_meta(key)) for key in DATE_META]
    article = next(tree.iter("article"), None)
    if article is not None:
        time = next((t for t in article.iter("time") if t.get("datetime")), None)
        candidates.append(("<article> <time datetime>", time.get("datetime") if time is not None else None))
    stated = False
    for label, text in candidates:
        if not text:
            continue
        stated = True
        when, note = parse_datetime(text)
        if note:
            notes.append(f"{label} {note}")
        if when is not None:
            if when.tzinfo is None and len(text) > 10:
                notes.append(f"{label} {text!r} gives no time zone; left without one")
            return when, text, notes
    if stated:  # htmldate would read the invalid date into another real one (2024-02-30 → 2024-02-01)
        notes.append("the page's stated dates are not dates: no date guessed from its markup")
        return None, None, notes
    found = _htmldate(tree, url)
    if found:
        when, _ = parse_datetime(found)
        if when is not None:
            notes.append(f"no date in the page's metadata; {found} found in its markup by htmldate")
            return when, found, notes
    return None, None, notes


def _htmldate(tree: Any, url: str | None) -> str | None:
    """htmldate on the parsed tree (a tree, never a url string: htmldate fetches urls)."""
    import logging

    from htmldate import find_date

    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        return find_date(tree, extensive_search=False, original_date=True, url=url,
                         outputformat="%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, TypeError, RecursionError):
        return None


def extract_modified(page: PageData) -> datetime | None:
    text = text_of(article_value(page, "dateModified")) or page.first_meta("article:modified_time",
                                                                           "og:article:modified_time")
    return parse_datetime(text)[0]


def _split_people(value: str, names: list[str]) -> list[str]:
    out = []
    for part in _SPLIT_NAMES.split(re.sub(r"^(?:By|Von|Par|Por)\s+", "", value, flags=re.IGNORECASE)):
        part = clean(part) or ""
        if 2 <= len(part) <= 80 and len(part.split()) <= 6 and not CORPORATE.search(part) \
                and not any(_same_name(part, n) for n in names) and not _DATE_LIKE.match(part):
            out.append(part)
    return out


def extract_authors(page: PageData) -> list[str]:
    """Person names of the byline; organisations named as author are left out."""
    names = _names(page) + _host_labels(page)
    found: list[str] = []
    for _, item in page.articles():
        for agent in objects_of(item.get("author")):
            types = type_names(agent) if isinstance(agent, dict) else set()
            name = text_of(agent)
            if not name or (types and "Person" not in types):
                continue
            found += _split_people(name, names) if not types else [name]
        if found:
            return _unique(found)
    for value in page.all_meta("article:author", "og:article:author"):
        if not value.startswith(("http://", "https://")):
            found += _split_people(value, names)
    if found:
        return _unique(found)
    for key in AUTHOR_META:
        for value in page.all_meta(key):
            segments = [s.strip() for s in value.split(",")]
            if CORPORATE.search(value) or any(_same_name(s, n) for s in segments for n in names):
                continue
            found += _split_people(value, names)
        if found:
            return _unique(found)
    return []


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return [v for v in values if not (v.casefold() in seen or seen.add(v.casefold()))]  # type: ignore[func-returns-value]


def extract_provider(page: PageData, url: str | None) -> Provider | None:
    """The outlet: its name as the page gives it, its host, its logo. Of the names the page
    gives (in the module's order), the first that is its domain's name wins: a site's
    section brand (``og:site_name`` "Technology Review" on heise.de) gives way to the
    site's own (``application-name`` "heise online")."""
    publisher = article_value(page, "publisher")
    orgs = [i for _, i in page.items() if type_names(i) & {"NewsMediaOrganization", "Organization"}]
    host = (urlsplit(url).hostname or "") if url else ""
    if not host and isinstance(publisher, dict):
        host = urlsplit(url_of(publisher.get("url")) or "").hostname or ""
    names = [n for n in (text_of(publisher), page.first_meta("og:site_name"),
                         text_of(orgs[0].get("name")) if orgs else None,
                         page.first_meta("application-name"), page.first_meta("dc.publisher")) if n]
    site = site_of(f"https://{host}/") if host else None
    name = next((n for n in names if name_fits_domain(n, site)), names[0] if names else None)
    logo = url_of(publisher.get("logo")) if isinstance(publisher, dict) else None
    if not name and not host:
        return None
    return Provider(name=name if name and "{{" not in name else None, domain=host.removeprefix("www.") or None,
                    images=[Image(url=logo)] if logo and _usable_url(logo, url) else [])


def normalise_language(tag: str | None) -> str | None:
    """The primary language subtag: ``de-DE``, ``en_US`` and ``En`` → ``de``, ``en``, ``en``.

    >>> normalise_language("zh-Hans"), normalise_language("{{lang}}")
    ('zh', None)
    """
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:$|[-_\s])", tag or "")
    return m.group(1).lower() if m else None


def extract_language(page: PageData, text: str) -> tuple[str | None, list[str]]:
    for value in (text_of(article_value(page, "inLanguage")), page.lang,
                  page.first_meta("content-language", "language", "dc.language"), page.first_meta("og:locale")):
        code = normalise_language(value)
        if code:
            return code, []
    sample = text[:2000]
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) * 4 > len(sample.replace(" ", "")):
            return code, [f"the page declares no language; {code!r} guessed from the script of its text"]
    return None, []


def extract_section(page: PageData) -> str | None:
    return text_of(article_value(page, "articleSection")) or page.first_meta("article:section",
                                                                             "og:article:section")


def extract_excerpt(page: PageData) -> str | None:
    """The description; where one description is a cut-short start of another, the longer."""
    found = [d for d in (text_of(article_value(page, "description")), page.first_meta("og:description"),
                         page.first_meta("description"), page.first_meta("twitter:description"),
                         page.first_meta("dc.description")) if d and "{{" not in d]
    if not found:
        return None
    cut = [d for d in found if len(d) < 60 and not d.endswith((".", "!", "?", "…", "\"", "”"))]
    if len(cut) < len(found):
        found = [d for d in found if d not in cut]
    best = found[0]
    for other in found[1:]:
        stem = _ELLIPSIS.sub("", best)
        if other.startswith(stem) and len(other) > len(stem):
            best = other
    return best


def extract_subjects(page: PageData) -> list[Subject]:
    """Topics and entities the page names itself, each with the syntax that said so."""
    out: list[Subject] = []
    for syntax, item in page.articles():
        for keyword in texts_of(item.get("keywords")):
            out += [Subject(k, "topic", syntax) for k in (clean(p) for p in keyword.split(",")) if k]
        for key in ("about", "mentions"):
            for thing in objects_of(item.get(key)):
                out += _subject(thing, syntax)
    for tag in page.all_meta("article:tag", "og:article:tag"):
        out += [Subject(k, "topic", "opengraph") for k in (clean(p) for p in tag.split(",")) if k]
    if not out:
        for tag in page.all_meta("news_keywords", "keywords"):
            out += [Subject(k, "topic", "meta") for k in (clean(p) for p in tag.split(",")) if k]
    keys: set[tuple[str, str]] = set()
    unique = []
    for subject in out:
        ident = (subject.name.casefold(), subject.type)
        if ident not in keys and len(subject.name) <= 200:
            keys.add(ident)
            unique.append(subject)
    return unique[:200]


def _subject(thing: Any, syntax: str) -> list[Subject]:
    if isinstance(thing, str):
        name = text_of(thing)
        from .structured import ARTICLE_TYPES

        return [] if not name or name in ARTICLE_TYPES or name == "Thing" else [Subject(name, "topic", syntax)]
    if not isinstance(thing, dict):
        return []
    name = text_of(thing.get("name"))
    if not name:
        return []
    kind = next((SUBJECT_TYPES[t] for t in sorted(type_names(thing)) if t in SUBJECT_TYPES), "topic")
    iri = url_of(thing.get("@id")) or next((u for u in texts_of(thing.get("sameAs")) if u.startswith("http")), None)
    return [Subject(name, kind, syntax, iri=iri if iri and iri.startswith("http") else None)]


def _int(value: Any) -> int | None:
    m = re.match(r"^\s*(\d{1,6})", str(value)) if value is not None else None
    return int(m.group(1)) if m else None


def extract_images(page: PageData, base: str | None) -> list[Image]:
    """The article's images (``image``, ``thumbnailUrl``), then ``og:image``; at most 10."""
    images: list[Image] = []
    for value in objects_of(article_value(page, "image")) + objects_of(article_value(page, "thumbnailUrl")):
        url = _usable_url(url_of(value), base)
        if url:
            caption = text_of(value.get("caption")) if isinstance(value, dict) else None
            width = _int(value.get("width")) if isinstance(value, dict) else None
            height = _int(value.get("height")) if isinstance(value, dict) else None
            images.append(Image(url=url, width=width, height=height, caption=caption))
    og = page.all_meta("og:image", "og:image:url")
    for value in og:
        url = _usable_url(value, base)
        if url:
            single = len(og) == 1
            images.append(Image(url=url, width=_int(page.first_meta("og:image:width")) if single else None,
                                height=_int(page.first_meta("og:image:height")) if single else None,
                                caption=page.first_meta("og:image:alt") if single else None))
    seen: set[str] = set()
    return [i for i in images if not (i.url in seen or seen.add(i.url))][:10]  # type: ignore[func-returns-value]


def long_url_notes(page: PageData) -> list[str]:
    """A note for each of the page's own urls left out for being over :data:`MAX_URL_CHARS`:
    the field it was in, its length, the limit and its start.

    >>> from .structured import PageData
    >>> long_url_notes(PageData(links={"canonical": ["https://example.org/" + "a" * 3000]}))
    ["<link rel=canonical>: url of 3,020 characters is over the 2,048-character limit; not used ('https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'…)"]
    """
    fields: list[tuple[str, Any]] = [
        ("<link rel=canonical>", page.links.get("canonical", [])), ("og:url", page.meta.get("og:url", [])),
        ("<link rel=amphtml>", page.links.get("amphtml", [])),
        ("the article's url", [url_of(article_value(page, "url", "mainEntityOfPage"))]),
        ("dc.identifier", page.all_meta("dc.identifier", "dcterms.identifier")),
        ("the article's image", [url_of(v) for v in objects_of(article_value(page, "image"))]),
        ("og:image", page.all_meta("og:image", "og:image:url"))]
    notes = []
    for label, values in fields:
        for value in values:
            if isinstance(value, str) and len(value.strip()) > MAX_URL_CHARS:
                notes.append(f"{label}: url of {len(value.strip()):,} characters is over the {MAX_URL_CHARS:,}-character "
                             f"limit; not used ({value.strip()[:60]!r}…)")
    return notes
