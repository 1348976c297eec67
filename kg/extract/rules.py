"""A rules-based extractor with no heavy dependency, tuned for precision.

Steps, in order (a span claimed by an earlier step is not reused):

1. names the corpus already knows from fields (outlets with distinctive
   names, organisations and full names of people from analysis pages and
   bylines), matched case-sensitively;
2. people after a title cue (``President``, ``CEO``, ``Prime Minister`` …);
3. organisations: capitalised phrases with an organisation cue word
   (``Ministry of …``, ``… Court``, ``… Administration``, ``… Inc.``, ``… Group``);
4. places: countries and large cities from the offline gazetteer, when they
   stand alone (``China's`` yes, ``China Daily`` no).

>>> [(m.text, m.type) for m in RulesExtractor().extract(
...     "Prime Minister Dick Schoof met the Ministry of Finance in Brussels; China Daily reported.", "excerpt")]
[('Dick Schoof', 'person'), ('Ministry of Finance', 'organization'), ('Brussels', 'place')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..identity.names import name_key
from .base import Mention, Span, title_case

#: Words that make a capitalised phrase an organisation when they end it.
ORG_SUFFIXES = (
    "Court", "Courts", "Administration", "University", "Inc", "Inc.", "Corp", "Corp.", "Corporation", "Co.", "Ltd",
    "Ltd.", "LLC", "Group", "Bank", "Agency", "Commission", "Council", "Authority", "Association", "Institute",
    "Center", "Centre", "Department", "Ministry", "Bureau", "Office", "Offices", "Party", "Union", "Foundation",
    "Technologies", "Technology", "Holdings", "Company", "Labs", "Laboratory", "Organization", "Organisation",
    "Parliament", "Congress", "Senate", "Police", "Army", "Federation", "Committee", "Consortium", "Alliance",
    "Academy", "Airlines", "Motors", "Networks", "Systems", "Software", "Media", "Press", "Fund",
)
#: Words that make a capitalised phrase an organisation when they start it.
ORG_PREFIXES = ("Ministry", "University", "Bank", "Department", "Bureau", "Office", "Court", "Federation",
                "Commission", "Council", "Institute", "Academy")
#: Titles before a person's name.
TITLES = (
    "President", "Vice President", "Prime Minister", "Premier", "Chancellor", "Chairman", "Chairwoman", "Chair",
    "CEO", "Chief Executive", "Chief Executive Officer", "Secretary-General", "Secretary General", "Secretary",
    "Minister", "Senator", "Governor", "Mayor", "Judge", "Justice", "Professor", "Prof.", "Dr.", "Dr", "Mr.",
    "Ms.", "Mrs.", "Mr", "Ms", "Mrs", "founder", "co-founder", "reporter", "editor", "spokesperson",
    "spokesman", "spokeswoman", "analyst", "director", "Director", "Ambassador", "King", "Queen",
    "Pope", "Rep.", "Sen.", "Gov.",
)
CONNECTORS = ("of", "for", "the", "on", "de", "&")
_CAP = r"(?:[A-Z][\w'’&.-]*[\w.]|[A-Z])"
_PHRASE = re.compile(rf"{_CAP}(?:\s+(?:(?:{'|'.join(CONNECTORS)})\s+)?{_CAP})+")
_WORD = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{1,2}}"
_TITLED = re.compile(rf"\b(?:{'|'.join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))})\s+(?P<name>{_NAME})\b")
_LEADING = ("The ", "A ", "An ", "In ", "On ", "At ", "By ", "For ", "From ", "With ", "As ", "And ", "But ", "While ",
            "the ", "of ", "for ", "on ")
#: Adjectives of nationality that precede an organisation's name without being part of it.
DEMONYMS = frozenset("Chinese American British French German Japanese Russian Indian Italian Dutch European "
                     "Korean Ukrainian Canadian Australian Brazilian Spanish Swiss Swedish Turkish Iranian Israeli "
                     .split())
TITLE_WORDS = frozenset(w for t in TITLES for w in t.split())
#: Known names shorter than this, or single words, match only when they look distinctive.
MIN_KNOWN = 4
COMMON_WORDS = frozenset({"Law", "News", "Times", "Post", "Daily", "Medium", "Wired", "Fortune", "Axios", "Mint",
                          "Quartz", "Slate", "Vox", "Politico", "Engadget", "Futurism"})


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    """One alternation of every gazetteer name (countries, aliases, large cities)."""
    from ..identity.places import COUNTRY_ALIASES, _index

    names = set()
    for place in _index().values():
        names.add(place.name)
    import pycountry

    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names.add(value)
    for alias in COUNTRY_ALIASES:
        if " " in alias or len(alias) > 3:
            names.add(alias.title())
    names |= {"U.S.", "US", "UK", "U.K.", "EU"} - {"EU"}
    names = {n for n in names if len(n) >= 2}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")


def _distinctive(name: str) -> bool:
    """A known name worth matching in free text: several words, or one with inner capitals."""
    if name in COMMON_WORDS or len(name) < MIN_KNOWN:
        return False
    return " " in name or bool(re.search(r"[a-z][A-Z]", name)) or name.isupper()


class KnownNames:
    """Names the corpus gives in fields (``{name: type}``), found in text case-sensitively;
    only distinctive ones (several words, inner capitals, acronyms) are looked for."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.types = dict(known or {})
        self.keys = {name_key(k): v for k, v in self.types.items()}
        findable = sorted((k for k in self.types if _distinctive(k)), key=len, reverse=True)
        alternation = "|".join(re.escape(k) for k in findable)
        self._pattern = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])") if alternation else None

    def find(self, text: str) -> list[Span]:
        """Every distinctive known name in *text*, labelled with its type."""
        if self._pattern is None:
            return []
        return [Span(m.start(), m.end(), self.types[m.group(0)]) for m in self._pattern.finditer(text)]

    def type_of(self, name: str) -> str | None:
        """The type the corpus's fields give *name* (folded), if any."""
        return self.keys.get(name_key(name))


def cue_spans(text: str, field: str) -> list[Span]:
    """Steps 2–4: people after a title, organisations by cue words, gazetteer places;
    a span claimed by an earlier step is not reused. Labels: ``title``, ``cue``, ``gazetteer``."""
    found: list[Span] = []

    def add(start: int, end: int, label: str) -> None:
        if all(end <= s.start or start >= s.end for s in found):
            found.append(Span(start, end, label))

    capitalised = "headline" in field and title_case(text)  # in a Title Case headline, cues prove nothing
    for m in _TITLED.finditer(text) if not capitalised else ():
        if not TITLE_WORDS.intersection(m.group("name").split()):
            add(m.start("name"), m.end("name"), "title")
    for start, end in _cued_organisations(text, capitalised):
        add(start, end, "cue")
    for m in _place_pattern().finditer(text):
        before = text[: m.start()].rstrip()
        after = text[m.end():]
        if after.startswith("$"):
            continue  # "US$5.12" is a currency
        if re.match(r"\s+[A-Z]", after) and not re.match(r"[’']s\b", after):
            continue  # part of a longer name: "China Daily", "Beijing Public Housing Center"
        if before and re.search(r"[A-Z][\w.]*$", before) and not before.endswith((".", ":", ";")):
            continue  # "Northwest China", "South Korea" handled by the gazetteer itself
        add(m.start(), m.end(), "gazetteer")
    return sorted(found, key=lambda s: s.start)


def _cued_organisations(text: str, capitalised: bool) -> Iterator[tuple[int, int]]:
    """Capitalised phrases with an organisation cue word (``Ministry of …``, ``… Inc.``)."""
    for m in _PHRASE.finditer(text):
        start, phrase = m.start(), m.group(0)
        for lead in _LEADING:
            if phrase.startswith(lead):
                start, phrase = start + len(lead), phrase[len(lead):]
        phrase = re.sub(r"[’']s$", "", phrase).rstrip(".")
        words = phrase.split()
        if len(words) > 2 and words[0] in DEMONYMS:  # "Chinese Ministry of Commerce"
            start += len(words[0]) + 1
            phrase = phrase[len(words[0]) + 1 :]
            words = words[1:]
        while len(words) > 2 and words[0].endswith(("'s", "’s")):  # "China's Supreme People's Court"
            start += len(words[0]) + 1
            phrase = phrase[len(words[0]) + 1 :]
            words = words[1:]
        if len(words) < 2:
            continue
        inner_cue = any(w in ORG_SUFFIXES and i + 1 < len(words) and words[i + 1] in ("of", "for", "on")
                        for i, w in enumerate(words))
        if capitalised and m.start() == 0 and phrase == text.strip():
            continue  # the whole headline is one capitalised phrase
        if words[-1] in ORG_SUFFIXES or words[0] in ORG_PREFIXES or inner_cue:
            yield start, start + len(phrase)


#: Types and scores of the rules' labels.
RULE_TYPES = {"title": ("person", 0.85), "cue": ("organization", 0.8), "gazetteer": ("place", 0.9)}


class RulesExtractor:
    """Gazetteers and cue words; ``known`` maps names from fields to their types."""

    name = "rules"
    version = "2"
    model_version = "2"
    language = "en"  # its cue words are English

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known = KnownNames(known)

    def spans(self, items: list[tuple[str, str]]) -> list[list[Span]]:
        """Steps 2–4 for each item (they depend on the text alone, so they are cached)."""
        return [cue_spans(text, field) for text, field in items]

    def finish(self, text: str, field: str, spans: list[Span]) -> list[Mention]:
        """Step 1, names the corpus knows, first; then the cached spans they leave free."""
        found: list[Mention] = []
        for s in self.known.find(text):
            found.append(Mention(text[s.start:s.end], s.label, field, s.start, s.end, self.name, 0.95, label="known"))
        for s in spans:
            if all(s.end <= f.start or s.start >= f.end for f in found):
                kind, score = RULE_TYPES[s.label]
                found.append(Mention(text[s.start:s.end], kind, field, s.start, s.end, self.name, score, label=s.label))
        found.sort(key=lambda x: x.start)
        return found

    def extract(self, text: str, field: str) -> list[Mention]:
        """Every mention in *text*, left to right."""
        return self.finish(text, field, self.spans([(text, field)])[0])
