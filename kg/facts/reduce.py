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
from typing import Any

from ..dates import to_xsd
from ..identity.domains import looks_like_domain
from ..identity.names import best_label, name_key, slug
from ..namespaces import outlet_iri
from .map import NAMED_OUTLET, outlet_attrs
from .names import NAMED_ENTITY, Target
from .records import Alias, Claim, Edge, Evidence, Exists, Fact, InEdge, Named, ReadFrom, SameAs, Saw

#: Provisional IRIs: outlets known by name, names settled across the corpus.
PROVISIONAL = (NAMED_OUTLET, NAMED_ENTITY)
#: Places kept per surface form in the merge report (the rest are counted).
MAX_SOURCES = 20


def outlet_targets(seen: Iterable[tuple[str, str]]) -> dict[str, Target]:
    """Provisional outlet IRI → its :class:`~kg.facts.names.Target`, for names seen with exactly one domain.

    >>> targets = outlet_targets([("reuters", "reuters.com"), ("reuters", "reuters.com"), ("x", "a.org"), ("x", "b.org")])
    >>> [(p.rsplit("/", 1)[-1], t.iri.rsplit("/", 1)[-1]) for p, t in targets.items()]
    [('name-reuters', 'reuters.com')]
    """
    domains: dict[str, set[str]] = defaultdict(set)
    for name, domain in seen:
        domains[name].add(domain)
    out = {}
    for name, found in sorted(domains.items()):
        if len(found) == 1:
            domain = next(iter(found))
            out[outlet_iri("name-" + slug(name))] = Target(outlet_iri(domain), outlet_attrs(domain), "registrable-domain")
    return out


def resolve(facts: Iterable[Fact], targets: dict[str, Target]) -> list[Fact]:
    """*facts* with provisional IRIs (outlets and names, as node, edge end or mentioned
    entity) replaced by their targets' IRIs, attributes and rules."""
    if not targets:
        return list(facts)
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
    forms: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)
    rules: set[str] = field(default_factory=set)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    mention: dict[str, Any] | None = None

    @property
    def degree(self) -> int:
        """Edges in and out (as networkx counts them)."""
        return len(self.edges) + len(self.incoming)

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


_SINGLE = ("excerpt", "section", "quality", "heat", "is_published", "category", "language", "retrieved",
           "site_name", "article_type", "body", "label")


def _fill(attrs: dict[str, Any], new: dict[str, Any]) -> None:
    """The first source creates a node; later ones only fill attributes it left empty."""
    if not attrs:
        attrs.update(new)
        return
    for k, v in new.items():
        if v is not None and attrs.get(k) is None:
            attrs[k] = v


def _saw(node: Node, form: str, source: str, where_: str, rule: str) -> None:
    """Record where a surface form was seen: the first :data:`MAX_SOURCES` places, then a count."""
    places = node.forms.setdefault(form, set())
    if len(places) < MAX_SOURCES:
        places.add((source, where_))
    elif (source, where_) not in places:
        node.more[form] = node.more.get(form, 0) + 1
    node.rules.add(rule)


def reduce_node(iri: str, facts: list[Fact]) -> Node:
    """Settle one node from all its facts, given in document order (the reduce step)."""
    node = Node(iri, {})
    attrs = node.attrs
    claims: dict[str, list[Claim]] = defaultdict(list)
    names: Counter[str] = Counter()
    sources: list[str] = []
    seen_edges: set[tuple[str, str]] = set()
    seen_in: set[tuple[str, str]] = set()
    same_as: set[str] = set()
    filled: dict[str, Any] | None = None  # the attributes last merged (hubs get equal ones again and again)
    for fact in facts:
        what = fact.what
        if isinstance(what, (Named, Exists)):  # Named: exists, has a name, was seen (entities, outlets, places)
            if what.attrs != filled:
                _fill(attrs, what.attrs)
                filled = what.attrs
            if isinstance(what, Named):
                if what.weight is not None:
                    names[what.form] += what.weight
                _saw(node, what.form, what.source, what.where, what.rule)
        elif isinstance(what, Claim):
            claims[what.attr].append(what)
        elif isinstance(what, Saw):
            _saw(node, what.form, what.source, what.where, what.rule)
        elif isinstance(what, Alias):
            names[what.form] += what.weight
        elif isinstance(what, Edge):
            if (what.target, what.key) not in seen_edges:
                seen_edges.add((what.target, what.key))
                node.edges.append((what.target, what.key, what.relation))
        elif isinstance(what, InEdge):
            if (what.source, what.key) not in seen_in:
                seen_in.add((what.source, what.key))
                node.incoming.append((what.source, what.key, what.relation))
        elif isinstance(what, ReadFrom):
            attrs["by_reference"] = False
            sources.append(what.where)
        elif isinstance(what, Evidence) and node.mention is None:
            node.mention = what.mention
        elif isinstance(what, SameAs):
            same_as.add(what.iri)
    if attrs.get("type") == "article":
        _settle_article(node, claims, sources)
    if names and attrs:
        counts = +names or Counter(dict.fromkeys(names, 1))
        real = Counter({f: c for f, c in counts.items() if not looks_like_domain(f)})
        label = best_label(real or counts)
        if attrs["type"] == "place" and attrs.get("geonames"):
            label = attrs["label"]
        attrs["label"] = label
        attrs["alt_names"] = sorted({f for f in names if f != label})
    if same_as and attrs:
        attrs["same_as"] = sorted(same_as)
    node.edges.sort()
    node.incoming.sort()
    return node


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
    for attr in _SINGLE:
        if attr in claims:
            attrs[attr] = _ranked(claims[attr])[0].value
    if "canonical" in claims:
        _rank, url = _ranked(claims["canonical"])[0].value
        attrs["url"] = url
    attrs["urls"] = sorted({c.value for c in claims.get("urls", [])})
    attrs["photo_credits"] = sorted({c.value for c in claims.get("photo_credit", [])})
    attrs["extra"] = dict(sorted(dict(c.value for c in claims.get("extra", [])).items()))
    attrs["label"] = attrs.get("headline") or attrs.get("label") or attrs.get("url") or node.iri
    attrs["sources"] = sorted(set(sources))
