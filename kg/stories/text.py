"""Words of a news text as small stable numbers, in any language.

Story detection compares texts by the words they share. Three steps make two
reports of one event share words:

1. **Fold**: Unicode NFKC, case folded, diacritics removed (``Zoë`` = ``zoe``).
2. **Split**: runs of letters and digits; scripts written without spaces
   (Chinese, Japanese, Thai …) become overlapping character pairs, the usual
   unit for comparing such text.
3. **Stem by truncation**: a final plural ``s`` dropped, then the first
   :data:`STEM` characters kept. Crude, but it needs no dictionary and works
   the same for every language that inflects at the end of its words
   (``restricts``/``restrictions`` → ``restrict``; eight characters keep
   ``internet`` and ``international`` apart).

A short list of function words (:data:`STOPWORDS`, a few European languages)
saves room in the sketch; in every other language the corpus-wide weighting in
:mod:`kg.stories.clustering` makes common words count for little anyway. The words
of headline templates (:data:`TEMPLATE_WORDS`: "ways", "report", "market",
"rumor", "trailer" …) stay in the sketch but count for nothing when shared:
many unrelated articles share them (:data:`TEMPLATE_CODES`).
Words become 32-bit CRCs: stable across processes and machines (Python's own
``hash`` is not).

>>> stems("DeepMind's AI restricts protein-folding restrictions")
['deepmind', 'ai', 'restrict', 'protein', 'folding', 'restrict']
>>> stems("中国日报网") == ['中国', '国日', '日报', '报网']
True
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator

#: Characters kept of a word.
STEM = 8

_WORD = re.compile(r"\w+")
# Scripts written without spaces between words (CJK ideographs, kana, Thai, Lao,
# Khmer, Myanmar), and Hangul, whose spaced words carry their particles attached:
# character pairs match across those forms.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
    "\uac00-\ud7af]+"
)

#: Function words of English, Dutch, German, French, Spanish, Italian and Portuguese (folded).
STOPWORDS = frozenset(
    """
    a an the and or but of to in on at by for from with as is are was were be been being it its this
    that these those he she they we you i his her their our your not no so if than then there here
    has have had do does did will would can could should may might must about into over after before
    up out says said also more most new just who what which when where how why all any some such
    de het een en van in op te dat die is zijn voor met niet aan er om ook als bij door naar uit
    der das und zu den dem des ist ein eine mit auf fur sich im nicht von sie es als auch dass
    le la les un une et du des au aux en dans pour par sur qui que est pas ce son sa ses avec
    el los las y del con por para es su al lo como mas pero sus una
    il lo gli di da che per non si con alla nel della
    o os as um uma do da dos das em no na com para por que nao se
    """.split()
)


#: Words of headline templates (listicles, explainers, press releases, market reports,
#: rumours and deals, video titles) and the commonest English verbs and nouns of time and
#: number: many unrelated articles share them, so they are no evidence that two report
#: one event ("5 ways AI will change the world"; "… use of facial recognition").
TEMPLATE_WORDS = frozenset(
    """
    way ways thing things best top tip tips guide explained explainer everything need know
    rumor rumour rumors report reports market markets analysis research forecast forecasts growth
    opportunities opportunity trend trends size share industry global key player players cagr
    outlook demand revenue segment segments region regional regions period
    release releases released launch launches launched unveil unveils unveiled announce announces
    announced introduce introduces introduced
    deal deals price prices sale review reviews hands video watch trailer gameplay live update
    change changes future revolution transform transforming world power powered
    use uses used using make makes made get gets take takes give gives year years time times people
    first one two three day days week weeks month months like back still even big many much well
    """.split()
)


def _template_codes() -> frozenset[int]:
    return frozenset(zlib.crc32(stem(w).encode("utf-8")) for w in TEMPLATE_WORDS)


def fold(text: str) -> str:
    """NFKC, case folded, diacritics removed.

    >>> fold("Zoë ÉCOLE")
    'zoe ecole'
    """
    if text.isascii():  # most text: nothing to decompose
        return text.lower()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", "".join([c for c in text if not unicodedata.combining(c)]))


def words(text: str) -> Iterator[str]:
    """The folded words of *text*, unspaced scripts as character pairs; one-letter words dropped."""
    for word in _WORD.findall(fold(text)):
        if not _UNSPACED.search(word):
            if len(word) > 1 and word != "_" * len(word):
                yield word
            continue
        pos = 0
        for run in _UNSPACED.finditer(word):
            if run.start() > pos and run.start() - pos > 1:
                yield word[pos:run.start()]
            chunk = run.group()
            if len(chunk) == 1:
                yield chunk
            yield from (chunk[i:i + 2] for i in range(len(chunk) - 1))
            pos = run.end()
        if len(word) - pos > 1:
            yield word[pos:]


def stem(word: str) -> str:
    """A word cut to its first :data:`STEM` characters after a plural ``s``.

    >>> stem("chips"), stem("chip"), stem("recognition"), stem("us")
    ('chip', 'chip', 'recognit', 'us')
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha():
        word = word[:-1]
    return word[:STEM]


def stems(text: str | list[str]) -> list[str]:
    """The stems of the words of *text* (or of *text*, a list of :func:`words`)
    that are not function words, in order."""
    return [stem(w) for w in (words(text) if isinstance(text, str) else text) if w not in STOPWORDS]


def code(token: str) -> int:
    """A stable 32-bit number for *token*.

    >>> code("restrict") == code("restrict") and code("restrict") != code("protein")
    True
    """
    return zlib.crc32(token.encode("utf-8"))


def distinct(items: Iterable[int], limit: int) -> tuple[int, ...]:
    """The first *limit* distinct items, in order.

    >>> distinct([3, 1, 3, 2, 1], 2)
    (3, 1)
    """
    seen: dict[int, None] = {}
    for item in items:
        if len(seen) >= limit:
            break
        seen.setdefault(item, None)
    return tuple(seen)


#: The codes of the stems of :data:`TEMPLATE_WORDS`.
TEMPLATE_CODES = _template_codes()
