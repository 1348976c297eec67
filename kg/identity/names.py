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
