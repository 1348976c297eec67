"""RDF: settled nodes → triples (:mod:`kg.rdf.mapping`) and serialised pieces
(:mod:`kg.rdf.serialize`: N-Triples lines, Turtle, JSON-LD). Exporters only
join pieces; the reduce step writes them without importing any exporter."""

from .mapping import node_lines, nt_term
from .serialize import jsonld_header, jsonld_piece, turtle_header, turtle_piece

__all__ = ["jsonld_header", "jsonld_piece", "node_lines", "nt_term", "turtle_header", "turtle_piece"]
