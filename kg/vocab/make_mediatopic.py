"""Generate ``mediatopic.json``, kg's compact copy of the IPTC Media Topics vocabulary.

Input: IPTC's own JSON export of the Media Topic NewsCodes (the IKOS JSON-LD
file with a ``conceptSet``, e.g. ``cptall-en-GB.json`` from cv.iptc.org, or
``../shared/vocab/iptc/mediatopic-en-GB.json``). Output: one small JSON object
with the release date, the attribution the CC BY 4.0 licence asks for, and for
every concept its code, English label, broader concept and retired flag::

    python -m kg.vocab.make_mediatopic ../shared/vocab/iptc/mediatopic-en-GB.json

Run it again with a newer export to update the labels; nothing else reads the
export. See NOTICE.md beside the output for the licence.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEME = "http://cv.iptc.org/newscodes/mediatopic/"
OUT = Path(__file__).with_name("mediatopic.json")


def compact(export: dict[str, Any]) -> dict[str, Any]:
    """The compact form of an IPTC export: ``topics`` maps a code to ``[label, broader code, retired]``.

    >>> compact({"dateReleased": "2019-04-06T20:00:00+00:00", "copyrightHolder": "IPTC", "conceptSet": [
    ...     {"uri": SCHEME + "15000000", "prefLabel": {"en-GB": "sport"}},
    ...     {"uri": SCHEME + "20000892", "prefLabel": {"en-GB": "cycling"}, "broader": [SCHEME + "20000822"]}]})["topics"]
    {'15000000': ['sport', None, False], '20000892': ['cycling', '20000822', False]}
    """
    topics: dict[str, list[Any]] = {}
    for concept in export["conceptSet"]:
        uri = concept.get("uri", "")
        if not uri.startswith(SCHEME):
            continue
        labels = concept.get("prefLabel", {})
        label = labels.get("en-GB") or labels.get("en-US") or next(iter(labels.values()), None)
        broader = [b[len(SCHEME):] for b in concept.get("broader", []) if b.startswith(SCHEME)]
        topics[uri[len(SCHEME):]] = [label, broader[0] if broader else None, "retired" in concept]
    release = str(export.get("dateReleased", ""))[:10]
    return {
        "scheme": SCHEME,
        "release": release,
        "attribution": f"IPTC Media Topic NewsCodes, (c) {export.get('copyrightHolder', 'IPTC')}, "
                       f"licensed under CC BY 4.0 (http://creativecommons.org/licenses/by/4.0/); release {release}",
        "topics": dict(sorted(topics.items())),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kg.vocab.make_mediatopic IPTC-EXPORT.json", file=sys.stderr)
        return 2
    data = compact(json.loads(Path(args[0]).read_text(encoding="utf-8")))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['topics'])} topics, release {data['release']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
