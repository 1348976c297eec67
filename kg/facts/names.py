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
   outweighs text; a known country or city counts as a place, a name kg's
   tables know (``kg/vocab/kinds.tsv``, ``aliases.tsv``) as the type they give;
2. **what it is the same as** (each merge is recorded with its rule):
   - ``alias-table`` — another name of one organisation or person that kg's
     table lists (``EU`` = ``European Union``, ``Zelensky`` = ``Zelenskyy``);
   - ``acronym-definition`` — an acronym some document defines
     ("the American Civil Liberties Union (ACLU)"), always as the same long form;
   - ``acronym-in-corpus`` — an acronym whose letters are the initials of
     exactly one organisation the corpus names;
   - ``short-form`` — a name whose words start exactly one longer name of the corpus
     (of any type but place), an organisation's, which the corpus mentions at least as
     often ("Clearview" → "Clearview AI"; "Google" does not become "Google Cloud"); a name
     of three words or more may also end it ("State Office of Information Technology
     Services");
   - ``spelling-variant`` — a name of three words or more that another organisation's
     name is with one word in the plural ("Digital Forensic(s) Research Lab"), the
     less mentioned one merged into the other;
   - ``generic-suffix`` — an organisation's name followed by generic words, which
     the corpus mentions less often than the name alone ("DeepMind AI" → "DeepMind");
   - ``outlet-name`` — an organisation named as an outlet is named (by a provider
     with its domain) is that outlet ("New York Times" → nytimes.com).
   People never merge on a surname alone across documents (a lone surname is
   resolved only inside its own document, by the map step).

The result maps each provisional IRI to its final one (:class:`Target`), and
:func:`kg.facts.reduce.resolve` rewrites facts with it, as for outlets known by
name. Because every input of :func:`resolve` is the per-file claims, a rebuild
that changes them gives the same resolution a clean build would.

>>> table = NameTable()
>>> for key, surface, kind, weight in [("clearview ai", "Clearview AI", "organization", 1),
...                                    ("clearview ai", "Clearview AI", "organization", 1),
...                                    ("clearview", "Clearview", "organization", 1), ("npa", "NPA", "organization", 1),
...                                    ("northwind port authority", "Northwind Port Authority", "organization", 10),
...                                    ("eu", "EU", "place", 1), ("european union", "European Union", "organization", 1)]:
...     table.add(NameClaim(key, surface, kind, weight))
>>> names = resolve(table)
>>> names["clearview"].key, names["clearview"].rule, names["npa"].key, names["npa"].rule
('clearview ai', 'short-form', 'northwind port authority', 'acronym-in-corpus')
>>> names["eu"]
Resolved(kind='organization', key='european union', rule='alias-table', votes='organization 8 (fields), place 1')
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..identity.known import alias, known_kind, table_key
from ..identity.names import acronyms_of, best_label, is_acronym, key_slug
from ..identity.places import lookup_place
from ..namespaces import ID, entity_iri

#: Provisional IRIs of names resolved across the corpus start with this.
NAMED_ENTITY = ID + "name/"
#: Weight of each kind of evidence for a name's type; from :data:`SUBJECT` up it is strong
#: evidence, which decides a name's type whenever there is any.
FIELD, SUBJECT, GAZETTEER, TEXT = 10, 6, 8, 1
KINDS = ("organization", "person", "place", "product", "event", "work")


class NameClaim(NamedTuple):
    """One document says: this name (key and surface form) is a thing of this kind."""

    key: str
    surface: str
    kind: str
    weight: int


#: An organisation named as an outlet is that outlet when files name the outlet at least
#: once for this many mentions of the organisation in text.
OUTLET_TEXT_RATIO = 4
#: Words an outlet's name may add to the name it is known by in text ("Caixin Global").
OUTLET_WORDS = frozenset({"global", "news", "online", "digital", "media", "net", "com", "international", "usa",
                          "uk", "asia", "europe", "english", "edition"})


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
    country or city, kg's tables of names) decides when there is any; else the text's
    mentions, by count."""
    votes = Counter(stats.votes)
    form = stats.forms.most_common(1)[0][0] if stats.forms else key
    place = lookup_place(form)
    if place is not None and place.kind in ("country", "city"):
        votes["place@"] += GAZETTEER
    listed = known_kind(form) or (alias(form) or ("", "", None))[2]
    if listed in KINDS:
        votes[f"{listed}@"] += GAZETTEER
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
    _lone_names(table, kinds, mentions)
    orgs = sorted(k for k, (kind, _v) in kinds.items() if kind == "organization")
    named = sorted(k for k, (kind, _v) in kinds.items() if kind != "place")
    endings: dict[str, set[str]] = defaultdict(set)  # the last three words or more of longer names
    for k in named:
        words = k.split()
        for cut in range(1, len(words) - 2):
            endings[" ".join(words[cut:])].add(k)
    step = _aliases(table, kinds)
    step.update((k, v) for k, v in _generic_suffixes(kinds, mentions, orgs).items() if k not in step)
    step.update((k, v) for k, v in _plurals(mentions, orgs).items() if k not in step)
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key in orgs:
        if len(key.split()) > 1:
            for acronym in acronyms_of(key):
                by_initials[acronym].append(key)
    defined: dict[str, Counter[str]] = defaultdict(Counter)
    for (acronym, long), count in table.acronyms.items():
        defined[acronym][long] += count
    for key in orgs:
        if key in step:
            continue
        surface = table.keys[key].forms.most_common(1)[0][0]
        if is_acronym(surface) and key in defined:
            long, count = defined[key].most_common(1)[0]
            if count * 3 >= 2 * sum(defined[key].values()) and long != key:
                step[key] = (long, "acronym-definition")
                continue
        if is_acronym(surface) and len(by_initials.get(key, [])) == 1:
            step[key] = (by_initials[key][0], "acronym-in-corpus")
            continue
        longer = _extensions(named, key)  # of any type: a model's wrong type hides no other reading
        if len(key.split()) >= 3:
            longer = longer or sorted(endings.get(key, ()))  # "State Office of Information Technology Services"
        if len(longer) == 1 and longer[0] in kinds and kinds[longer[0]][0] == "organization" \
                and not is_acronym(surface) and mentions[longer[0]] >= mentions[key]:
            step[key] = (longer[0], "short-form")
    out = {}
    for key, (kind, votes) in kinds.items():
        final, rule, seen = key, None, {key}
        while final in step and step[final][0] not in seen:
            final, first_rule = step[final]
            rule = rule or first_rule
            seen.add(final)
        if final != key:  # one entity, one type: the one its own name has
            listed = alias(final)
            kind = kinds[final][0] if final in kinds else listed[2] if listed else kind
        out[key] = Resolved(kind, final, rule, votes)
    return out


#: A one-word name typed only as a person (by text) that no document gives in full is a person
#: no longer when it is mentioned this often: journalists give a person's full name first.
LONE_NAME_MENTIONS = 3


def _lone_names(table: NameTable, kinds: dict[str, tuple[str, str]], mentions: dict[str, int]) -> None:
    """One-word "people" of the text that no document of the corpus names in full, mentioned
    :data:`LONE_NAME_MENTIONS` times or more, are organisations ("Twitter", "Graphika")."""
    surnames = {key.split()[-1] for key, (kind, _v) in kinds.items() if kind == "person" and " " in key}
    for key, (kind, votes) in kinds.items():
        if kind == "person" and " " not in key and key not in surnames and mentions[key] >= LONE_NAME_MENTIONS \
                and not table.keys[key].votes["person@"]:
            kinds[key] = ("organization", f"{votes}; a lone name no document gives in full")


def _aliases(table: NameTable, kinds: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Names kg's alias table gives another canonical name (``EU`` → ``European Union``)."""
    step = {}
    for key, stats in table.keys.items():
        form = stats.forms.most_common(1)[0][0] if stats.forms else key
        found = alias(form) or alias(key)
        if found and found[0] != key and kinds[key][0] in (found[2], "organization", "place"):
            step[key] = (found[0], "alias-table")
    return step


def _plurals(mentions: dict[str, int], orgs: list[str]) -> dict[str, tuple[str, str]]:
    """Organisation names of three words or more that differ only by a word's plural "s"."""
    known = set(orgs)
    step = {}
    for key in orgs:
        words = key.split()
        if len(words) < 3:
            continue
        for i, word in enumerate(words):
            other = " ".join([*words[:i], word[:-1] if word.endswith("s") else word + "s", *words[i + 1:]])
            if other in known and (mentions[other], other) > (mentions[key], key):
                step[key] = (other, "spelling-variant")
                break
    return step


def _generic_suffixes(kinds: dict[str, tuple[str, str]], mentions: dict[str, int],
                      orgs: list[str]) -> dict[str, tuple[str, str]]:
    """Names that are an organisation's name and generic words after it, mentioned less
    often than the name alone: "DeepMind AI" (a model's person) → "DeepMind"."""
    from ..extract.lexicon import generic

    known = set(orgs)
    step = {}
    for key, (kind, _votes) in kinds.items():
        words = key.split()
        for cut in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            if head in known and generic(tail) and kind in ("organization", "person", "product"):
                if mentions[head] > mentions[key]:
                    step[key] = (head, "generic-suffix")
                break
    return step


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


def targets(table: NameTable, names: dict[str, Resolved],
            outlets: dict[str, tuple[str, int]] | None = None) -> dict[str, Target]:
    """Provisional IRI → :class:`Target` for every name key the corpus gives; an
    organisation named as an outlet is (*outlets*: outlet name key → its domain and the
    files that name it so) is that outlet's node (rule ``outlet-name``) when the corpus
    knows it as a publisher at least a :data:`OUTLET_TEXT_RATIO`-th as often as from text:
    "New York Times", mentioned in 5 texts, is the outlet of 15 files; "Microsoft",
    mentioned in 40 texts, is no news outlet for the one post its site published."""
    from ..namespaces import outlet_iri
    from .keys import outlet_attrs

    files: Counter[str] = Counter()
    for site, count in (outlets or {}).values():
        files[site] += count
    by_outlet = {table_key(name): (site, files[site]) for name, (site, _n) in (outlets or {}).items()}
    for name, (site, _n) in sorted((outlets or {}).items()):  # "Caixin" of "Caixin Global"
        words = table_key(name).split()
        while len(words) > 1 and words[-1] in OUTLET_WORDS:
            words = words[:-1]
            by_outlet.setdefault(" ".join(words), (site, files[site]))
    labels: dict[str, set[str]] = defaultdict(set)
    for site in files:
        labels[re.sub(r"[^0-9a-z]", "", site.split(".")[0])].add(site)
    for label, sites in labels.items():  # "China Daily" is chinadaily.com.cn, whatever the site calls itself
        if len(sites) == 1 and len(label) > 3:
            site = next(iter(sites))
            by_outlet.setdefault(label, (site, files[site]))
    mentioned: Counter[str] = Counter()
    for key, resolved in names.items():
        mentioned[resolved.key] += sum(table.keys[key].forms.values())
    out = {}
    for key, resolved in names.items():
        found = by_outlet.get(table_key(resolved.key)) or by_outlet.get(re.sub(r"[^0-9a-z]", "", resolved.key))
        if found and resolved.kind == "organization" and found[1] * OUTLET_TEXT_RATIO >= mentioned[resolved.key]:
            domain = found[0]
            out[provisional_iri(key)] = Target(outlet_iri(domain), outlet_attrs(domain), "outlet-name", True)
            continue
        stats = table.keys.get(resolved.key) or table.keys[key]
        label = best_label(stats.forms.elements()) if stats.forms else key
        listed = alias(resolved.key)
        if resolved.kind == "person" and listed and len(label.split()) < 2:
            label = listed[1]  # "Biden", named in full by kg's alias table: Joe Biden
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
