"""Precision, recall and F1 of an extractor against hand labels.

Labels are per document: the names of organisations, people and places in
its headline, excerpt or summary, and body. A prediction counts when its
folded name (:func:`kg.identity.names.name_key`) and type match a label of
the same document; scores are micro-averaged over documents.

>>> prf(8, 2, 4)
(0.8, 0.6667, 0.7273)
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from ..identity.names import name_key
from ..model import Document
from ..readers import detect_format, get_reader
from ..sources import as_source
from .base import TYPES, Extractor, extract_all

SCORED_FIELDS = ("headline", "excerpt", "body")
#: The labels cover the first this many characters of "headline || excerpt || body".
LABELLED_CHARS = 1500


def held_out(file: str) -> bool:
    """Documents kept out of tuning: a third of the labelled files, chosen by a hash of
    their name so the split never moves (rules are tuned on the others only).

    >>> held_out("corpus/pages/caixin_live_2020-10-28_xiaomi-india.txt") in (True, False)
    True
    """
    return int(hashlib.sha256(file.encode("utf-8")).hexdigest(), 16) % 3 == 0


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 (rounded to 4 places; 0 when undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def load_gold(path: Path, shared: Path) -> list[tuple[Document, dict[str, set[str]]]]:
    """The labelled documents (read from *shared*) with their label sets."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for entry in data["documents"]:
        file = shared / entry["file"]
        source = as_source(file)
        doc = get_reader(detect_format(source.text) or "page").read(source.text, entry["file"])[entry.get("index", 0)]
        out.append((doc, {t: {name_key(n) for n in entry[t]} for t in TYPES}))
    return out


def predict(extractor: Extractor, docs: list[Document]) -> list[dict[str, set[str]]]:
    """Predicted name sets per type for each document (scored fields only)."""
    items = []
    owners = []
    for i, doc in enumerate(docs):
        budget = LABELLED_CHARS
        for text, field in ((doc.title, "headline"), (doc.excerpt, "excerpt"), (" ".join(doc.body), "body")):
            if text and budget > 0:
                items.append((text[:budget], field))
                owners.append(i)
                budget -= len(text) + 4
    found: list[dict[str, set[str]]] = [defaultdict(set) for _ in docs]
    for owner, mentions in zip(owners, extract_all(extractor, items)):
        for m in mentions:
            found[owner][m.type].add(name_key(m.text))
    return found


def score(extractor: Extractor, gold: list[tuple[Document, dict[str, set[str]]]]) -> dict[str, tuple[float, float, float]]:
    """Per type and overall: (precision, recall, F1)."""
    return score_predictions(gold, predict(extractor, [doc for doc, _ in gold]))


def score_predictions(gold: list[tuple[Document, dict[str, set[str]]]],
                      predicted: list[dict[str, set[str]]]) -> dict[str, tuple[float, float, float]]:
    """Per type and overall: (precision, recall, F1) of name sets per document."""
    counts = {t: [0, 0, 0] for t in TYPES}
    for (_doc, labels), guess in zip(gold, predicted):
        for t in TYPES:
            counts[t][0] += len(guess[t] & labels[t])
            counts[t][1] += len(guess[t] - labels[t])
            counts[t][2] += len(labels[t] - guess[t])
    out = {t: prf(*c) for t, c in counts.items()}
    out["all"] = prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return out
