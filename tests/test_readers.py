"""Each reader on the real seed documents, and on small hand-made cases."""

from __future__ import annotations

from datetime import datetime

import pytest

from kg.errors import ReadError, UnsupportedFormat
from kg.readers import READERS, detect_format, get_reader
from kg.readers.analysis import split_run_together
from kg.readers.base import ReaderModule
from kg.sources import as_source

from .conftest import CORPUS, SEEDS, need_shared


def read_seed(prefix: str):
    need_shared()
    path = next(SEEDS.glob(prefix + "_*"))
    source = as_source(path)
    fmt = detect_format(source.text)
    return fmt, get_reader(fmt).read(source.text, path.name), source


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_reader_meets_the_protocol(name):
    module = get_reader(name)
    assert isinstance(module, ReaderModule)
    assert module.NAME == name


def test_unknown_format_is_one_clear_error():
    with pytest.raises(UnsupportedFormat, match="unknown format 'pdf'"):
        get_reader("pdf")


def test_page_dump_seed_article():
    fmt, docs, _ = read_seed("000")
    assert fmt == "page"
    (doc,) = docs
    assert doc.title == "Top Lawmakers Slam Draft Facial Recognition Laws as Vague and Open to Abuse"
    assert doc.authors == ["Matthew Walsh"]
    assert doc.section == "Politics & Law"
    assert doc.site_name == "Caixin Global"
    assert doc.published.date().isoformat() == "2020-10-21"
    assert doc.published.isoformat() == "2020-10-21T11:17:00+08:00"
    assert doc.photo_credits == ["VCG"]
    assert doc.body[0].startswith("In recent years, China")
    assert not any("Contact reporter" in p or "Share this article" in p for p in doc.body)
    # the 20 navigation headlines are neither the title nor body
    assert not any(p.startswith(("JD Logistics", "Britain Bans")) for p in doc.body)


def test_analysis_seed_counts():
    fmt, docs, _ = read_seed("004")
    assert fmt == "analysis"
    (doc,) = docs
    assert doc.title == "China Cracks Down on Illegal Use of Facial Recognition Data"
    assert doc.provider.domain == "europe.chinadaily.com.cn"
    assert doc.language == "English" and doc.country == "China"
    assert len(doc.tags) == 8 and "Data Privacy" in doc.tags
    assert doc.organizations == [
        "Supreme People's Court", "Zhongdun Law Offices", "Cyberspace Administration Of China", "Ministry Of Public Security",
    ]
    assert doc.people == ["Xu", "Li", "Wei Jingfeng"]
    assert len(doc.qa) == 3 and all(q.question.endswith("?") and q.answer for q in doc.qa)
    assert [(b.dimension, b.score, b.scale) for b in doc.bias] == [
        ("Framing Bias", 2, 5), ("Language Bias", 1, 5), ("Bias by Omission", 3, 5), ("False Dichotomy", 3, 5),
    ]
    assert all(b.rationale for b in doc.bias)
    (sdg,) = doc.sdgs
    assert (sdg.goal, sdg.direction, sdg.relevance) == (16, "Positive", "Direct Relevance")
    assert sdg.rationale.startswith("The Chinese government")


def test_feed_seed_fields():
    fmt, docs, source = read_seed("003")
    assert fmt == "feed"
    (doc,) = docs
    assert doc.title.startswith("China closes record number")
    assert doc.published == datetime.fromisoformat("2023-08-11T22:01:00+00:00")
    assert set(doc.urls) == {"original", "web", "amp", "cdn_amp"}
    assert (doc.quality, doc.heat, doc.is_published, doc.type) == (83, 95, True, "article")
    assert doc.provider.name == "ZDNet" and doc.provider.domain == "zdnet.com"
    assert doc.provider.images[0].width == 50
    assert doc.topics == ["Computer Vision", "AI"]
    assert doc.images[0].width == 1200 and doc.images[0].height == 675
    (rel,) = doc.related
    assert rel.title == "Application of facial recognition tech needs to be strictly regulated"
    assert rel.provider.name == "中国日报网" and rel.quality == 39 and rel.images
    assert "secured" not in doc.extra


def test_feed_mojibake_is_repaired_and_recorded():
    _fmt, docs, source = read_seed("001")
    excerpts = [r.excerpt for r in docs[0].related]
    assert any("Graphyte™ platform" in e for e in excerpts)
    assert any("mojibake" in note for note in source.notes)


def test_unknown_feed_fields_are_kept():
    text = "---\ntitle: T\nwebUrl: https://x.org/a\nmood: sunny\nscores: [1, 2]\nsecured: xyz\n---\n"
    (doc,) = get_reader("feed").read(text, "t.md")
    assert doc.extra == {"mood": "sunny", "scores": [1, 2]}


def test_feed_url_with_dashes_does_not_break_front_matter():
    text = "---\ntitle: T\nwebUrl: https://m.com/a?source=topic---------2----1\n---\n"
    (doc,) = get_reader("feed").read(text, "t.md")
    assert doc.urls["web"].endswith("---------2----1")


def test_yaml_error_names_the_line():
    text = "---\ntitle: ok\nwebUrl: [unclosed\nquality: 3\n---\n"
    with pytest.raises(ReadError) as info:
        get_reader("feed").read(text, "bad.md")
    assert info.value.line is not None and info.value.line >= 3
    assert "bad.md:" in str(info.value)


@pytest.mark.parametrize(
    "line, names",
    [
        ("XuLiWei Jingfeng", ["Xu", "Li", "Wei Jingfeng"]),
        ("NatoUs Department Of Defense", ["Nato", "Us Department Of Defense"]),
        ("Russian GovernmentUkrainian GovernmentU.s. Government", ["Russian Government", "Ukrainian Government", "U.s. Government"]),
        ("OpenAIMicrosoftTikTok", ["OpenAI", "Microsoft", "TikTok"]),
        ("Mark RutteDonald Trump", ["Mark Rutte", "Donald Trump"]),
    ],
)
def test_run_together_names(line, names):
    assert split_run_together(line) == names


def test_every_corpus_page_is_detected_as_its_format():
    need_shared()
    import csv

    rows = list(csv.DictReader((CORPUS / "pages" / "SOURCES.tsv").open(), delimiter="\t"))
    expected = {"byline-page": "page", "analysis-page": "analysis"}
    for row in rows:
        text = as_source(CORPUS / "pages" / row["file"]).text
        assert detect_format(text) == expected[row["format"]], row["file"]


def test_live_page_yields_each_story_without_navigation_titles():
    need_shared()
    path = CORPUS / "pages" / "caixin_business-and-tech-live_2019-05-21_qutoutiao-ceo.txt"
    docs = get_reader("page").read(as_source(path).text, path.name)
    assert [d.authors for d in docs] == [["Isabelle Li"], ["Huang Rong", "Zhao Runhua"]]
    assert all(d.title is None for d in docs)
    assert docs[1].body[0].startswith("The future of Boeing")


def test_latest_page_takes_the_listed_story_headline():
    need_shared()
    path = CORPUS / "pages" / "caixin_live_2020-08-07_smic-profits.txt"
    (doc,) = get_reader("page").read(as_source(path).text, path.name)
    assert doc.title == "SMIC Profits Soar to $138m in Second Quarter"


def test_other_byline_styles():
    need_shared()
    xinhua = CORPUS / "pages" / "other_xinhuanet_2019-07-22_beijing-public-rental-facial-recognition.txt"
    (doc,) = get_reader("page").read(as_source(xinhua).text, xinhua.name)
    assert doc.site_name == "Xinhua" and doc.editors == ["Li Xia"]
    assert doc.published.isoformat() == "2019-07-22T15:42:16+08:00"
    assert doc.title.startswith("Across China: Facial recognition")
    newschina = CORPUS / "pages" / "other_newschinamag_tianjin-facial-data-lawsuit.txt"
    (doc,) = get_reader("page").read(as_source(newschina).text, newschina.name)
    assert doc.authors == ["Xie Ying", "Yuan Suwen"] and doc.published is None
    assert any("no full date" in n for n in doc.notes)
