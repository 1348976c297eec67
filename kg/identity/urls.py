"""Canonical urls: one key per article however its url was written.

Rules, applied in this order by :func:`canonical_url` (each has a test):

1. trim white space; decode HTML entities (``&#038;``, ``&amp;``);
   percent-encode spaces and other unsafe characters;
2. unwrap AMP-cache urls: ``https://www-x-com.cdn.ampproject.org/c/s/www.x.com/p``
   → ``https://www.x.com/p`` (``/c/``, ``/v/``, ``/i/``; ``s/`` means https);
3. lower-case the scheme and host, drop a trailing dot and default ports;
   an internationalised host is written as IDNA 2008 with UTS 46 mapping, as
   browsers do (``faß.example`` stays apart from ``fass.example``);
4. AMP hosts: ``amp.x.com`` → ``www.x.com``;
5. AMP path segments: ``/amp``, ``/amp/``, ``/google-amp/`` and ``.amp`` before
   an extension are removed;
6. AMP and tracking query parameters are removed: ``amp``/``_amp`` with any
   value and the AMP switches of :data:`AMP_PARAMS` set to ``amp``; the known
   trackers of :data:`TRACKING_PARAMS` (any ``utm_*``, ``at_*``, ``wt_*`` too)
   and, on the sites of :data:`SITE_TRACKING`, those sites' own; ``amp;amp``
   debris. Every other parameter identifies content (``read.php?cid=1001``,
   ``?view=1``, ``?ref=…``) and stays; they are sorted;
7. the fragment is dropped.

:func:`url_key` goes further for identity only: the scheme (http and https
are the same article), a leading ``www.`` and a trailing slash do not count.

>>> canonical_url("https://www-zdnet-com.cdn.ampproject.org/c/s/www.zdnet.com/google-amp/article/x/")
'https://www.zdnet.com/article/x/'
>>> url_key("http://WWW.Example.com:80/a/?utm_source=x&amp=1#top")
'example.com/a'
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .domains import registrable_domain

#: AMP switches, removed when their value is ``amp`` (``?outputType=amp``); ``amp``, ``_amp``,
#: ``amp_js_v`` and ``usqp`` (the AMP cache's) go whatever their value.
AMP_PARAMS = frozenset({"outputtype", "view", "platform"})
_AMP_ANY_VALUE = frozenset({"amp", "_amp", "amp_js_v", "usqp"})
#: Known tracking parameters (lower case): ad-click ids (Google, Facebook, Microsoft, TikTok,
#: Twitter, LinkedIn, Yandex), mail campaigns (Mailchimp, HubSpot, Marketo, Vero), analytics
#: (Google, Adobe ``at_*``, Webtrekk ``wt_*``, ``intcmp``), share buttons (``smid``, ``sr_share``,
#: ``__twitter_impression``, ``ref_src``, ``igshid``). Any ``utm_*``, ``at_*`` and ``wt_*`` too.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "vero_conv", "oly_anon_id", "oly_enc_id",
        "_ga", "_gl", "igshid", "intcmp", "cmpid", "ncid", "ocid", "smid", "sr_share", "sharetype",
        "__twitter_impression", "ref_src", "soc_src", "soc_trk",
    }
)
#: Parameters that are trackers on one site only (registrable domain → names): WSJ's link
#: placement ``mod``, Medium's ``source`` (``?source=rss----…``), Science's feed marker ``rss``.
SITE_TRACKING = {
    "wsj.com": frozenset({"mod"}),
    "medium.com": frozenset({"source"}),
    "sciencemag.org": frozenset({"rss"}),
    "science.org": frozenset({"rss"}),
}
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")
_AMP_SEGMENTS = frozenset({"amp", "google-amp", "amp-article", "ampproject"})
_UNSAFE = "%/:=&?~#+!$,;'@()*"


class InvalidUrl(ValueError):
    """Text that cannot be made into an absolute http(s) url."""


def _clean_path(path: str) -> str:
    segments = path.split("/")
    kept = [s for s in segments if s.lower() not in _AMP_SEGMENTS]
    path = "/".join(kept)
    path = re.sub(r"\.amp(\.[a-z0-9]{2,5})$", r"\1", path, flags=re.IGNORECASE)
    if not path.startswith("/"):
        path = "/" + path
    return quote(unquote(path), safe=_UNSAFE)


def _is_amp_param(key: str, value: str) -> bool:
    low = key.lower()
    if low in _AMP_ANY_VALUE or re.fullmatch(r"amp(;amp)*", low):
        return True
    return low in AMP_PARAMS and value.lower() == "amp"


def _is_tracking(key: str, site: frozenset[str]) -> bool:
    low = key.lower()
    return low in TRACKING_PARAMS or low in site or low.startswith(("utm_", "at_", "wt_"))


def idna_host(host: str) -> str:
    """A host name in ASCII: IDNA 2008 with UTS 46 mapping, as browsers write it.

    >>> idna_host("faß.example"), idna_host("FASS.example")
    ('xn--fa-hia.example', 'fass.example')
    """
    if re.fullmatch(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]", host):
        return host
    import idna

    try:
        return str(idna.encode(host, uts46=True).decode("ascii"))
    except (idna.IDNAError, UnicodeError) as err:
        raise InvalidUrl(f"invalid host {host[:80]!r}") from err


def unwrap_amp_cache(parts):  # type: ignore[no-untyped-def]
    """``x.cdn.ampproject.org/c/s/host/path`` → ``https://host/path`` (as a split url)."""
    if not _AMP_CACHE.match(parts.hostname or ""):
        return parts
    m = re.match(r"^/(?:c|v|i|wp)/(s/)?([^/]+)(/.*)?$", parts.path)
    if not m:
        return parts
    scheme = "https" if m.group(1) else "http"
    return urlsplit(urlunsplit((scheme, m.group(2), m.group(3) or "/", parts.query, parts.fragment)))


@lru_cache(maxsize=200_000)
def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) url (see the module's rules)."""
    text = html.unescape(url.strip())
    text = re.sub(r"[\s\x00-\x1f\x7f]+", lambda m: quote(m.group(0).replace("\n", "")), text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidUrl(f"not an absolute http(s) url: {url[:80]!r}")
    parts = unwrap_amp_cache(parts)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    host = idna_host(host)
    if host.startswith("amp.") and host.count(".") >= 2:
        host = "www." + host[4:]
    try:
        port = parts.port
    except ValueError as err:
        raise InvalidUrl(f"invalid port in {url[:80]!r}") from err
    netloc = host
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        netloc = f"{host}:{port}"
    path = _clean_path(parts.path or "/")
    site = SITE_TRACKING.get(registrable_domain(host) or host, frozenset())
    pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k and not _is_amp_param(k, v) and not _is_tracking(k, site)
    ]
    query = urlencode(sorted(pairs), quote_via=quote, safe="/:,@")
    query = quote(query, safe="=&%/:,@+")
    return urlunsplit((scheme, netloc, path, query, ""))


@lru_cache(maxsize=200_000)
def url_key(url: str) -> str:
    """The identity key of an article url: canonical, without scheme, ``www.`` or trailing ``/``."""
    canon = canonical_url(url)
    parts = urlsplit(canon)
    host = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    return host + path + (f"?{parts.query}" if parts.query else "")


def is_absolute(url: str) -> bool:
    """True for an http(s) url with a host.

    >>> is_absolute("/assets/logo.png"), is_absolute("https://x.org/a")
    (False, True)
    """
    try:
        canonical_url(url)
    except InvalidUrl:
        return False
    return True


def resource_url(url: str) -> str:
    """Light normalisation for non-article urls (images): entities, case, fragment.

    Query strings are kept whole: for an image service they select the image.
    """
    text = html.unescape(url.strip())
    text = re.sub(r"[\s\x00-\x1f\x7f]+", lambda m: quote(m.group(0)), text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidUrl(f"not an absolute http(s) url: {url[:80]!r}")
    host = parts.hostname.rstrip(".").lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    path = quote(unquote(parts.path or "/"), safe=_UNSAFE)
    query = quote(parts.query, safe=_UNSAFE)
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))
