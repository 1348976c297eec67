"""Entities an analyst can publish (issue 22): the most-mentioned organisations and people of
../shared (formats, corpus and seeds) built with the default extractor, judged against
labels a helper wrote from the texts alone, never from kg's output (tests/ner/audit.json)."""

from __future__ import annotations

import pytest

from .entity_audit import audit


@pytest.fixture(scope="module")
def everything(everything_result):
    return everything_result


@pytest.mark.slow
@pytest.mark.parametrize("kind, most_wrong", [("organization", 2), ("person", 0)])
def test_the_top_entities_are_what_their_names_denote(everything, kind, most_wrong):
    found = audit(everything.graph, kind)
    assert len(found.rows) >= 15, found.table()
    assert not found.unlabelled, "label these from the texts (tests/ner/audit.json):\n" + found.table()
    assert len(found.wrong) <= most_wrong, found.table()
    assert not found.splits, found.table()  # one real entity, one node


@pytest.mark.slow
def test_no_entity_is_two_nodes_of_two_types(everything):
    """An entity is one node whatever type each text gave it ("Trump" an organisation and
    "Donald Trump" a person were two nodes), among the top 30 of every entity type."""
    from .entity_audit import load_labels, top

    labels = load_labels()
    seen: dict[str, tuple[str, str]] = {}
    for kind in ("organization", "person", "product", "event", "work"):
        for node, data, _n in top(everything.graph, kind, 30):
            for name in [data["label"], *data.get("alt_names", [])]:
                canonical = (labels.get(name) or {}).get("canonical")
                if canonical and labels[name].get("form_ok") is not False:
                    other = seen.setdefault(canonical, (kind, node))
                    assert other[0] == kind or other[1] == node, (name, canonical, node, other)
