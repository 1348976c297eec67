"""RDF output: two independent parsers, the ontology declares every term, stable bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.namespaces import ONTOLOGY

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "https://schema.org/"


def oxigraph_triples(path: Path, fmt) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in pyoxigraph.parse(path=str(path), format=fmt)}


def rdflib_triples(path: Path, fmt: str) -> set[tuple[str, str, str]]:
    g = Graph()
    g.parse(path, format=fmt)
    return {(t[0].n3(), t[1].n3(), t[2].n3()) for t in g}


@pytest.mark.parametrize("out_fixture", ["seeds_out", "corpus_out"])
def test_turtle_parses_with_rdflib_and_oxigraph(out_fixture, request):
    out = request.getfixturevalue(out_fixture)
    ttl = out / "graph.ttl"
    g = Graph().parse(ttl, format="turtle")
    ox = list(pyoxigraph.parse(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(g) == len(ox) > 100
    nt = Graph().parse(out / "graph.nt", format="nt")
    assert isomorphic(g, nt)
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert isomorphic(g, jsonld)
    assert len(list(pyoxigraph.parse(path=str(out / "graph.jsonld"), format=pyoxigraph.RdfFormat.JSON_LD))) == len(g)


def test_every_term_is_declared_in_the_ontology(seeds_out, corpus_out):
    onto = Graph().parse(ROOT / "ontology" / "kg.ttl", format="turtle")
    declared = set(onto.subjects())
    for out in (seeds_out, corpus_out):
        g = Graph().parse(out / "graph.ttl", format="turtle")
        used = set(g.predicates()) | set(g.objects(None, RDF.type))
        missing = {t for t in used if t not in declared and t != RDF.type}
        assert not missing, missing
    for term in declared:
        if str(term).startswith(ONTOLOGY):
            assert (term, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), None) in onto, term


def test_schema_org_terms_and_types(seeds_out):
    g = Graph().parse(seeds_out / "graph.ttl", format="turtle")
    s = lambda name: URIRef(SCHEMA + name)  # noqa: E731
    dates = list(g.objects(None, s("datePublished")))
    assert dates and all(isinstance(d, Literal) and d.datatype == XSD.dateTime for d in dates)
    (article,) = g.subjects(s("headline"), Literal("Top Lawmakers Slam Draft Facial Recognition Laws as Vague and Open to Abuse"))
    assert (article, RDF.type, s("NewsArticle")) in g
    assert (None, URIRef(ONTOLOGY + "goal"), URIRef("http://metadata.un.org/sdg/16")) in g
    assert (URIRef("https://w3id.org/newskg/id/place/cn"), s("sameAs"), URIRef("https://sws.geonames.org/1814991/")) in g
    assert len(list(g.subjects(URIRef(ONTOLOGY + "knownByReference"), Literal(True)))) == 5


def test_same_input_gives_byte_identical_output(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "build", "data", "--out", str(out), "-q"], cwd=ROOT, env=env, check=True)
        outs.append(out)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "graph.graphml", "graph.gexf", "report.json", "merges.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


GOLDEN = sorted(p for p in (Path(__file__).parent / "data").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", GOLDEN, ids=[p.name for p in GOLDEN])
def test_golden_case(case):
    import kg

    result = kg.build([case / "input"], ner="none", stories=False)  # the mapping alone; stories have their own tests
    expected = Graph().parse(case / "expected.ttl", format="turtle")
    assert isomorphic(result.rdf, expected), "graph differs from expected.ttl"
