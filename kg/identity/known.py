"""What kg knows of some names before reading any document: two small tables shipped in
``kg/vocab`` (written for kg, see ``kg/vocab/NOTICE.md``).

- ``kinds.tsv``: names a small English model most often types wrong in news, with their
  type (``ChatGPT`` a product, ``CES`` an event, ``Earth`` no entity at all);
- ``aliases.tsv``: other names of one organisation or person that no model can know
  (``EU`` = ``European Union``, ``Zelensky`` = ``Zelenskyy``, ``Facebook`` = ``Meta Platforms``).

Both are looked up by name key (:func:`kg.identity.names.entity_key`: case, spacing,
punctuation, a leading article and a legal suffix do not matter).

>>> known_kind("ChatGPT"), known_kind("the Earth"), known_kind("Clearview AI")
('product', 'none', None)
>>> alias("EU"), alias("Volodymyr Zelensky"), alias("Clearview")
(('european union', 'European Union', 'organization'), ('volodymyr zelenskyy', 'Volodymyr Zelenskyy', 'person'), None)
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .names import entity_key

VOCAB = Path(__file__).resolve().parent.parent / "vocab"
#: Types a name of ``kinds.tsv`` may have; ``none``: not an entity kg keeps.
KINDS = frozenset({"organization", "person", "place", "product", "event", "work", "none"})


def table_key(name: str) -> str:
    """The key a table looks *name* up by: :func:`entity_key` without a leading "the"."""
    return entity_key(re.sub(r"^(?:the|The|THE)\s+", "", name.strip()))


def _rows(name: str) -> list[list[str]]:
    text = (VOCAB / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def kinds() -> dict[str, str]:
    """Name key → type, from ``kinds.tsv``."""
    out = {}
    for row in _rows("kinds.tsv"):
        if len(row) >= 2 and row[1] in KINDS and table_key(row[0]):
            out[table_key(row[0])] = row[1]
    return out


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, str, str]]:
    """Name key → (canonical key, canonical name, type), from ``aliases.tsv``."""
    out = {}
    for row in _rows("aliases.tsv"):
        if len(row) < 3 or row[1] not in KINDS:
            continue
        canonical = table_key(row[0])
        for name in [row[0], *row[2].split("|")]:
            if table_key(name):
                out[table_key(name)] = (canonical, row[0], row[1])
    return out


@lru_cache(maxsize=1)
def listed_names() -> dict[str, str]:
    """Every name of ``kinds.tsv`` that is an entity, as written there, with its type."""
    return {row[0]: row[1] for row in _rows("kinds.tsv") if len(row) >= 2 and row[1] in KINDS - {"none"}}


@lru_cache(maxsize=1)
def alias_names() -> dict[str, str]:
    """Every name of ``aliases.tsv`` as written there, with its type."""
    out = {}
    for row in _rows("aliases.tsv"):
        if len(row) >= 3 and row[1] in KINDS:
            out.update(dict.fromkeys([row[0], *row[2].split("|")], row[1]))
    return out


_MODEL = re.compile(r"^(?:\d[\w.]*|[A-Z]\d+\w*|pro|max|mini|plus|ultra|se|air|lite|xl)$", re.IGNORECASE)


def known_kind(name: str) -> str | None:
    """The type ``kinds.tsv`` gives *name*, if it lists it; a product's name followed by more
    words is that product's (a listed name of two words or more: "Google Maps Timeline") or
    one of its models ("iPhone 12 Pro", "PlayStation 5").

    >>> known_kind("Google Maps Timeline"), known_kind("iPhone 12 Pro"), known_kind("Android Police")
    ('product', 'product', None)
    """
    key = table_key(name)
    found = kinds().get(key)
    if found is not None:
        return found
    words = key.split()
    for cut in range(len(words) - 1, 0, -1):
        head = " ".join(words[:cut])
        if kinds().get(head) == "product" and (cut > 1 or all(_MODEL.match(w) for w in words[cut:])):
            return "product"
    return None


def alias(name: str) -> tuple[str, str, str] | None:
    """``(canonical key, canonical name, type)`` when ``aliases.tsv`` lists *name*."""
    return aliases().get(table_key(name))
