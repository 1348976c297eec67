"""RSS 0.9x/1.0/2.0, Atom and JSON Feed: the real samples in ../shared/formats/feeds read
to the facts written in them, the fictional samples in data/, hostile feeds, and fuzzing.

Every expected value below was taken by reading the sample files (with lxml and json,
not with kg), so a reader that drifts from what the file says fails here.
"""

from __future__ import annotations

import http.server
import os
import socket
import threading
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg.errors import NoArticles, ReadError
from kg.model import Document, ItemFailure
from kg.readers import detect_format, get_reader
from kg.sources import as_source

from .conftest import CORPUS, DATA, SEEDS, SHARED, need_shared
from .test_fuzz import check_build, text

FEEDS = SHARED / "formats" / "feeds"


def need_feeds() -> None:
    if not FEEDS.is_dir():
        pytest.skip("../shared/formats/feeds is not beside the project; these tests read real feeds from it")


def read_path(path: Path) -> tuple[str | None, list[Document | ItemFailure], list[str]]:
    source = as_source(path)
    fmt = detect_format(source.text)
    assert fmt is not None, f"{path.name} not detected"
    return fmt, list(get_reader(fmt).read(source.text, path.name)), source.notes


def read_sample(name: str) -> tuple[str | None, list[Document], list[str]]:
    need_feeds()
    fmt, records, notes = read_path(FEEDS / name)
    docs = [r for r in records if isinstance(r, Document)]
    assert len(docs) == len(records), [r for r in records if isinstance(r, ItemFailure)]
    return fmt, docs, notes


# file → (format, items, outlet name, outlet domain, language, {item number: (headline, url, published, authors, topics)})
SAMPLES = {
    "guardian-us-edition.rss": ("rss", 55, "The Guardian", "www.theguardian.com", "en-gb", {
        1: ("Trump State of the Union address promised unity but emphasized discord",
            "https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord",
            "2018-01-31T07:26:05+00:00", ["David Smith"],
            ["Donald Trump", "State of the Union address", "US news", "US politics", "Democrats", "Republicans",
             "US Congress"]),
        2: ("So, how did conservatives like the State of the Union?",
            "https://www.theguardian.com/us-news/2018/jan/31/so-how-did-conservatives-like-the-state-of-the-union",
            "2018-01-31T15:46:36+00:00", ["Jason Wilson"],
            ["State of the Union address", "US news", "Donald Trump", "US politics", "Republicans"]),
        55: ("Earth's ultimate yogis – in pictures",
             "https://www.theguardian.com/artanddesign/gallery/2018/jan/31/earths-ultimate-yogis-in-pictures-yoga",
             "2018-01-31T07:00:20+00:00", [],
             ["Photography", "Yoga", "Health & wellbeing", "Culture", "Art and design", "Art", "Books",
              "Life and style", "Fitness", "India", "Hinduism", "Religion", "World news", "South and Central Asia"]),
    }),
    "medium-invironment-food.rss": ("rss", 7, "Food in Invironment on Medium", "medium.com", None, {
        1: ("THE CREATIVE FORAGER",
            "https://medium.com/invironment/the-creative-forager-125af37d838f?source=rss----d12c403d4976--food",
            "2018-04-09T18:55:38+00:00", ["Jeremy Puma"], ["plants", "environment", "nature", "foraging", "food"]),
        7: ("Wild Flavors All Year Round",
            "https://medium.com/invironment/wild-flavors-all-year-round-71769186b899?source=rss----d12c403d4976--food",
            "2017-12-01T18:38:32+00:00", ["Jeremy Puma"], ["food", "wild-foods", "foraging", "cooking", "recipe"]),
    }),
    "nhs-north-west-news.rss": ("rss", 2, "NHS North West News Feed", "www.england.nhs.uk", None, {
        1: ("As measles cases continue to rise, NHS North West invites thousands of school children to catch up "
            "with life-saving MMR", "https://www.england.nhs.uk/north-west/?p=6133", "2024-03-18T10:00:00+00:00", [], []),
        2: ("Second item title", "https://www.england.nhs.uk/north-west/?p=6134", "2024-03-19T10:00:00+00:00", [], []),
    }),
    "science-this-week-in-science.rdf.rss": ("rss", 69, "Science", "science.sciencemag.org", None, {
        1: ("Food for fungi", "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
            "2017-06-15T10:29:47-07:00", ["Hines, P. J."], ["Botany, Microbiology"]),
        2: ("Go with the flow in drug manufacturing",
            "http://science.sciencemag.org/cgi/content/short/356/6343/1134-b?rss=1",
            "2017-06-15T10:29:47-07:00", ["Yeston, J."], ["Chemistry, Engineering"]),
        69: ("Creating a weakness in prostate cancer",
             "http://science.sciencemag.org/cgi/content/short/356/6340/816-o?rss=1",
             "2017-05-25T10:24:10-07:00", ["Ferrarelli, L. K."], []),
    }),
    "tencent-tech-qq-gb2312.xml": ("rss", 1, "互联网", "tech.qq.com", "zh-cn", {
        1: ("拟298亿元重组盛大游戏后 世纪华通发20亿回购预案", "http://tech.qq.com/a/20180919/009008.htm",
            "2018-09-19T05:11:22+00:00", [], []),
    }),
    "uol-noticias-ultimas.rss": ("rss", 15, "UOL Noticias", "noticias.uol.com.br", None, {
        1: ("Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
            "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/"
            "ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm",
            "2018-09-24T19:42:40-03:00", [], []),
        2: ("Promotoria abre inquérito para apurar suspeita de improbidade de Skaf no Sebrae-SP",
            "https://www1.folha.uol.com.br/poder/2018/09/"
            "promotoria-abre-inquerito-para-apurar-suspeita-de-improbidade-de-skaf-no-sebrae-sp.shtml",
            "2018-09-24T19:38:00-03:00", [], []),
        15: ('Fama "A" é campeã da Primeira Divisão da Copa Cidade Alta de Futebol Suíço',
             "https://tnonline.uol.com.br/noticias/apucarana/45,470926,24,09,"
             "fama-a-e-campea-da-primeira-divisao-da-copa-cidade-alta-de-futebol-suico",
             "2018-09-24T19:18:49-03:00", [], []),
    }),
    "varthabharathi-kannada-news.rss": ("rss", 15, "Varthabharathi : Kanrnataka's Leading Kannada News Portal",
                                        "www.varthabahrati.in", "kn", {
        1: ("ISUZU launches the ‘mu-X’ premium full-size 7 seater SUV in Bengaluru",
            "http://www.varthabharati.in/article/english/74450", "2017-05-19T21:05:02+05:30", [], []),
        2: ("Off beat courses for the next generation", "http://www.varthabharati.in/article/english/73971",
            "2017-05-16T15:35:04+05:30", ["Dr. Ananth Prabhu G"], []),
        15: ("EXCEL BEYOND BELIEF LIMITATIONS: Talk by Mr. Arun Sharma",
             "http://www.varthabharati.in/article/english/69212", "2017-04-12T09:26:37+05:30", [], []),
    }),
    "heise-developer-news.atom": ("rss", 15, "heise developer neueste Meldungen", "www.heise.de", None, {
        1: ("Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
            "http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html"
            "?wt_mc=rss.developer.beitrag.atom", "2016-02-01T17:22:00+01:00", [], []),
        2: ("Scrum Day 2016: Bewerbungen für Vorträge und Workshops",
            "http://www.heise.de/developer/meldung/Scrum-Day-2016-Bewerbungen-fuer-Vortraege-und-Workshops-3088627.html"
            "?wt_mc=rss.developer.beitrag.atom", "2016-02-01T14:29:00+01:00", [], []),
        15: ("Apache Software Foundation bekommt ein neues Logo",
             "http://www.heise.de/developer/meldung/Apache-Software-Foundation-bekommt-ein-neues-Logo-3086458.html"
             "?wt_mc=rss.developer.beitrag.atom", "2016-01-28T17:07:00+01:00", [], []),
    }),
    "npr-technology.feed.json": ("jsonfeed", 25, "NPR", "www.npr.org", None, {
        1: ("Keller Rinaudo: How can delivery drones save lives?",
            "https://www.npr.org/2021/10/29/1050315385/keller-rinaudo-how-can-delivery-drones-save-lives"
            "?utm_medium=JSONFeed&utm_campaign=technology", "2021-10-29T10:26:00-04:00", ["Manoush Zomorodi"], []),
        18: ("Tech workers recount the cost of speaking out, as tensions rise inside companies",
             "https://www.npr.org/2021/10/21/1048038154/fired-apple-facebook-netflix-google-workers"
             "?utm_medium=JSONFeed&utm_campaign=technology", "2021-10-21T16:54:00-04:00", ["Bobby Allyn"],
             ["Janneke Parrish", "Chelsey Glasson", "Frances Haugen", "Facebook", "Netflix", "Google"]),
        25: ("Netflix employees are staging a walkout as a fired organizer speaks out",
             "https://www.npr.org/2021/10/20/1047307202/netflix-fired-trans-nonbinary-walkout-organizer-speaks"
             "?utm_medium=JSONFeed&utm_campaign=technology", "2021-10-20T05:11:00-04:00", ["Andrew Limbong"], []),
    }),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_feed_facts(name):
    fmt, count, outlet, domain, language, items = SAMPLES[name]
    got_fmt, docs, _notes = read_sample(name)
    assert got_fmt == fmt
    assert len(docs) == count
    assert {d.provider.name for d in docs} == {outlet}
    assert {d.provider.domain for d in docs} == {domain}
    assert {d.language for d in docs} == {language}
    for number, (headline, url, published, authors, topics) in items.items():
        doc = docs[number - 1]
        assert doc.title == headline
        assert doc.urls["web"] == url
        assert doc.published.isoformat() == published and doc.published.utcoffset() is not None
        assert doc.authors == authors
        assert doc.topics == topics
        assert doc.index == number - 1


def test_sample_feed_lines_point_at_each_item():
    need_feeds()
    for name in ("guardian-us-edition.rss", "science-this-week-in-science.rdf.rss", "heise-developer-news.atom",
                 "varthabharathi-kannada-news.rss"):
        _fmt, docs, _notes = read_sample(name)
        lines = (FEEDS / name).read_bytes().decode("utf-8").split("\n")
        for doc in docs:
            assert "<item" in lines[doc.line - 1] or "<entry" in lines[doc.line - 1], (name, doc.line)
    _fmt, docs, _notes = read_sample("guardian-us-edition.rss")
    assert [d.line for d in docs[:2]] == [18, 40] and docs[-1].line == 1140


def test_guardian_feed_images_credits_excerpt_and_category_urls():
    _fmt, docs, _notes = read_sample("guardian-us-edition.rss")
    first = docs[0]
    assert [i.width for i in first.images] == [140, 460]
    assert first.images[0].url.startswith("https://i.guim.co.uk/img/media/b73c8752cd4667c923dff7f1542f1fb20089e421/")
    assert first.photo_credits == ["Photograph: Networ/Sipa USA/REX/Shutterstock"]
    assert first.excerpt == ("The president’s ‘new American moment’ speech stirred Republican applause while Democrats "
                             "showed thinly disguised contempt")
    assert first.body[1].startswith("Donald Trump has promised a “new American moment”")
    assert not any(p.startswith("Continue reading") for p in first.body)
    assert first.extra["category_urls"]["Donald Trump"] == "https://www.theguardian.com/us-news/donaldtrump"
    assert first.provider.images[0].url.startswith("https://assets.guim.co.uk/images/guardian-logo-rss")


@pytest.mark.parametrize("number, people, organizations", [
    (5, [], ["Associated Press"]),          # dc:creator "Associated Press"
    (9, [], []),                            # "Staff and agencies"
    (11, ["Sam Jones", "Stephen Burgen"], []),  # "Sam Jones in Madrid and Stephen Burgen in Barcelona"
    (24, [], []),                           # "Guardian sport": the outlet
    (38, ["Will Bordell", "Jon Robins"], []),
    (39, ["Patrick Wintour"], []),          # "Patrick Wintour Diplomatic editor"
])
def test_guardian_feed_bylines(number, people, organizations):
    _fmt, docs, _notes = read_sample("guardian-us-edition.rss")
    doc = docs[number - 1]
    assert doc.authors == people
    assert doc.extra.get("byline_organizations", []) == organizations


def test_atom_feed_author_is_the_outlet_and_ids_are_kept():
    _fmt, docs, _notes = read_sample("heise-developer-news.atom")
    first = docs[0]
    assert first.urls["guid"] == "http://heise.de/-3088438"
    assert first.extra["updated"] == "2016-02-01T17:54:50+01:00"
    assert first.excerpt.startswith("Die nun verfügbare Version 10 des Enterprise-Java-Servers")
    assert first.body == [first.excerpt]
    assert any("heise online" in n and "outlet" in n for n in first.notes)
    assert first.provider.images[0].url == "http://www.heise.de/developer/icons/heise_developer_logo_weiss.gif"


def test_declared_gb2312_and_undeclared_latin1_feeds_read_right():
    _fmt, docs, notes = read_sample("tencent-tech-qq-gb2312.xml")
    assert any("gb18030" in n for n in notes)
    assert docs[0].excerpt.startswith("腾讯科技讯9月18日，A股游戏公司世纪华通（002602.SZ）发布公告")
    assert any("www.qq.com" in n and "address" in n for n in docs[0].notes)
    _fmt, docs, notes = read_sample("uol-noticias-ultimas.rss")
    assert any("cp1252" in n for n in notes)
    assert docs[1].excerpt is None  # empty <description>
    assert docs[0].excerpt.startswith("Líder na pesquisa Ibope de intenção de voto")


def test_rss1_prism_fields_are_kept():
    _fmt, docs, _notes = read_sample("science-this-week-in-science.rdf.rss")
    extra = docs[0].extra
    assert (extra["prism_volume"], extra["prism_number"], extra["prism_publicationdate"]) == ("356", "6343", "2017-06-16")
    assert extra["feed_title"] == "Science twis"


def test_medium_content_encoded_is_the_body_and_guid_url_kept():
    _fmt, docs, _notes = read_sample("medium-invironment-food.rss")
    assert docs[0].body[0] == "Using Wild Ingredients in the Kitchen"
    assert docs[0].urls["guid"] == "https://medium.com/p/125af37d838f"
    assert len(docs[0].body) > 20


def test_json_feed_authors_images_and_agency():
    _fmt, docs, _notes = read_sample("npr-technology.feed.json")
    first = docs[0]
    assert first.images[0].url == ("https://media.npr.org/assets/img/2021/10/29/"
                                   "kellerrinaudo_2017g-embed-bdfc2d80fbbc16211290c23601d19263c12b2e8c.jpg")
    assert len(first.extra["attachments"]) == 3 and first.extra["feed_title"] == "Technology"
    assert first.excerpt.startswith("In rural areas, basic health care can be out of reach.")
    assert docs[2].authors == [] and docs[2].extra["byline_organizations"] == ["The Associated Press"]
    assert docs[0].extra["date_modified"] == "2021-10-29T11:59:00-04:00"


def test_every_shared_feed_is_detected_and_nothing_else_is_taken():
    need_shared()
    need_feeds()
    for path in sorted(FEEDS.iterdir()):
        if path.suffix != ".tsv":
            assert detect_format(as_source(path).text) in ("rss", "jsonfeed"), path.name
    mine = [get_reader(n) for n in ("rss", "jsonfeed", "newsapi")]
    others = [p for p in sorted(SEEDS.iterdir()) + sorted(CORPUS.rglob("*")) if p.is_file()]
    others += [p for p in sorted(DATA.rglob("*")) if p.is_file() and p.parent.name in ("feed", "pages", "analysis")]
    for path in others:
        try:
            body = as_source(path).text
        except ReadError:
            continue
        assert not any(m.detect(body) for m in mine), path


# --- the fictional samples in data/ -------------------------------------------------------

def test_data_samples_read_and_merge_with_the_same_articles_in_other_formats():
    result = kg.build([DATA], ner="none")
    by_file = {o.name: o for o in result.outcomes}
    assert by_file["data/feeds/northwind-times.rss"].format == "rss"
    assert by_file["data/feeds/open-quay.atom"].format == "rss"
    assert by_file["data/feeds/harbour-ledger.feed.json"].format == "jsonfeed"
    articles = {n: d for n, d in result.graph.nodes(data=True) if d["type"] == "article"}
    estuary = [d for d in articles.values() if d.get("headline") == "Fishers and engineers agree on a quiet season for the estuary"]
    assert len(estuary) == 1  # the Markdown feed item (…?amp=1), the RSS item and the GDELT record are one article
    turbines = [d for d in articles.values() if d.get("headline") == "Lisbon harbour tests tidal turbines that follow the fish"]
    assert len(turbines) == 1
    pilot = [d for d in articles.values() if d.get("headline") == "Berth calendar pilot starts in three ports"]
    assert len(pilot) == 1  # the Atom entry and the JSON Lines record


def test_data_rss_sample_fields():
    _fmt, records, _notes = read_path(DATA / "feeds" / "northwind-times.rss")
    first, second = records
    assert first.authors == ["Inês Duarte"] and second.authors == ["Inês Duarte", "Tomás Pereira"]
    assert first.extra["guid"] == "nwt-2024-0301-estuary" and "guid" not in first.urls
    assert second.urls == {"web": "https://www.northwind-times.example/world/shad-counts-rise"}
    assert first.images[0].width == 1200 and first.photo_credits == ["Photograph: Rui Matos"]
    assert first.extra["enclosures"] == [{"url": "https://audio.northwind-times.example/2024/03/estuary.mp3",
                                          "type": "audio/mpeg", "length": 5120000}]
    assert first.body == ["Local fishing cooperatives in Portugal signed a seasonal pause with the Tagus Energy Consortium.",
                          "The turbine trial will stop for six weeks while the shad migrate upriver."]
    assert second.published.isoformat() == "2024-04-16T09:05:00+01:00"
    _fmt, records, _notes = read_path(DATA / "feeds" / "open-quay.atom")
    assert records[0].title == "Ports agree to share berth data <script>alert('not run')</script> in real time"
    assert records[0].topics == ["Port Logistics", "Open Data"]
    assert records[1].published.isoformat() == "2024-05-02T08:00:00+02:00"  # only <updated>
    assert records[0].authors == [] and records[1].authors == ["Marta Quintela"]


# --- hostile feeds -------------------------------------------------------------------------

RSS = ('<?xml version="1.0" encoding="utf-8"?>\n{doctype}<rss version="2.0"><channel><title>T</title>'
       '<link>https://example.org/</link>{items}</channel></rss>\n')
ITEM = "<item><title>{title}</title><link>{link}</link></item>"


def rss(items: str, doctype: str = "") -> str:
    return RSS.format(doctype=doctype, items=items)


def test_billion_laughs_and_external_entities_are_refused():
    laughs = '<!DOCTYPE rss [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i + 1} "{("&lol" + (str(i) if i else "") + ";") * 10}">' for i in range(9)) + "]>\n"
    with pytest.raises(ReadError, match="XML entities"):
        get_reader("rss").read(rss(ITEM.format(title="&lol9;", link="https://x.org/a"), laughs), "laughs.rss")
    xxe = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    with pytest.raises(ReadError, match="XML entities") as info:
        get_reader("rss").read(rss(ITEM.format(title="&xxe;", link="https://x.org/a"), xxe), "xxe.rss")
    assert info.value.line == 2


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY secret "leaked">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_reading_feeds_opens_no_socket(local_server, monkeypatch, tmp_path):
    opened: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        opened.append(args)
        raise AssertionError("a reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    base = local_server
    texts = {
        "dtd.rss": rss(ITEM.format(title="A", link=f"{base}/a"),
                       f'<?xml-stylesheet type="text/xsl" href="{base}/style.xsl"?>\n'
                       f'<!DOCTYPE rss SYSTEM "{base}/rss.dtd">\n'),
        "netscape.rss": rss(ITEM.format(title="B", link="https://x.org/b"),
                            '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
                            f'"{base}/rss-0.91.dtd">\n'),
        "xinclude.atom": (f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:xi="http://www.w3.org/2001/XInclude" '
                          f'xml:base="{base}/"><title>T</title><entry><title>C</title><link href="c"/>'
                          f'<xi:include href="{base}/inc.xml"/><content src="{base}/body.html"/></entry></feed>'),
        "xxe.rss": rss(ITEM.format(title="&secret;", link="https://x.org/d"),
                       f'<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{base}/ext.dtd"> %ext;]>\n'),
        "feed.json": ('{"version": "https://jsonfeed.org/version/1.1", "title": "T", "feed_url": "%s/feed.json", '
                      '"next_url": "%s/page2.json", "items": [{"id": "1", "url": "%s/e", "title": "E", '
                      '"image": "%s/e.jpg"}]}' % (base, base, base, base)),
    }
    for name, body in texts.items():
        (tmp_path / name).write_text(body)
    result = kg.build([tmp_path], ner="none")
    by_name = {o.name.rsplit("/", 1)[-1]: o for o in result.outcomes}
    assert by_name["dtd.rss"].status == by_name["netscape.rss"].status == "ingested"
    assert by_name["xinclude.atom"].status == by_name["feed.json"].status == "ingested"
    assert by_name["xxe.rss"].status == "failed" and "XML entities" in by_name["xxe.rss"].reason
    assert opened == [] and _Recorder.hits == []


def test_items_that_cannot_be_read_are_accounted_for_with_their_number_and_line():
    text = rss(ITEM.format(title="First", link="https://x.org/1") + "\n<item><description>no title, no link</description>"
               "</item>\n" + ITEM.format(title="Third", link="https://x.org/3"))
    records = get_reader("rss").read(text, "mixed.rss")
    assert [type(r).__name__ for r in records] == ["Document", "ItemFailure", "Document"]
    failure = records[1]
    assert isinstance(failure, ItemFailure) and failure.index == 2 and failure.line == 3
    assert "neither a link nor a title" in failure.reason


def test_empty_feed_and_non_feed_xml():
    with pytest.raises(NoArticles, match="no items"):
        get_reader("rss").read(rss(""), "empty.rss")
    with pytest.raises(NoArticles, match="no items"):
        get_reader("jsonfeed").read('{"version": "https://jsonfeed.org/version/1", "title": "T", "items": []}', "e.json")
    assert detect_format("<html><body><rss>not a feed root</rss></body></html>") != "rss"


def test_a_cut_feed_keeps_the_items_before_the_cut():
    need_feeds()
    whole = (FEEDS / "guardian-us-edition.rss").read_text(encoding="utf-8")
    cut = whole[: len(whole) // 2]
    records = get_reader("rss").read(cut, "cut.rss")
    docs = [r for r in records if isinstance(r, Document)]
    assert 25 <= len(docs) <= 30
    assert docs[0].title == "Trump State of the Union address promised unity but emphasized discord"
    assert any("not well-formed" in n for n in docs[0].notes)


def test_a_large_feed_reports_every_item(tmp_path):
    items = "".join(ITEM.format(title=f"Story {n}", link=f"https://x.org/{n}") if n % 100 else
                    "<item><description>nothing</description></item>" for n in range(1, 3001))
    records = get_reader("rss").read(rss(items), "big.rss")
    assert len(records) == 3000
    failures = [r for r in records if isinstance(r, ItemFailure)]
    assert [f.index for f in failures] == list(range(100, 3001, 100))


@pytest.mark.parametrize("kind, unit", [("unclosed tags", "<a "), ("unclosed attributes", '<a b="'),
                                        ("unclosed comments", "<!--"), ("nested blocks", "<div>")])
def test_pathological_markup_reads_in_linear_time(kind, unit):
    import time

    description = escape(unit * 40_000)
    text = rss(f"<item><title>T</title><link>https://x.org/a</link><description>{description}</description></item>")
    start = time.perf_counter()
    (doc,) = get_reader("rss").read(text, "slow.rss")
    assert time.perf_counter() - start < 5, kind  # the standard library's html.parser took minutes
    assert doc.title == "T"


@pytest.mark.parametrize("head", [" " * 70_000 + "<rss>", "<!--" * 20_000, "<?" * 30_000, "<!DOCTYPE x [" + "a" * 70_000,
                                  "\n\n  <?xml version='1.0'?>\n<!-- x -->\n<rss version='2.0'><channel></channel></rss>"])
def test_detection_is_quick_on_any_prolog(head):
    import time

    start = time.perf_counter()
    found = detect_format(head)
    assert time.perf_counter() - start < 1
    assert found == ("rss" if head.endswith("</rss>") else None)


# --- fuzzing ----------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "40"))
FAST = settings(max_examples=EXAMPLES * 3, deadline=None, derandomize=not os.environ.get("KG_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=max(5, EXAMPLES // 4), deadline=None, derandomize=not os.environ.get("KG_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
field = st.one_of(text.map(escape), text.map(lambda t: "<![CDATA[" + t.replace("]]>", "") + "]]>"),
                  st.sampled_from(["", "&amp;", "&lt;p&gt;x&lt;/p&gt;", "&#0;", "&bogus;", "<b>x</b>", "]]>", "<"]))
date = st.one_of(st.sampled_from(["Seg, 24 Set 2018 19:42:40 -0300", "2021-02-30T10:00:00Z", "Mon, 32 Jan 2018",
                                  "Fri, 01 Mar 2024 17:40:00 +0000", ""]), field)


@st.composite
def rss_item(draw) -> str:
    parts = [f"<{tag}>{draw(field)}</{tag}>" for tag in draw(st.lists(
        st.sampled_from(["title", "link", "description", "author", "category", "guid", "comments"]), max_size=6))]
    parts.append(f"<pubDate>{draw(date)}</pubDate>")
    if draw(st.booleans()):
        parts.append(f'<enclosure url="{escape(draw(text), {chr(34): "&quot;"})}" type="image/jpeg"/>')
    return "<item>" + "".join(parts) + "</item>"


@FAST
@given(st.lists(rss_item(), max_size=6), st.sampled_from(["rss", "atom"]))
def test_fuzz_feed_reader_accounts_for_every_item(items, kind):
    if kind == "atom":
        body = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
                + "".join(i.replace("<item>", "<entry>").replace("</item>", "</entry>") for i in items) + "</feed>")
    else:
        body = rss("".join(items))
    try:
        records = get_reader("rss").read(body, "fuzz.rss")
    except ReadError:
        return  # a whole-file problem, reported with a reason
    assert all(isinstance(r, (Document, ItemFailure)) for r in records)
    assert len(records) <= len(items)


@SLOW
@given(st.lists(rss_item(), min_size=1, max_size=4), st.binary(max_size=200))
def test_fuzz_feed_builds(items, blob):
    check_build({"feed.rss": rss("".join(items)), "blob.rss": blob,
                 "feed.json": '{"version": "https://jsonfeed.org/version/1", "items": [%s]}' % ",".join(
                     '{"id": "%d", "title": %s}' % (n, repr(i[:40]).replace("'", '"')) for n, i in enumerate(items))})


@pytest.mark.parametrize("body, version", [
    ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">'
     "<channel><title>Old Port News</title><link>https://old-port.example/</link></channel>"
     "<item><title>Tide tables</title><link>https://old-port.example/tides</link></item></rdf:RDF>", "RSS 0.90"),
    ('<rss version="0.91"><channel><title>Old Port News</title><link>https://old-port.example/</link>'
     "<item><title>Tide tables</title><link>https://old-port.example/tides</link></item></channel></rss>", "RSS 0.91"),
    ('<rss version="0.92"><channel><title>Old Port News</title><link>https://old-port.example/</link>'
     "<item><title>Tide tables</title><link>https://old-port.example/tides</link>"
     '<enclosure url="https://old-port.example/t.jpg" type="image/jpeg" length="1"/></item></channel></rss>', "RSS 0.92"),
    ('<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Port News</title>'
     '<link rel="alternate" type="text/html" href="https://old-port.example/"/><entry><title>Tide tables</title>'
     '<link rel="alternate" type="text/html" href="https://old-port.example/tides"/>'
     "<issued>2004-05-01T10:00:00+02:00</issued></entry></feed>", "Atom 0.3"),
])
def test_older_feed_versions(body, version):
    assert detect_format(body) == "rss", version
    (doc,) = get_reader("rss").read(body, "old.xml")
    assert (doc.title, doc.urls["web"]) == ("Tide tables", "https://old-port.example/tides"), version
    assert (doc.provider.name, doc.provider.domain) == ("Old Port News", "old-port.example"), version
    if version == "Atom 0.3":
        assert doc.published.isoformat() == "2004-05-01T10:00:00+02:00"
    if version == "RSS 0.92":
        assert doc.images[0].url == "https://old-port.example/t.jpg"
