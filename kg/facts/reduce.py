"""A node's facts → one settled node (the reduce step), and the one global step: outlets
known only by name.

:func:`reduce_node` settles one node from all its facts, in document order:
the first source creates it, disputed headlines and dates are all kept (one
chosen, the others as alternates and a conflict), names pick a best label.
A node needs only its own facts, so nodes can be settled in any grouping —
all at once in memory or shard by shard on disk (:mod:`kg.facts.shuffle`) —
with the same result (tests check it).

>>> from kg.model import Document
>>> from kg.facts.map import document_facts
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> nodes = [reduce_node(iri, facts) for iri, facts in sorted(group(document_facts(doc).facts).items())]
>>> [(n.attrs["type"], n.attrs["label"]) for n in nodes]
[('article', 'A'), ('outlet', 'x.org')]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import blake2b
from typing import Any

import numpy as np

from ..dates import to_xsd
from ..identity.domains import looks_like_domain
from ..identity.names import best_label, name_key, slug
from ..namespaces import outlet_iri
from .keys import NAMED_OUTLET, outlet_attrs
from .names import NAMED_ENTITY, Target
from .records import Alias, Claim, Edge, Evidence, Exists, Fact, InEdge, Named, ReadFrom, SameAs, Saw

#: Provisional IRIs: outlets known by name, names settled across the corpus.
PROVISIONAL = (NAMED_OUTLET, NAMED_ENTITY)
#: Places kept per surface form in the merge report (the rest are counted).
MAX_SOURCES = 20
#: In-edges a node keeps as pairs; beyond, as digests (:class:`_Distinct`).
FEW_IN_EDGES = 4096


def outlet_domains(seen: Iterable[tuple[str, str]] | Counter[tuple[str, str]]) -> dict[str, str]:
    """Outlet name key → its domain, for names seen with exactly one domain.

    >>> outlet_domains([("reuters", "reuters.com"), ("reuters", "reuters.com"), ("x", "a.org"), ("x", "b.org")])
    {'reuters': 'reuters.com'}
    """
    domains: dict[str, set[str]] = defaultdict(set)
    for name, domain in seen:
        domains[name].add(domain)
    return {name: next(iter(found)) for name, found in sorted(domains.items()) if len(found) == 1}


def outlet_files(seen: Counter[tuple[str, str]]) -> dict[str, tuple[str, int]]:
    """Outlet name key → (its domain, how many files name it so), for names seen with one domain.

    >>> outlet_files(Counter({("reuters", "reuters.com"): 12, ("x", "a.org"): 1, ("x", "b.org"): 1}))
    {'reuters': ('reuters.com', 12)}
    """
    return {name: (domain, seen[(name, domain)]) for name, domain in outlet_domains(seen).items()}


def outlet_targets(seen: Iterable[tuple[str, str]]) -> dict[str, Target]:
    """Provisional outlet IRI → its :class:`~kg.facts.names.Target`, for names seen with exactly one domain.

    >>> targets = outlet_targets([("reuters", "reuters.com"), ("reuters", "reuters.com"), ("x", "a.org"), ("x", "b.org")])
    >>> [(p.rsplit("/", 1)[-1], t.iri.rsplit("/", 1)[-1]) for p, t in targets.items()]
    [('name-reuters', 'reuters.com')]
    """
    return {outlet_iri("name-" + slug(name)): Target(outlet_iri(domain), outlet_attrs(domain), "registrable-domain")
            for name, domain in outlet_domains(seen).items()}


def resolve(facts: Iterable[Fact], targets: dict[str, Target]) -> list[Fact]:
    """*facts* with provisional IRIs (outlets and names, as node, edge end or mentioned
    entity) replaced by their targets' IRIs, attributes and rules."""
    if not targets:
        return list(facts)
    targets = _Scoped(targets)
    out = []
    for fact in facts:
        node, what = fact.node, fact.what
        if isinstance(what, Edge) and what.target in targets:
            what = what._replace(target=targets[what.target].iri)
        elif isinstance(what, InEdge) and what.source in targets:
            what = what._replace(source=targets[what.source].iri)
        elif isinstance(what, Evidence) and what.mention["entity"] in targets:
            what = Evidence({**what.mention, "entity": targets[what.mention["entity"]].iri})
        target = targets.get(node) if node.startswith(PROVISIONAL) else None
        if target is not None:
            if isinstance(what, Exists):
                what = Exists(target.attrs)
            elif isinstance(what, Named):
                weight = what.weight
                if target.merged:
                    weight = 0  # another name of the entity: an alternate name, not its label
                elif weight is None and target.attrs["type"] != "place":
                    weight = 1  # a "place" the corpus shows to be something else: its name counts
                what = what._replace(attrs=target.attrs, rule=target.rule or what.rule, weight=weight)
            elif isinstance(what, Saw):
                what = what._replace(rule=target.rule or what.rule)
            node = target.iri
        out.append(fact if what is fact.what and node is fact.node else Fact(node, fact.order, what))
    return out


class _Scoped(dict):  # type: ignore[type-arg]
    """Targets, and those of lone names scoped to one article (``name/KEY--ARTICLE``): the
    article's own person node while the corpus takes ``KEY`` for a person's name, else the
    node the corpus gives ``KEY`` ("Twitter" named as a person in one text is the
    organisation; "Biden", a short form kg's alias table knows, is Joe Biden)."""

    def __init__(self, targets: dict[str, Target]) -> None:
        super().__init__(targets)
        self.base = targets

    def _scoped(self, iri: object) -> Target | None:
        if not isinstance(iri, str) or not iri.startswith(NAMED_ENTITY) or "--" not in iri:
            return None
        base, _, scope = iri.rpartition("--")
        target = self.base.get(base)
        if target is not None and target.attrs["type"] == "person" and not target.merged:
            target = Target(f"{target.iri}--{scope}", target.attrs, "single-name-scoped-to-document", target.merged)
        if target is not None:
            self[iri] = target
        return target

    def __missing__(self, iri: str) -> Target:
        target = self._scoped(iri)
        if target is None:
            raise KeyError(iri)
        return target

    def __contains__(self, iri: object) -> bool:
        return dict.__contains__(self, iri) or self._scoped(iri) is not None

    def get(self, iri: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[iri] if iri in self else default


def group(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    """Facts by node, each node's in document order."""
    by_node: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_node[fact.node].append(fact)
    for node_facts in by_node.values():
        node_facts.sort(key=lambda f: f.order)
    return by_node


@dataclass
class Node:
    """One settled node: attributes, out- and in-edges, and what the merge report says of it."""

    iri: str
    attrs: dict[str, Any]
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (target, key, relation)
    incoming: list[tuple[str, str, str]] = field(default_factory=list)  # (source, key, relation)
    in_degree: int | None = None  # in-edges counted, when *incoming* holds only those a triple needs
    forms: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)
    rules: set[str] = field(default_factory=set)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    mention: dict[str, Any] | None = None

    @property
    def degree(self) -> int:
        """Edges in and out (as networkx counts them)."""
        return len(self.edges) + (len(self.incoming) if self.in_degree is None else self.in_degree)

    def merge_entry(self) -> dict[str, Any] | None:
        """The merge report's entry when the node was reached through two or more forms."""
        if len(self.forms) < 2 or not self.attrs:
            return None
        return {
            "node": self.iri,
            "type": self.attrs["type"],
            "label": self.attrs["label"],
            "rules": sorted(self.rules),
            **({"type_evidence": self.attrs["type_evidence"]} if self.attrs.get("type_evidence") else {}),
            "forms": [
                {"form": form, "sources": [f"{s} ({w})" for s, w in sorted(self.forms[form])],
                 **({"more_sources": self.more[form]} if form in self.more else {})}
                for form in sorted(self.forms)
            ],
        }


def _ranked(claims: list[Claim]) -> list[Claim]:
    """Claims, the one that wins first: highest rank, then first source by name."""
    return sorted(claims, key=lambda c: (-c.rank, c.source))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return name_key(a) == name_key(b)
    return bool(a == b)


def _plain(value: Any) -> Any:
    return to_xsd(value) if isinstance(value, datetime) else value


_SINGLE = ("excerpt", "section", "quality", "heat", "is_published", "category", "language", "retrieved", "modified",
           "site_name", "article_type", "body", "label")


def _fill(attrs: dict[str, Any], new: dict[str, Any]) -> None:
    """The first source creates a node; later ones only fill attributes it left empty."""
    if not attrs:
        attrs.update(new)
        return
    for k, v in new.items():
        if v is not None and attrs.get(k) is None:
            attrs[k] = v


class _Forms:
    """Where one surface form was seen: the :data:`MAX_SOURCES` places seen first (in
    document order), and how often it was seen elsewhere — kept in bounded memory, whatever
    the order facts arrive in (a hub's forms are seen at hundreds of thousands of places)."""

    __slots__ = ("places", "dropped")

    def __init__(self) -> None:
        self.places: dict[tuple[str, str], list[Any]] = {}  # place → [first order, times seen]
        self.dropped = 0  # times seen at places that can no longer be among the first

    def add(self, place: tuple[str, str], order: tuple[str, int, int]) -> None:
        seen = self.places.get(place)
        if seen is None:
            self.places[place] = [order, 1]
            if len(self.places) > 4 * MAX_SOURCES:
                self._prune()
        else:
            if order < seen[0]:
                seen[0] = order
            seen[1] += 1

    def _prune(self) -> None:
        ordered = sorted(self.places.items(), key=lambda item: item[1][0])
        for place, (_first, times) in ordered[MAX_SOURCES:]:
            self.dropped += times
            del self.places[place]

    def settle(self) -> tuple[set[tuple[str, str]], int]:
        ordered = sorted(self.places.items(), key=lambda item: item[1][0])
        kept = ordered[:MAX_SOURCES]
        return {place for place, _seen in kept}, self.dropped + sum(times for _p, (_o, times) in ordered[MAX_SOURCES:])


class _Distinct:
    """How many distinct (source, key) pairs arrived: the pairs themselves while a node has
    few, then 8-byte digests in a sorted numpy array (an outlet of 1,400,000 in-edges held
    them in 1.1 GB of tuples; as digests, 11 MB). Digests are blake2b, so the count is the
    same in every process and every run."""

    __slots__ = ("pairs", "digests", "pending")

    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] | None = set()
        self.digests = np.empty(0, dtype=np.uint64)
        self.pending: list[int] = []

    def add(self, pair: tuple[str, str]) -> None:
        if self.pairs is not None:
            self.pairs.add(pair)
            if len(self.pairs) > FEW_IN_EDGES:
                self.pending, self.pairs = [_digest(p) for p in self.pairs], None
                self._compact()
        else:
            self.pending.append(_digest(pair))
            if len(self.pending) >= 1 << 16:
                self._compact()

    def _compact(self) -> None:
        fresh = np.fromiter(self.pending, dtype=np.uint64, count=len(self.pending))
        self.digests, self.pending = np.union1d(self.digests, fresh), []

    def __len__(self) -> int:
        if self.pairs is not None:
            return len(self.pairs)
        self._compact()
        return len(self.digests)


def _digest(pair: tuple[str, str]) -> int:
    return int.from_bytes(blake2b(f"{pair[0]}\0{pair[1]}".encode(), digest_size=8).digest(), "little")


class NodeBuilder:
    """One node's facts folded as they arrive, in any order: what is kept is bounded by what
    the node says (its attributes, names, edges), not by how many facts say it, and the node
    it settles into is the one its facts in document order give (:func:`reduce_node`)."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.dicts: list[list[Any]] = []  # distinct attribute dicts with the first order each came with
        self.claims: list[tuple[tuple[str, int, int], Claim]] = []
        self.names: Counter[str] = Counter()
        self.forms: dict[str, _Forms] = {}
        self.rules: set[str] = set()
        self.edges: dict[tuple[str, str], tuple[tuple[str, int, int], str]] = {}
        self.incoming: set[tuple[str, str, str]] = set()  # the in-edges a triple is made of
        self.in_edges = _Distinct()
        self.sources: set[str] = set()
        self.mention: tuple[tuple[str, int, int], dict[str, Any]] | None = None
        self.same_as: set[str] = set()

    def add(self, fact: Fact) -> None:
        what, order = fact.what, fact.order
        if isinstance(what, (Named, Exists)):
            self._attrs(what.attrs, order)
            if isinstance(what, Named):
                if what.weight is not None:
                    self.names[what.form] += what.weight
                self._saw(what.form, what.source, what.where, what.rule, order)
        elif isinstance(what, Claim):
            self.claims.append((order, what))
        elif isinstance(what, Saw):
            self._saw(what.form, what.source, what.where, what.rule, order)
        elif isinstance(what, Alias):
            self.names[what.form] += what.weight
        elif isinstance(what, Edge):
            _first(self.edges, (what.target, what.key), order, what.relation)
        elif isinstance(what, InEdge):  # a key names its relation: the pair is the edge
            self.in_edges.add((what.source, what.key))
            if what.relation == "related" or (what.relation == "mentions" and self._scopes(what.source)):
                self.incoming.add((what.source, what.key, what.relation))
        elif isinstance(what, ReadFrom):
            self.sources.add(what.where)
        elif isinstance(what, Evidence):
            if self.mention is None or order < self.mention[0]:
                self.mention = (order, what.mention)
        elif isinstance(what, SameAs):
            self.same_as.add(what.iri)

    def _scopes(self, article: str) -> bool:
        """Whether this node is a name known only in *article* (its IRI ends with the article's)."""
        return self.iri.split("--")[-1] == article.rsplit("/", 1)[-1]

    def _attrs(self, attrs: dict[str, Any], order: tuple[str, int, int]) -> None:
        for seen in reversed(self.dicts):  # a hub gets the same attributes again and again
            if seen[1] == attrs:
                if order < seen[0]:
                    seen[0] = order
                return
        self.dicts.append([order, attrs])

    def _saw(self, form: str, source: str, where_: str, rule: str, order: tuple[str, int, int]) -> None:
        self.forms.setdefault(form, _Forms()).add((source, where_), order)
        self.rules.add(rule)

    def settle(self) -> Node:
        node = Node(self.iri, {})
        attrs = node.attrs
        for _order, new in sorted(self.dicts, key=lambda d: d[0]):
            _fill(attrs, new)
        if self.sources:
            attrs["by_reference"] = False
        for form, seen in self.forms.items():
            node.forms[form], more = seen.settle()
            if more:
                node.more[form] = more
        node.rules = self.rules
        node.edges = sorted((target, key, relation) for (target, key), (_o, relation) in self.edges.items())
        node.incoming = sorted(self.incoming)
        node.in_degree = len(self.in_edges)
        node.mention = self.mention[1] if self.mention else None
        if attrs.get("type") == "article":
            claims: dict[str, list[Claim]] = defaultdict(list)
            for _order, claim in sorted(self.claims, key=lambda c: c[0]):
                claims[claim.attr].append(claim)
            _settle_article(node, claims, sorted(self.sources))
        _settle_names(attrs, self.names)
        if self.same_as and attrs:
            attrs["same_as"] = sorted(self.same_as)
        return node


def _first(edges: dict[Any, Any], key: tuple[str, str], order: tuple[str, int, int], relation: str) -> None:
    seen = edges.get(key)
    if seen is None or order < seen[0]:
        edges[key] = (order, relation)


#: Entity types whose node, when every name that reached it is another name of it, keeps the
#: label the corpus's resolution gave it.
_CANONICAL_LABEL = frozenset({"person", "organization", "product", "event", "work"})


def _settle_names(attrs: dict[str, Any], names: Counter[str]) -> None:
    """The best label among the names a node was given, and the others as alternates."""
    if names and attrs:
        if not +names and attrs.get("type") in _CANONICAL_LABEL and attrs.get("label"):
            attrs["alt_names"] = sorted({f for f in names if f != attrs["label"]})
            return  # reached only through other names ("Biden" for Joe Biden): its own name labels it
        counts = +names or Counter(dict.fromkeys(names, 1))
        real = Counter({f: c for f, c in counts.items() if not looks_like_domain(f)})
        label = best_label(real or counts)
        if attrs["type"] == "place" and attrs.get("geonames"):
            label = attrs["label"]
        attrs["label"] = label
        attrs["alt_names"] = sorted({f for f in names if f != label})


def reduce_node(iri: str, facts: Iterable[Fact]) -> Node:
    """Settle one node from all its facts, in any order (the reduce step).

    >>> from kg.facts.records import Alias, Exists
    >>> facts = [Fact("n", ("b.md", 0, 0), Exists({"type": "topic", "label": "B"})),
    ...          Fact("n", ("a.md", 0, 0), Exists({"type": "topic", "label": "A"}))]
    >>> reduce_node("n", facts).attrs == reduce_node("n", facts[::-1]).attrs == {"type": "topic", "label": "A"}
    True
    """
    builder = NodeBuilder(iri)
    for fact in facts:
        builder.add(fact)
    return builder.settle()


def _settle_article(node: Node, claims: dict[str, list[Claim]], sources: list[str]) -> None:
    """Choose each article fact; keep disputed headlines and dates as alternates and conflicts."""
    attrs = node.attrs
    for attr in ("headline", "published"):
        if attr not in claims:
            continue
        ordered = _ranked(claims[attr])
        chosen = ordered[0].value
        attrs[attr] = chosen
        others: list[Any] = []
        for claim in ordered:
            if not _same(claim.value, chosen) and not any(_same(claim.value, o) for o in others):
                others.append(claim.value)
        if others:
            attrs["alt_" + attr] = others
            node.conflicts.append({
                "node": node.iri, "field": attr, "chosen": _plain(chosen),
                "values": [{"value": _plain(c.value), "source": c.source} for c in ordered],
            })
    given = [c.value for c in claims.get("alt_title", []) if not _same(c.value, attrs.get("headline"))]
    for title in sorted(set(given)):  # the headline as a source gave it, before an outlet's name was cut
        if not any(_same(title, other) for other in attrs.get("alt_headline", [])):
            attrs.setdefault("alt_headline", []).append(title)
    for attr in _SINGLE:
        if attr in claims:
            attrs[attr] = _ranked(claims[attr])[0].value
    if "canonical" in claims:
        _rank, url = _ranked(claims["canonical"])[0].value
        attrs["url"] = url
    attrs["urls"] = sorted({c.value for c in claims.get("urls", [])})
    attrs["photo_credits"] = sorted({c.value for c in claims.get("photo_credit", [])})
    attrs["identifiers"] = sorted({c.value for c in claims.get("identifier", [])})
    attrs["extra"] = dict(sorted(dict(c.value for c in claims.get("extra", [])).items()))
    attrs["label"] = attrs.get("headline") or attrs.get("label") or attrs.get("url") or node.iri
    attrs["sources"] = sorted(set(sources))
