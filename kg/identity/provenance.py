"""Whose article a page is: the urls it claims as its own, checked against where it came from.

A page names its own address (``<link rel=canonical>``, ``og:url``, its JSON-LD
``url``); a syndicated or crafted page can name another site's, and taking that
claim as the identity would put the page's headline, date and author on the
other site's article and its name on the other site's outlet. So a claimed url
is the identity only when the page is vouched to be on its site:

1. A page fetched from a known url (a WARC record's target, the ``saved from``
   comment a browser writes, a manifest row) is on that url's registrable
   domain, its *home*. The first claim on the home domain is the identity; a
   claim on another domain is kept as evidence (role ``claimed``), with a
   note; when no claim is on the home domain, the fetched url is the identity.
2. A page with no known origin is on the domain of its first claim only when
   the page corroborates it: another of its own urls (an AMP link, its
   publisher's url or logo, an image) on that domain, or a publisher name that
   is the domain's name. Otherwise its claims are kept as evidence and the
   article is known by its outlet's name and headline.
3. An AMP-cache url counts for the site it serves.

>>> urls, notes = vouch({"web": "https://victim.example/a"}, "https://evil.example/copy")
>>> urls
{'web': 'https://evil.example/copy', 'claimed': 'https://victim.example/a'}
>>> vouch({"web": "https://www.x.org/a"}, "https://x.org/a?utm_source=feed")[0]["web"]
'https://www.x.org/a'
>>> vouch({"web": "https://victim.example/a"}, None, ["https://img.evil.example/1.jpg"], "Evil Corp")[0]
{'claimed': 'https://victim.example/a'}
>>> vouch({"web": "https://harbour-ledger.example/a"}, None, [], "Harbour Ledger")[0]
{'web': 'https://harbour-ledger.example/a'}
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .domains import registrable_domain
from .urls import InvalidUrl, canonical_url

#: The url roles that are a page's claims about its own address, in order of preference.
CLAIM_ROLES = ("web", "claimed")
#: How the notes :func:`vouch` writes begin (a later vouch, with more to go on, replaces them).
NOTE_START = "the page names "


def site_of(url: str | None) -> str | None:
    """The registrable domain a url is on (an AMP-cache url: the site it serves).

    >>> site_of("https://www-x-com.cdn.ampproject.org/c/s/www.x.com/p"), site_of("not a url")
    ('x.com', None)
    """
    if not url:
        return None
    try:
        host = canonical_url(url).split("/")[2].split(":")[0]
    except (InvalidUrl, IndexError):
        return None
    return registrable_domain(host)


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def name_fits_domain(name: str | None, domain: str | None) -> bool:
    """Whether an outlet's name is its domain's name: the domain's first label and the
    name's letters contain one another, or the label starts with the name's initials.

    >>> name_fits_domain("The Guardian", "theguardian.com"), name_fits_domain("SCMP", "scmp.com")
    (True, True)
    >>> name_fits_domain("The New York Times", "nytimes.com"), name_fits_domain("Evil Corp", "victim.example")
    (True, False)
    """
    if not name or not domain:
        return False
    label, letters = _squash(domain.split(".")[0]), _squash(name)
    if len(label) < 2 or len(letters) < 2:
        return False
    if letters in label or label in letters:
        return True
    words = [w for w in re.split(r"\W+", name.casefold()) if w and w not in ("the", "a", "an")]
    initials = "".join(w[0] for w in words)
    return len(initials) >= 2 and label.startswith(initials)


def vouch(urls: dict[str, str], fetched: str | None, corroborating: Iterable[str] = (),
          publisher: str | None = None, fetched_role: str = "web") -> tuple[dict[str, str], list[str]]:
    """*urls* with the page's claims (``web``, ``claimed``) checked against where it came
    from (the module's rules): ``web`` only when vouched, the rest as ``claimed``; the
    fetched url as ``page``, or as *fetched_role* when no claim is on its site. Also
    returns notes for the report."""
    out = {role: url for role, url in urls.items() if role not in CLAIM_ROLES and role != "page"}
    claims = [urls[role] for role in CLAIM_ROLES if urls.get(role)]
    home = site_of(fetched)
    notes: list[str] = []
    if fetched and home:
        on_home = [c for c in claims if site_of(c) == home]
        off = [c for c in claims if site_of(c) != home]
        if on_home:
            out["web"] = on_home[0]
            if fetched != on_home[0]:
                out["page"] = fetched
        else:
            out[fetched_role] = fetched
        if off:
            out["claimed"] = off[0]
            notes.append(f"{NOTE_START}{off[0][:200]!r} as its address, on another site than {home}, where it "
                         "was fetched from: kept as a claimed url, not as the article's identity")
        return out, notes
    if fetched:
        out["page"] = fetched
    if not claims:
        return out, notes
    first = site_of(claims[0])
    backed = any(site_of(u) == first for u in corroborating) or name_fits_domain(publisher, first)
    if first and backed:
        out["web"] = claims[0]
        off = [c for c in claims[1:] if site_of(c) != first]
        if off:
            out["claimed"] = off[0]
        return out, notes
    out["claimed"] = claims[0]
    notes.append(f"{NOTE_START}{claims[0][:200]!r} as its address, but nothing else in it is on that site "
                 f"and it does not say where it was fetched from: kept as a claimed url, not as the article's "
                 "identity")
    return out, notes
