"""A document's identity keys: its article's url keys (or a fallback), its outlet's key,
and where it says what (``file:line``) — what the map step needs to mint IRIs from the
document alone.

>>> from kg.model import Document, Provider
>>> doc = Document(source="a.md", format="feed", title="A", urls={"amp": "https://x.org/a/amp", "web": "https://x.org/a"})
>>> [k.role for k in url_keys(doc.urls)], primary_key(doc)
(['web', 'amp'], 'x.org/a')
>>> outlet_key(Provider(name="Daily Planet"), None)
'name-daily-planet'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from ..identity.domains import registrable_domain
from ..identity.names import name_key, slug
from ..identity.urls import InvalidUrl, canonical_url, url_key
from ..model import Document, Provider
from ..namespaces import digest, outlet_iri

#: Url roles in order of preference for an article's identity.
URL_ROLES = ("web", "page", "original", "amp", "cdn_amp")
#: Provisional IRIs of outlets known only by name start with this.
NAMED_OUTLET = outlet_iri("name-")


def where(doc: Document, line: int | None = None) -> str:
    """``file:line`` for messages and provenance."""
    return f"{doc.source}:{line or doc.line}"


class UrlKey(NamedTuple):
    """A url a document gives, its role and its identity key."""

    role: str
    url: str
    key: str


def url_keys(urls: dict[str, str]) -> list[UrlKey]:
    """Every valid url of an identity role, in :data:`URL_ROLES` order."""
    out = []
    for role in sorted((r for r in urls if r in URL_ROLES), key=URL_ROLES.index):
        try:
            out.append(UrlKey(role, urls[role], url_key(urls[role])))
        except InvalidUrl:
            continue
    return out


def fallback_key(doc: Document) -> str:
    """Identity of an article that has no url: its outlet and the feed's id for it (a guid
    that is not a url), else its outlet, headline, date and text — two link-less items
    of one title ("Daily briefing") are two articles when their dates or texts differ,
    and one when a file repeats the same item.

    >>> a = Document(source="f.rss", format="rss", title="Daily briefing", excerpt="Rain.")
    >>> b = Document(source="f.rss", format="rss", title="Daily briefing", excerpt="Sun.")
    >>> fallback_key(a) != fallback_key(b), fallback_key(a) == fallback_key(Document(source="g.rss", format="rss", title="Daily briefing", excerpt="Rain."))
    (True, True)
    """
    outlet = outlet_key(doc.provider, None) or doc.site_name or ""
    guid = doc.extra.get("guid")
    if isinstance(guid, str) and guid.strip():
        return f"guid:{outlet}|{guid.strip()}"
    when = doc.published.isoformat() if doc.published else ""
    text = name_key(" ".join([doc.excerpt or "", *doc.body[:3]]))
    if doc.title:
        return f"title:{outlet}|{name_key(doc.title)}|{when}|{digest(text, 16) if text else ''}"
    return f"text:{outlet}|{when}|{digest(name_key(' '.join(doc.body[:2]) or doc.excerpt or doc.source), 24)}"


def primary_key(doc: Document) -> str:
    """The identity key of a document's own article (its first url by role, else a fallback)."""
    keys = url_keys(doc.urls)
    return keys[0].key if keys else fallback_key(doc)


def outlet_key(provider: Provider | None, url: str | None) -> str | None:
    """An outlet's key: registrable domain of its domain, else of the article url, else its name.

    A name-only key (``name-…``) is provisional: :func:`outlet_resolution`
    turns it into the domain the name was seen with, when there is one.
    """
    if provider and provider.domain:
        domain = registrable_domain(provider.domain)
        if domain:
            return domain
    if url:
        try:
            host = canonical_url(url).split("/")[2]
        except (InvalidUrl, IndexError):
            host = ""
        domain = registrable_domain(host.split(":")[0]) if host else None
        if domain:
            return domain
    if provider and provider.name:
        return "name-" + slug(name_key(provider.name))
    return None


def outlet_names(doc: Document) -> list[tuple[str, str]]:
    """``(name key, registrable domain)`` of every provider the document names with a domain."""
    out = []
    for provider in [doc.provider, *(rel.provider for rel in doc.related)]:
        if provider and provider.name and provider.domain:
            domain = registrable_domain(provider.domain)
            if domain:
                out.append((name_key(provider.name), domain))
    return out


@lru_cache(maxsize=4096)
def outlet_attrs(key: str) -> dict[str, Any]:
    """An outlet's attributes follow from its key (one shared dict per key: facts stay small)."""
    named = key.startswith("name-")
    return {"type": "outlet", "label": key, "domain": None if named else key, "home": None if named else f"https://{key}/"}
