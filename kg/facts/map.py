"""Documents → facts: the map step, and the graph's semantics as facts.

:func:`document_facts` turns one document into facts (:mod:`kg.facts.records`),
each about one node: "this node exists with these attributes", "this source
claims this headline", "this name form was seen here", "an edge goes from here
to there" (written on both ends, so every node's facts are complete on their
own). It needs nothing but the document: node IRIs come from identity keys
(:mod:`kg.identity`), never from other documents. The one exception is an
outlet known only by its name; it gets a provisional IRI (starting with
:data:`NAMED_OUTLET`) that :func:`kg.facts.reduce.outlet_resolution` settles
once every document is read.

>>> from kg.model import Document
>>> doc = Document(source="a.md", format="feed", title="A", urls={"web": "https://x.org/a"}, topics=["AI"])
>>> sorted({type(f.what).__name__ for f in document_facts(doc).facts})
['Claim', 'Edge', 'Exists', 'InEdge', 'Named', 'ReadFrom', 'Saw']
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..identity.names import acronym_definitions, clean_surface, entity_key, is_single_name, key_slug, name_key, slug, topic_key
from ..identity.places import lookup_place
from ..identity.urls import InvalidUrl, canonical_url, resource_url
from ..model import Document, Image, Mention, Provider, Related, Subject
from ..namespaces import SDG_NAMES, article_iri, digest, entity_iri, image_iri, outlet_iri, sdg_goal_iri
from .keys import outlet_attrs, outlet_key, primary_key, url_keys, where
from .names import FIELD, SUBJECT, TEXT, NameClaim, provisional_iri
from .records import Alias, Claim, Edge, Evidence, Exists, Fact, InEdge, Named, ReadFrom, SameAs, Saw, What

#: Which source wins a disputed fact: a file read beats a related listing.
FILE, REFERENCE = 2, 1
#: IRIs of the IPTC Media Topics vocabulary (a topic with one of these is that concept).
IPTC_MEDIATOPIC = "http://cv.iptc.org/newscodes/mediatopic/"
#: An IRI a source gives that kg keeps as ``sameAs`` (well-formed http(s) only).
_IRI = re.compile(r"^https?://[A-Za-z0-9.-]+(?:[/?#][A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]*)?$")


@dataclass
class DocumentFacts:
    """What one document contributes: facts, its article's IRI and notes for the merge report."""

    article: str = ""
    facts: list[Fact] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    names: list[NameClaim] = field(default_factory=list)  # what each name it gives is, for kg.facts.names
    acronyms: list[tuple[str, str]] = field(default_factory=list)  # (acronym key, long form key) it defines


class _Emit:
    """Appends facts in document order."""

    __slots__ = ("out", "source", "index", "n", "unordered", "surnames", "names", "org_forms")

    def __init__(self, out: DocumentFacts, doc: Document) -> None:
        self.out, self.source, self.index, self.n = out, doc.source, doc.index, 0
        self.unordered = (doc.source, doc.index, -1)  # one shared order for facts whose order does not matter
        self.surnames = _surnames(doc)
        self.names = _surnames(doc, first=True)
        self.org_forms = _org_forms(doc)

    def claim(self, claim: NameClaim) -> None:
        self.out.names.append(claim)

    def __call__(self, node: str, what: What) -> None:
        self.out.facts.append(Fact(sys.intern(node), (self.source, self.index, self.n), what))
        self.n += 1

    def edge(self, source: str, target: str, relation: str, key: str | None = None) -> None:
        source, target = sys.intern(source), sys.intern(target)
        self(source, Edge(target, key or relation, relation))
        self.out.facts.append(Fact(target, self.unordered, InEdge(source, key or relation, relation)))

    def note(self, where_: str, message: str) -> None:
        self.out.notes.append({"source": where_, "message": message})


def _surnames(doc: Document, first: bool = False) -> dict[str, str]:
    """A document's lone surnames → the one full name it gives that ends with each ("Rutte");
    with *first*, also lone names that start exactly one full name and end none (a family
    name written first, "Xi" of "Xi Jinping"; a given name)."""
    full = {clean_surface(n) for n in [*doc.people, *doc.authors, *doc.editors] if not is_single_name(n)}
    full |= {clean_surface(m.text) for m in doc.mentions if m.type == "person" and not is_single_name(m.text)}
    full |= {s.name for s in doc.subjects if s.type == "person" and not is_single_name(s.name)}
    ends: dict[str, set[str]] = defaultdict(set)
    starts: dict[str, set[str]] = defaultdict(set)
    for name in full:
        words = name_key(name).split()
        ends[words[-1]].add(name)
        starts[words[0]].add(name)
    out = {last: min(names) for last, names in ends.items() if len(names) == 1}
    if first:
        for start, names in starts.items():
            if start not in ends and len(names) == 1:
                out.setdefault(start, min(names))
    return out


def _org_forms(doc: Document) -> dict[str, str]:
    """A document's short forms of its organisations' names → the one longer name each is the
    start or the end of, in words ("Unigroup Guoxin" of "Unigroup Guoxin Microelectronics Co."),
    and its organisations' own names of two words or more. A short form of one word is left
    alone: "Google" in a text on Google Cloud is Google."""
    names = {clean_surface(n) for n in doc.organizations}
    names |= {clean_surface(m.text) for m in doc.mentions if m.type == "organization"}
    names |= {s.name for s in doc.subjects if s.type == "organization"}
    parts: dict[str, set[str]] = defaultdict(set)
    for name in names:
        words = entity_key(name).split()
        for cut in range(2, len(words)):
            parts[" ".join(words[:cut])].add(name)
            parts[" ".join(words[-cut:])].add(name)
    out = {short: min(longs) for short, longs in parts.items() if len(longs) == 1}
    out.update((entity_key(name), name) for name in sorted(names, reverse=True) if len(name.split()) > 1)
    return out


def _outlet(emit: _Emit, provider: Provider | None, url: str | None, source: str, where_: str) -> str | None:
    key = outlet_key(provider, url)
    if key is None:
        return None
    iri = outlet_iri(key)
    named = key.startswith("name-")
    rule = "name-key" if named else "registrable-domain"
    if provider and provider.name:  # a feed's title is an alternate name, the label only when nothing else is
        emit(iri, Named(outlet_attrs(key), sys.intern(provider.name), 0 if provider.titled else 1, source, where_, rule))
    else:
        emit(iri, Exists(outlet_attrs(key)))
    if provider and provider.domain and provider.domain.lower().removeprefix("www.") != key:
        emit(iri, Saw(provider.domain.lower(), source, where_ + " domain", rule))
    if provider:
        for image in provider.images:
            img = _image(emit, image, source)
            if img:
                emit.edge(iri, img, "logo")
    return iri


def _image(emit: _Emit, image: Image, source: str) -> str | None:
    try:
        url = resource_url(image.url)
    except InvalidUrl:
        emit.note(source, f"image url {image.url[:80]!r} is not absolute; not linked")
        return None
    iri = image_iri(url)
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or url
    emit(iri, Exists({"type": "image", "label": image.caption or name, "url": url,
                       "width": image.width, "height": image.height}))
    return iri


def _entity(emit: _Emit, kind: str, name: str, article: str, relation: str, source: str, field_: str,
            acronyms: dict[str, str] | None = None) -> str | None:
    """An organisation, person or topic, linked from the article.

    Topics are settled here, by their key. Organisations and people get a
    provisional IRI by their name key, settled across the corpus
    (:mod:`kg.facts.names`), with a claim of their type. A lone name (``Li``)
    is the one full name of the same document that ends with it, else scoped to
    the article: two documents' ``Li`` are never one node. An acronym the same
    document defines is its long form.
    """
    if kind == "topic":
        place = lookup_place(name)
        if place and place.kind == "country":
            return _place(emit, name, article, "mentions", source, field_)
        return _settled(emit, "topic", name, topic_key(name), article, relation, source, field_, "topic-key")
    rule = "name-key"
    name_for_key = clean_surface(name)
    if kind not in ("person", "place") and is_single_name(name) and name_key(name) in emit.surnames \
            and not field_.startswith(("organizations", "subjects")):
        kind = "person"  # "Trump" a model calls an organisation, in a text that names Donald Trump
    elif kind == "person" and entity_key(name) in emit.org_forms and field_.startswith("text "):
        kind = "organization"  # "Unigroup Guoxin" a model calls a person, in a text naming the firm
    if kind == "organization" and acronyms and name.replace(".", "") in acronyms:
        rule = "acronym-definition"
        name_for_key = acronyms[name.replace(".", "")]
    elif kind == "organization" and entity_key(emit.org_forms.get(entity_key(name), name)) != entity_key(name):
        rule = "short-form-in-document"
        name_for_key = emit.org_forms[entity_key(name)]
    if kind == "person" and is_single_name(name):
        full = emit.names.get(name_key(name))
        if full is None:
            return _lone_name(emit, name, article, relation, source, field_)
        name_for_key, rule = full, "surname-in-document"
    key = entity_key(name_for_key)
    if not key:
        return None
    if rule == "name-key" and key != name_key(name):
        rule = "legal-suffix" if key != name_key(name_for_key) else "surface-cleanup"
    iri = provisional_iri(key)
    name = sys.intern(name)
    alias = rule in ("acronym-definition", "surname-in-document", "short-form-in-document")  # stands for another form
    emit(iri, Named({"type": kind, "label": name}, name, 0 if alias else 1, source, field_, rule))
    if alias:
        emit(iri, Alias(name_for_key, 1))
    weight = FIELD if rule == "legal-suffix" else _weight(field_)  # a legal suffix says "organisation"
    emit.claim(NameClaim(key, name_for_key if alias else name, kind, weight))
    emit.edge(article, iri, relation)
    return iri


def _lone_name(emit: _Emit, name: str, article: str, relation: str, source: str, field_: str) -> str | None:
    """A person named by one word that its document gives no full name for: a node of its
    article alone (two documents' "Li" are never one person), unless the corpus shows the
    name is no person's (:mod:`kg.facts.names`: "Twitter", "Graphika")."""
    key = name_key(name)
    if not key:
        return None
    iri = f"{provisional_iri(key)}--{article.rsplit('/', 1)[-1]}"
    name = sys.intern(name)
    emit(iri, Named({"type": "person", "label": name}, name, 1, source, field_, "single-name-scoped-to-document"))
    emit.claim(NameClaim(key, name, "person", _weight(field_)))
    emit.edge(article, iri, relation)
    return iri


def _settled(emit: _Emit, kind: str, name: str, key: str, article: str, relation: str, source: str, field_: str,
             rule: str) -> str | None:
    """A node whose identity the document settles alone (a topic, a lone name)."""
    if not key:
        return None
    iri = entity_iri(kind, key_slug(key))
    name = sys.intern(name)
    emit(iri, Named({"type": kind, "label": name}, name, 1, source, field_, rule))
    emit.edge(article, iri, relation)
    return iri


def _weight(field_: str) -> int:
    """How much a name's place says about its type: a field beats an API's subjects beats text."""
    return TEXT if field_.startswith("text ") else SUBJECT if field_.startswith("subjects") else FIELD


def _place(emit: _Emit, name: str, article: str, relation: str, source: str, field_: str) -> str | None:
    """A place: a known country or city by its code; any other name settled across the corpus."""
    place = lookup_place(name)
    if place:
        iri = entity_iri("place", place.code.lower())
        emit(iri, Named({"type": "place", "label": place.name, "iso": place.code if place.kind == "country" else None,
                            "country": place.country, "geonames": place.geonames, "kind": place.kind},
             name, None, source, field_, "place-gazetteer"))
    else:
        key = entity_key(name)
        if not key:
            return None
        iri = provisional_iri(key)
        emit(iri, Named({"type": "place", "label": name}, name, None, source, field_, "name-key"))
        emit.claim(NameClaim(key, clean_surface(name), "place", _weight(field_)))
    emit.edge(article, iri, relation)
    return iri


def _claim(emit: _Emit, iri: str, attr: str, value: Any, rank: int, source: str) -> None:
    if value is None or value == "" or value == []:
        return
    emit(iri, Claim(attr, rank, source, value))


def _article(emit: _Emit, iri: str) -> None:
    emit(iri, Exists({"type": "article", "label": iri, "by_reference": True}))


#: Url roles that are evidence about an article, not names it is reached by: a page's claimed
#: address on another site, the feed or API response a manifest says a file came from.
EVIDENCE_ROLES = frozenset({"claimed", "listing"})


def _urls(emit: _Emit, iri: str, urls: dict[str, str], source: str) -> None:
    for role, url in sorted(urls.items()):
        if role not in EVIDENCE_ROLES:
            emit(iri, Saw(url, source, role, "canonical-url"))
        _claim(emit, iri, "urls", (role, url), 0, source)


def _related(emit: _Emit, article: str, rel: Related, doc: Document) -> str | None:
    keys = url_keys(rel.urls)
    src = where(doc, rel.line)
    if not keys:
        emit.note(src, "related entry has no valid url; skipped")
        return None
    iri = article_iri(keys[0].key)
    _article(emit, iri)
    _urls(emit, iri, rel.urls, src + " related")
    for attr, value in (("headline", rel.title), ("excerpt", rel.excerpt), ("published", rel.published),
                        ("quality", rel.quality), ("article_type", rel.type)):
        _claim(emit, iri, attr, value, REFERENCE, src)
    _claim(emit, iri, "canonical", (REFERENCE, canonical_url(keys[0].url)), REFERENCE, src)
    outlet = _outlet(emit, rel.provider, keys[0].url, doc.source, f"line {rel.line} related provider")
    if outlet:
        emit.edge(iri, outlet, "publisher")
    for image in rel.images:
        img = _image(emit, image, doc.source)
        if img:
            emit.edge(iri, img, "image")
    if iri == article:
        emit.note(src, "article lists itself as related; no edge added")
        return iri
    emit.edge(article, iri, "related")
    return iri


def document_facts(doc: Document) -> DocumentFacts:
    """Every fact one document states, in document order (the map step)."""
    out = DocumentFacts()
    emit = _Emit(out, doc)
    iri = out.article = _article_facts(emit, doc)
    text = " ".join(filter(None, [doc.title, doc.excerpt, *doc.body, *(qa.answer for qa in doc.qa)]))
    acronyms = acronym_definitions(text)
    out.acronyms = sorted({(name_key(short), entity_key(long)) for short, long in acronyms.items()})
    _named(emit, doc, iri, acronyms)
    for image in doc.images:
        img = _image(emit, image, doc.source)
        if img:
            emit.edge(iri, img, "image")
    _assessments(emit, doc, iri)
    related_iris = [_related(emit, iri, rel, doc) for rel in doc.related]
    for mention in doc.mentions:
        target = iri if mention.related is None else related_iris[mention.related]
        if target is not None:
            _mention(emit, mention, target, doc.source, acronyms)
    return out


def _article_facts(emit: _Emit, doc: Document) -> str:
    """The document's own article: identity, urls, every field it claims, its outlet."""
    key = primary_key(doc)
    iri = article_iri(key)
    src = where(doc)
    _article(emit, iri)
    emit(iri, ReadFrom(src))
    _urls(emit, iri, doc.urls, doc.source)
    if not doc.urls:
        emit(iri, Saw(key, doc.source, "identity", "title-or-text-key"))
    keys = url_keys(doc.urls)
    if keys:
        _claim(emit, iri, "canonical", (FILE, canonical_url(keys[0].url)), FILE, src)
    _claim(emit, iri, "headline", doc.title, FILE, src)
    for title in doc.alt_titles:
        _claim(emit, iri, "alt_title", title, FILE, src)
    _claim(emit, iri, "label", doc.label, FILE, src)
    _claim(emit, iri, "excerpt", doc.excerpt, FILE, src)
    _claim(emit, iri, "published", doc.published, FILE, src)
    for attr in ("section", "quality", "heat", "is_published", "category", "language", "site_name"):
        _claim(emit, iri, attr, getattr(doc, attr), FILE, src)
    _claim(emit, iri, "article_type", doc.type, FILE, src)
    _claim(emit, iri, "body", "\n\n".join(doc.body) or None, FILE, src)
    for credit in doc.photo_credits:
        _claim(emit, iri, "photo_credit", credit, FILE, src)
    for k, v in sorted(doc.extra.items()):
        _claim(emit, iri, "extra", (k, v), FILE, src)
    _claim(emit, iri, "retrieved", doc.retrieved, FILE, src)
    _claim(emit, iri, "modified", doc.modified, FILE, src)
    for identifier in doc.identifiers:
        _claim(emit, iri, "identifier", identifier, FILE, src)
    outlet = _outlet(emit, doc.provider, keys[0].url if keys else None, doc.source, "provider")
    if outlet:
        emit.edge(iri, outlet, "publisher")
        if doc.site_name:
            emit(outlet, Alias(doc.site_name, 1))
    return iri


def _named(emit: _Emit, doc: Document, iri: str, acronyms: dict[str, str]) -> None:
    """Topics, organisations, people, places the document names in fields, and the
    entities and topics a source already extracted (:class:`kg.model.Subject`)."""
    for topic in doc.topics:
        _entity(emit, "topic", topic, iri, "about", doc.source, "topics")
    for tag in doc.tags:
        _entity(emit, "topic", tag, iri, "about", doc.source, "tags")
    for org in doc.organizations:
        _entity(emit, "organization", org, iri, "mentions", doc.source, "organizations", acronyms)
    for person in doc.people:
        _entity(emit, "person", person, iri, "mentions", doc.source, "people")
    for author in doc.authors:
        _entity(emit, "person", author, iri, "author", doc.source, "byline")
    for editor in doc.editors:
        _entity(emit, "person", editor, iri, "editor", doc.source, "editor")
    if doc.country:
        _place(emit, doc.country, iri, "location", doc.source, "country")
    for subject in doc.subjects:
        _subject(emit, subject, iri, doc.source, acronyms)


def _subject(emit: _Emit, subject: Subject, article: str, source: str, acronyms: dict[str, str]) -> None:
    """An entity or topic a source already extracted: linked like one from fields, with
    evidence naming the source; a vocabulary's own IRI is the topic's identity (IPTC
    Media Topics), any other IRI the source gives is kept as the same thing elsewhere."""
    field_ = f"subjects ({subject.source})"
    entity: str | None
    if subject.type == "topic" and subject.iri and subject.iri.startswith(IPTC_MEDIATOPIC):
        entity = subject.iri
        emit(entity, Named({"type": "topic", "label": subject.name}, subject.name, 1, source, field_,
                           "iptc-media-topic"))
        emit.edge(article, entity, "about")
    elif subject.type == "place":
        entity = _place(emit, subject.name, article, "mentions", source, field_)
    elif subject.type in ("topic", "organization", "person", "product", "event", "work"):
        relation = "about" if subject.type == "topic" else "mentions"
        entity = _entity(emit, subject.type, subject.name, article, relation, source, field_, acronyms)
    else:
        emit.note(source, f"subject {subject.name[:60]!r} of unknown type {subject.type!r}; not linked")
        return
    if entity is None:
        return
    if subject.iri and entity != subject.iri and _IRI.match(subject.iri):
        emit(entity, SameAs(subject.iri))
    key = f"subjects:{subject.source}:{entity}"
    emit(f"{article}/mention/{digest(key)}", Evidence({
        "entity": entity, "article": article, "field": "subjects", "start": None, "end": None,
        "extractor": subject.source, "score": None, "text": subject.name,
    }))


def _assessments(emit: _Emit, doc: Document, iri: str) -> None:
    """An analysis page's questions and answers, bias scores and SDG relevance."""
    for n, qa in enumerate(doc.qa, start=1):
        q = f"{iri}/question/{n}"
        emit(q, Exists({"type": "question", "label": qa.question, "answer": qa.answer}))
        emit.edge(iri, q, "question")
    for bias in doc.bias:
        b = f"{iri}/bias/{slug(name_key(bias.dimension))}"
        emit(b, Exists({"type": "bias", "label": bias.dimension, "score": bias.score, "scale": bias.scale,
                         "rationale": bias.rationale}))
        emit.edge(iri, b, "bias", f"bias:{b}")
    for sdg in doc.sdgs:
        goal = sdg_goal_iri(sdg.goal)
        emit(goal, Exists({"type": "goal", "label": f"SDG {sdg.goal}: {SDG_NAMES[sdg.goal]}", "number": sdg.goal}))
        s = f"{iri}/sdg/{sdg.goal}"
        emit(s, Exists({"type": "sdg", "label": f"SDG {sdg.goal} ({sdg.direction or 'relevant'})",
                         "direction": sdg.direction, "relevance": sdg.relevance, "rationale": sdg.rationale}))
        emit.edge(iri, s, "sdg", f"sdg:{s}")
        emit.edge(s, goal, "goal")


def _mention(emit: _Emit, mention: Mention, article: str, source: str, acronyms: dict[str, str]) -> None:
    """An entity found in text: linked like one from fields, plus its evidence node."""
    field_ = f"text {mention.field} ({mention.extractor})"
    entity: str | None
    if mention.type == "place":
        entity = _place(emit, mention.text, article, "mentions", source, field_)
    else:
        entity = _entity(emit, mention.type, mention.text, article, "mentions", source, field_, acronyms)
    if entity is None:
        return
    key = f"{mention.field}:{mention.start}:{mention.end}:{mention.extractor}:{entity}"
    emit(f"{article}/mention/{digest(key)}", Evidence({
        "entity": entity, "article": article, "field": mention.field, "start": mention.start, "end": mention.end,
        "extractor": mention.extractor, "score": mention.score, "text": mention.text,
    }))


