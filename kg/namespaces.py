"""IRIs kg mints, and the vocabularies it uses, in one place.

Instance IRIs are derived from identity keys only (never from file names or
read order), so the same input gives the same IRIs on every run.

>>> article_iri("zdnet.com/article/x")
'https://w3id.org/newskg/id/article/66c50626ced4efe4'
"""

from __future__ import annotations

import hashlib

BASE = "https://w3id.org/newskg/"
ONTOLOGY = BASE + "ontology#"
ID = BASE + "id/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SDG = "http://metadata.un.org/sdg/"

#: Prefixes written in Turtle and predeclared for SPARQL.
PREFIXES = {
    "kg": ONTOLOGY,
    "kgid": ID,
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "sdg": SDG,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
}


#: The UN Sustainable Development Goals by number, with their official short names.
SDG_NAMES = {
    1: "No Poverty",
    2: "Zero Hunger",
    3: "Good Health and Well-being",
    4: "Quality Education",
    5: "Gender Equality",
    6: "Clean Water and Sanitation",
    7: "Affordable and Clean Energy",
    8: "Decent Work and Economic Growth",
    9: "Industry, Innovation and Infrastructure",
    10: "Reduced Inequalities",
    11: "Sustainable Cities and Communities",
    12: "Responsible Consumption and Production",
    13: "Climate Action",
    14: "Life Below Water",
    15: "Life on Land",
    16: "Peace, Justice and Strong Institutions",
    17: "Partnerships for the Goals",
}


def digest(key: str, length: int = 16) -> str:
    """A short, stable hex digest of an identity key."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:length]


def article_iri(key: str) -> str:
    """IRI of the article whose identity key is *key*."""
    return f"{ID}article/{digest(key)}"


def outlet_iri(key: str) -> str:
    """IRI of an outlet: its registrable domain, or a name slug."""
    return f"{ID}outlet/{key}"


def entity_iri(kind: str, slug: str) -> str:
    """IRI of a topic, organisation, person or place."""
    return f"{ID}{kind}/{slug}"


def image_iri(url: str) -> str:
    """IRI of an image, by its normalised url."""
    return f"{ID}image/{digest(url)}"


def sdg_goal_iri(number: int) -> str:
    """The UN's own IRI for Sustainable Development Goal *number*.

    >>> sdg_goal_iri(16)
    'http://metadata.un.org/sdg/16'
    """
    return f"{SDG}{number}"
