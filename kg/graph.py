"""From documents to one typed, directed networkx graph: identity and merging.

Node ids are the IRIs of :mod:`kg.namespaces`; every node has ``type`` and
``label``; every edge has a ``relation`` (also its key in the
:class:`networkx.MultiDiGraph`, so one relation links a pair once).

Articles are built in two passes. The first decides identity: each file's
article gets its own url's key (web url first, then original, AMP, CDN-AMP),
then each related entry's key, and only then the other urls a file gives
(an ``originalUrl`` can point to a different article, so it never takes a
key another article owns). The second pass adds facts. Facts that two
sources disagree on (headline, date) are all kept: one is chosen (a read
file beats a related listing, then file order), the rest become alternates
and a conflict in the :class:`MergeLog`.

>>> from kg.model import Document, Related
>>> a = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"})
>>> b = Document(source="b.md", format="feed", title="B", urls={"web": "https://y.org/b"},
...              related=[Related(title="A", urls={"amp": "https://x.org/a/amp/"})])
>>> g, log = build_graph([a, b])
>>> sorted(d["type"] for _, d in g.nodes(data=True))
['article', 'article', 'outlet', 'outlet']
>>> [d["relation"] for _, _, d in g.edges(data=True)].count("related")
1
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx

from .dates import to_xsd
from .identity.domains import looks_like_domain, registrable_domain
from .identity.names import acronym_definitions, best_label, is_single_name, name_key, slug, topic_key
from .identity.places import lookup_place
from .identity.urls import InvalidUrl, canonical_url, resource_url, url_key
from .model import Document, Image, Mention, Provider, Related
from .readers.analysis import SDG_NAMES
from .namespaces import (
    article_iri,
    digest,
    entity_iri,
    image_iri,
    outlet_iri,
    sdg_goal_iri,
)

#: Places kept per surface form in the merge report (the rest are counted).
MAX_SOURCES = 20
#: Url roles in order of preference for an article's identity.
URL_ROLES = ("web", "page", "original", "amp", "cdn_amp")
#: Which source wins a disputed fact: a file read beats a related listing.
FILE, REFERENCE = 2, 1


@dataclass
class MergeLog:
    """What identity resolution did: surface forms per node, rules, conflicts."""

    forms: dict[str, dict[str, set[tuple[str, str]]]] = field(default_factory=lambda: defaultdict(dict))
    rules: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    documents: dict[tuple[str, int], str] = field(default_factory=dict)
    more: dict[tuple[str, str], int] = field(default_factory=dict)

    def saw(self, node: str, form: str, source: str, where: str, rule: str) -> None:
        """Record that *form* (a name or url) from *source* resolved to *node* by *rule*.

        The first :data:`MAX_SOURCES` places a form was seen are kept, the rest counted:
        a topic named in 50,000 files needs its count, not 50,000 file names.
        """
        places = self.forms[node].setdefault(form, set())
        if len(places) < MAX_SOURCES:
            places.add((source, where))
        elif (source, where) not in places:
            self.more[(node, form)] = self.more.get((node, form), 0) + 1
        self.rules[node].add(rule)

    def merges(self, graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
        """Every node reached through more than one surface form or url."""
        out = []
        for node in sorted(self.forms):
            forms = self.forms[node]
            if len(forms) < 2 or node not in graph:
                continue
            out.append(
                {
                    "node": node,
                    "type": graph.nodes[node]["type"],
                    "label": graph.nodes[node]["label"],
                    "rules": sorted(self.rules[node]),
                    "forms": [
                        {"form": form, "sources": [f"{s} ({w})" for s, w in sorted(forms[form])],
                         **({"more_sources": self.more[(node, form)]} if (node, form) in self.more else {})}
                        for form in sorted(forms)
                    ],
                }
            )
        return out


@dataclass
class BuildState:
    """The graph under construction and the indexes identity needs."""

    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    log: MergeLog = field(default_factory=MergeLog)
    url_index: dict[str, str] = field(default_factory=dict)
    outlet_by_name: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    claims: dict[str, dict[str, list[tuple[int, str, Any]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def where(doc: Document, line: int | None = None) -> str:
    """``file:line`` for messages and provenance."""
    return f"{doc.source}:{line or doc.line}"


def url_keys(urls: dict[str, str]) -> list[tuple[str, str, str]]:
    """``(role, url, key)`` for every valid url of an identity role, in :data:`URL_ROLES` order."""
    out = []
    for role in sorted((r for r in urls if r in URL_ROLES), key=URL_ROLES.index):
        try:
            out.append((role, urls[role], url_key(urls[role])))
        except InvalidUrl:
            continue
    return out


def fallback_key(doc: Document) -> str:
    """Identity of an article that has no url: outlet and title, else its text."""
    outlet = outlet_key(doc.provider, None, None) or doc.site_name or ""
    if doc.title:
        return f"title:{outlet}|{name_key(doc.title)}"
    text = " ".join(doc.body[:2]) or doc.excerpt or doc.source
    return f"text:{outlet}|{digest(name_key(text), 24)}"


def primary_key(doc: Document) -> str:
    """The identity key of a document's own article."""
    keys = url_keys(doc.urls)
    return keys[0][2] if keys else fallback_key(doc)


def plan_articles(docs: list[Document], state: BuildState) -> None:
    """Pass one: decide which url key belongs to which article node."""
    index = state.url_index
    for doc in docs:
        key = primary_key(doc)
        index.setdefault(key, article_iri(key))
        if doc.provider and doc.provider.name and doc.provider.domain:
            domain = registrable_domain(doc.provider.domain)
            if domain:
                state.outlet_by_name[name_key(doc.provider.name)][domain] += 1
    for doc in docs:
        for rel in doc.related:
            keys = url_keys(rel.urls)
            if keys:
                index.setdefault(keys[0][2], article_iri(keys[0][2]))
            if rel.provider and rel.provider.name and rel.provider.domain:
                domain = registrable_domain(rel.provider.domain)
                if domain:
                    state.outlet_by_name[name_key(rel.provider.name)][domain] += 1
    for doc in docs:
        own = index[primary_key(doc)]
        for _role, _url, key in url_keys(doc.urls):
            index.setdefault(key, own)
        for rel in doc.related:
            keys = url_keys(rel.urls)
            if keys:
                for _role, _url, key in keys[1:]:
                    index.setdefault(key, index[keys[0][2]])


def outlet_key(provider: Provider | None, url: str | None, state: BuildState | None) -> str | None:
    """An outlet's key: registrable domain of its domain, else of the article url,
    else the one domain its name was seen with, else its name."""
    if provider and provider.domain:
        domain = registrable_domain(provider.domain)
        if domain:
            return domain
    if url:
        try:
            host = canonical_url(url).split("/")[2]
        except (InvalidUrl, IndexError):
            host = ""
        domain = registrable_domain(host.split(":")[0]) if host else None
        if domain:
            return domain
    if provider and provider.name:
        if state is not None:
            seen = state.outlet_by_name.get(name_key(provider.name))
            if seen and len(seen) == 1:
                return next(iter(seen))
        return "name-" + slug(name_key(provider.name))
    return None


def add_outlet(
    state: BuildState, provider: Provider | None, url: str | None, source: str, where_: str
) -> str | None:
    """Add (or find) the outlet node; return its IRI."""
    key = outlet_key(provider, url, state)
    if key is None:
        return None
    iri = outlet_iri(key)
    g = state.graph
    if iri not in g:
        domain = None if key.startswith("name-") else key
        g.add_node(iri, type="outlet", label=domain or key, domain=domain, home=f"https://{domain}/" if domain else None)
    rule = "registrable-domain" if not key.startswith("name-") else "name-key"
    if provider and provider.name:
        state.names[iri][provider.name] += 1
        state.log.saw(iri, provider.name, source, where_, rule)
    if provider and provider.domain and provider.domain.lower().removeprefix("www.") != key:
        state.log.saw(iri, provider.domain.lower(), source, where_ + " domain", rule)
    if provider:
        for image in provider.images:
            img = add_image(state, image, source)
            if img:
                g.add_edge(iri, img, key="logo", relation="logo")
    return iri


def add_image(state: BuildState, image: Image, source: str) -> str | None:
    """Add an image node (absolute urls only); return its IRI."""
    try:
        url = resource_url(image.url)
    except InvalidUrl:
        state.log.notes.append({"source": source, "message": f"image url {image.url[:80]!r} is not absolute; not linked"})
        return None
    iri = image_iri(url)
    g = state.graph
    if iri not in g:
        name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or url
        g.add_node(iri, type="image", label=image.caption or name, url=url, width=image.width, height=image.height)
    else:
        node = g.nodes[iri]
        for attr in ("width", "height"):
            if node.get(attr) is None and getattr(image, attr) is not None:
                node[attr] = getattr(image, attr)
    return iri


def add_entity(
    state: BuildState,
    kind: str,
    name: str,
    article: str,
    relation: str,
    source: str,
    field_: str,
    acronyms: dict[str, str] | None = None,
) -> str | None:
    """Add an organisation, person, topic or place and link the article to it.

    People named by one word only are scoped to the article: two documents'
    ``Li`` are never one node. An acronym becomes its long form only where the
    same document defines it.
    """
    g = state.graph
    rule = "name-key"
    if kind == "organization" and acronyms and name.replace(".", "") in acronyms:
        rule = "acronym-definition"
        state.log.saw(f"org-acronym:{article}", name, source, field_, rule)
        name_for_key = acronyms[name.replace(".", "")]
    else:
        name_for_key = name
    if kind == "topic":
        place = lookup_place(name)
        if place and place.kind == "country":
            return add_place(state, name, article, "mentions", source, field_)
        key = topic_key(name)
        rule = "topic-key"
    else:
        key = name_key(name_for_key)
    if not key:
        return None
    node_slug = slug(key)
    if kind == "person" and is_single_name(name):
        node_slug = f"{node_slug}--{article.rsplit('/', 1)[-1]}"
        rule = "single-name-scoped-to-document"
    iri = entity_iri({"organization": "org"}.get(kind, kind), node_slug)
    if iri not in g:
        g.add_node(iri, type=kind, label=name)
    state.names[iri][name] += 1
    if rule == "acronym-definition":
        state.names[iri][name_for_key] += 0
    state.log.saw(iri, name, source, field_, rule)
    g.add_edge(article, iri, key=relation, relation=relation)
    return iri


def add_place(state: BuildState, name: str, article: str, relation: str, source: str, field_: str) -> str:
    """Add a place (gazetteer match when possible) and link the article to it."""
    g = state.graph
    place = lookup_place(name)
    if place:
        iri = entity_iri("place", place.code.lower())
        if iri not in g:
            g.add_node(iri, type="place", label=place.name, iso=place.code if place.kind == "country" else None,
                       country=place.country, geonames=place.geonames, kind=place.kind)
        state.log.saw(iri, name, source, field_, "place-gazetteer")
    else:
        iri = entity_iri("place", slug(name_key(name)))
        if iri not in g:
            g.add_node(iri, type="place", label=name)
        state.log.saw(iri, name, source, field_, "name-key")
    g.add_edge(article, iri, key=relation, relation=relation)
    return iri


def claim(state: BuildState, iri: str, attr: str, value: Any, rank: int, source: str) -> None:
    """Record a fact about an article; :func:`finalize_articles` settles disputes."""
    if value is None or value == "" or value == []:
        return
    state.claims[iri][attr].append((rank, source, value))


def ensure_article(state: BuildState, iri: str) -> None:
    if iri not in state.graph:
        state.graph.add_node(iri, type="article", label=iri, by_reference=True, sources=[])


def record_urls(state: BuildState, iri: str, urls: dict[str, str], source: str) -> None:
    for role, url in sorted(urls.items()):
        state.log.saw(iri, url, source, role, "canonical-url")
        claim(state, iri, "urls", (role, url), 0, source)


def add_related(state: BuildState, article: str, rel: Related, doc: Document) -> str | None:
    """A related entry: an article known by reference, and an edge to it; return its IRI."""
    keys = url_keys(rel.urls)
    if not keys:
        state.log.notes.append({"source": where(doc, rel.line), "message": "related entry has no valid url; skipped"})
        return None
    iri = state.url_index.get(keys[0][2]) or article_iri(keys[0][2])
    src = where(doc, rel.line)
    ensure_article(state, iri)
    record_urls(state, iri, rel.urls, src + " related")
    claim(state, iri, "headline", rel.title, REFERENCE, src)
    claim(state, iri, "excerpt", rel.excerpt, REFERENCE, src)
    claim(state, iri, "published", rel.published, REFERENCE, src)
    claim(state, iri, "quality", rel.quality, REFERENCE, src)
    claim(state, iri, "article_type", rel.type, REFERENCE, src)
    claim(state, iri, "canonical", (REFERENCE, canonical_url(keys[0][1])), REFERENCE, src)
    outlet = add_outlet(state, rel.provider, keys[0][1], doc.source, f"line {rel.line} related provider")
    if outlet:
        state.graph.add_edge(iri, outlet, key="publisher", relation="publisher")
    for image in rel.images:
        img = add_image(state, image, doc.source)
        if img:
            state.graph.add_edge(iri, img, key="image", relation="image")
    if iri == article:
        state.log.notes.append({"source": src, "message": "article lists itself as related; no edge added"})
        return iri
    state.graph.add_edge(article, iri, key="related", relation="related")
    return iri


def add_document(state: BuildState, doc: Document) -> str:
    """Pass two: add one document's article and everything it links to."""
    g = state.graph
    key = primary_key(doc)
    iri = state.url_index[key]
    ensure_article(state, iri)
    node = g.nodes[iri]
    node["by_reference"] = False
    src = where(doc)
    node["sources"].append(src)
    record_urls(state, iri, doc.urls, doc.source)
    if not doc.urls:
        state.log.saw(iri, key, doc.source, "identity", "title-or-text-key")
    keys = url_keys(doc.urls)
    if keys:
        claim(state, iri, "canonical", (FILE, canonical_url(keys[0][1])), FILE, src)
    claim(state, iri, "headline", doc.title, FILE, src)
    claim(state, iri, "label", doc.label, FILE, src)
    claim(state, iri, "excerpt", doc.excerpt, FILE, src)
    claim(state, iri, "published", doc.published, FILE, src)
    for attr in ("section", "quality", "heat", "is_published", "category", "language", "site_name"):
        claim(state, iri, attr, getattr(doc, attr), FILE, src)
    claim(state, iri, "article_type", doc.type, FILE, src)
    claim(state, iri, "body", "\n\n".join(doc.body) or None, FILE, src)
    for credit in doc.photo_credits:
        claim(state, iri, "photo_credit", credit, FILE, src)
    for k, v in sorted(doc.extra.items()):
        claim(state, iri, "extra", (k, v), FILE, src)
    outlet = add_outlet(state, doc.provider, keys[0][1] if keys else None, doc.source, "provider")
    if outlet:
        g.add_edge(iri, outlet, key="publisher", relation="publisher")
        if doc.site_name:
            state.names[outlet][doc.site_name] += 1
    text = " ".join(filter(None, [doc.title, doc.excerpt, *doc.body, *(qa.answer for qa in doc.qa)]))
    acronyms = acronym_definitions(text)
    for topic in doc.topics:
        add_entity(state, "topic", topic, iri, "about", doc.source, "topics")
    for tag in doc.tags:
        add_entity(state, "topic", tag, iri, "about", doc.source, "tags")
    for org in doc.organizations:
        add_entity(state, "organization", org, iri, "mentions", doc.source, "organizations", acronyms)
    for person in doc.people:
        add_entity(state, "person", person, iri, "mentions", doc.source, "people")
    for author in doc.authors:
        add_entity(state, "person", author, iri, "author", doc.source, "byline")
    for editor in doc.editors:
        add_entity(state, "person", editor, iri, "editor", doc.source, "editor")
    if doc.country:
        add_place(state, doc.country, iri, "location", doc.source, "country")
    for image in doc.images:
        img = add_image(state, image, doc.source)
        if img:
            g.add_edge(iri, img, key="image", relation="image")
    for n, qa in enumerate(doc.qa, start=1):
        q = f"{iri}/question/{n}"
        g.add_node(q, type="question", label=qa.question, answer=qa.answer)
        g.add_edge(iri, q, key="question", relation="question")
    for bias in doc.bias:
        b = f"{iri}/bias/{slug(name_key(bias.dimension))}"
        g.add_node(b, type="bias", label=bias.dimension, score=bias.score, scale=bias.scale, rationale=bias.rationale)
        g.add_edge(iri, b, key=f"bias:{b}", relation="bias")
    for sdg in doc.sdgs:
        goal = sdg_goal_iri(sdg.goal)
        g.add_node(goal, type="goal", label=f"SDG {sdg.goal}: {SDG_NAMES[sdg.goal]}", number=sdg.goal)
        s = f"{iri}/sdg/{sdg.goal}"
        g.add_node(s, type="sdg", label=f"SDG {sdg.goal} ({sdg.direction or 'relevant'})",
                   direction=sdg.direction, relevance=sdg.relevance, rationale=sdg.rationale)
        g.add_edge(iri, s, key=f"sdg:{s}", relation="sdg")
        g.add_edge(s, goal, key="goal", relation="goal")
    related_iris = [add_related(state, iri, rel, doc) for rel in doc.related]
    for mention in doc.mentions:
        target = iri if mention.related is None else related_iris[mention.related]
        if target is not None:
            add_mention(state, mention, target, doc.source, acronyms)
    return iri


def add_mention(state: BuildState, mention: Mention, article: str, source: str, acronyms: dict[str, str]) -> None:
    """An entity found in text: linked like one from fields, plus its evidence."""
    field_ = f"text {mention.field} ({mention.extractor})"
    entity: str | None
    if mention.type == "place":
        entity = add_place(state, mention.text, article, "mentions", source, field_)
    else:
        entity = add_entity(state, mention.type, mention.text, article, "mentions", source, field_, acronyms)
    if entity is None:
        return
    key = f"{mention.field}:{mention.start}:{mention.end}:{mention.extractor}:{entity}"
    state.graph.graph.setdefault("mentions", {})[f"{article}/mention/{digest(key)}"] = {
        "entity": entity, "article": article, "field": mention.field, "start": mention.start, "end": mention.end,
        "extractor": mention.extractor, "score": mention.score, "text": mention.text,
    }


def _choose(values: list[tuple[int, str, Any]]) -> tuple[Any, list[tuple[int, str, Any]]]:
    ordered = sorted(values, key=lambda v: (-v[0], v[1]))
    return ordered[0][2], ordered


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return name_key(a) == name_key(b)
    return bool(a == b)


def finalize_articles(state: BuildState) -> None:
    """Settle every article's facts; keep disputed values and log conflicts."""
    g = state.graph
    for iri in sorted(state.claims):
        node = g.nodes[iri]
        facts = state.claims[iri]
        for attr in ("headline", "published"):
            if attr not in facts:
                continue
            chosen, ordered = _choose(facts[attr])
            node[attr] = chosen
            others: list[Any] = []
            for _rank, _src, value in ordered:
                if not _same(value, chosen) and not any(_same(value, o) for o in others):
                    others.append(value)
            if others:
                node["alt_" + attr] = others
                state.log.conflicts.append(
                    {
                        "node": iri,
                        "field": attr,
                        "chosen": _plain(chosen),
                        "values": [{"value": _plain(v), "source": s} for _r, s, v in ordered],
                    }
                )
        for attr in ("excerpt", "section", "quality", "heat", "is_published", "category", "language",
                     "site_name", "article_type", "body", "label"):
            if attr in facts:
                node[attr] = _choose(facts[attr])[0]
        if "canonical" in facts:
            node["url"] = sorted(facts["canonical"], key=lambda v: (-v[0], v[1]))[0][2][1]
        node["urls"] = sorted({v for _r, _s, v in facts.get("urls", [])})
        node["photo_credits"] = sorted({v for _r, _s, v in facts.get("photo_credit", [])})
        node["extra"] = dict(sorted({k: v for _r, _s, (k, v) in facts.get("extra", [])}.items()))
        node["label"] = node.get("headline") or node.get("label") or node.get("url") or iri
        node["sources"] = sorted(set(node.get("sources", [])))


def finalize_names(state: BuildState) -> None:
    """Give every named node its best label; other forms become alternate names."""
    g = state.graph
    for iri, counts in state.names.items():
        if iri not in g:
            continue
        forms = list(counts.elements()) or list(counts)
        real = [f for f in forms if not looks_like_domain(f)]
        label = best_label(real or forms)
        if g.nodes[iri]["type"] == "place" and g.nodes[iri].get("geonames"):
            label = g.nodes[iri]["label"]
        g.nodes[iri]["label"] = label
        g.nodes[iri]["alt_names"] = sorted({f for f in counts if f != label})


def _plain(value: Any) -> Any:
    return to_xsd(value) if isinstance(value, datetime) else value


def build_graph(docs: Iterable[Document]) -> tuple[nx.MultiDiGraph, MergeLog]:
    """Build the graph of *docs*; same documents (in any order) give the same graph."""
    ordered = sorted(docs, key=lambda d: (d.source, d.index))
    state = BuildState()
    plan_articles(ordered, state)
    for doc in ordered:
        state.log.documents[(doc.source, doc.index)] = add_document(state, doc)
    finalize_articles(state)
    finalize_names(state)
    return state.graph, state.log


def summary(graph: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Counts of nodes by type and edges by relation."""
    nodes = Counter(d["type"] for _, d in graph.nodes(data=True))
    edges = Counter(d["relation"] for _, _, d in graph.edges(data=True))
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}
