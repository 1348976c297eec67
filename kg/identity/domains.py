"""Outlet identity: the registrable domain of a host, from the Public Suffix List.

The list snapshot ships with the ``publicsuffixlist`` package, so nothing is
fetched at run time. Private suffixes count: two blogs on one blogging host
(``a.blogspot.com``, ``b.blogspot.com``) are two outlets.

>>> registrable_domain("europe.chinadaily.com.cn")
'chinadaily.com.cn'
>>> registrable_domain("alice.blogspot.com") != registrable_domain("bob.blogspot.com")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

_HOST = re.compile(r"^[a-z0-9.-]+$")


@lru_cache(maxsize=1)
def _psl():  # type: ignore[no-untyped-def]
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=False)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The registrable domain ("eTLD+1") of *host*, or ``None`` for a bare suffix or junk."""
    host = host.strip().lower().rstrip(".")
    if host.startswith(("http://", "https://")):
        from urllib.parse import urlsplit

        host = urlsplit(host).hostname or ""
    if host.startswith("www."):
        host = host[4:]
    if not host or not _HOST.match(host) or "." not in host:
        return None
    return _psl().privatesuffix(host)


def looks_like_domain(text: str) -> bool:
    """True when *text* is a host name rather than a display name.

    >>> looks_like_domain("scmp.com"), looks_like_domain("South China Morning Post")
    (True, False)
    """
    return bool(re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", text.strip().lower()))
