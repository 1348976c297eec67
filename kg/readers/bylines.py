"""Author names from the bylines feeds and news APIs give.

An ``author`` or ``dc:creator`` is whatever the outlet's page said: a name,
several names, "By … , CNN", "David Smith in Washington", the outlet's own name,
a news agency, a profile url, an HTML comment. Rules, in this order (what is
not a person's name is reported in the notes or kept as an organisation, never
silently dropped):

1. HTML comments and tags are removed, white space collapsed;
2. a url, e-mail address or bare domain is not a name;
3. a leading "By" (or *Von*, *Par*, *Por*, *Di*, *Door*) is dropped;
4. names are split at ``and``/``&``/``;`` (and *und*, *et*, *y*, *e*) and at
   commas; a piece after a comma that does not look like a person (one word,
   ``The …``) is the writer's affiliation or place and is dropped; initials
   after a comma (``Hines, P. J.``) stay with their surname;
5. a trailing place (``… in Washington``), job title (``… Diplomatic editor``)
   or remark in brackets (``(now)``) is dropped;
6. a news agency (``Associated Press``, ``Reuters``) is an organisation, and
   "Staff", "agencies" are nobody;
7. a name that is the outlet's (``Nintendo Life`` writing for Nintendo Life,
   ``Le Point.fr`` for Le Point, ``heise online`` for heise.de, ``Guardian sport``
   for The Guardian) is not a person;
8. a name written in capitals is title-cased (``AMY TARA KOCH`` → ``Amy Tara Koch``).

>>> split_byline("By Lilit Marcus, CNN", ["CNN"]).people
['Lilit Marcus']
>>> split_byline("Sam Jones in Madrid and Stephen Burgen in Barcelona").people
['Sam Jones', 'Stephen Burgen']
>>> split_byline("Associated Press in Palm Beach, Florida").organizations
['Associated Press']
>>> split_byline("https://www.facebook.com/someone").notes
["author 'https://www.facebook.com/someone' is an address, not a name"]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .base import clean

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"<[^>]{0,500}>")
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://\S+|\S+@\S+\.\S+|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)$",
                      re.IGNORECASE)
_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.IGNORECASE)
_AND = re.compile(r"\s*(?:;|&|\s(?:and|und|et|y|e)\s)\s*", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:(?:[A-Z]\.[\s-]*){1,4}|[A-Z]{1,2})$")
_BRACKETS = re.compile(r"\s*\([^)]{0,40}\)")
_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]*$")
_ROLE = re.compile(r"\s+(?:[\w-]+\s+)?(?:editor|correspondent|reporter|writer|columnist|critic|analyst)$")
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "al", "ibn", "y"}
#: Longer "bylines" are text pasted into the wrong field, not names.
MAX_BYLINE = 400
#: Bylines that name nobody.
NOBODY = {"staff", "agencies", "agency", "reporters", "editors", "editorial", "newsroom", "news desk", "admin",
          "administrator", "anonymous", "unknown", "guest", "wires", "wire"}
#: News agencies credited as authors: organisations, not people.
AGENCIES = {"associated press", "the associated press", "ap", "reuters", "thomson reuters", "afp", "agence france-presse",
            "agence france presse", "dpa", "deutsche presse-agentur", "efe", "ansa", "xinhua", "press association", "pa",
            "pa media", "upi", "united press international", "bloomberg", "kyodo", "yonhap", "tass", "anadolu", "aap"}


@dataclass
class Byline:
    """What one byline names: people, organisations (agencies), and why anything was left out."""

    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def key(text: str) -> str:
    """Letters and digits only, case and accents folded: ``Le Point.fr`` → ``lepointfr``."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if c.isalnum())


def is_address(text: str) -> bool:
    """A url, e-mail address or domain (``www.qq.com``), not a name."""
    return bool(_ADDRESS.match(text.strip()))


def is_home_page(url: str) -> bool:
    """A site's home page (no path, no query): not an article's own url, so not its identity.

    >>> is_home_page("https://www.3dnatives.com"), is_home_page("https://x.org/a/")
    (True, False)
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and parts.path in ("", "/") and not parts.query


def _significant(words: list[str]) -> list[str]:
    return [w for w in words if w.lower() != "the"]


def is_outlet(name: str, outlets: Iterable[str] = (), domains: Iterable[str] = ()) -> bool:
    """Is *name* the outlet itself: its name (maybe with a domain ending), its domain's own word,
    or its name or first word followed by lower-case words (``Guardian sport``, ``Open Quay newsroom``)?

    >>> is_outlet("Le Point.fr", ["Le Point"]), is_outlet("heise online", domains=["www.heise.de"])
    (True, True)
    >>> is_outlet("Guardian sport", ["The Guardian"]), is_outlet("Open Quay newsroom", ["Open Quay"])
    (True, True)
    >>> is_outlet("Tim Chan", ["Rolling Stone"])
    False
    """
    k = key(name)
    words = name.split()
    if not k or not words:
        return False
    first, rest_lower = key(words[0]), all(w.islower() for w in words[1:])
    for outlet in outlets:
        head = _significant(outlet.split())
        o = key(" ".join(head))
        if o and (k == o or (k.startswith(o) and len(k) - len(o) <= 3)):
            return True
        if head and len(words) > 1 and rest_lower and first == key(head[0]):
            return True
        n = len(head)
        if head and len(words) > n and [key(w) for w in words[:n]] == [key(w) for w in head] \
                and all(w.islower() for w in words[n:]):
            return True
    for domain in domains:
        labels = [p for p in domain.lower().split(".") if p not in ("www", "m", "amp")]
        if labels and len(labels[0]) > 2 and first == key(labels[0]):
            return True
    return False


def _person_like(piece: str) -> bool:
    words = piece.split()
    if len(words) < 2 or words[0].lower() == "the":
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES or not w[0].isalpha() for w in words)


def _title(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if len(letters) > 3 and all(c.isupper() for c in letters):
        return " ".join(w if len(w) <= 2 and w.endswith(".") else w.title() for w in name.split())
    return name


def _pieces(text: str) -> list[str]:
    out: list[str] = []
    for group in _AND.split(_BRACKETS.sub("", text)):
        parts = [p.strip() for p in group.split(",") if p.strip()]
        for i, part in enumerate(parts):
            if i and _INITIALS.match(part) and out:
                out[-1] = f"{out[-1]}, {part}"
            elif not i or _person_like(part):
                out.append(part)
    return out


def _trim(piece: str) -> str:
    for pattern in (_PLACE, _ROLE):
        trimmed = pattern.sub("", piece).strip()
        if trimmed:
            piece = trimmed
    return piece


def split_byline(text: object, outlets: Iterable[str] = (), domains: Iterable[str] = ()) -> Byline:
    """The people and organisations one byline or author field names."""
    out = Byline()
    if text is None or isinstance(text, (dict, list, bool)):
        return out
    raw = str(text)
    if len(raw) > MAX_BYLINE:
        out.notes.append(f"author field of {len(raw):,} characters is not a byline; ignored")
        return out
    value = clean(_TAG.sub(" ", _COMMENT.sub(" ", raw)))
    if not value:
        return out
    outlets, domains = [o for o in outlets if o], [d for d in domains if d]
    if is_address(value):
        out.notes.append(f"author {value[:80]!r} is an address, not a name")
        return out
    for piece in _pieces(_PREFIX.sub("", value)):
        piece = _trim(piece)
        folded = " ".join(piece.casefold().split())
        if folded in NOBODY:
            continue
        if folded in AGENCIES:
            if piece not in out.organizations:
                out.organizations.append(piece)
        elif is_address(piece):
            out.notes.append(f"author {piece[:80]!r} is an address, not a name")
        elif is_outlet(piece, outlets, domains):
            out.notes.append(f"author {piece[:80]!r} is the outlet, not a person")
        elif (name := _title(piece)) not in out.people:
            out.people.append(name)
    return out
