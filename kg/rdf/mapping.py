"""Settled nodes → RDF triples: schema.org first, kg's own terms where it has none.

Every class and property used here is declared in ``ontology/kg.ttl``; a
test checks that. Literals are typed (``xsd:dateTime``, ``xsd:integer``,
``xsd:boolean``); urls found in documents are kept as ``xsd:anyURI``
literals, so a malformed url can never break the graph's syntax, and only
canonical urls become IRIs.

>>> from kg.facts.reduce import Node
>>> for line in sorted(node_lines(Node("https://w3id.org/newskg/id/topic/ai", {"type": "topic", "label": "AI"}))): print(line)
<https://w3id.org/newskg/id/topic/ai> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#Concept> .
<https://w3id.org/newskg/id/topic/ai> <http://www.w3.org/2004/02/skos/core#prefLabel> "AI" .
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from ..dates import to_xsd
from ..facts.reduce import Node
from ..identity.languages import language_code
from ..identity.names import inverted_name
from ..namespaces import ONTOLOGY, PREFIXES, SCHEMA, SKOS


class IRI(str):
    """An IRI term."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal term: its lexical form and datatype IRI (``None``: a plain string)."""

    value: str
    datatype: str | None = None


Term = IRI | Lit


class NS(str):
    """A namespace: ``NS("https://schema.org/").headline`` is an :class:`IRI`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("__"):
            raise AttributeError(name)
        return _term(self + name)

    def __getitem__(self, name: str) -> IRI:  # type: ignore[override]
        return _term(self + name)


@lru_cache(maxsize=1024)
def _term(iri: str) -> IRI:
    return IRI(iri)


KG = NS(ONTOLOGY)
SDO = NS(SCHEMA)
SK = NS(SKOS)
RDF = NS(PREFIXES["rdf"])
RDFS = NS(PREFIXES["rdfs"])
XSD = NS(PREFIXES["xsd"])
XSD_STRING = PREFIXES["xsd"] + "string"

#: Node type → RDF classes.
CLASSES = {
    "article": [SDO.NewsArticle],
    "outlet": [SDO.NewsMediaOrganization],
    "topic": [SK.Concept],
    "organization": [SDO.Organization],
    "person": [SDO.Person],
    "place": [SDO.Place],
    "product": [SDO.Product],
    "event": [SDO.Event],
    "work": [SDO.CreativeWork],
    "image": [SDO.ImageObject],
    "question": [SDO.Question],
    "bias": [KG.BiasAssessment, SDO.Rating],
    "sdg": [KG.SDGAssessment],
    "goal": [KG.SustainableDevelopmentGoal],
    "story": [KG.Story],
}
#: Edge relation → predicate.
PREDICATES = {
    "publisher": SDO.publisher,
    "about": SDO.about,
    "mentions": SDO.mentions,
    "author": SDO.author,
    "editor": SDO.editor,
    "image": SDO.image,
    "logo": SDO.logo,
    "location": SDO.contentLocation,
    "related": KG.relatedCoverage,
    "question": KG.hasQuestion,
    "bias": KG.hasBiasAssessment,
    "sdg": KG.hasSDGAssessment,
    "goal": KG.goal,
    "story": SDO.isPartOf,
    "duplicate": KG.duplicateOf,
    "covered_by": KG.coveredBy,
}
#: Url role → property of a recorded url.
URL_PROPERTIES = {
    "web": KG.webUrl,
    "original": KG.originalUrl,
    "amp": KG.ampUrl,
    "cdn_amp": KG.cdnAmpUrl,
    "page": KG.pageUrl,
    "analysis": KG.analysisUrl,
    "claimed": KG.claimedUrl,
    "listing": KG.listingUrl,
}
#: An IRI kg writes as an IRI: http(s), ASCII, percent-escapes well formed; anything
#: else from a document stays an ``xsd:anyURI`` literal.
_IRI_SAFE = re.compile(
    r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*)?"
    r"(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$"
)


def _lit(value: Any) -> Lit:
    if isinstance(value, bool):
        return Lit("true" if value else "false", XSD.boolean)
    if isinstance(value, int):
        return Lit(str(value), XSD.integer)
    if isinstance(value, datetime):
        return Lit(to_xsd(value), XSD.dateTime)
    return Lit(_safe_text(str(value)))


_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _safe_text(text: str) -> str:
    """Drop characters RDF cannot carry (C0 controls other than tab/newline)."""
    return _UNSAFE_TEXT.sub("", text) if _UNSAFE_TEXT.search(text) else text


def _url_node(url: str) -> Term:
    return IRI(url) if _IRI_SAFE.match(url) else Lit(_safe_text(url), XSD.anyURI)


def article_triples(s: IRI, d: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
    if d.get("by_reference"):
        yield s, KG.knownByReference, _lit(True)
    if d.get("headline"):
        yield s, SDO.headline, _lit(d["headline"])
    for alt in d.get("alt_headline", []):
        yield s, SDO.alternativeHeadline, _lit(alt)
    if d.get("excerpt"):
        yield s, SDO.description, _lit(d["excerpt"])
    if d.get("body"):
        yield s, SDO.articleBody, _lit(d["body"])
    if d.get("published"):
        yield s, SDO.datePublished, _lit(d["published"])
    if d.get("retrieved"):
        yield s, KG.dateRetrieved, _lit(d["retrieved"])
    if d.get("modified"):
        yield s, SDO.dateModified, _lit(d["modified"])
    for identifier in d.get("identifiers", []):
        yield s, SDO.identifier, _lit(identifier)
    for alt in d.get("alt_published", []):
        yield s, KG.alternativeDatePublished, _lit(alt)
    if d.get("url"):
        yield s, SDO.url, _url_node(d["url"])
    for role, url in d.get("urls", []):
        yield s, URL_PROPERTIES.get(role, KG.recordedUrl), Lit(_safe_text(url), XSD.anyURI)
    simple = {
        "section": SDO.articleSection,
        "quality": KG.quality,
        "heat": KG.heat,
        "is_published": KG.feedPublished,
        "category": KG.category,
        "article_type": KG.itemType,
        "site_name": KG.siteName,
    }
    for attr, pred in simple.items():
        if d.get(attr) is not None:
            yield s, pred, _lit(d[attr])
    if d.get("language"):
        yield s, SDO.inLanguage, _lit(language_code(d["language"]))
    for credit in d.get("photo_credits", []):
        yield s, SDO.creditText, _lit(credit)
    for source in d.get("sources", []):
        yield s, KG.sourceFile, _lit(source)
    for key, value in d.get("extra", {}).items():
        yield s, KG.extraField, _lit(f"{key}: {json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)}")


Triples = Iterator[tuple[IRI, IRI, Term]]


def node_triples(node: str, d: dict[str, Any]) -> Triples:
    """Triples describing one node (not its edges): its classes, then what its type says."""
    s = IRI(node)
    kind = d["type"]
    for cls in CLASSES[kind]:
        yield s, RDF.type, cls
    if kind in _LABELLED_BY:
        yield from _LABELLED_BY[kind](s, d)
        return
    yield s, SDO.name, _lit(d["label"])
    for alt in d.get("alt_names", []):
        yield s, SDO.alternateName, _lit(alt)
    for same in d.get("same_as", []):
        yield s, SDO.sameAs, IRI(same)
    if kind in _DETAILS:
        yield from _DETAILS[kind](s, d)


def _article(s: IRI, d: dict[str, Any]) -> Triples:
    yield from article_triples(s, d)
    yield s, RDFS.label, _lit(d["label"])


def _topic(s: IRI, d: dict[str, Any]) -> Triples:
    yield s, SK.prefLabel, _lit(d["label"])
    for alt in d.get("alt_names", []):
        yield s, SK.altLabel, _lit(alt)
    for same in d.get("same_as", []):
        yield s, SK.exactMatch, IRI(same)


def _story(s: IRI, d: dict[str, Any]) -> Triples:
    yield s, SDO.name, _lit(d["label"])
    for attr, pred in (("published", KG.firstPublished), ("last_published", KG.lastPublished),
                       ("article_count", KG.articleCount), ("outlet_count", KG.outletCount)):
        if d.get(attr) is not None:
            yield s, pred, _lit(d[attr])


def _goal(s: IRI, d: dict[str, Any]) -> Triples:
    yield s, SK.prefLabel, _lit(d["label"])
    yield s, KG.goalNumber, _lit(d["number"])


def _outlet(s: IRI, d: dict[str, Any]) -> Triples:
    if d.get("domain"):
        yield s, KG.domain, _lit(d["domain"])
    if d.get("home"):
        yield s, SDO.url, _url_node(d["home"])


def _person(s: IRI, d: dict[str, Any]) -> Triples:
    parts = inverted_name(d["label"])
    if parts:
        yield s, SDO.familyName, _lit(parts[0])
        yield s, SDO.givenName, _lit(parts[1])


def _place(s: IRI, d: dict[str, Any]) -> Triples:
    if d.get("iso"):
        yield s, KG.isoCountryCode, _lit(d["iso"])
    if d.get("geonames"):
        yield s, SDO.sameAs, IRI(d["geonames"])
    if d.get("kind") in ("country", "city"):
        yield s, RDF.type, SDO.Country if d["kind"] == "country" else SDO.City


def _image(s: IRI, d: dict[str, Any]) -> Triples:
    yield s, SDO.contentUrl, _url_node(d["url"])
    for attr in ("width", "height"):
        if d.get(attr) is not None:
            yield s, SDO[attr], _lit(d[attr])


def _question(s: IRI, d: dict[str, Any]) -> Triples:
    answer = IRI(s + "/answer")
    yield s, SDO.acceptedAnswer, answer
    yield answer, RDF.type, SDO.Answer
    yield answer, SDO.text, _lit(d["answer"])


def _bias(s: IRI, d: dict[str, Any]) -> Triples:
    if d.get("score") is not None:
        yield s, SDO.ratingValue, _lit(d["score"])
        yield s, SDO.worstRating, _lit(0)
    if d.get("scale") is not None:
        yield s, SDO.bestRating, _lit(d["scale"])
    if d.get("rationale"):
        yield s, SDO.ratingExplanation, _lit(d["rationale"])


def _sdg(s: IRI, d: dict[str, Any]) -> Triples:
    for attr, pred in (("direction", KG.direction), ("relevance", KG.relevance), ("rationale", KG.rationale)):
        if d.get(attr):
            yield s, pred, _lit(d[attr])


#: Types labelled in their own way (SKOS, rdfs:label); the others have a schema:name.
_LABELLED_BY = {"article": _article, "topic": _topic, "story": _story, "goal": _goal}
#: What else a node of each other type says.
_DETAILS = {"outlet": _outlet, "person": _person, "place": _place, "image": _image, "question": _question, "bias": _bias, "sdg": _sdg}


def settled_triples(node: Node) -> Iterator[tuple[IRI, IRI, Term]]:
    """Every triple whose subject is one settled node (or its answer), with its out-edges."""
    s = IRI(node.iri)
    if node.attrs:
        yield from node_triples(node.iri, node.attrs)
        if node.attrs["type"] == "article":
            listers = sum(1 for _u, _k, r in node.incoming if r == "related")
            if listers:
                yield s, KG.listingCount, _lit(listers)
    m = node.mention
    if m is not None:
        yield s, RDF.type, KG.Mention
        yield s, KG.mentionOf, IRI(m["entity"])
        yield s, KG.inArticle, IRI(m["article"])
        yield s, KG.textField, _lit(m["field"])
        if m["start"] is not None:
            yield s, KG.startOffset, _lit(m["start"])
            yield s, KG.endOffset, _lit(m["end"])
        yield s, KG.extractor, _lit(m["extractor"])
        yield s, KG.surfaceForm, _lit(m["text"])
        if m.get("score") is not None:
            yield s, KG.score, Lit(f"{m['score']:.3f}", XSD.decimal)
    for target, _key, relation in node.edges:
        yield s, PREDICATES[relation], IRI(target)
    suffix = node.iri.split("--")[-1]
    for source, _key, relation in node.incoming:
        if relation == "mentions" and suffix == source.rsplit("/", 1)[-1]:
            yield s, KG.scopedTo, IRI(source)






def node_lines(node: Node) -> set[str]:
    """One settled node's triples as N-Triples lines (without newlines)."""
    return {f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for s, p, o in settled_triples(node)}


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ECHAR_RE = re.compile('[\\\\"\n\r\t\b\f]')
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def nt_term(term: Term) -> str:
    """A term in N-Triples syntax.

    >>> nt_term(Lit('say "hi"\\n')), nt_term(IRI("https://x.org/a b"))
    ('"say \\\\"hi\\\\"\\\\n"', '<https://x.org/a%20b>')
    """
    if isinstance(term, Lit):
        value = term.value
        if _ECHAR_RE.search(value):
            value = _ECHAR_RE.sub(lambda m: _ECHAR[m.group(0)], value)
        if term.datatype and term.datatype != XSD_STRING:
            return '"' + value + '"^^' + _nt_iri(term.datatype)
        return '"' + value + '"'
    return _nt_iri(term)


@lru_cache(maxsize=100_000)
def _nt_iri(iri: str) -> str:
    return "<" + _IRI_ESCAPE.sub(lambda m: "%{:02X}".format(ord(m.group(0))), iri) + ">"



