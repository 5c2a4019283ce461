"""Name renderings that are not errors, or small ones: a space or hyphen more or less, and look-alike
letters of another script.

Every text here is made up. Each rule has a faithful case that used to be flagged (or flagged major)
and a garbled case that must still be flagged.
"""

from __future__ import annotations

from mtqa import audit
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.nlp.lexicon import lookalikes, same_but_lookalikes


def flags_of(
    original: str, copy: str, embedder: SentenceTransformerEmbedder, kinds: tuple[str, ...] = ("name",)
) -> list[tuple[str, str, str, str]]:
    flags = audit(original, copy, embedder=embedder).flags
    return [(f.kind, f.text, f.suggestion, f.severity) for f in flags.itertuples() if f.kind in kinds]


def test_a_name_split_or_joined_differently_is_a_variant(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "The label Star Gate issued a statement on Monday. Star Gate said the tour would go ahead."
    joined = "The label StarGate issued a statement on Monday. StarGate said the tour would go ahead."
    assert flags_of(original, joined, real_embedder) == []
    hyphen = "The singer Mary-Jo Brenner thanked her fans. She will tour in spring."
    assert flags_of(hyphen, hyphen.replace("Mary-Jo", "Mary Jo"), real_embedder) == []
    # one word of the name broken in pieces, as machine translation breaks a word it does not know
    original = "The envoy Dana Kovalenkov arrived in the capital on Monday. Kovalenkov met the minister."
    broken = "The envoy Dana Koval Enkov arrived in the capital on Monday. Koval Enkov met the minister."
    assert {(f[1], f[2], f[3]) for f in flags_of(original, broken, real_embedder)} == {
        ("Koval Enkov", "Kovalenkov", "minor")
    }
    # parts run together so that one no longer shows where it starts: the capital is lost
    original = "The ferry left Port Haven on Monday with 300 passengers. Port Haven officials said the sea was calm."
    assert flags_of(original, original.replace("Port Haven", "PortHaven"), real_embedder) == []
    run_together = original.replace("Port Haven", "Porthaven")
    assert {f[1:] for f in flags_of(original, run_together, real_embedder)} == {("Porthaven", "Port Haven", "minor")}
    original = "The label Star Gate issued a statement on Monday. Star Gate said the tour would go ahead."
    # letters changed as well as the spacing: still a respelling
    garbled = "The label Stargote issued a statement on Monday. Stargote said the tour would go ahead."
    assert [f[1] for f in flags_of(original, garbled, real_embedder)] == ["Stargote", "Stargote"]


def test_lookalike_letters_are_found_by_their_script() -> None:
    assert lookalikes("Moпday") == "п"  # a Cyrillic letter among Latin ones
    assert lookalikes("Москва") == "" and lookalikes("Görlitz") == ""  # one script each
    assert same_but_lookalikes("Monday", "Moпday") and same_but_lookalikes("Sunday’s", "Sυпday’s")
    assert not same_but_lookalikes("Monday", "Moпdax")


def test_lookalike_letters_draw_one_minor_flag(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Officials said on Monday that Mayor Dana Rivers will open the Harlow Fair in Kansas City."
    copy = "Officials said on Moпday that Mayor Dana Rivers will open the Harlow Fair in Kaпsas City."
    flags = flags_of(original, copy, real_embedder, ("name", "spelling"))
    # the name's flag shows the name; an ordinary word's is a spelling flag; never two on one word
    assert sorted(flags) == [
        ("name", "Kaпsas", "Kansas", "minor"),
        ("spelling", "Moпday", "Monday", "minor"),
    ]
    # the same words in Latin letters: nothing to flag; nor a letter the original writes too, or a
    # modifier letter, which no one swaps for a Latin one
    assert flags_of(original, original, real_embedder, ("name", "spelling")) == []
    science = "Levels of TNFα rose in the patients, researchers in Hawaiʻi said on Monday."
    assert flags_of(science, science, real_embedder, ("name", "spelling")) == []


def test_an_abbreviation_of_the_words_the_other_side_writes_out_is_a_variant(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = "The United Nations Office for Refugee Aid opened a camp near the border on Monday."
    assert flags_of(original, original.replace("United Nations", "UN"), real_embedder) == []
    original = "The UK Trade Minister Dana Rivers met the delegation in Harlow on Monday."
    assert flags_of(original, original.replace("UK", "United Kingdom"), real_embedder) == []
    # an abbreviation of other words, or of words the short side writes itself: still flagged
    original = "Officials said the UN Office for Refugee Aid opened a camp near the border on Monday."
    assert [f[1:3] for f in flags_of(original, original.replace("UN", "EU"), real_embedder)] == [("EU", "UN")]
    original = "The US Secretary of State Dana Rivers met the delegation in Harlow on Monday."
    garbled = original.replace("US Secretary", "Under Secretary")
    assert [f[1:3] for f in flags_of(original, garbled, real_embedder)] == [("Under", "US")]


def test_a_name_run_into_the_word_before_or_in_a_compound_is_whole(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Shares in Kovalenko Group fell 20% on Monday after a short seller's report."
    assert flags_of(original, original.replace("in Kovalenko", "inKovalenko"), real_embedder) == []
    garbled = original.replace("in Kovalenko", "inKovalenka")
    assert [f[1] for f in flags_of(original, garbled, real_embedder)] == ["inKovalenka"]
    original = "The tanker, which is Moldova-flagged, hit the bridge on Monday."
    assert flags_of(original, original.replace("Moldova-flagged", "Moldova"), real_embedder) == []
    garbled = original.replace("Moldova-flagged", "Moldavo-flagged")
    assert [f[1] for f in flags_of(original, garbled, real_embedder)] == ["Moldavo-flagged"]
    # a person's hyphenated given name cut to its first part is no compound modifier
    original = "The actress Kim Hye-jin thanked her fans after the show on Monday."
    assert flags_of(original, original.replace("Hye-jin", "Hye"), real_embedder) == [
        ("name", "Hye", "Hye-jin", "major")
    ]


def test_name_words_whose_slot_holds_other_words_are_judged() -> None:
    # "Rescue Department" left unlinked, with one word, "Force", in its slot; the default (ONNX)
    # encoder, whose links this case was written against
    original = "Two people were pulled from the river, Harlow Fire Rescue Department Capt. Dana Rivers said on Monday."
    garbled = "Two people were pulled from the river, Harlow Fire Force captain Dana Rivers said on Monday."
    flags = audit(original, garbled, detectors=["name"]).flags
    assert [(f.text, f.suggestion) for f in flags.itertuples()] == [("Force", "Rescue Department")]
    faithful = (
        "Two people were pulled from the river, Harlow Fire Rescue Department captain Dana Rivers said on Monday."
    )
    assert audit(original, faithful, detectors=["name"]).flags.empty


def test_name_words_translated_from_an_original_in_another_language_are_no_error(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = (
        "Os restos mortais foram encontrados no Parque Nacional Serra Verde, disse a polícia. "
        "O Congresso Nacional fez um minuto de silêncio na quarta-feira."
    )
    copy = (
        "The remains were found in Serra Verde National Park, police said. "
        "The National Congress held a minute of silence on Wednesday."
    )
    assert flags_of(original, copy, real_embedder) == []
    original = "A vacina foi desenvolvida pelo Instituto Butantan, em São Paulo, segundo o governo."
    copy = "The vaccine was developed by the Butantan Institute in São Paulo, according to the government."
    assert flags_of(original, copy, real_embedder) == []
    # the same words swapped in an English original are a rendering to flag
    original = "The remains were found in Serra Verde National Park, police said."
    copy = "The remains were found in Serra Verde Natural Garden, police said."
    assert [f[2] for f in flags_of(original, copy, real_embedder)] == ["Serra Verde National Park"]


def test_a_name_joined_of_capitalised_parts_and_its_first_part_are_one_name(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = "Shares of Harlocorp rose on Monday after the merger. Harlocorp said profits would grow."
    fuller = "Shares of HarlocorpEnergy rose on Monday after the merger. HarlocorpEnergy said profits would grow."
    assert flags_of(original, fuller, real_embedder) == []
    # a lowercase ending is no part: a name cut short stays a mangling
    cut = "Shares of Harloco rose on Monday after the merger. Harloco said profits would grow."
    assert [severity for _, _, _, severity in flags_of(original, cut, real_embedder)] == ["major", "major"]
