"""IPTC Media Topics: a subject's code, IRI and English label from kg's copy of the vocabulary.

ninjs documents name Media Topics in several ways: a full IRI
(``http://cv.iptc.org/newscodes/mediatopic/15000000``), a QCode
(``medtop:15000000``) or a ``scheme`` plus ``code`` (ninjs 1.x). All become the
same concept, labelled as IPTC labels it (the vocabulary is shipped in
``kg/vocab/mediatopic.json``, CC BY 4.0, see ``kg/vocab/NOTICE.md``). A code
the shipped release does not know is kept with the document's own name: it may
be newer than the release.

>>> media_topic("medtop:20000892")
('20000892', 'http://cv.iptc.org/newscodes/mediatopic/20000892', 'cycling')
>>> media_topic("http://cv.iptc.org/newscodes/mediatopic/15000000")[2]
'sport'
>>> media_topic("http://example.org/topics/1") is None
True
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEME = "http://cv.iptc.org/newscodes/mediatopic/"
VOCABULARY = Path(__file__).resolve().parent.parent / "vocab" / "mediatopic.json"
_CODE = re.compile(r"^(?:https?://cv\.iptc\.org/newscodes/mediatopic/|medtop:)(\d{8})/?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The shipped vocabulary: ``{"release", "attribution", "topics": {code: [label, broader, retired]}}``."""
    data: dict[str, Any] = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    return data


def media_topic(ref: str | None, scheme: str | None = None) -> tuple[str, str, str | None] | None:
    """``(code, IRI, English label or None)`` for a Media Topic reference, else ``None``."""
    if not ref:
        return None
    text = str(ref).strip()
    if scheme and re.match(r"^https?://cv\.iptc\.org/newscodes/mediatopic/?$", scheme.strip(), re.IGNORECASE):
        text = SCHEME + text
    m = _CODE.match(text)
    if not m:
        return None
    code = m.group(1)
    entry = vocabulary()["topics"].get(code)
    return code, SCHEME + code, entry[0] if entry else None


def broader(code: str) -> list[str]:
    """The chain of broader Media Topic codes above *code*, nearest first.

    >>> [media_topic("medtop:" + c)[2] for c in broader("20000892")]
    ['competition discipline', 'sport']
    """
    topics = vocabulary()["topics"]
    chain: list[str] = []
    current = topics.get(code, [None, None])[1]
    while current and current not in chain:
        chain.append(current)
        current = topics.get(current, [None, None])[1]
    return chain
