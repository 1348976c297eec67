"""Saved HTML article pages: exact facts of real pages, non-articles, hostile pages.

The expected values below were written by reading each page's HTML (its
JSON-LD, microdata, meta tags and text) in ../shared/formats/html, not from
kg's output.
"""

from __future__ import annotations

import socket
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.errors import NoArticles, ReadError
from kg.readers import detect_format, get_reader, html
from kg.sources import as_source

from .conftest import DATA, SHARED
from .test_fuzz import SETTINGS, check_build, text

PAGES = SHARED / "formats" / "html"


def need_pages() -> None:
    if not PAGES.is_dir():
        pytest.skip("../shared/formats/html is not beside the project; these tests read real saved pages from it")


def read_shared(name: str) -> kg.model.Document:
    need_pages()
    source = as_source(PAGES / name)
    (doc,) = html.read(source.text, name)
    return doc


# file, headline, identity url, (outlet name, domain), published (ISO, None = undated), authors, language
EXPECTED = [
    ("reuters-parasite-sag-awards.html", "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
     "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH", ("Reuters", "reuters.com"),
     "2020-01-19T12:25:36+00:00", ["Jill Serjeant"], "en"),
    ("physorg-neanderthal-birch-tar-tool.html",
     "Flint flake tool partially covered by birch tar adds to evidence of Neanderthal complex thinking",
     "https://phys.org/news/2019-10-flint-flake-tool-partially-birch.html", ("Phys.org", "phys.org"),
     "2019-10-22T09:30:34-04:00", ["Bob Yirka"], "en"),  # no lang attribute; <meta http-equiv=content-language>
    # the JSON-LD headline is cut with "..."; <title> has it whole
    ("scmp-tsai-ing-wen-playbook-opinion.html",
     "Taiwanese President Tsai Ing-wen’s political playbook should be essential reading for Hong Kong leader "
     "Carrie Lam",
     "https://www.scmp.com/comment/opinion/article/3046526/taiwanese-president-tsai-ing-wens-political-playbook-should-be",
     ("South China Morning Post", "scmp.com"), "2020-01-20T10:00:08+08:00", ["Alice Wu"], "en"),
    # microdata NewsArticle; og:url is http, the canonical link https
    ("theguardian-uk-academics-second-class.html", "Thousands of UK academics 'treated as second-class citizens'",
     "https://www.theguardian.com/education/2020/jan/20/thousands-of-uk-academics-treated-as-second-class-citizens",
     ("The Guardian", "theguardian.com"), "2020-01-20T06:05:18+00:00", ["Richard Adams"], "en"),
    # og:title ends "| DW | 19.01.2020"; the page gives a day, no time; meta author is the company
    ("dw-berlin-colonial-past.html", "Berlin confronts Germany's colonial past with new initiative",
     "https://www.dw.com/en/berlin-confronts-germanys-colonial-past-with-new-initiative/a-52060881",
     ("DW.COM", "dw.com"), "2020-01-19T00:00:00", [], "en"),
    ("vice-amazon-fire-smoke-from-space.html", "The Amazon Is on Fire and the Smoke Can Be Seen from Space",
     "https://www.vice.com/en_uk/article/d3avvm/the-amazon-is-on-fire-and-the-smoke-can-be-seen-from-space",
     ("Vice", "vice.com"), "2019-08-21T07:40:00+00:00", ["Madeleine Gregory"], "en"),
    # microdata names an Organization as author; dc.creator names the writer; dc.date a day
    ("nature-china-fast-telescope.html", "Gigantic Chinese telescope opens to astronomers worldwide",
     "https://www.nature.com/articles/d41586-019-02790-3",
     ("Macmillan Publishers Limited, part of Springer Nature", "nature.com"), "2019-09-24T00:00:00",
     ["Elizabeth Gibney"], "en"),
    # datePublished "Tue Jan 28 15:28:56 CET 2020"
    ("faz-musik-streaming-abrechnung.html", "Musik-Stars fordern neues Streaming-Modell",
     "https://www.faz.net/aktuell/wirtschaft/nutzerbasierte-abrechnung-musik-stars-fordern-neues-streaming-modell-16604622.html",
     ("Frankfurter Allgemeine Zeitung", "faz.net"), "2020-01-28T15:28:56+01:00",
     ["Benjamin Fischer", "Marcus Theurer"], "de"),
    # "+0100" without a colon; the author is an Organization, so no person
    ("spiegel-albtraum-2018.html", "Ein Albtraum", "https://www.spiegel.de/spiegel/print/d-161500790.html",
     ("SPIEGEL ONLINE", "spiegel.de"), "2018-12-22T00:00:00+01:00", [], "de"),
    # no JSON-LD; the article's <time datetime="2019-05-15 05:28:29"> has no zone
    ("sueddeutsche-flixbus-deutschlandtakt.html", "Flixbus attackiert Deutsche Bahn",
     "https://www.sueddeutsche.de/wirtschaft/bahn-flixbus-flixtrain-deutschlandtakt-fernverkehr-1.4445845",
     ("Süddeutsche.de", "sueddeutsche.de"), "2019-05-15T05:28:29", [], "de"),
    # relative canonical link; date only in microdata, without a zone
    ("heise-lithium-recycling.html", "Lithium aus dem Schredder",
     "https://www.heise.de/newsticker/meldung/Lithium-aus-dem-Schredder-4451133.html",
     ("heise online", "heise.de"), "2019-06-20T07:30:00", ["Denis Dilba"], "de"),  # its application-name: og:site_name names a section brand
    ("correctiv-wir-haben-bereits-die-zusage.html", "„Wir haben bereits die Zusage“",
     "https://correctiv.org/aktuelles/neue-rechte/2019/05/14/wir-haben-bereits-die-zusage/",
     ("correctiv.org", "correctiv.org"), "2019-05-14T12:34:08+00:00",
     ["Marcus Bensmann", "Justus von Daniels", "Ulrich Stoll"], "de"),
    # "2021-01-03T17:40:00EET"; the JSON-LD headline ends in a newline
    ("lsm-norvegija-zemes-nogruvums.html", "Norvēģijā pēc zemes nogruvuma pieci bojāgājušie",
     "https://www.lsm.lv/raksts/zinas/arzemes/norvegija-pec-zemes-nogruvuma-pieci-bojagajusie.a387519/",
     ("LSM", "lsm.lv"), "2021-01-03T17:40:00+02:00", ["Anna Ūdre"], "lv"),
    ("wired-israel-west-bank-surveillance.html", "Intensified Israeli Surveillance Has Put the West Bank on Lockdown",
     "https://www.wired.com/story/israel-surveillance-state-out-of-control-west-bank/", ("WIRED", "wired.com"),
     "2023-11-07T02:00:00-05:00", ["Tom Bennett"], "en"),
    # the article JSON-LD is the third block; its one author has an empty name
    ("yonhap-north-korea-drill-warning.html", "N. Korea slams S. Korea for joint military drill, warns of consequences",
     "https://en.yna.co.kr/view/AEN20190820002300325", ("Yonhap News Agency", "en.yna.co.kr"),
     "2019-08-20T09:31:01+09:00", [], "en"),
    # microdata author "Dana A. Ford, James S.A. Corey, Chien-Ming Wang, and Tom Watkins, CNN"; empty og:url
    ("cnn-thanksgiving-storm-forecast.html", "After storm, forecasters see smooth sailing for Thanksgiving",
     "http://www.cnn.com/2013/11/27/travel/weather-thanksgiving/index.html", ("CNN", "cnn.com"),
     "2013-11-27T08:36:32+00:00", ["Dana A. Ford", "James S.A. Corey", "Chien-Ming Wang", "Tom Watkins"], "en"),
    ("cnnarabic-syria-rebels-missile-depots.html", "معارضون يسيطرون على مخازن للصواريخ بريف دمشق",
     "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html", ("CNNArabic", "arabic.cnn.com"),
     None, [], "ar"),
    # no canonical, no OpenGraph: dc.identifier is its url, dcterms.created its date, application-name "BBC"
    ("bbc-zhongwen-leung-chun-ying-apology.html", "港特首梁振英就住宅违建事件道歉",
     "http://www.bbc.co.uk/zhongwen/simp/chinese_news/2012/12/121210_hongkong_politics.shtml", ("BBC", "bbc.co.uk"),
     "2012-12-10T09:24:01+00:00", [], "zh"),
    # no url, no outlet name, no lang: the <title> "…需求-新华网" trimmed to the <h1>
    ("xinhua-drug-supply-price-stability.html", "短缺药品保供稳价 全力保障临床用药需求", None, None,
     "2023-11-17T20:52:15", [], "zh"),
    ("afpbb-nigeria-suicide-attack.html", "動画：ナイジェリアで少女らによる自爆攻撃、ロケット弾も撃ち込まれ31人死亡",
     "http://www.afpbb.com/articles/-/3178894", (None, "afpbb.com"), "2018-06-18T10:01:00+00:00", [], "ja"),
    # only dd/mm/yyyy in the byline ("Patricio Candia | Palma de Mallorca | 08/01/2014"); the site header shows 09 enero
    ("ultimahora-infanta-imputacion.html", "Anticorrupción decidirá en Madrid si recurre la imputación de la Infanta",
     None, None, "2014-01-08T00:00:00", [], "es"),
]


@pytest.mark.parametrize("name, title, url, outlet, published, authors, language", EXPECTED,
                         ids=[row[0].split("-")[0] for row in EXPECTED])
def test_real_pages_exact_facts(name, title, url, outlet, published, authors, language):
    doc = read_shared(name)
    assert doc.title == title
    assert doc.urls.get("web") == url
    assert (doc.provider.name, doc.provider.domain) == outlet if outlet else doc.provider is None
    assert (doc.published.isoformat() if doc.published else None) == published
    assert doc.authors == authors
    assert doc.language == language
    assert doc.body and doc.format == "html"


def test_every_sample_page_is_read_or_skipped_with_a_reason():
    need_pages()
    result = kg.build([PAGES], ner="none", out=None)
    outcomes = {o.name.split("/")[-1]: o for o in result.outcomes}
    assert len(outcomes) == 23
    shell = outcomes.pop("lanouvellerepublique-martin.html")
    assert shell.status == "skipped" and shell.format == "html"
    assert "client-side rendered" in shell.reason and "{{" in shell.reason
    assert outcomes.pop("SOURCES.tsv").format == "manifest"
    assert {o.status for o in outcomes.values()} == {"ingested"} and len(outcomes) == 21
    assert all(len(o.articles) == 1 for o in outcomes.values())


def test_quirks_are_noted():
    faz = read_shared("faz-musik-streaming-abrechnung.html")
    assert any("Tue Jan 28 15:28:56 CET 2020" in n and "not ISO 8601" in n for n in faz.notes)
    vice = read_shared("vice-amazon-fire-smoke-from-space.html")
    assert any("empty JSON-LD block" in n for n in vice.notes)
    scmp = read_shared("scmp-tsai-ing-wen-playbook-opinion.html")
    assert any("cut short" in n for n in scmp.notes)
    assert scmp.type == "OpinionNewsArticle"
    # paywalled page: the text is the JSON-LD articleBody, and the JSON-LD description (cut) is passed over
    assert scmp.body[0].startswith("Taiwanese President Tsai Ing-wen’s spectacular re-election was no easy feat.")
    assert scmp.excerpt.startswith("While both Tsai and Lam faced a challenging year")


def test_same_instant_in_two_zones():
    wired = read_shared("wired-israel-west-bank-surveillance.html")
    from datetime import datetime

    assert wired.published == datetime.fromisoformat("2023-11-07T07:00:00+00:00")  # article:published_time


def test_body_and_subjects():
    reuters = read_shared("reuters-parasite-sag-awards.html")
    assert reuters.body[0].startswith("LOS ANGELES (Reuters) - South Korean thriller “Parasite” was the upset winner")
    names = {(s.name, s.type, s.source) for s in reuters.subjects}
    assert ("South Korea", "topic", "json-ld") in names and ("Film", "topic", "json-ld") in names
    assert not any(s.name == "Article" for s in reuters.subjects)  # "about": "Article" is a type name, not a topic
    guardian = read_shared("theguardian-uk-academics-second-class.html")
    assert any("University and College Union" in p for p in guardian.body)
    assert ("Lecturers' pay", "topic", "opengraph") in {(s.name, s.type, s.source) for s in guardian.subjects}


def test_sample_page_and_feed_item_are_one_article():
    (doc,) = html.read((DATA / "html" / "harbour-ledger-tidal-turbines.html").read_text(encoding="utf-8"), "x.html")
    assert doc.urls == {"web": "https://www.harbour-ledger.example/energy/2024/03/lisbon-tidal-turbines",
                        "amp": "https://www.harbour-ledger.example/energy/2024/03/lisbon-tidal-turbines/amp/"}
    assert doc.published.isoformat() == "2024-03-02T09:15:00+01:00"
    assert doc.authors == ["Marta Quintela", "Idris Okafor"] and doc.section == "Energy"
    subjects = {(s.name, s.type, s.source) for s in doc.subjects}
    assert {("Tagus Estuary Trust", "organization", "json-ld"), ("Lisbon", "place", "json-ld"),
            ("Rosa Valente", "person", "json-ld"), ("Tidal power", "topic", "json-ld")} <= subjects
    result = kg.build([DATA / "html", DATA / "feed"], ner="none", out=None)
    page = next(o for o in result.outcomes if o.name.endswith(".html"))
    feed = next(o for o in result.outcomes if o.name.endswith("tidal-turbines-lisbon.md"))
    assert page.articles == feed.articles


def test_saved_from_comment_gives_the_page_url():
    page = ('<!-- saved from url=(0030)https://example.org/saved/x -->\n<!DOCTYPE html><html><head>'
            '<meta property="og:type" content="article"><title>Harbour lights return</title></head>'
            '<body><p>' + "The harbour lights came back on after the storm. " * 8 + '</p></body></html>')
    (doc,) = html.read(page, "x.html")
    assert doc.urls == {"web": "https://example.org/saved/x"}


# --- pages that are not articles ----------------------------------------------------------------

LINKS = "".join(f'<li><a href="/news/{i}">Council approves new budget for harbour repairs in district {i}</a>'
                f' <span>2 hours ago</span></li>' for i in range(30))
NOT_ARTICLES = {
    "front.html": (f'<!DOCTYPE html><html lang="en"><head><title>News | Example Gazette</title></head>'
                   f'<body><h1>Latest news</h1><ul>{LINKS}</ul></body></html>', "a page of links"),
    "listing.html": ('<!DOCTYPE html><html><head><title>Ports</title><script type="application/ld+json">'
                     '{"@type": "CollectionPage", "name": "Ports"}</script></head><body><p>Ports news.</p>'
                     '</body></html>', "listing page (schema.org CollectionPage)"),
    "shell.html": ('<!DOCTYPE html><html><head><title></title></head><body><div id="app" v-cloak>'
                   '<h1>{{ story.title }}</h1><p>{{ story.lede }}</p><div>{{ story.body }}</div></div></body></html>',
                   "template placeholders"),
    "empty.html": ("<!DOCTYPE html><html><head><title>Loading…</title></head><body></body></html>",
                   "no article found"),
}


def test_non_articles_are_skipped_with_why(tmp_path):
    for name, (page, _) in NOT_ARTICLES.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    result = kg.build([tmp_path], ner="none", out=None)
    for outcome in result.outcomes:
        expected = NOT_ARTICLES[outcome.name.split("/")[-1]][1]
        assert outcome.status == "skipped" and outcome.format == "html", outcome
        assert expected in outcome.reason, outcome.reason


def test_detection_and_registry():
    assert detect_format("<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert detect_format('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" '
                         '"x"><html xmlns="http://www.w3.org/1999/xhtml">') == "html"
    assert detect_format('<?xml version="1.0"?><rss version="2.0"><channel/></rss>') != "html"
    assert detect_format("---\ntitle: x\n---\n") == "feed"
    assert get_reader("htm").NAME == "html"


# --- hostile pages ------------------------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
BOMB_BODY = ('<head><title>&l9;</title><meta property="og:type" content="article"></head><body><p>&l9; '
             + "Tide tables were printed again this year. " * 8 + "</p></body></html>")
BOMBS = {
    "html": f'<!DOCTYPE html [<!ENTITY l0 "lol">{LAUGHS}]>\n<html>{BOMB_BODY}',
    "xhtml": (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
              f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd" [<!ENTITY l0 "lol">{LAUGHS}]>\n'
              f'<html xmlns="http://www.w3.org/1999/xhtml">{BOMB_BODY}'),
    "external": ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<html><head><title>&xxe;</title>'
                 '<meta property="og:type" content="article"></head><body><p>&xxe; '
                 + "Tide tables were printed again this year. " * 8 + "</p></body></html>"),
}


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_entity_bombs_and_external_entities_are_inert(kind):
    start = time.perf_counter()
    (doc,) = html.read(BOMBS[kind], f"bomb.{kind}")
    assert time.perf_counter() - start < 5
    everything = repr(doc)
    assert "lollol" not in everything and "root:" not in everything
    assert len(everything) < 20_000


def test_no_socket_is_opened_while_reading(monkeypatch):
    """Reading real pages (htmldate included, for the undated ones) and a WARC opens no socket."""
    need_pages()
    sources = [as_source(p) for p in sorted(PAGES.glob("*.html"))]
    html.read(sources[0].text, "warm-up.html")  # imports happen before the guard

    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened while reading")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    read = 0
    for source in sources:
        try:
            html.read(source.text, source.name)
            read += 1
        except NoArticles:
            pass
    assert read == 21
    warc = get_reader("warc")
    assert len(warc.read_bytes((DATA / "warc" / "harbour-crawl.warc.gz").read_bytes(), "crawl.warc.gz")) == 2


ENCODED = [
    ("windows-1252", "Café crème for the harbour’s night shift"),
    ("shift_jis", "港の夜勤にカフェクレーム"),
    ("gb2312", "港口夜班的咖啡"),
    ("iso-8859-2", "Zażółć gęślą jaźń w porcie"),
]


@pytest.mark.parametrize("charset, title", ENCODED, ids=[c for c, _ in ENCODED])
def test_declared_character_sets_are_decoded(tmp_path, charset, title):
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>'
            f'<meta property="og:type" content="article"></head><body><h1>{title}</h1><p>'
            + f"{title}. " * 20 + "</p></body></html>")
    (tmp_path / "page.html").write_bytes(page.encode(charset))
    result = kg.build([tmp_path], ner="none", out=None)
    (outcome,) = result.outcomes
    assert outcome.status == "ingested", outcome
    headlines = [d.get("headline") for _, d in result.graph.nodes(data=True) if d["type"] == "article"]
    assert headlines == [title]


def test_reader_errors_are_read_errors():
    with pytest.raises(ReadError):
        html.read("   ", "blank.html")


# --- fuzzing ------------------------------------------------------------------------------------

json_value = st.recursive(st.one_of(text, st.integers(), st.booleans(), st.none()),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                          max_leaves=12)
article = st.fixed_dictionaries(
    {"@type": st.sampled_from(["NewsArticle", "Article", ["NewsArticle", "WebPage"], "CollectionPage", "Thing", 7])},
    optional={"headline": json_value, "datePublished": st.one_of(text, st.sampled_from(
                  ["Tue Jan 28 15:28:56 CET 2020", "2021-01-03T17:40:00EET", "2021-02-30", "2018-12-22T00:00:00+0100"])),
              "author": json_value, "publisher": json_value, "keywords": json_value, "about": json_value,
              "mentions": json_value, "image": json_value, "url": text, "articleBody": text, "@graph": json_value})


@st.composite
def html_page(draw) -> str:
    import json

    blocks = draw(st.lists(st.one_of(article.map(lambda a: json.dumps(a)), text), max_size=3))
    metas = draw(st.lists(st.tuples(st.sampled_from(["og:title", "og:url", "article:published_time", "og:type",
                                                     "article:tag", "og:site_name", "article:author"]), text),
                          max_size=5))
    esc = lambda s: s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")  # noqa: E731
    safe = [b.replace("</", "<\\/") for b in blocks]
    head = "".join(f'<script type="application/ld+json">{b}</script>' for b in safe)
    head += "".join(f'<meta property="{k}" content="{esc(v)}">' for k, v in metas)
    head += f'<link rel="canonical" href="{esc(draw(text))}"><title>{esc(draw(text))}</title>'
    body = "".join(f"<p>{esc(p)}</p>" for p in draw(st.lists(text, max_size=6)))
    raw = draw(st.sampled_from(["", "<div><p>unclosed <b>tags", "{{ x }} {{ y }} {{ z }}", "<a href=x>" + "y" * 40 + "</a>"]))
    return f"<!DOCTYPE html><html lang=\"{esc(draw(text))}\"><head>{head}</head><body>{body}{raw}</body></html>"


@SETTINGS
@given(st.lists(html_page(), min_size=1, max_size=3))
def test_fuzz_html_pages(pages):
    check_build({f"page{i}.html": page for i, page in enumerate(pages)})


@SETTINGS
@given(html_page())
def test_fuzz_html_reader_raises_only_read_errors(page):
    try:
        docs = html.read(page, "fuzz.html")
    except ReadError:
        return
    (doc,) = docs
    assert doc.published is None or doc.published.year > 0
    assert all(isinstance(s.name, str) and s.name for s in doc.subjects)


# --- the door's mojibake check, made cheap for long lines of web pages ----------------------------

@SETTINGS
@given(st.text(min_size=1, max_size=40), st.sampled_from(range(10)))
def test_lines_the_door_skips_are_lines_ftfy_leaves_alone(words, which):
    """The prefilter of :func:`kg.sources.repair` only skips lines ftfy would not change."""
    import ftfy
    import ftfy.chardata

    from kg.sources import _suspect, repair

    encoding = ftfy.chardata.CHARMAP_ENCODINGS[which]
    for line in (words, words.encode("utf-8").decode(encoding, errors="replace")):
        line = line.replace("\n", " ")
        config = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_latin_ligatures=False,
                                      fix_character_width=False, fix_line_breaks=False, remove_control_chars=False,
                                      normalization=None)
        if not _suspect().search(line):
            assert ftfy.fix_text(line, config) == line
            assert repair(line) == (line, [])
