"""Language names and codes: ``English`` → ``en``, with pycountry's ISO 639 tables.

>>> lookup_language("German"), lookup_language("en"), lookup_language("deu"), lookup_language("Klingon of the Moon")
('de', 'en', 'de', None)
>>> language_code("English"), language_code("pt-br"), language_code("Elvish")
('en', 'pt-br', 'Elvish')
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Names written in documents that pycountry spells otherwise or that are common.
NAMES = {"english": "en", "dutch": "nl", "german": "de", "french": "fr", "spanish": "es", "chinese": "zh"}
_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]+)*")


@lru_cache(maxsize=1024)
def lookup_language(name: str) -> str | None:
    """The ISO 639 code of a language name or code, or ``None`` when it names no language."""
    key = name.strip().lower()
    if key in NAMES:
        return NAMES[key]
    import pycountry

    lang = None
    if len(key) in (2, 3) and key.isalpha():  # a code: "en" is English, not the language named "En"
        lang = pycountry.languages.get(**{"alpha_2" if len(key) == 2 else "alpha_3": key})
    if lang is None:
        try:
            lang = pycountry.languages.lookup(name.strip())
        except LookupError:
            return None
    return str(getattr(lang, "alpha_2", None) or lang.alpha_3)


def language_code(name: str) -> str:
    """The code RDF gets: a known name's code, a code as it is, else the name as written."""
    key = name.strip().lower()
    if key not in NAMES and _CODE.fullmatch(key):
        return key
    return lookup_language(name) or name
