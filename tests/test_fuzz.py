"""Property-based fuzzing: random and adversarial documents of every format.

For every generated folder the build must not crash, the Turtle must parse
with rdflib and Oxigraph, the page must carry no unescaped document text, and
the report must account for every file. ``KG_FUZZ_EXAMPLES`` raises the
number of examples per format (CI runs the default).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

import kg
from kg.builder import write_outputs

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("KG_FUZZ_RANDOM"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NASTY = "<>&\"'\\{}|^`\u202e\u200f\u2028\u0000\u0007\x7f\ufeff\U0001F600中文é ;.#"
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(NASTY)), max_size=60)
word = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=10)
name = st.lists(word, min_size=1, max_size=3).map(" ".join)
url = st.one_of(
    st.builds(lambda host, path, q: f"https://{host}.example/{path}{q}",
              st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,5})?", fullmatch=True), text,
              st.sampled_from(["", "?amp=1", "?utm_source=x", "/amp/", "#frag", "?a=<b>&c=\"d\""])),
    text,
)
scalar = st.one_of(text, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
date = st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), text, st.sampled_from(["2021-02-30T10:00:00Z", "Oct 21, 2020"]))


@st.composite
def feed_item(draw) -> str:
    related = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"title": text, "webUrl": url}, optional={"excerpt": text, "publishedDateTime": date,
                                                                          "provider": st.fixed_dictionaries({"name": text}, optional={"domain": text})}),
        scalar), max_size=3))
    data = draw(st.fixed_dictionaries(
        {"title": text, "webUrl": url},
        optional={"excerpt": text, "publishedDateTime": date, "originalUrl": url, "ampWebUrl": url,
                  "quality": scalar, "heat": scalar, "published": scalar, "topics": st.lists(st.one_of(text, st.integers()), max_size=4),
                  "provider": st.fixed_dictionaries({"name": text, "domain": text}),
                  "images": st.lists(st.fixed_dictionaries({"url": url}, optional={"width": scalar}), max_size=2),
                  "surprise": scalar}))
    data["related"] = related
    return "---\n" + yaml.safe_dump(data, allow_unicode=draw(st.booleans())) + "---\n"


@st.composite
def page_dump(draw) -> str:
    nav = draw(st.lists(text, max_size=6))
    lines = [draw(text) + " – " + draw(text), "", *nav, draw(text), ""]
    for _ in range(draw(st.integers(1, 3))):
        lines += [f"By {draw(name)} / {draw(st.sampled_from(['Oct 21, 2020 11:17 AM', 'Feb 30, 2021 10:00 AM', 'Jan 01, 1999 12:00 PM']))} / {draw(text)}",
                  "", *draw(st.lists(text, min_size=1, max_size=4)), "", "More"]
    return "\n".join(lines)


@st.composite
def analysis_page(draw) -> str:
    title = draw(name)
    lines = [title, "", title, "", draw(st.from_regex(r"[a-z]{1,8}\.[a-z]{2,3}", fullmatch=True)), "", title, "", draw(text), "",
             draw(st.sampled_from(["English", "Dutch", "Klingon"])), draw(text), draw(text), draw(text), draw(text)]
    for _ in range(draw(st.integers(0, 3))):
        lines += [draw(text) + "?", draw(text)]
    lines += ["Cognitive Concepts", draw(st.sampled_from(["2/5", "9/5", "x/5"])), "Framing Bias", draw(text),
              "Sustainable Development Goals", draw(st.sampled_from(["Climate Action Positive", "Nonsense Goal Negative"])),
              "Direct Relevance", draw(text)]
    return "\n".join(lines)


def check_build(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for fname, content in files.items():
            path = src / fname
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        result = kg.build([src])
        assert sorted(o.name.split("/", 1)[1] for o in result.outcomes) == sorted(files)
        for o in result.outcomes:  # ingested with its articles, or not with a reason
            assert bool(o.articles) == (o.status == "ingested") and bool(o.reason) == (o.status != "ingested"), o
        out = Path(tmp) / "out"
        write_outputs(result, out, ("turtle", "html"), store=False)
        ttl = out / "graph.ttl"
        n = len(Graph().parse(ttl, format="turtle"))
        assert n == len(list(pyoxigraph.parse(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)))
        html = (out / "graph.html").read_text(encoding="utf-8")
        data = html.split('<script id="kg-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        assert "<" not in data and ">" not in data and "\u2028" not in data


@SETTINGS
@given(st.lists(feed_item(), min_size=1, max_size=3))
def test_fuzz_feed_items(items):
    check_build({f"item{i}.md": item for i, item in enumerate(items)})


@SETTINGS
@given(st.lists(page_dump(), min_size=1, max_size=2))
def test_fuzz_page_dumps(pages):
    check_build({f"page{i}.txt": page for i, page in enumerate(pages)})


@SETTINGS
@given(st.lists(analysis_page(), min_size=1, max_size=2))
def test_fuzz_analysis_pages(pages):
    check_build({f"analysis{i}.txt": page for i, page in enumerate(pages)})


@SETTINGS
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=3), st.sampled_from([".md", ".txt", ""]))
def test_fuzz_raw_bytes(blobs, suffix):
    check_build({f"blob{i}{suffix}": blob for i, blob in enumerate(blobs)})
