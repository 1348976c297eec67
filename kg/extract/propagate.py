"""One name, one type across the corpus: a name the model types confidently in many places
is found at its other occurrences too (label consistency, a well-known fix for NER, which
reads each text alone and misses "Facebook" in a headline it did see in forty bodies).

1. :func:`typed_names` — per file, how often the model (not a table, not a field) gave each
   surface form each type;
2. :func:`confident` — over the corpus, the names seen at least :data:`MIN_MENTIONS`
   times in :data:`MIN_FILES` files with one type in :data:`MIN_SHARE` of them; with
   the names the corpus gives in fields and those of kg's alias table, which need no count;
3. :func:`propagate` — every other exact, case-sensitive occurrence of such a name in a
   text kg reads for names becomes a mention (extractor ``propagated``, its label saying
   the evidence: ``organization in 41 of 43 mentions``; "pro-Trump" holds "Trump"). A
   one-word name is looked for
   only when it is distinctive (inner capitals, an acronym, a digit) or never written in
   lower case in that text ("Apple" is not sought in a text about apple orchards).

>>> from kg.model import Document, Mention
>>> a = Document(source="a", format="feed", title="Facebook Says It Took Down Fake Accounts",
...              mentions=[Mention("Facebook", "organization", "excerpt", 0, 8, "spacy")] * 3)
>>> names = confident([typed_names([a]), typed_names([a])])
>>> names["Facebook"]
('organization', 6, 6)
>>> propagate([a], names), [(m.text, m.field, m.extractor) for m in a.mentions[3:]]
(1, [('Facebook', 'headline', 'propagated')])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..model import Document, Mention
from .run import texts

#: A name is propagated when the corpus's model mentions of it are at least this many …
MIN_MENTIONS = 3
#: … in at least this many files …
MIN_FILES = 2
#: … and at least this share of them give it one type.
MIN_SHARE = 0.8
#: Mentions that are evidence of what the model reads (not tables, fields or propagation).
_NOT_MODEL = frozenset({"known", "propagated"})
_DISTINCTIVE = re.compile(r"[a-z][A-Z]|^[A-Z0-9&]{2,}$|\d")


def typed_names(docs: Iterable[Document]) -> dict[str, dict[str, int]]:
    """Surface form → type → how often the model gave it that type, in *docs* (one file)."""
    out: dict[str, Counter[str]] = {}
    for doc in docs:
        for m in doc.mentions:
            if m.extractor != "propagated" and m.label not in _NOT_MODEL and m.type != "place":
                out.setdefault(m.text, Counter())[m.type] += 1
    return {name: dict(sorted(kinds.items())) for name, kinds in sorted(out.items())}


def confident(per_file: Iterable[dict[str, dict[str, int]]],
              given: dict[str, str] | None = None) -> dict[str, tuple[str, int, int]]:
    """Name → (type, mentions of that type, all mentions) for the names the corpus types
    confidently (the module's thresholds), and the names *given* in fields (``{name: type}``,
    0 mentions) or by kg's alias table."""
    from ..identity.known import alias_names

    out: dict[str, tuple[str, int, int]] = {name: (kind, 0, 0) for name, kind in sorted(alias_names().items())}
    out.update((name, (kind, 0, 0)) for name, kind in sorted((given or {}).items())
               if kind in ("organization", "person") and (" " in name or _DISTINCTIVE.search(name)))
    kinds: dict[str, Counter[str]] = {}
    files: Counter[str] = Counter()
    for typed in per_file:
        for name, counts in typed.items():
            kinds.setdefault(name, Counter()).update(counts)
            files[name] += 1
    for name, counts in sorted(kinds.items()):
        kind, top = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        total = sum(counts.values())
        if total >= MIN_MENTIONS and files[name] >= MIN_FILES and top >= MIN_SHARE * total and len(name) > 1:
            out[name] = (kind, top, total)
    return out


def propagate(docs: Iterable[Document], names: dict[str, tuple[str, int, int]]) -> int:
    """Add a mention at every other occurrence of a confident name; return how many."""
    if not names:
        return 0
    ordered = sorted(names, key=lambda n: (-len(n), n))
    pattern = re.compile(r"(?:(?<=\bpro-)|(?<=\banti-)|(?<![\w&.-]))(?:" + "|".join(re.escape(n) for n in ordered)
                         + r")(?![\w&-])")
    added = 0
    for doc in docs:
        taken: dict[tuple[str, int | None], list[tuple[int, int]]] = {}
        for m in doc.mentions:
            taken.setdefault((m.field, m.related), []).append((m.start, m.end))
        for text, field, related in texts(doc):
            spans = taken.setdefault((field, related), [])
            for match in pattern.finditer(text):
                name, start, end = match.group(0), match.start(), match.end()
                if any(start < b and end > a for a, b in spans):
                    continue
                if " " not in name and not _DISTINCTIVE.search(name) \
                        and re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", text):
                    continue
                kind, top, total = names[name]
                why = f"{kind} in {top} of {total} mentions" if total else f"{kind}: a name given in fields or kg's tables"
                doc.mentions.append(Mention(name, kind, field, start, end, "propagated", None, related, label=why))
                spans.append((start, end))
                added += 1
    return added
