"""The graph's semantics as facts: documents → facts (map), facts by node (shuffle),
a node's facts → one settled node (reduce).

- :mod:`kg.facts.records` — one typed record per kind of fact; a :class:`Fact` is
  ``(node IRI, document order, record)``.
- :mod:`kg.facts.map` — :func:`document_facts`: everything one document states,
  each fact about one node, needing nothing but the document.
- :mod:`kg.facts.shuffle` — facts on disk in shards by a hash of their node's IRI.
- :mod:`kg.facts.reduce` — :func:`reduce_node`: one node from its own facts, in
  document order; and the one global step, outlets known only by name.

The property that makes sharding safe: a node is settled from its own facts
only, so any grouping of nodes into shards gives the same nodes.

>>> from kg.model import Document
>>> from kg.facts.map import document_facts
>>> from kg.facts.reduce import group, reduce_node
>>> from kg.facts.shuffle import split_facts
>>> docs = [Document(source=f"{n}.md", format="feed", title=f"T{n}", urls={"web": f"https://x.org/{n}"}, topics=["AI"])
...         for n in range(3)]
>>> facts = [f for d in docs for f in document_facts(d).facts]
>>> whole = {iri: reduce_node(iri, fs) for iri, fs in group(facts).items()}
>>> parts = {iri: reduce_node(iri, fs) for shard in split_facts(facts, 4).values() for iri, fs in group(shard).items()}
>>> whole == parts
True
"""

from .records import Fact

__all__ = ["Fact"]
