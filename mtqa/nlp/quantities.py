"""Quantities in English news text (numbers, amounts, units, dates, times), with exact offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mtqa.types import Document, Sentence

QuantityKind = Literal["number", "ordinal", "date", "time"]

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80,
    "ninetieth": 90, "hundredth": 100,
}  # fmt: skip
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

# Canonical unit -> (dimension, factor to the dimension's base unit). Currencies have no factor:
# two currencies are never converted into each other.
UNITS: dict[str, tuple[str, float | None]] = {
    "km": ("length", 1000.0), "m": ("length", 1.0), "cm": ("length", 0.01), "mm": ("length", 0.001),
    "mi": ("length", 1609.344), "ft": ("length", 0.3048), "in": ("length", 0.0254), "yd": ("length", 0.9144),
    "nmi": ("length", 1852.0),
    "mph": ("speed", 0.44704), "km/h": ("speed", 1 / 3.6), "kn": ("speed", 0.514444), "m/s": ("speed", 1.0),
    "kg": ("mass", 1.0), "g": ("mass", 0.001), "t": ("mass", 1000.0), "ton": ("mass", 907.185),
    "lb": ("mass", 0.453592), "oz": ("mass", 0.0283495),
    "km2": ("area", 1e6), "mi2": ("area", 2.58999e6), "m2": ("area", 1.0), "ft2": ("area", 0.092903),
    "ha": ("area", 1e4), "acre": ("area", 4046.86),
    "l": ("volume", 1.0), "gal": ("volume", 3.78541), "bbl": ("volume", 158.987), "m3": ("volume", 1000.0),
    "°C": ("temperature", None), "°F": ("temperature", None), "°": ("temperature", None),
    "magnitude": ("magnitude", 1.0),
    "kW": ("power", 1e3), "MW": ("power", 1e6), "GW": ("power", 1e9),
    "kWh": ("energy", 1e3), "MWh": ("energy", 1e6), "GWh": ("energy", 1e9),
    "s": ("duration", 1.0), "min": ("duration", 60.0), "h": ("duration", 3600.0), "day": ("duration", 86400.0),
    "week": ("duration", 604800.0), "month": ("duration", 2629746.0), "year": ("duration", 31556952.0),
    "decade": ("duration", 315569520.0), "century": ("duration", 3155695200.0),
    "%": ("percent", 1.0), "pp": ("percentage points", 1.0),
}  # fmt: skip

# Unit words after a number; plural "s" optional where written "(s)".
_UNIT_WORDS = {
    "km": "kilometer(s)|kilometre(s)", "m": "meter(s)|metre(s)", "cm": "centimeter(s)|centimetre(s)",
    "mm": "millimeter(s)|millimetre(s)", "nmi": "nautical mile(s)", "mi": "mile(s)", "ft": "foot|feet",
    "in": "inch|inches", "yd": "yard(s)", "mph": "miles per hour|miles an hour",
    "km/h": "kilometers per hour|kilometres per hour|kilometers an hour|kilometres an hour", "kn": "knot(s)",
    "kg": "kilogram(s)|kilogramme(s)|kilo(s)", "g": "gram(s)|gramme(s)", "t": "tonne(s)|metric ton(s)",
    "ton": "ton(s)", "lb": "pound(s)", "oz": "ounce(s)",
    "km2": "square kilometers|square kilometres", "mi2": "square miles", "m2": "square meters|square metres",
    "ft2": "square feet", "ha": "hectare(s)", "acre": "acre(s)", "l": "liter(s)|litre(s)", "gal": "gallon(s)",
    "bbl": "barrel(s)", "m3": "cubic meters|cubic metres",
    "°C": "degrees Celsius|degrees C|Celsius", "°F": "degrees Fahrenheit|degrees F|Fahrenheit",
    "°": "degree(s)", "magnitude": "magnitude",
    "kW": "kilowatt(s)", "MW": "megawatt(s)", "GW": "gigawatt(s)",
    "kWh": "kilowatt-hour(s)", "MWh": "megawatt-hour(s)", "GWh": "gigawatt-hour(s)",
    "s": "second(s)", "min": "minute(s)", "h": "hour(s)", "day": "day(s)", "week": "week(s)",
    "month": "month(s)", "year": "year(s)", "decade": "decade(s)", "century": "century|centuries",
    "%": "percent|per cent", "pp": "percentage point(s)",
}  # fmt: skip
# Abbreviations, matched case-sensitively ("MW" is not "mw").
_UNIT_ABBREVIATIONS = {
    "km": "km|kms", "m": "m", "cm": "cm", "mm": "mm", "mi": "mi", "ft": "ft", "yd": "yd", "mph": "mph",
    "km/h": "km/h|kph|kmh|km/hr", "kn": "kt|kts", "m/s": "m/s", "kg": "kg|kgs", "lb": "lb|lbs", "oz": "oz",
    "km2": "km2|km²|sq km", "mi2": "sq mi", "m2": "m2|m²", "ha": "ha", "°C": "°C|° C", "°F": "°F|° F", "°": "°",
    "kW": "kW", "MW": "MW", "GW": "GW", "kWh": "kWh", "MWh": "MWh", "GWh": "GWh",
    "min": "min|mins", "h": "hrs|hr", "%": "%",
}  # fmt: skip

CURRENCY_WORDS = {
    "dollar(s)": "USD", "U.S. dollar(s)": "USD", "US dollar(s)": "USD", "euro(s)": "EUR", "pounds sterling": "GBP",
    "sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY", "won": "KRW", "rupee(s)": "INR",
    "taka": "BDT", "ruble(s)": "RUB", "rouble(s)": "RUB", "peso(s)": "peso", "reais": "BRL", "rand": "ZAR",
    "naira": "NGN", "shekel(s)": "ILS", "dinar(s)": "dinar", "riyal(s)": "riyal", "dirham(s)": "AED",
    "lira|liras": "TRY", "franc(s)": "franc", "hryvnia(s)": "UAH", "zloty(s)|zlotys": "PLN",
    "krona|kronor|krone|kroner": "krona", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR",
}  # fmt: skip
CURRENCY_SIGNS = {
    "US$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD", "NZ$": "NZD", "R$": "BRL",
    "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY/CNY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY",
    "₦": "NGN", "Rs": "INR", "Rs.": "INR", "Tk": "BDT", "Tk.": "BDT",
}  # fmt: skip
ISO_CURRENCIES = ("USD", "EUR", "GBP", "CNY", "JPY", "INR", "BDT", "RUB", "CHF", "AUD", "CAD", "HKD", "KRW")
for _code in ISO_CURRENCIES:
    UNITS[_code] = ("currency", None)
for _code in {*CURRENCY_SIGNS.values(), *CURRENCY_WORDS.values()}:
    UNITS[_code] = ("currency", None)

# Words before a quantity that say it is approximate or a bound, by the group they mean.
QUALIFIERS = {
    "at least": "at least|no fewer than|no less than|a minimum of|not less than",
    "more than": "more than|over|upwards of|in excess of|above|greater than|just over|well over|exceeding",
    "nearly": "nearly|almost|close to|just under|just shy of",
    "about": "about|around|roughly|approximately|some|an estimated|estimated|circa|approx.|an approximate",
    "at most": "at most|up to|no more than|a maximum of|as many as|as much as|not more than|at the most",
    "less than": "less than|fewer than|under|below|lower than",
    "early": "early|the beginning of",
    "mid": "mid-|mid|the middle of",
    "late": "late|the end of",
}
TRAILING_QUALIFIERS = {
    "at least": "or more|at the earliest|at minimum|at a minimum",
    "about": "or so",
    "at most": "at the latest|at most|or less|or fewer|at the most",
}
_PREPOSITION_QUALIFIERS = {"over", "under", "above", "below"}  # "over two days" is a span, not a bound
_DATE_QUALIFIERS = {"at least", "at most", "early", "mid", "late", "about"}
_DATE_ONLY_QUALIFIERS = {"early", "mid", "late"}


def _alternatives(patterns: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Expand (canonical, "a|b(s)") into (surface pattern, canonical) pairs, longest first.

    ``(s)`` marks an optional plural; a space matches any run of whitespace.
    """
    pairs = []
    for canonical, surfaces in patterns:
        for surface in surfaces.split("|"):
            pattern = re.escape(surface.replace("(s)", "")).replace("\\ ", r"\s+")
            pairs.append((pattern + ("s?" if "(s)" in surface else ""), canonical))
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _lookup(patterns: list[tuple[str, str]], surface: str, flags: int = 0) -> str:
    return next(canonical for pattern, canonical in patterns if re.fullmatch(pattern, surface, flags))


_UNIT_WORD_PAIRS = _alternatives(_UNIT_WORDS.items())
_UNIT_ABBREVIATION_PAIRS = _alternatives(_UNIT_ABBREVIATIONS.items())
_CURRENCY_WORD_PAIRS = _alternatives((code, words) for words, code in CURRENCY_WORDS.items())
_QUALIFIER_PAIRS = _alternatives(QUALIFIERS.items())
_TRAILING_PAIRS = _alternatives(TRAILING_QUALIFIERS.items())


def _union(pairs: list[tuple[str, str]]) -> str:
    return "|".join(pattern for pattern, _ in pairs)


_UNIT_WORD = re.compile(rf"[\s-]?(?P<unit>{_union(_UNIT_WORD_PAIRS)})(?P<old>-old)?(?![\w/])", re.IGNORECASE)
_UNIT_ABBREVIATION = re.compile(rf"[\s-]?(?P<unit>{_union(_UNIT_ABBREVIATION_PAIRS)})(?![\w/²])")
_CURRENCY_WORD = re.compile(rf"\s(?P<unit>{_union(_CURRENCY_WORD_PAIRS)})(?!\w)", re.IGNORECASE)
_CURRENCY_CODE_AFTER = re.compile(rf"\s(?P<unit>{'|'.join(ISO_CURRENCIES)})\b")
_SIGN = "|".join(re.escape(sign) for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True))
_CURRENCY_BEFORE = re.compile(rf"(?:(?<![\w$])(?P<sign>{_SIGN})\s?|\b(?P<code>{'|'.join(ISO_CURRENCIES)})\s)$")
_MULTIPLIER = re.compile(r"[\s-]?(?P<word>million|billion|trillion|thousand|hundred)\b", re.IGNORECASE)
# After a currency: "$4bn", "$1 tln", "RUB 2 mln" (the abbreviations of financial and translated news).
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9}
SHORT_SCALES |= {"tn": 1e12, "tln": 1e12, "trn": 1e12, "trln": 1e12}
_SHORT_MULTIPLIER = re.compile(rf"\s?(?P<word>{'|'.join(sorted(SHORT_SCALES, key=len, reverse=True))})\b")
_MAGNITUDE_BEFORE = re.compile(r"\b(?:magnitude|Magnitude)[\s-]$")
_QUALIFIER_BEFORE = re.compile(rf"(?<![\w-])(?P<q>{_union(_QUALIFIER_PAIRS)})\s*$", re.IGNORECASE)
_QUALIFIER_AFTER = re.compile(rf"^\s+(?P<q>{_union(_TRAILING_PAIRS)})\b", re.IGNORECASE)

_DIGITS = re.compile(r"(?<![\w.,:])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)")
# Thousands marked by a space, as much of Europe and many translators write them ("12 500 years"); not
# after a month, where the first group is a day ("May 12 500 people"), nor after a hyphen ("under-12").
_SPACED_DIGITS = re.compile(r"(?<!\d )(?<![\w.,:-])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d,.]?\d)")
# A whole number and a fraction before a scale word: "2 1/2 million", "1½ billion". Elsewhere a fraction
# is left as it was read ("3½ hours" is 3, as "three and a half hours" is, which no word rule reads).
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
_FRACTION = re.compile(
    r"(?<![\w./-])(?:(?P<whole>\d{1,3})[ \u00a0](?P<num>[1-9])/(?P<den>[2-9])|(?P<units>\d{1,3}) ?(?P<vulgar>[½¼¾⅓⅔]))"
    r"(?=[\s-]?(?:million|billion|trillion|thousand)\b)"
)
_DAY_BEFORE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+$"
)
_ORDINAL_DIGITS = re.compile(r"(?<![\w.])(?P<n>\d+)(?:st|nd|rd|th)(?!\w)")
_WORD = re.compile(r"[A-Za-z]+")
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)(?!\w)"
)
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d\w])"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)(?!\d)"
_DATES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"),
    re.compile(rf"(?<![\w.,]){_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"),
    re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}"),
    re.compile(rf"\b{_MONTH}"),
]
_WEEKDAY = re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![\w])")
_TIMES = [
    re.compile(
        r"(?<![\w.:])(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))?\s?(?P<half>[ap])\.?\s?m\b\.?", re.IGNORECASE
    ),
    re.compile(r"(?<![\w.:])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:])"),
    re.compile(r"\b(?P<named>noon|midnight)\b", re.IGNORECASE),
]
# A lone month that is also an ordinary word ("May", "March") needs a date word before it.
_AMBIGUOUS_MONTHS = {"May", "March"}
_DATE_WORDS = re.compile(
    r"\b(?:in|on|since|until|till|by|from|of|last|next|this|early|late|mid|through|before|after|during|"
    r"between|and|to|or|every|each)[\s-]$",
    re.IGNORECASE,
)
_NOT_A_NUMBER_BEFORE_ONE = re.compile(
    r"\b(?:no|any|every|each|the|this|that|which|little|loved|only|someone|anyone)\s$", re.IGNORECASE
)

# Function words: never the noun of a count nor evidence that two quantities fill the same slot.
STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "nor", "that",
        "which", "who", "whom", "whose", "was", "were", "is", "are", "be", "been", "being", "had", "has", "have", "it",
        "its", "his", "her", "their", "they", "them", "he", "she", "we", "us", "our", "you", "your", "i", "me", "my",
        "this", "these", "those", "as", "than", "then", "there", "here", "said", "says", "say", "also", "not", "no",
        "so", "if", "into", "onto", "out", "up", "down", "over", "after", "before", "about", "around", "while", "when",
        "where", "what", "would", "will", "could", "should", "can", "may", "might", "must", "do", "did", "does", "per",
        "each", "all", "some", "other", "another", "such", "only", "just", "more", "most", "less", "without", "within",
        "between", "among", "against", "during", "through", "under",
    }
)  # fmt: skip


@dataclass(frozen=True)
class DateParts:
    """The parts of a date that a text states; ``None`` where it says nothing."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None

    def fields(self) -> dict[str, int]:
        """The stated parts by name."""
        parts = {"year": self.year, "month": self.month, "day": self.day, "weekday": self.weekday}
        return {name: value for name, value in parts.items() if value is not None}

    def agrees(self, other: DateParts) -> bool:
        """True when the two share a stated part and no shared part differs ("Jan. 2009" and "2009")."""
        mine, theirs = self.fields(), other.fields()
        shared = mine.keys() & theirs.keys()
        return bool(shared) and all(mine[name] == theirs[name] for name in shared)

    def shares_fields(self, other: DateParts) -> bool:
        """True when the two state at least one part of the same name."""
        return bool(self.fields().keys() & other.fields().keys())


@dataclass(frozen=True)
class Quantity:
    """One quantity in a sentence, located in its document.

    Attributes:
        sentence_id: The sentence holding it.
        start: Document offset of the quantity itself ("$4.1 million", "June 27", "40 miles").
        end: One past its end.
        text: ``document[start:end]``.
        full_start: Like ``start`` but including a qualifier before it ("at least").
        full_end: Like ``end`` but including a qualifier after it ("at the earliest").
        full_text: ``document[full_start:full_end]``.
        kind: ``"number"`` (counts, amounts, measures), ``"ordinal"``, ``"date"`` or ``"time"``.
        value: The number; minutes after midnight for a time; ``None`` for a date.
        unit: Canonical unit or currency ("km", "USD", "%"), ``None`` for a bare count.
        date: The stated parts of a date, else ``None``.
        qualifier: The qualifier group ("at least", "about", "more than", ...), else ``None``.
        noun: The word right after a bare count ("villages" in "14 villages"), else ``None``.
        context: Content words around the quantity, lowercased, each with its distance:
            0 for the nearest content word on either side, 1 for the next, and so on.
        digits: Only the digits as written, for spotting swapped digits ("41" and "14").
    """

    sentence_id: int
    start: int
    end: int
    text: str
    full_start: int
    full_end: int
    full_text: str
    kind: QuantityKind
    value: float | None
    unit: str | None
    date: DateParts | None
    qualifier: str | None
    noun: str | None
    context: tuple[tuple[str, int], ...]
    digits: str

    @property
    def dimension(self) -> str | None:
        """What the unit measures ("length", "currency"), ``None`` for a bare count."""
        return UNITS[self.unit][0] if self.unit is not None and self.unit in UNITS else None

    @property
    def distances(self) -> dict[str, int]:
        """``context`` as a mapping from word to distance."""
        return dict(self.context)

    @property
    def label(self) -> str:
        """The text an editor recognises: the quantity and, for a bare count, its noun."""
        return f"{self.text} {self.noun}" if self.noun else self.text


@dataclass
class _Raw:
    """A quantity found in a sentence, offsets relative to the sentence."""

    start: int
    end: int
    kind: QuantityKind
    value: float | None
    unit: str | None = None
    date: DateParts | None = None


def to_base(value: float, unit: str) -> float | None:
    """``value`` in ``unit`` converted to its dimension's base unit; ``None`` if not convertible."""
    if unit == "°C":
        return value
    if unit == "°F":
        return (value - 32) * 5 / 9
    factor = UNITS.get(unit, ("", None))[1]
    return value * factor if factor is not None else None


def document_quantities(document: Document) -> dict[int, list[Quantity]]:
    """Every quantity of every sentence of ``document``, by sentence id, in text order."""
    return {sentence.id: sentence_quantities(sentence) for sentence in document.sentences}


def sentence_quantities(sentence: Sentence) -> list[Quantity]:
    """The quantities of one sentence, with offsets in its document.

    Args:
        sentence: A sentence with its document offsets.

    Returns:
        The quantities in text order; none overlaps another.
    """
    text = sentence.text
    raws: list[_Raw] = []
    for finder in (_dates, _weekdays, _times, _ordinal_digits, _numbers, _ordinal_words):
        for raw in finder(text):
            if not any(raw.start < other.end and other.start < raw.end for other in raws):
                raws.append(raw)
    return [_finish(raw, sentence) for raw in sorted(raws, key=lambda r: r.start)]


def _dates(text: str) -> list[_Raw]:
    found: list[_Raw] = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if any(match.start() < r.end and r.start < match.end() for r in found):
                continue
            groups = match.groupdict()
            month_word = groups["month"]
            if groups.get("day") is None and groups.get("year") is None and not _plausible_lone_month(text, match):
                continue
            date = DateParts(
                year=int(groups["year"]) if groups.get("year") else None,
                month=MONTHS[month_word.rstrip(".").lower()],
                day=int(groups["day"]) if groups.get("day") else None,
            )
            found.append(_Raw(match.start(), match.end(), "date", None, date=date))
    return found


def _plausible_lone_month(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()]
    if _DATE_WORDS.search(before):
        return True
    if match.group("month") in _AMBIGUOUS_MONTHS:
        return False
    return not re.match(r"\s+[A-Z]", text[match.end() :])  # "June Carter" is a name


def _weekdays(text: str) -> list[_Raw]:
    return [
        _Raw(m.start(), m.end(), "date", None, date=DateParts(weekday=WEEKDAYS[m.group("weekday").lower()]))
        for m in _WEEKDAY.finditer(text)
    ]


def _times(text: str) -> list[_Raw]:
    found: list[_Raw] = []
    for pattern in _TIMES:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if groups.get("named"):
                minutes = 720 if groups["named"].lower() == "noon" else 0
            else:
                hour = int(groups["hour"])
                if groups.get("half"):
                    hour = hour % 12 + (12 if groups["half"].lower() == "p" else 0)
                minutes = hour * 60 + int(groups.get("minute") or 0)
            found.append(_Raw(match.start(), match.end(), "time", float(minutes)))
    return found


def _ordinal_digits(text: str) -> list[_Raw]:
    return [_Raw(m.start(), m.end(), "ordinal", float(m.group("n"))) for m in _ORDINAL_DIGITS.finditer(text)]


def _ordinal_words(text: str) -> list[_Raw]:
    found = []
    for match in re.finditer(r"\b(?:(?P<tens>" + "|".join(TENS) + r")-)?(?P<ord>[A-Za-z]+)\b", text):
        word = match.group("ord").lower()
        if word in ORDINALS:
            tens = TENS.get((match.group("tens") or "").lower(), 0)
            found.append(_Raw(match.start(), match.end(), "ordinal", float(tens + ORDINALS[word])))
    return found


def _numbers(text: str) -> list[_Raw]:
    spaced = [m for m in _SPACED_DIGITS.finditer(text) if not _DAY_BEFORE.search(text[: m.start()])]
    spans = [(m.start(), m.end(), float(re.sub(r"\D", "", m.group())), True) for m in spaced]
    spans += [
        (m.start(), m.end(), _fraction_value(m), True)
        for m in _FRACTION.finditer(text)
        if m.group("vulgar") or int(m.group("num")) < int(m.group("den"))
    ]
    inside = [(start, end) for start, end, _, _ in spans]
    spans += [
        (m.start(), m.end(), float(m.group().replace(",", "")), True)
        for m in _DIGITS.finditer(text)
        if not any(a <= m.start() < b for a, b in inside)
    ]
    spans += _number_words(text)
    found = []
    for start, end, value, is_digits in sorted(spans):
        if is_digits and re.search(r"[A-Za-z]-$", text[:start]) and not text[:start].endswith("mid-"):
            continue  # "COVID-19", "F-16": part of a name
        raw = _amount(text, start, end, value, is_digits)
        if raw is not None:
            found.append(raw)
    return found


def _fraction_value(match: re.Match[str]) -> float:
    """The value of a ``_FRACTION`` match: "2 1/2" is 2.5."""
    whole = float(match.group("whole") or match.group("units") or 0)
    if match.group("vulgar"):
        return whole + _VULGAR[match.group("vulgar")]
    return whole + int(match.group("num")) / int(match.group("den"))


def _number_words(text: str) -> list[tuple[int, int, float, bool]]:
    """Runs of number words ("forty-one", "two hundred and five", "a dozen") with their values."""
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
    runs: list[tuple[int, int, float, bool]] = []
    k = 0
    while k < len(words):
        start, word = words[k][0], words[k][2]
        is_article = word in ("a", "an") and k + 1 < len(words) and words[k + 1][2] in SCALES
        is_pronoun = word == "one" and bool(_NOT_A_NUMBER_BEFORE_ONE.search(text[:start]))
        if (word not in ONES and word not in TENS and not is_article) or is_pronoun:
            k += 1
            continue
        run = ["one" if is_article else word]
        last = k
        while last + 1 < len(words) and _joins(text[words[last][1] : words[last + 1][0]], run[-1], words[last + 1][2]):
            run.append(words[last + 1][2])
            last += 1
        runs.append((start, words[last][1], _word_value(run), False))
        k = last + 1
    return runs


def _joins(gap: str, previous: str, word: str) -> bool:
    """Whether ``word`` continues a run of number words ending in ``previous``."""
    if gap == "-" or gap == " ":
        if previous in TENS and ONES.get(word, 10) < 10:
            return True  # "forty-one", "twenty five"
        if word in SCALES:
            return True  # "two hundred", "four thousand"
        return gap == " " and previous in SCALES and (word in ONES or word in TENS)  # "thousand five"
    return gap == " and " and previous in ("hundred", "thousand", "million") and (word in ONES or word in TENS)


def _word_value(words: list[str]) -> float:
    total, current = 0.0, 0.0
    for word in words:
        if word in ONES or word in TENS:
            current += ONES.get(word, 0) + TENS.get(word, 0)
        elif word in ("dozen", "hundred"):
            current = max(current, 1.0) * SCALES[word]
        else:
            total += max(current, 1.0) * SCALES[word]
            current = 0.0
    return total + current


def _amount(text: str, start: int, end: int, value: float, is_digits: bool) -> _Raw | None:
    """Grow a number into an amount: currency, multiplier, percent or unit; classify years."""
    unit: str | None = None
    currency = _CURRENCY_BEFORE.search(text[:start])
    magnitude = _MAGNITUDE_BEFORE.search(text[:start])
    if currency:
        unit = CURRENCY_SIGNS.get(currency.group("sign") or "", currency.group("code"))
        start = currency.start()
    elif magnitude:
        unit, start = "magnitude", magnitude.start()
    multiplier = _MULTIPLIER.match(text, end) if is_digits else None
    if multiplier is None and is_digits and currency:
        multiplier = _SHORT_MULTIPLIER.match(text, end)
    if multiplier:
        word = multiplier.group("word").lower()
        value = round(value * SCALES.get(word, SHORT_SCALES.get(word, 1.0)), 6)
        end = multiplier.end()
    suffix = _suffix(text, end, allow_currency=unit is None)
    if suffix is not None:
        unit, end = suffix
    if is_digits and re.match(r"[A-Za-z]", text[end : end + 1]):
        return None  # "3D", "1990s", "5G": not a quantity we can read
    number_text = re.sub(r"\D", "", text[start:end])
    if unit is None and is_digits and not multiplier and len(number_text) == 4 and 1500 <= value <= 2099:
        return _Raw(start, end, "date", None, date=DateParts(year=int(value)))
    return _Raw(start, end, "number", value, unit)


def _suffix(text: str, end: int, *, allow_currency: bool) -> tuple[str, int] | None:
    """The unit or currency right after a number, with the offset where it ends."""
    if allow_currency:
        for pattern in (_CURRENCY_WORD, _CURRENCY_CODE_AFTER):
            match = pattern.match(text, end)
            if match:
                surface = match.group("unit")
                code = surface if pattern is _CURRENCY_CODE_AFTER else _lookup(_CURRENCY_WORD_PAIRS, surface, re.I)
                return code, match.end()
    for pattern, pairs, flags in (
        (_UNIT_WORD, _UNIT_WORD_PAIRS, re.IGNORECASE),
        (_UNIT_ABBREVIATION, _UNIT_ABBREVIATION_PAIRS, 0),
    ):
        match = pattern.match(text, end)
        if match:
            return _lookup(pairs, match.group("unit"), flags), match.end()
    return None


def _finish(raw: _Raw, sentence: Sentence) -> Quantity:
    """Attach the qualifier, the noun and the context words; shift offsets into the document."""
    text = sentence.text
    qualifier: str | None = None
    full_start, full_end = raw.start, raw.end
    before = _QUALIFIER_BEFORE.search(text[: raw.start])
    after = _QUALIFIER_AFTER.match(text[raw.end :])
    if before and _qualifies(before.group("q"), raw, text[raw.end :]):
        qualifier, full_start = _lookup(_QUALIFIER_PAIRS, before.group("q"), re.I), before.start()
    elif after:
        qualifier, full_end = _lookup(_TRAILING_PAIRS, after.group("q"), re.I), raw.end + after.end()
    is_date = raw.kind in ("date", "time")
    if qualifier is not None and (qualifier not in _DATE_QUALIFIERS if is_date else qualifier in _DATE_ONLY_QUALIFIERS):
        qualifier, full_start, full_end = None, raw.start, raw.end
    noun_match = re.match(r"\s+([a-z][a-z-]*)\b", text[raw.end :])
    noun = None
    if raw.kind == "number" and raw.unit is None and noun_match:
        word = noun_match.group(1)
        if word not in STOPWORDS and word not in ONES and word not in SCALES:
            noun = word
    offset = sentence.start
    return Quantity(
        sentence_id=sentence.id,
        start=offset + raw.start,
        end=offset + raw.end,
        text=text[raw.start : raw.end],
        full_start=offset + full_start,
        full_end=offset + full_end,
        full_text=text[full_start:full_end],
        kind=raw.kind,
        value=raw.value,
        unit=raw.unit,
        date=raw.date,
        qualifier=qualifier,
        noun=noun,
        context=_context_words(text, full_start, full_end),
        digits=re.sub(r"\D", "", text[raw.start : raw.end]),
    )


def _qualifies(surface: str, raw: _Raw, after: str) -> bool:
    """A preposition before a span of time or a part ("over two days", "under two of the houses") is not a bound."""
    if surface.lower() not in _PREPOSITION_QUALIFIERS:
        return True
    if after.lstrip().startswith("of "):
        return False
    return raw.kind == "number" and (raw.unit is None or UNITS[raw.unit][0] != "duration")


def _context_words(text: str, start: int, end: int, window: int = 4) -> tuple[tuple[str, int], ...]:
    def content(part: str) -> list[str]:
        words = [w.lower() for w in _WORD.findall(part)]
        return [w for w in words if len(w) > 2 and w not in STOPWORDS and w not in ONES and w not in TENS]

    distances: dict[str, int] = {}
    for side in (content(text[:start])[::-1], content(text[end:])):
        for distance, word in enumerate(side[:window]):
            distances[word] = min(distance, distances.get(word, window))
    return tuple(sorted(distances.items()))
