"""Seeded generator of realistic synthetic news corpora, for benchmarks.

Feed items are modelled on the real everyday-cc/ai feed items in
``../shared/corpus/everyday-ai``: the same fields, 1-3 topics from a pool,
outlets repeated with a long tail, 0-4 related entries that point at other
items of the corpus (so coverage clusters form), AMP and AMP-cache url
variants, tracking parameters, images with sizes. ``--pages`` and
``--analysis`` add page dumps and analysis pages in the same spirit.

    python benchmarks/generate.py --items 100000 --out /tmp/synth-100k

The same seed and size give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

TOPICS = [
    "AI", "Computer Vision", "Machine Learning", "Robotics", "Natural Language Processing", "Privacy",
    "Facial Recognition", "Semiconductors", "Cloud Computing", "Cybersecurity", "Autonomous Vehicles",
    "Healthcare", "Regulation", "Deep Learning", "Data Science", "Big Data", "Ethics", "Startups",
    "Quantum Computing", "Drones", "Chatbots", "Fintech", "Education", "Climate & Environment", "Energy",
    "Smart Cities", "Biometrics", "Open Source", "Gaming", "Surveillance", "Trade", "Defense",
]
WORDS = (
    "china regulators draft rules facial recognition chips exports startup funding model training data privacy "
    "court ruling lawmakers platform users cloud market growth report shares investors company launches new "
    "system research lab university study accuracy bias police cameras city transport hospital patients "
    "drug discovery protein folding robot factory workers jobs union strike tariff sanctions talks summit"
).split()
FIRST = ["Ana", "Li", "Wei", "Maria", "John", "Priya", "Kenji", "Fatima", "Lucas", "Olga", "Tomas", "Ines", "Chen", "Sara"]
LAST = ["Walsh", "Zhang", "Okafor", "Valcourt", "Novak", "Tanaka", "Silva", "Haddad", "Kowalski", "Ruiz", "Liang"]
ORGS = ["Ministry of Commerce", "Supreme Court", "Cyberspace Administration", "Data Protection Authority",
        "University of Lisbon", "Harbour Group", "Tagus Energy Consortium", "National Robotics Institute"]
COUNTRIES = ["China", "United States", "Germany", "Kenya", "Brazil", "India", "Japan", "Netherlands"]


def outlets(rng: random.Random, n: int = 400) -> list[tuple[str, str, list[str]]]:
    """(name, domain, hosts) with a Zipf-like popularity; some outlets have several names/hosts."""
    out = []
    for i in range(n):
        stem = "".join(rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
        tld = rng.choice(["com", "com", "com", "co.uk", "org", "net", "com.au", "de"])
        domain = f"{stem}{i}.{tld}"
        name = stem.capitalize() + rng.choice([" News", " Times", " Post", " Daily", " Review", ""])
        hosts = ["www." + domain] + ([f"{rng.choice(['europe', 'global', 'tech'])}.{domain}"] if rng.random() < 0.1 else [])
        out.append((name, domain, hosts))
    return out


def pick_outlet(rng: random.Random, pool: list) -> tuple[str, str, list[str]]:
    return pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)]


def title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 12))]
    return " ".join(words).capitalize()


def url_for(rng: random.Random, item: int, outlet) -> str:  # type: ignore[no-untyped-def]
    host = rng.choice(outlet[2])
    return f"https://{host}/{2019 + item % 6}/{(item * 7) % 12 + 1:02d}/story-{item}"


def amp_variants(rng: random.Random, url: str) -> dict[str, str]:
    roll = rng.random()
    if roll < 0.35:
        host = url.split("/")[2]
        amp = url + "/amp/" if rng.random() < 0.5 else url + "?outputType=amp"
        return {"ampWebUrl": amp, "cdnAmpWebUrl": f"https://{host.replace('.', '-')}.cdn.ampproject.org/c/s/{amp[8:]}"}
    return {}


def feed_item(rng: random.Random, i: int, n: int, when: datetime, urls: list[str], outlet_of: list, titles: list[str],
              start: datetime, stories: list[tuple[int, int]], pool_outlets: list) -> str:
    outlet = outlet_of[i]
    lines = [
        "---", "category: news", f'title: "{titles[i]}"', f'excerpt: "{" ".join(rng.choice(WORDS) for _ in range(30))}"',
        f"publishedDateTime: {when.strftime('%Y-%m-%dT%H:%M:%SZ')}",
    ]
    web = urls[i]
    if rng.random() < 0.5:
        lines.append(f'originalUrl: "{web}?utm_source=feed&utm_medium=rss"')
    lines.append(f'webUrl: "{web}"')
    for key, value in amp_variants(rng, web).items():
        lines.append(f'{key}: "{value}"')
    lines += ["type: article", f"quality: {rng.randint(0, 99)}", f"heat: {rng.randint(-1, 99)}",
              f"published: {str(rng.random() < 0.6).lower()}", "", "provider:", f"  name: {outlet[0]}", f"  domain: {outlet[1]}",
              "", "topics:"]
    lines += [f"  - {t}" for t in rng.sample(TOPICS, rng.randint(1, 3))]
    if rng.random() < 0.8:
        lines += ["", "images:", f'  - url: "https://img.{outlet[1]}/{i}.jpg"', f"    width: {rng.choice([640, 1024, 1200])}",
                  f"    height: {rng.choice([360, 480, 675])}", "    isCached: true"]
    # related entries point into the item's own story: runs of 1-15 items covering one event
    lo, hi = stories[i]
    pool = [j for j in range(lo, hi) if j != i]
    related = rng.sample(pool, k=min(rng.randint(0, 4), len(pool)))
    # and, as in the real feed, coverage the corpus does not hold (known only by reference)
    external = rng.randint(0, 3)
    if related or external:
        lines += ["", "related:"]
        for k in range(external):
            other = pick_outlet(rng, pool_outlets)
            ext_url = f"https://{other[2][0]}/ext/{i}-{k}"
            lines += [f'  - title: "{title(rng)}"', f'    excerpt: "{" ".join(rng.choice(WORDS) for _ in range(20))}"',
                      f"    publishedDateTime: {(when + timedelta(hours=rng.randint(-48, 48))).strftime('%Y-%m-%dT%H:%M:%SZ')}",
                      f'    webUrl: "{ext_url}"', "    type: article", "    provider:", f"      name: {other[0]}",
                      f"      domain: {other[1]}", f"    quality: {rng.randint(0, 99)}"]
        for j in related:
            other = outlet_of[j]
            # mostly the listed item's own title and date; now and then another (a real conflict)
            shown = titles[j] if rng.random() > 0.03 else title(rng)
            lines += [f'  - title: "{shown}"', f'    excerpt: "{" ".join(rng.choice(WORDS) for _ in range(20))}"',
                      f"    publishedDateTime: {(start + timedelta(minutes=37 * j)).strftime('%Y-%m-%dT%H:%M:%SZ')}",
                      f'    webUrl: "{urls[j]}"']
            for key, value in amp_variants(rng, urls[j]).items():
                lines.append(f'    {key}: "{value}"')
            lines += ["    type: article", "    provider:", f"      name: {other[0]}", f"      domain: {other[1]}",
                      f"    quality: {rng.randint(0, 99)}"]
    lines += ["", f'secured: "{rng.getrandbits(256):064x}"', "---", ""]
    return "\n".join(lines)


def page_dump(rng: random.Random, i: int, when: datetime) -> str:
    nav = [title(rng).title() for _ in range(20)]
    head = title(rng).title()
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    body = [" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(4)]
    body[0] = head + ": " + body[0]
    stamp = when.strftime("%b %d, %Y %I:%M %p")
    return "\n".join(["Synthetic Wire – Latest News", "", "Home >", "", *nav, head, "",
                      f"By {author} / {stamp} / Business & Tech", "", "Photo: SW", "", *[p + "\n" for p in body],
                      f"Contact reporter {author} (x@example.org)", "", "Share this article", ""])


def analysis_page(rng: random.Random, i: int, pool) -> str:  # type: ignore[no-untyped-def]
    outlet = pick_outlet(rng, pool)
    head = title(rng).title()
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 3))]
    orgs = rng.sample(ORGS, rng.randint(1, 3))
    tags = rng.sample(TOPICS, 4) + [rng.choice(COUNTRIES)]
    lines = [head, "", head, "", outlet[2][0][4:], "", head, "", " ".join(rng.choice(WORDS) for _ in range(40)), "",
             "English", rng.choice(COUNTRIES), "".join(t.replace(" ", " ") for t in tags), "".join(orgs), "".join(people)]
    for _ in range(3):
        lines += [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "?", " ".join(rng.choice(WORDS) for _ in range(30)) + "."]
    lines += ["", "Cognitive Concepts", ""]
    for dim in ("Framing Bias", "Language Bias"):
        lines += [f"{rng.randint(0, 5)}/5", "", dim, "", " ".join(rng.choice(WORDS) for _ in range(25)) + ".", ""]
    lines += ["Sustainable Development Goals", "", "Quality Education Positive", "Indirect Relevance", "",
              " ".join(rng.choice(WORDS) for _ in range(25)) + ".", ""]
    return "\n".join(lines)


def generate(out: Path, items: int, seed: int = 1, pages: int = 0, analysis: int = 0) -> int:
    """Write *items* feed items (plus page dumps and analysis pages); return the file count."""
    rng = random.Random(seed)
    pool = outlets(rng)
    start = datetime(2019, 1, 1, tzinfo=timezone.utc)
    outlet_of = [pick_outlet(rng, pool) for _ in range(items)]
    urls = [url_for(rng, i, outlet_of[i]) for i in range(items)]
    titles = [title(rng) for _ in range(items)]
    stories: list[tuple[int, int]] = []
    while len(stories) < items:
        lo = len(stories)
        hi = min(items, lo + min(int(rng.paretovariate(1.3)), 15))
        stories += [(lo, hi)] * (hi - lo)
    written = 0
    for i in range(items):
        when = start + timedelta(minutes=37 * i)
        folder = out / "feed" / f"{i // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{when:%Y-%m-%d}-item-{i}.md").write_text(feed_item(rng, i, items, when, urls, outlet_of, titles, start, stories, pool), encoding="utf-8")
        written += 1
    for i in range(pages):
        folder = out / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{i}.txt").write_text(page_dump(rng, i, start + timedelta(hours=5 * i)), encoding="utf-8")
        written += 1
    for i in range(analysis):
        folder = out / "analysis"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"analysis-{i}.txt").write_text(analysis_page(rng, i, pool), encoding="utf-8")
        written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=0)
    parser.add_argument("--analysis", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = generate(args.out, args.items, args.seed, args.pages, args.analysis)
    print(f"wrote {n} files to {args.out}")


if __name__ == "__main__":
    main()
