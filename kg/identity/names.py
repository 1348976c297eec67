"""Matching keys for names of people, organisations and topics.

A key folds what does not distinguish two names: case, spacing,
punctuation, diacritics, ``&``/``and``. The label shown keeps the best
surface form (see :func:`best_label`).

>>> name_key("Cyberspace Administration Of China") == name_key("Cyberspace  Administration of China")
True
>>> name_key("Zoë O’Brien"), topic_key("Science & Technology")
('zoe obrien', 'science and technology')
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_ACRONYM_DEF = re.compile(r"\b((?:[A-Z][\w'’-]*|of|and|for|the|on|in)(?:\s+(?:[A-Z][\w'’-]*|of|and|for|the|on|in)){1,10})\s+\(([A-Z][A-Z0-9&.]{1,9})\)")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, collapse white space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.casefold()).strip()


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Key for people and organisations: folded, punctuation removed, ``&`` → ``and``."""
    text = fold(name).replace("&", " and ")
    text = re.sub(r"['’`´.]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def topic_key(label: str) -> str:
    """Key for topics: the same folding as :func:`name_key`."""
    return name_key(label)


def slug(key: str, limit: int = 80) -> str:
    """A readable IRI segment from a key.

    >>> slug("supreme people s court")
    'supreme-people-s-court'
    """
    text = re.sub(r"[^a-z0-9]+", "-", fold(key)).strip("-")
    return text[:limit].rstrip("-") or "x"


def key_slug(key: str, limit: int = 80) -> str:
    """An IRI segment for a key that never gives two keys one segment: :func:`slug`, plus a
    short digest of the key when the slug lost anything (other scripts, length).

    >>> key_slug("clearview ai"), key_slug("中国日报") != key_slug("人民日报")
    ('clearview-ai', True)
    """
    import hashlib

    plain = slug(key, limit)
    if plain.replace("-", " ") == key:
        return plain
    return f"{plain}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"


_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+(?=\S)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")


def clean_surface(name: str) -> str:
    """A name as a mention should hold it: without a leading article or a possessive.

    >>> clean_surface("the European Union's"), clean_surface("The Hague")
    ('European Union', 'The Hague')
    """
    text = _POSSESSIVE.sub("", name.strip())
    if len(text.split()) > 2:  # "The Hague", "The Times": the article is part of a two-word name
        text = _LEADING_ARTICLE.sub("", text)
    return text


@lru_cache(maxsize=200_000)
def entity_key(name: str) -> str:
    """Key for an organisation, person or place named in a document: :func:`name_key` of
    the name without a leading article, a possessive or a legal suffix (``Inc``,
    ``Corporation``, ``GmbH``, ``S.A.``, ``plc`` …; removed by ``cleanco``).

    >>> entity_key("Alphabet Inc."), entity_key("NVIDIA Corporation"), entity_key("Google's")
    ('alphabet', 'nvidia', 'google')
    """
    from cleanco import basename

    text = clean_surface(name)
    core = basename(text) if len(text.split()) > 1 else text
    return name_key(core) or name_key(text)


def initials(key: str) -> str:
    """The letters an acronym of a multi-word name would have (small words left out).

    >>> initials("american civil liberties union"), initials("amazon web services")
    ('aclu', 'aws')
    """
    return "".join(w[0] for w in key.split() if w not in _SMALL_WORDS)


def acronyms_of(key: str) -> set[str]:
    """The acronyms a multi-word name may have: its initials, and its initials with a short
    last word kept whole (an acronym itself: "Australian Institute of ICT" is "AIICT").

    >>> sorted(acronyms_of("australian institute of ict"))
    ['aii', 'aiict']
    """
    words = key.split()
    out = {initials(key)}
    if len(words) > 2 and 2 <= len(words[-1]) <= 4:
        out.add(initials(" ".join(words[:-1])) + words[-1])
    return out


_SMALL_WORDS = frozenset({"of", "and", "the", "for", "on", "in", "de", "du", "des", "la", "le", "für", "und"})


def is_acronym(surface: str) -> bool:
    """An all-capital short name (``ACLU``, ``E.U.``, ``AWS``).

    >>> is_acronym("ACLU"), is_acronym("E.U."), is_acronym("Apple"), is_acronym("A")
    (True, True, False, False)
    """
    letters = surface.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


def is_single_name(name: str) -> bool:
    """A lone surname or given name (``Xu``, ``Li``): too weak to merge across documents."""
    return len(name_key(name).split()) < 2


def best_label(forms: Iterable[str]) -> str:
    """The surface form to show: the most frequent, then the one with most capitals
    in "title case" (``Administration of China`` beats ``Administration Of China``),
    then alphabetical, so the choice is stable.

    >>> best_label(["Ministry Of Public Security", "Ministry of Public Security"])
    'Ministry of Public Security'
    """
    counts = Counter(forms)

    def rank(form: str) -> tuple[int, int, str]:
        small_words = sum(1 for w in form.split() if w in ("of", "and", "the", "for", "in", "on"))
        return (-counts[form], -small_words, form)

    return min(counts, key=rank)


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms a text defines, as ``{acronym: long form}``.

    Only a long form whose initials spell the acronym counts.

    >>> acronym_definitions("the Cyberspace Administration of China (CAC) said")
    {'CAC': 'Cyberspace Administration of China'}
    """
    found: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(text):
        words, acronym = m.group(1).split(), m.group(2).replace(".", "")
        for start in range(len(words)):
            candidate = words[start:]
            initials = "".join(w[0] for w in candidate if w[0].isupper())
            if initials == acronym.replace("&", "") and candidate[0][0].isupper():
                found.setdefault(acronym, " ".join(candidate))
                break
    return found


#: Words that start a surface form without being part of the name.
LEADING_WORDS = ("the ", "The ", "a ", "A ", "an ", "An ", "THE ")
#: Prefixes of compound adjectives around a name ("pro-Trump", "ex-Google").
NAME_PREFIXES = ("pro-", "anti-", "ex-", "non-", "post-", "pre-", "pro–", "anti–")
_DESCRIPTOR = re.compile(r"^.+?-(?:based|listed|headquartered|owned|backed|born|led|run|made|founded|registered)\s+")
_OPEN_PAREN = re.compile(r"\s*\([^)]*$")


def clean_span(text: str, start: int, end: int, keep_article: Iterable[str] = ()) -> tuple[int, int] | None:
    """The part of ``text[start:end]`` that is the name itself, as new offsets into
    *text* (so evidence still points at the text as written), or ``None`` when
    nothing of a name is left. Cut, in order: white space and quotes around it; a
    descriptor glued before it ("Washington-based …"); a leading article (unless
    the rest is in *keep_article*, e.g. "Hague"); "pro-"/"anti-" prefixes; a
    possessive ("Microsoft's Azure …" names Microsoft; "People's Court" stays
    whole); a parenthesis left open ("Artificial Intelligence (AI").

    >>> t = "the Washington-based Atlantic Council's report"
    >>> s, e = clean_span(t, 4, 38); t[s:e]
    'Atlantic Council'
    >>> t = "Artificial Intelligence (AI"; t[slice(*clean_span(t, 0, len(t)))]
    'Artificial Intelligence'
    >>> t = "Microsoft’s Azure Cognitive Services"; t[slice(*clean_span(t, 0, len(t)))]
    'Microsoft'
    >>> t = "the pro-Trump Epoch Times"; t[slice(*clean_span(t, 4, 13))]
    'Trump'
    >>> clean_span("’s", 0, 2) is None
    True
    """
    span = text[start:end]

    def cut_left(n: int) -> None:
        nonlocal span, start
        span, start = span[n:], start + n

    def cut_right(n: int) -> None:
        nonlocal span, end
        span, end = span[: len(span) - n], end - n

    cut_left(len(span) - len(span.lstrip(" \t\n\"“”‘'«»-–—:;,")))
    cut_right(len(span) - len(span.rstrip(" \t\n\"“”’'»,:;-–—")))
    m = _DESCRIPTOR.match(span)
    if m and m.end() < len(span):
        cut_left(m.end())
    for lead in LEADING_WORDS:
        if span.startswith(lead) and name_key(span[len(lead):]) not in set(keep_article):
            cut_left(len(lead))
    for prefix in NAME_PREFIXES:
        if span.lower().startswith(prefix) and span[len(prefix):][:1].isupper():
            cut_left(len(prefix))
    words = span.split(" ")
    if len(words) > 1 and words[0].endswith(("'s", "’s")) and not words[0][:1].islower():
        cut_right(len(span) - len(words[0]) + 2)  # "Microsoft's Azure" names Microsoft
    elif span.endswith(("'s", "’s")):
        cut_right(2)
    elif span.endswith(("s'", "s’")):
        cut_right(1)  # "Reuters'"
    m3 = _OPEN_PAREN.search(span)
    if m3:
        cut_right(len(span) - m3.start())
    if span.endswith(")") and "(" not in span:
        cut_right(1)
    cut_right(len(span) - len(span.rstrip(" ,:;-–—")))
    if len(span.strip(".")) < 2 or not any(c.isalpha() for c in span):
        return None
    return start, end


_INVERTED = re.compile(r"^\s*([^\W\d_][\w'’.-]*(?:[ -][^\W\d_][\w'’.-]*){0,3}),\s*((?:[^\W\d_]{1,2}\.[\s-]?){1,4})\s*$")


def inverted_name(name: str) -> tuple[str, str] | None:
    """``(family name, given name)`` of a byline written family name first with initials
    (``Yeston, J.``, ``Smith, K. T.``), the one form where which part is which is certain;
    ``None`` for any other (``Ann Lee``, ``Lee, Ann`` could be two people).

    >>> inverted_name("Fahrenkamp-Uppenbrink, J."), inverted_name("Smith, K. T.")
    (('Fahrenkamp-Uppenbrink', 'J.'), ('Smith', 'K. T.'))
    >>> inverted_name("Ann Lee") is None, inverted_name("Lee, Ann") is None
    (True, True)
    """
    m = _INVERTED.match(name)
    return (m.group(1).strip(), m.group(2).strip()) if m else None
