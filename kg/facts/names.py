"""Organisations, people and places resolved across the whole corpus.

The map step cannot know, from one document, that "Clearview" is "Clearview AI",
that "ACLU" is the "American Civil Liberties Union", or that the "Nvidia" one
sentence calls a place is the company every other document names. So it gives
each organisation, person and place it is not sure of a *provisional* IRI by
its name key (:data:`NAMED_ENTITY`, :func:`kg.identity.names.entity_key`:
articles, possessives and legal suffixes already cut) and a :class:`NameClaim` of
what kind of thing the name is, with a weight for the kind of evidence. Once
every document is read, :func:`resolve` decides for each name key:

1. **its type, by the weight of evidence** across all its mentions: a field
   (an analysis page's organisations line, a byline, an API's people)
   outweighs text; a known country or city counts as a place;
2. **what it is the same as** (organisations only; each merge is recorded with
   its rule):
   - ``acronym-definition`` — an acronym some document defines
     ("the American Civil Liberties Union (ACLU)"), always as the same long form;
   - ``acronym-in-corpus`` — an acronym whose letters are the initials of
     exactly one organisation the corpus names;
   - ``short-form`` — a name whose words start exactly one longer organisation
     name, which the corpus mentions at least as often ("Clearview" → "Clearview AI";
     "Google" does not become "Google Cloud").
   People never merge on a surname alone across documents (a lone surname is
   resolved only inside its own document, by the map step).

The result maps each provisional IRI to its final one (:class:`Target`), and
:func:`kg.facts.reduce.resolve` rewrites facts with it, as for outlets known by
name. Because every input of :func:`resolve` is the per-file claims, a rebuild
that changes them gives the same resolution a clean build would.

>>> table = NameTable()
>>> for key, surface, kind, weight in [("clearview ai", "Clearview AI", "organization", 1),
...                                    ("clearview ai", "Clearview AI", "organization", 1),
...                                    ("clearview", "Clearview", "organization", 1), ("aclu", "ACLU", "organization", 1),
...                                    ("american civil liberties union", "American Civil Liberties Union",
...                                     "organization", 10)]:
...     table.add(NameClaim(key, surface, kind, weight))
>>> names = resolve(table)
>>> names["clearview"].key, names["clearview"].rule, names["aclu"].key, names["aclu"].rule
('clearview ai', 'short-form', 'american civil liberties union', 'acronym-in-corpus')
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..identity.names import best_label, initials, is_acronym, key_slug
from ..identity.places import lookup_place
from ..namespaces import ID, entity_iri

#: Provisional IRIs of names resolved across the corpus start with this.
NAMED_ENTITY = ID + "name/"
#: Weight of each kind of evidence for a name's type; from :data:`SUBJECT` up it is strong
#: evidence, which decides a name's type whenever there is any.
FIELD, SUBJECT, GAZETTEER, TEXT = 10, 6, 8, 1
KINDS = ("organization", "person", "place")


class NameClaim(NamedTuple):
    """One document says: this name (key and surface form) is a thing of this kind."""

    key: str
    surface: str
    kind: str
    weight: int


def provisional_iri(key: str) -> str:
    return NAMED_ENTITY + key_slug(key)


@dataclass
class KeyStats:
    votes: Counter[str] = field(default_factory=Counter)  # kind → weight
    forms: Counter[str] = field(default_factory=Counter)  # surface → mentions


@dataclass
class NameTable:
    """Every claim of every file, aggregated by key (kept up to date as files come and go)."""

    keys: dict[str, KeyStats] = field(default_factory=dict)
    acronyms: Counter[tuple[str, str]] = field(default_factory=Counter)  # (acronym key, long key) → documents

    def add(self, claim: NameClaim, sign: int = 1) -> None:
        stats = self.keys.setdefault(claim.key, KeyStats())
        stats.votes[claim.kind + ("@" if claim.weight >= SUBJECT else "")] += sign * claim.weight
        stats.forms[claim.surface] += sign
        if sign < 0:
            stats.votes = +stats.votes
            stats.forms = +stats.forms
            if not stats.forms:
                del self.keys[claim.key]

    def update(self, claims: Iterable[tuple[Any, ...]], acronyms: Iterable[tuple[str, str]], sign: int = 1) -> None:
        for claim in claims:
            self.add(NameClaim(*claim), sign)
        for pair in acronyms:
            self.acronyms[tuple(pair)] += sign  # type: ignore[index]
            if self.acronyms[tuple(pair)] <= 0:  # type: ignore[index]
                del self.acronyms[tuple(pair)]  # type: ignore[arg-type]


class Resolved(NamedTuple):
    """What a name key is: its type, the key of the entity it is, and the rule that merged it."""

    kind: str
    key: str
    rule: str | None
    votes: str  # the evidence for the type, e.g. "organization 12, person 1"


def _kind(key: str, stats: KeyStats) -> tuple[str, str]:
    """A name's type: strong evidence (fields, sources' subjects, legal suffixes, a known
    country or city) decides when there is any; else the text's mentions, by count."""
    votes = Counter(stats.votes)
    place = lookup_place(stats.forms.most_common(1)[0][0]) if stats.forms else None
    if place is not None and place.kind in ("country", "city"):
        votes["place@"] += GAZETTEER
    strong = Counter({k: votes[k + "@"] for k in KINDS if votes[k + "@"]})
    weak = Counter({k: votes[k] for k in KINDS if votes[k]})
    decide = strong or weak
    kind = max(KINDS, key=lambda k: (decide[k], -KINDS.index(k)))
    evidence = [f"{k} {strong[k]} (fields)" for k in KINDS if strong[k]] + [f"{k} {weak[k]}" for k in KINDS if weak[k]]
    return kind, ", ".join(evidence)


def resolve(table: NameTable) -> dict[str, Resolved]:
    """Each name key's type and the key of the entity it is (see the module's rules)."""
    kinds = {key: _kind(key, stats) for key, stats in table.keys.items()}
    mentions = {key: sum(stats.forms.values()) for key, stats in table.keys.items()}
    orgs = sorted(k for k, (kind, _v) in kinds.items() if kind == "organization")
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key in orgs:
        if len(key.split()) > 1:
            by_initials[initials(key)].append(key)
    defined: dict[str, Counter[str]] = defaultdict(Counter)
    for (acronym, long), count in table.acronyms.items():
        defined[acronym][long] += count
    step: dict[str, tuple[str, str]] = {}
    for key in orgs:
        surface = table.keys[key].forms.most_common(1)[0][0]
        if is_acronym(surface) and key in defined:
            long, count = defined[key].most_common(1)[0]
            if count * 3 >= 2 * sum(defined[key].values()) and long != key:
                step[key] = (long, "acronym-definition")
                continue
        if is_acronym(surface) and len(by_initials.get(key, [])) == 1:
            step[key] = (by_initials[key][0], "acronym-in-corpus")
            continue
        longer = _extensions(orgs, key)
        if len(longer) == 1 and not is_acronym(surface) and mentions[longer[0]] >= mentions[key]:
            step[key] = (longer[0], "short-form")
    out = {}
    for key, (kind, votes) in kinds.items():
        final, rule, seen = key, None, {key}
        while final in step and step[final][0] not in seen:
            final, first_rule = step[final]
            rule = rule or first_rule
            seen.add(final)
        out[key] = Resolved(kind, final, rule, votes)
    return out


def _extensions(orgs: list[str], key: str) -> list[str]:
    """The organisation keys that start with all of *key*'s words and go on."""
    prefix = key + " "
    start = bisect.bisect_left(orgs, prefix)
    found = []
    for other in orgs[start:]:
        if not other.startswith(prefix):
            break
        found.append(other)
        if len(found) > 1:
            break
    return found


class Target(NamedTuple):
    """Where a provisional node's facts go: the final IRI, the attributes it exists with,
    and the rule to record (None: keep the fact's own)."""

    iri: str
    attrs: dict[str, Any]
    rule: str | None
    merged: bool = False  # the name is another name of an entity: its forms are alternate names


def targets(table: NameTable, names: dict[str, Resolved]) -> dict[str, Target]:
    """Provisional IRI → :class:`Target` for every name key the corpus gives."""
    out = {}
    for key, resolved in names.items():
        stats = table.keys.get(resolved.key) or table.keys[key]
        label = best_label(stats.forms.elements()) if stats.forms else key
        attrs: dict[str, Any] = {"type": resolved.kind, "label": label, "type_evidence": resolved.votes}
        iri = entity_iri({"organization": "org"}.get(resolved.kind, resolved.kind), key_slug(resolved.key))
        if resolved.kind == "place":
            place = lookup_place(label)
            if place is not None:
                iri = entity_iri("place", place.code.lower())
                attrs.update({"label": place.name, "iso": place.code if place.kind == "country" else None,
                              "country": place.country, "geonames": place.geonames, "kind": place.kind})
        out[provisional_iri(key)] = Target(iri, attrs, resolved.rule, resolved.key != key)
    return out
