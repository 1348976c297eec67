"""News-API JSON and JSON Lines: NewsAPI.org, Guardian, NYT, IPTC ninjs (real samples in
../shared/formats/json), GDELT DOC 2.0 and Event Registry (fictional samples in data/api),
API error bodies, JSON of unknown shapes, hostile JSON, fuzzing, and the IPTC vocabulary.

Expected values were read from the sample files with ``json``, not with kg.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg.errors import NoArticles, ReadError
from kg.model import Document, ItemFailure
from kg.readers import detect_format, get_reader
from kg.readers.iptc import media_topic, vocabulary
from kg.sources import as_source

from .conftest import DATA, SHARED

JSON_SAMPLES = SHARED / "formats" / "json"
VOCAB = SHARED / "vocab" / "iptc" / "mediatopic-en-GB.json"
API = get_reader("newsapi")


def need_json() -> None:
    if not JSON_SAMPLES.is_dir():
        pytest.skip("../shared/formats/json is not beside the project; these tests read real API responses from it")


def read(path: Path) -> list[Document | ItemFailure]:
    source = as_source(path)
    assert detect_format(source.text) == "newsapi", path.name
    return list(API.read(source.text, path.name))


def docs_of(name: str) -> list[Document]:
    need_json()
    records = read(JSON_SAMPLES / name)
    assert all(isinstance(r, Document) for r in records), [r for r in records if isinstance(r, ItemFailure)]
    return [r for r in records if isinstance(r, Document)]


def subjects(doc: Document) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(s.name, s.type, s.source, s.iri, s.code) for s in doc.subjects]


# --- NewsAPI.org ---------------------------------------------------------------------------

@pytest.mark.parametrize("number, title, authors, outlet", [
    (1, "Switch eShop Game Prices Can No Longer Be Below $1.99, Says Death Squared Dev", [], "Nintendo Life"),
    (4, "The 4 Best Dungeons & Dragons Video Game Adaptations | CBR - CBR - Comic Book Resources", [], "Google News"),
    (9, "Devil May Cry 5, Final Fantasy VII Remake, Fire Emblem Voice Actor Brad Venable Passed Away", [], "DualShockers"),
    (22, "Alexa's 'tell me when' command sets reminders for upcoming events", [], "Engadget"),
    (44, "ASUS GeForce RTX 3060 TUF GAMING 12GB GDDR6 photo surfaces", ["Hilbert Hagedoorn"], "guru3d.com"),
    (50, "Spectacular city carved from snow and ice rises in China", ["Lilit Marcus"], "CNN"),
    (70, "Xbox Series X restock January 2021: Microsoft Store, Antonline, Walmart, and more",
     ["Giovanni Colantonio", "Tomas Franzese"], "Inverse"),
])
def test_newsapi_records(number, title, authors, outlet):
    docs = docs_of("newsapi-top-headlines-technology-us-2021-01-10.json")
    assert len(docs) == 70
    doc = docs[number - 1]
    assert (doc.title, doc.authors, doc.provider.name) == (title, authors, outlet)


def test_newsapi_fields_and_what_is_not_a_name():
    docs = docs_of("newsapi-top-headlines-technology-us-2021-01-10.json")
    first = docs[0]
    assert first.urls == {"web": "https://www.nintendolife.com/news/2021/01/"
                                 "switch_eshop_game_prices_can_no_longer_be_below_usd1_99_says_death_squared_dev"}
    assert first.published.isoformat() == "2021-01-10T05:05:00+00:00"
    assert first.excerpt == 'Nintendo has supposedly implemented "new rules"'
    assert first.images[0].url == "https://images.nintendolife.com/2bff70947bdbb/1280x720.jpg"
    assert first.extra["content_cut_chars"] == 1306 and first.body[-1].endswith("via Reddit.…")
    assert first.alt_titles[0] == first.title + " - Nintendo Life"  # kept as schema:alternativeHeadline
    assert any("'Nintendo Life' is the outlet" in n for n in first.notes)
    google = docs[3]
    assert (google.excerpt, google.body, google.images, google.extra["source_id"]) == (None, [], [], "google-news")
    assert any("address, not a name" in n for n in docs[8].notes)  # author "https://www.facebook.com/…"


def test_newsapi_cut_french_file_and_home_page_url():
    docs = docs_of("newsapi-top-headlines-technology-fr-2020-12-26-first17.json")
    assert len(docs) == 17  # totalResults says 70: the file was cut after 17
    assert docs[7].title == "Bon plan : les nouveaux iPhone 12 en forte baisse juste après Noël 🔥"
    assert docs[7].authors == []  # "Presse-citron" writing for Presse-citron
    assert docs[1].authors == ["Thomas Arrighi. Sputnik France"]
    home = docs[9]  # url "https://www.3dnatives.com": a home page, not this article's identity
    assert "web" not in home.urls and home.extra["url"] == "https://www.3dnatives.com"
    assert home.title == "TOP 10 des fichiers 3D qui ont marqué l’année 2020" and home.excerpt is None
    assert home.authors == ["Mélanie R."]


# --- Guardian Open Platform ----------------------------------------------------------------

def test_guardian_item():
    (doc,) = docs_of("guardian-content-api-item-quinoa-2013.json")
    assert doc.title == "Can vegans stomach the unpalatable truth about quinoa?"
    assert doc.urls == {"web": "http://www.theguardian.com/commentisfree/2013/jan/16/vegans-stomach-unpalatable-truth-quinoa",
                        "short": "http://gu.com/p/3d55c"}
    assert doc.published.isoformat() == "2013-01-16T10:14:31+00:00"
    assert doc.authors == ["Joanna Blythman"]
    assert doc.extra["author_urls"] == {"Joanna Blythman": "http://www.theguardian.com/profile/joannablythman"}
    assert doc.section == "Comment is free"
    assert (doc.provider.name, doc.provider.domain) == ("The Guardian", "www.theguardian.com")
    assert doc.excerpt == ("Ethical consumers should be aware poor Bolivians can no longer afford their staple grain, "
                           "due to western demand raising prices")
    assert doc.body[0].startswith("Not long ago, quinoa was just an obscure Peruvian grain")
    assert doc.extra["wordcount"] == 750 and doc.extra["tones"] == ["Comment"]
    assert [(i.width, i.height) for i in doc.images] == [(620, 372), (140, 84)]
    assert doc.photo_credits == ["George Steinmetz/ George Steinmetz/Corbis"]
    assert [s.name for s in doc.subjects] == [
        "Food", "Vegan food and drink", "Life and style", "Veganism", "Vegetarian food and drink", "Vegetarianism",
        "Environment", "Food & drink", "World news", "UK news", "Bolivia", "Americas", "Ethical and green living", "Ethics"]
    assert subjects(doc)[10] == ("Bolivia", "topic", "guardian-api", "http://www.theguardian.com/world/bolivia",
                                 "world/bolivia")


# --- NYT Article Search ------------------------------------------------------------------------

def test_nyt_docs():
    docs = docs_of("nyt-article-search-v2-2016-06-05.json")
    assert len(docs) == 10
    first = docs[0]
    assert first.title == "Rowdy and Bawdy, New Orleans is a Party for Families Too"
    assert first.urls["web"] == "http://www.nytimes.com/2016/06/05/travel/new-orleans-family-holidays.html"
    assert first.published.isoformat() == "2016-06-05T00:00:00+00:00"
    assert first.authors == ["Amy Tara Koch"] and first.extra["byline"] == "By AMY TARA KOCH"
    assert (first.section, first.type, first.provider.name) == ("Travel", "News", "The New York Times")
    assert subjects(first) == [("Travel and Vacations", "topic", "nyt-api", None, None),
                               ("New Orleans (La)", "place", "nyt-api", None, None)]
    assert [(i.url, i.width, i.height) for i in first.images] == [
        ("https://www.nytimes.com/images/2016/06/05/travel/06NEWORLEANS/06NEWORLEANS-articleLarge.jpg", 600, 361)]
    assert (first.extra["word_count"], first.extra["kicker"]) == (1566, "Travel Guide")
    assert subjects(docs[2])[-1] == ("Roger Federer", "person", "nyt-api", None, None)
    assert [(s.name, s.type) for s in docs[3].subjects] == [
        ("Writing and Writers", "topic"), ("Harry Potter (Fictional Character)", "topic"), ("J K Rowling", "person"),
        ("Harry Potter and the Cursed Child (Play)", "topic"),
        ("Fantastic Beasts and Where to Find Them (Movie)", "topic"), ("Movies", "topic"), ("Theater", "topic")]
    slideshow = docs[6]  # byline is an empty list
    assert (slideshow.title, slideshow.authors, slideshow.type) == ("Enthralled by Sicily, Again", [], "Slideshow")
    assert docs[8].authors == ["Laura Collins-Hughes", "Alexis Soloski"]


# --- IPTC ninjs ----------------------------------------------------------------------------

def test_ninjs_1_4_business_wire():
    (doc,) = docs_of("ninjs-1.4-businesswire-applebees-lunch-decoy.json")
    assert doc.title == "Lunch Taking a Toll? Let Applebee’s® Industrial Strength Lunch Decoy Stand In"
    assert doc.urls == {"web": "http://www.businesswire.com/news/home/20130731006140/en"}
    assert doc.published.isoformat() == "2013-07-31T15:32:00+00:00"
    assert (doc.language, doc.type) == ("en", "composite")
    assert [s.name for s in doc.subjects][:3] == ["Other Consumer", "United States", "North America"]
    assert len(doc.subjects) == 10 and {s.type for s in doc.subjects} == {"topic"}
    assert [(i.url, i.width) for i in doc.images] == [
        ("http://mms.businesswire.com/media/newsItemId/en/372964/4/AB_LOGO_webready.jpg", 216)]
    assert doc.body == ["With more Applebee’s® Lunch Combos than ever – enough to try a new combination every workday "
                        "for a year – America’s favorite neighborhood grill and bar this week unveiled a stronger, "
                        "longer-lasting Industrial Strength Lunch Decoy that is 20 percent thicker than the original, "
                        "which sold out in weeks last summer."]


def test_ninjs_1_4_people_places_organisations():
    (doc,) = docs_of("ninjs-1.4-costa-concordia-schettino.json")
    assert doc.title == "Captain of wrecked cruise ship on trial in Italy"
    assert doc.authors == ["Paulo Santalucia", "Frances d'Emilio"]
    assert subjects(doc) == [
        ("Francesco Schettino", "person", "ninjs", "http://www.freebase.com/m/0hzcydt", "0hzcydt"),
        ("Costa Crociere SpA", "organization", "ninjs", None, None),
        ("Grossetto", "place", "ninjs", None, None),
        ("Tuscany", "place", "ninjs", None, None),
        ("Italy", "place", "ninjs", "http://cvx.iptc.org/iso3166-1a2/it", "it")]
    assert [(i.width, i.height) for i in doc.images] == [(429, 281), (280, 430)]
    assert doc.images[1].caption == "Francesco Schettino the captain of the Costa Concordia cruise ship at court in Grossetto, Italy, on 9 July 2013"
    assert len(doc.body) == 4 and doc.extra["located"] == "Grossetto, Italy"


def test_ninjs_2_dpa():
    (doc,) = docs_of("ninjs-2.1-dpa-favre-revierderby.json")
    assert doc.title == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert doc.urls == {} and doc.identifiers == ["urn:newsml:dpa.com:20090101:190510-99-167362"]
    # version 2, no firstcreated: versioncreated is when it was changed, not when it was published
    assert doc.published is None and doc.modified.isoformat() == "2019-05-10T16:02:28+02:00"
    assert any("versioncreated dates version 2" in n for n in doc.notes)
    assert (doc.authors, doc.provider.name, doc.language) == (["Christian Hollmann"], "dpa", "de")
    assert len(doc.body) == 9 and doc.body[0].startswith("Für Lucien Favre war es «der größte Skandal im Fußball")
    assert (doc.extra["urgency"], doc.extra["pubstatus"]) == (4, "usable")


def test_ninjs_3_media_topics_take_iptc_labels_and_iris():
    (doc,) = docs_of("ninjs-3.0-addb-tour-down-under-antidoping.json")
    assert doc.title == "Anti-doping measures at the 'Tour Down Under' will be the toughest ever"
    assert doc.published is None and doc.modified.isoformat() == "2023-10-08T02:34:03+02:00"
    assert doc.authors == ["Trond Husø"]
    assert subjects(doc) == [
        ("sport", "topic", "ninjs", "http://cv.iptc.org/newscodes/mediatopic/15000000", "medtop:15000000"),
        ("drug abuse in sport", "topic", "ninjs", "http://cv.iptc.org/newscodes/mediatopic/20001105", "medtop:20001105"),
        ("cycling", "topic", "ninjs", "http://cv.iptc.org/newscodes/mediatopic/20000892", "medtop:20000892")]
    assert doc.excerpt.startswith("The Australian Sports Anti-Doping Authority (ASADA) today announced")
    assert doc.body[0].startswith("The initiatives are being implemented in close partnership")
    assert (doc.extra["ninjs_version"], doc.extra["genre"]) == ("3.0", "http://cv.iptc.org/newscodes/genre/Actuality")


# --- Event Registry, GDELT, JSON Lines (fictional samples in data/api) ---------------------

def test_event_registry_error_and_empty_responses_are_no_articles():
    need_json()
    with pytest.raises(NoArticles, match=r"error response: The value in \$and contained an empty array"):
        read(JSON_SAMPLES / "eventregistry-getarticles-error-empty-and.json")
    with pytest.raises(NoArticles, match="no articles .*totalResults 0"):
        read(JSON_SAMPLES / "eventregistry-topicpage-apple-empty-results.json")


def test_event_registry_article():
    (doc,) = read(DATA / "api" / "eventregistry-turbines.json")
    assert doc.title == "Lisbon harbour tests tidal turbines that follow the fish"
    assert doc.published.isoformat() == "2024-03-02T08:15:00+00:00"
    assert doc.authors == ["Ana Reis"] and doc.extra["byline_organizations"] == ["Atlantic Wire Service"]
    assert (doc.provider.name, doc.provider.domain, doc.language) == ("Harbour Ledger", "harbour-ledger.example", "eng")
    assert doc.body == ["A pilot of slow-turning tidal turbines in the Tagus estuary.",
                        "The blades turn slower when sonar sees a shoal."]
    assert subjects(doc) == [
        ("Tagus", "place", "eventregistry", "http://en.wikipedia.org/wiki/Tagus", None),
        ("Tidal power", "topic", "eventregistry", "http://en.wikipedia.org/wiki/Tidal_power", None),
        ("Tagus Energy Consortium", "organization", "eventregistry", "https://concepts.example/Tagus_Energy_Consortium", None),
        ("Rita Sardinha", "person", "eventregistry", "https://concepts.example/Rita_Sardinha", None),
        ("Energy", "topic", "eventregistry", None, "dmoz/Science/Technology/Energy")]
    assert (doc.extra["sentiment"], doc.extra["event_uri"]) == (0.31, "por-0000001")


def test_gdelt_artlist():
    first, second = read(DATA / "api" / "gdelt-artlist-estuary.json")
    assert first.urls == {"web": "https://www.northwind-times.example/world/estuary-quiet-season",
                          "mobile": "https://amp.northwind-times.example/world/estuary-quiet-season"}
    assert first.published is None and first.retrieved.isoformat() == "2024-03-01T18:00:00+00:00"
    assert (first.provider.domain, first.language, first.country) == ("northwind-times.example", "English", "United Kingdom")
    assert [i.url for i in first.images] == ["https://img.northwind-times.example/2024/03/estuary-boats.jpg"]
    assert second.urls == {"web": "https://tagus-gazette.example/2024/03/02/pausa-no-estuario"} and second.images == []
    assert second.title == "Pausa no estuário agrada aos pescadores"


def test_ninjs_media_topics_by_uri_and_by_scheme_and_code():
    (doc,) = read(DATA / "api" / "ninjs-atlantic-wire.json")
    assert subjects(doc)[:2] == [
        ("fishing industry", "topic", "ninjs", "http://cv.iptc.org/newscodes/mediatopic/20000213", "medtop:20000213"),
        ("renewable energy", "topic", "ninjs", "http://cv.iptc.org/newscodes/mediatopic/20000436", "medtop:20000436")]
    assert subjects(doc)[2:] == [("Rita Sardinha", "person", "ninjs", None, None),
                                 ("Tagus Energy Consortium", "organization", "ninjs", None, None),
                                 ("Lisbon", "place", "ninjs", None, None)]
    assert doc.authors == ["Clara Nunes"] and doc.provider.name == "Atlantic Wire Service"


def test_json_lines_mix_schemas_and_number_every_line(tmp_path):
    records = read(DATA / "api" / "articles.jsonl")
    assert [(r.extra["api"], r.line) for r in records] == [("gdelt", 1), ("newsapi", 2)]
    assert records[1].title == "Berth calendar pilot starts in three ports"
    lines = (DATA / "api" / "articles.jsonl").read_text().splitlines()
    bad = "\n".join([lines[0], "{not json", '{"hello": "world"}', "", lines[1], "[1, 2]"]) + "\n"
    out = API.read(bad, "bad.jsonl")
    assert [type(r).__name__ for r in out] == ["Document", "ItemFailure", "ItemFailure", "Document", "ItemFailure"]
    assert [(r.index, r.line) for r in out if isinstance(r, ItemFailure)] == [(2, 2), (3, 3), (5, 6)]
    assert "hello" in out[2].reason and "not valid JSON" in out[1].reason


# --- shapes kg does not know, hostile JSON -------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ('{"name": "kg", "version": "1.0", "dependencies": {}}', "top-level keys: dependencies, name, version"),
    ("[1, 2, 3]", "top-level list"),
    ('{"articles": [{"id": 1, "headline": "no url, no source"}]}', "top-level keys: articles"),
    ('{"status": "error", "code": "rateLimited", "message": "You have made too many requests."}',
     "API error rateLimited: You have made too many requests."),
    ('{"response": {"status": "error", "message": "Invalid authentication credentials"}}',
     "API error: Invalid authentication credentials"),
    ('{"fault": {"faultstring": "Invalid ApiKey", "detail": {}}}', "API error: Invalid ApiKey"),
    ('{"status": "ok", "totalResults": 0, "articles": []}', "no articles (articles is empty; totalResults 0)"),
])
def test_unknown_shapes_and_api_errors_are_no_articles(text, words):
    assert detect_format(text) == "newsapi"
    with pytest.raises(NoArticles) as info:
        API.read(text, "x.json")
    assert words in info.value.message


def test_unknown_json_is_reported_with_its_keys_by_the_build(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "kg", "scripts": {"test": "pytest"}}')
    (tmp_path / "story.json").write_text((DATA / "api" / "newsapi-tidal-blogs.json").read_text())
    result = kg.build([tmp_path], ner="none")
    by_name = {o.name.rsplit("/", 1)[-1]: o for o in result.outcomes}
    assert by_name["story.json"].status == "ingested"
    assert by_name["package.json"].status != "ingested"
    assert "top-level keys: name, scripts" in by_name["package.json"].reason
    assert not [n for n, d in result.graph.nodes(data=True) if d["type"] == "article" and "kg" == d.get("headline")]


def test_api_error_bodies_are_skipped_not_failed():
    need_json()
    result = kg.build([JSON_SAMPLES], ner="none")
    by_name = {o.name.rsplit("/", 1)[-1]: o for o in result.outcomes}
    assert by_name["eventregistry-getarticles-error-empty-and.json"].status == "skipped"
    assert by_name["eventregistry-topicpage-apple-empty-results.json"].status == "skipped"


def test_every_shared_api_sample_is_read():
    need_json()
    result = kg.build([JSON_SAMPLES], ner="none")
    by_name = {o.name.rsplit("/", 1)[-1]: o for o in result.outcomes}
    counts = {"newsapi-top-headlines-technology-us-2021-01-10.json": 70,
              "newsapi-top-headlines-technology-fr-2020-12-26-first17.json": 17,
              "nyt-article-search-v2-2016-06-05.json": 10, "guardian-content-api-item-quinoa-2013.json": 1,
              "ninjs-1.4-businesswire-applebees-lunch-decoy.json": 1, "ninjs-1.4-costa-concordia-schettino.json": 1,
              "ninjs-2.1-dpa-favre-revierderby.json": 1, "ninjs-3.0-addb-tour-down-under-antidoping.json": 1}
    for name, n in counts.items():
        assert by_name[name].status == "ingested" and by_name[name].format == "newsapi", name
        assert len(by_name[name].articles) == n, name
    for name in ("eventregistry-getarticles-error-empty-and.json", "eventregistry-topicpage-apple-empty-results.json"):
        assert by_name[name].status == "skipped" and by_name[name].reason, name
    assert "contained an empty array" in by_name["eventregistry-getarticles-error-empty-and.json"].reason


@pytest.mark.parametrize("text, words", [
    ('{"articles": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ('{"status": "ok", "articles": [{"source": {"name": "X"}, "title": "T", "url": "https://x.org/a", '
     '"publishedAt": NaN}]}', "cannot be read"),
    ('{"articles": [' + "1" * 5000 + "]}", "cannot be read"),
    ('{"articles": [{"url": "https://x.org/a", "seendate": "2024"', "not valid JSON"),
])
def test_hostile_json_is_refused_with_a_reason(text, words):
    with pytest.raises(ReadError) as info:
        API.read(text, "hostile.json")
    assert words in info.value.message


def test_records_that_are_not_objects_are_item_failures():
    text = json.dumps({"articles": [{"url": "https://x.org/a", "seendate": "20240101T000000Z", "title": "A"}, 7, None,
                                    {"url": "https://x.org/b", "seendate": "bad date"}]})
    out = API.read(text, "mixed.json")
    assert [type(r).__name__ for r in out] == ["Document", "ItemFailure", "ItemFailure", "Document"]
    assert out[1].index == 2 and "a int" in out[1].reason
    assert out[3].retrieved is None and any("not read" in n for n in out[3].notes)


# --- the IPTC vocabulary kg ships --------------------------------------------------------

def test_shipped_media_topics_are_generated_from_the_iptc_export():
    if not VOCAB.is_file():
        pytest.skip("../shared/vocab/iptc is not beside the project")
    from kg.vocab.make_mediatopic import compact

    export = json.loads(VOCAB.read_text(encoding="utf-8"))
    assert compact(export) == vocabulary()
    assert len(vocabulary()["topics"]) == len(export["conceptSet"]) == 1228
    assert "CC BY 4.0" in vocabulary()["attribution"]
    assert media_topic("medtop:99999999") == ("99999999", "http://cv.iptc.org/newscodes/mediatopic/99999999", None)


# --- fuzzing ------------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES * 3, deadline=None, derandomize=not os.environ.get("KG_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                 st.text(max_size=30), st.sampled_from(["https://x.org/a", "2021-02-30T10:00:00Z", "medtop:20000213",
                                                        "<p>x</p>", "By A and B, CNN", ""]))
value = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)
KEYS = {
    "newsapi": ["source", "title", "url", "publishedAt", "author", "content", "description", "urlToImage"],
    "gdelt": ["url", "seendate", "title", "domain", "socialimage", "url_mobile", "language", "sourcecountry"],
    "guardian": ["webUrl", "webTitle", "webPublicationDate", "fields", "tags", "elements", "sectionName"],
    "nyt": ["web_url", "headline", "pub_date", "byline", "keywords", "multimedia", "word_count"],
    "eventregistry": ["uri", "url", "title", "dataType", "body", "source", "authors", "concepts", "categories", "date"],
    "ninjs": ["uri", "versioncreated", "headlines", "bodies", "subjects", "people", "places", "associations", "by",
              "subject", "person", "organisation"],
}


@st.composite
def api_record(draw) -> dict:
    keys = KEYS[draw(st.sampled_from(sorted(KEYS)))]
    record = {k: draw(value) for k in keys if draw(st.booleans())}
    record.update({k: draw(value) for k in keys[:2]})  # the marks, with values of any type
    return record


@FUZZ
@given(st.lists(api_record(), min_size=1, max_size=4), st.sampled_from(["list", "articles", "jsonl"]))
def test_fuzz_api_reader_accounts_for_every_record(records, envelope):
    if envelope == "jsonl":
        text = "\n".join(json.dumps(r) for r in records) + "\n"
    else:
        text = json.dumps(records if envelope == "list" else {"articles": records})
    try:
        out = API.read(text, "fuzz.json")
    except ReadError:
        return  # the whole file reported with a reason
    assert all(isinstance(r, (Document, ItemFailure)) for r in out)
    assert len(out) == len(records)
    for doc in (r for r in out if isinstance(r, Document)):
        assert doc.urls.get("web") or doc.title
        assert all(s.type in ("topic", "organization", "person", "place") for s in doc.subjects)
        json.dumps(doc.extra, default=str)


#: Small fictional records in each API's shape; the fuzzer below replaces their values at random.
TEMPLATES = [
    {"source": {"id": None, "name": "Open Quay"}, "author": "By Ana Reis, Open Quay", "title": "T - Open Quay",
     "url": "https://open-quay.example/a", "publishedAt": "2024-03-05T09:30:00Z", "content": "x… [+10 chars]"},
    {"webUrl": "https://x.example/a", "webTitle": "T", "webPublicationDate": "2024-01-01T00:00:00Z",
     "fields": {"headline": "H", "body": "<p>b</p>", "byline": "A B", "wordcount": "12", "publication": "The Observer"},
     "tags": [{"id": "a/b", "type": "keyword", "webTitle": "K", "webUrl": "https://x.example/k"},
              {"id": "p/c", "type": "contributor", "webTitle": "C D", "webUrl": "https://x.example/p"}],
     "elements": [{"type": "image", "assets": [{"file": "https://x.example/i.jpg",
                                               "typeData": {"width": "10", "height": "5", "credit": "Cr"}}]}]},
    {"web_url": "https://x.example/n", "headline": {"main": "M", "kicker": "K"}, "pub_date": "2016-06-05T00:00:00+0000",
     "byline": {"person": [{"firstname": "AMY", "lastname": "LEE", "rank": 1}], "original": "By AMY LEE"},
     "keywords": [{"name": "persons", "value": "Lee, Amy", "rank": "1"}, {"name": "glocations", "value": "Oslo"}],
     "multimedia": [{"url": "images/a/b.jpg", "width": 10, "height": 10, "type": "image"}]},
    {"uri": "urn:x", "versioncreated": "2024-01-01T00:00:00Z", "headlines": [{"role": "main", "value": "H"}],
     "bodies": [{"contenttype": "text/html", "value": "<p>x</p>"}], "by": "Von A B, dpa",
     "subjects": [{"uri": "http://cv.iptc.org/newscodes/mediatopic/15000000", "name": "Sport"}],
     "subject": [{"scheme": "http://cv.iptc.org/newscodes/mediatopic/", "code": "20000892", "name": "c"}],
     "associations": {"p": {"type": "picture", "renditions": {"r": {"href": "https://x.example/p.jpg", "width": 1}}}}},
    {"uri": "1", "url": "https://x.example/e", "title": "E", "dataType": "news", "body": "b\n\nc", "date": "2024-01-01",
     "time": "10:00:00", "source": {"uri": "x.example", "title": "X"}, "authors": [{"name": "A B", "isAgency": False}],
     "concepts": [{"type": "loc", "uri": "http://en.wikipedia.org/wiki/Oslo", "label": {"eng": "Oslo"}}],
     "categories": [{"uri": "news/Business", "label": "news/Business"}]},
]


def _mutate(draw, node):
    if isinstance(node, dict):
        return {k: _mutate(draw, v) for k, v in node.items() if draw(st.integers(0, 9))}
    if isinstance(node, list):
        return [_mutate(draw, v) for v in node]
    return draw(value) if not draw(st.integers(0, 2)) else node


@FUZZ
@given(st.data())
def test_fuzz_api_templates_with_random_values(data):
    records = [_mutate(data.draw, t) for t in data.draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=3))]
    try:
        out = API.read(json.dumps({"articles": records}), "fuzz.json")
    except ReadError:
        return
    assert len(out) == len(records)
    for doc in (r for r in out if isinstance(r, Document)):
        assert all(isinstance(a, str) and a for a in doc.authors)
        assert all(isinstance(i.url, str) and i.url for i in doc.images)
        json.dumps(doc.extra, default=str)


def test_broken_json_fails_with_its_line_and_text_in_brackets_is_not_json(tmp_path):
    (tmp_path / "cut.json").write_text('{"status": "ok",\n "articles": [\n  {"source": {"name": "X"}, "title": "T",,}\n]}\n')
    (tmp_path / "note.txt").write_text("[Breaking] Harbour closed\n\nThe harbour is closed today.\n")
    result = kg.build([tmp_path], ner="none")
    by_name = {o.name.rsplit("/", 1)[-1]: o for o in result.outcomes}
    cut = by_name["cut.json"]
    assert (cut.status, cut.format, cut.line) == ("failed", "newsapi", 3) and "not valid JSON" in cut.reason
    assert by_name["note.txt"].format != "newsapi"
