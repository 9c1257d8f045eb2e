"""Spelled-out English numbers to digits, the way Whisper's English normaliser does it.

The text is read word by word with a small accumulator (the number being built, either an int or a
digit string) and a pending sign/currency symbol:

* "twenty five" -> 25, "one hundred and three" -> 103, "three thousand two" -> 3002;
* successive single digits read as a digit string: "one oh one" -> 101, "double seven" -> 77;
* "point" starts decimals: "three point one four" -> 3.14; "two and a half" -> 2.5;
* ordinals and plurals keep their suffix: "twenty first" -> 21st, "nineteen sixties" -> 1960s;
* signs before and currencies after a number become symbols: "minus two" -> -2, "five dollars" -> $5,
  "ten percent" / "ten per cent" -> 10%;
* commas between digits are removed by the caller; "$2 and ¢7" becomes "$2.07", "1" becomes "one".

Quirks are reproduced on purpose (the ISA-Bench scorer's WER depends on them), e.g. "point" is dropped
when followed by a number word that cannot be a decimal digit, and a sign or currency symbol pending
when a non-number word arrives is glued to that word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction

_ONES = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
]
_IRREGULAR_ORDINALS = {"zeroth": 0, "first": 1, "second": 2, "third": 3, "fifth": 5, "twelfth": 12}
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}

Value = int | str  # an int while arithmetic applies; a digit string once digits are concatenated

_ARABIC = re.compile(r"\d+(?:\.\d+)?\Z")
_SIGNS_AND_CURRENCIES = "-+£€$¢"
_NUMERIC_START = frozenset(_SIGNS_AND_CURRENCIES)
_ASCII_DIGIT = re.compile(r"[0-9]")
_LETTER_DIGIT = re.compile(r"([a-z])([0-9])")
_DIGIT_LETTER = re.compile(r"([0-9])([a-z])")
_SPLIT_SUFFIX = re.compile(r"([0-9])\s+(st|nd|rd|th|s)\b")
_AND_A_HALF = re.compile(r"\band\s+a\s+half\b")
_CENTS_AFTER_AMOUNT = re.compile(r"([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\b")
_ZERO_AMOUNT = re.compile(r"[€£$]0.([0-9]{1,2})\b")
_LONE_ONE = re.compile(r"\b1(s?)\b")


def _ones_ordinal(name: str) -> str:
    return name + ("h" if name.endswith("t") else "th")


class _Vocabulary:
    """Every number word, by the role it plays."""

    def __init__(self) -> None:
        self.zeros = frozenset({"o", "oh", "zero"})
        self.ones = {name: i for i, name in enumerate(_ONES, 1)}
        self.tens = {name: 10 * i for i, name in enumerate(_TENS, 2)}
        self.scales = {"hundred": 100, **{name: 10 ** (3 * i) for i, name in enumerate(_SCALES[1:], 1)}}
        self.signs = {"minus": "-", "negative": "-", "plus": "+", "positive": "+"}
        self.currencies = {
            **dict.fromkeys(("pound", "pounds"), "£"),
            **dict.fromkeys(("euro", "euros"), "€"),
            **dict.fromkeys(("dollar", "dollars"), "$"),
            **dict.fromkeys(("cent", "cents"), "¢"),
        }
        self.connectors = frozenset({"and", "double", "triple", "point"})

        # Plurals ("sixes", "twenties", "hundreds") and ordinals ("fifth", "twentieth", "hundredth").
        self.suffixed_ones: dict[str, tuple[int, str]] = {}
        for name, number in self.ones.items():
            self.suffixed_ones["sixes" if name == "six" else name + "s"] = (number, "s")
            if number not in (1, 2, 3, 5, 12):
                self.suffixed_ones[_ones_ordinal(name)] = (number, "th")
        for name, number in _IRREGULAR_ORDINALS.items():
            self.suffixed_ones[name] = (number, _ORDINAL_SUFFIX.get(number, "th"))
        self.suffixed_tens = {name.replace("y", "ies"): (n, "s") for name, n in self.tens.items()}
        self.suffixed_tens |= {name.replace("y", "ieth"): (n, "th") for name, n in self.tens.items()}
        self.suffixed_scales = {name + "s": (n, "s") for name, n in self.scales.items()}
        self.suffixed_scales |= {name + "th": (n, "th") for name, n in self.scales.items()}

        self.decimal_words = frozenset({*self.ones, *self.tens, *self.zeros})
        self.all_words = frozenset(
            {
                *self.zeros,
                *self.ones,
                *self.suffixed_ones,
                *self.tens,
                *self.suffixed_tens,
                *self.scales,
                *self.suffixed_scales,
                *self.signs,
                *self.currencies,
                "per",
                "percent",
                *self.connectors,
            }
        )


_VOCABULARY = _Vocabulary()


def _fraction(value: Value) -> Fraction | None:
    try:
        return Fraction(value)
    except ValueError:
        return None


def _is_arabic(word: str | None) -> bool:
    return word is not None and _ARABIC.match(word) is not None


def _arabic_value(digits: str) -> Value:
    """An arabic number as the accumulator holds it: an int when it is whole, else its digit string."""
    exact = _fraction(digits)
    if exact is None:  # more digits than Python converts (Whisper fails here): keep the string
        return digits
    return exact.numerator if exact.denominator == 1 else digits


def _append(value: Value, number: int) -> Value:
    """Add a ones/tens word to an int, or concatenate it when the positions are taken."""
    if isinstance(value, int) and value % (10 if number < 10 else 100) == 0:
        return value + number
    return f"{value}{number}"


def _scale(value: int, scale: int) -> int:
    """Multiply the last group (below a thousand) of `value` by a scale word."""
    return value // 1000 * 1000 + value % 1000 * scale


class _Reader:
    """The accumulator state while one text's words are read."""

    def __init__(self, vocabulary: _Vocabulary) -> None:
        self.vocab = vocabulary
        self.value: Value | None = None
        self.symbol: str | None = None  # a pending sign or currency symbol, written before the next output

    def emit(self, text: Value) -> str:
        """Write `text` (with the pending symbol) and reset the accumulator."""
        out = str(text)
        if self.symbol is not None:
            out = self.symbol + out
        self.value = None
        self.symbol = None
        return out

    def flush(self) -> Iterator[str]:
        """Write the number being built, if any."""
        if self.value is not None:
            yield self.emit(self.value)

    def words(self, words: list[str]) -> Iterator[str]:
        """Rewrite the words, yielding output tokens."""
        plain = self.vocab.all_words
        skip_next = False
        for position, word in enumerate(words):
            if skip_next:
                skip_next = False
                continue
            # The common case, an ordinary word with no number pending, passes unchanged.
            first = word[0]
            ordinary = first not in _NUMERIC_START and not first.isdigit() and word not in plain
            if ordinary and self.value is None and self.symbol is None:
                yield word
                continue
            before = words[position - 1] if position > 0 else None
            after = words[position + 1] if position + 1 < len(words) else None
            skip_next = yield from self.word(before, word, after)
        yield from self.flush()

    def word(self, before: str | None, word: str, after: str | None) -> Iterator[str]:
        """Handle one word; returns (as the generator's value) whether to skip the following word."""
        vocab = self.vocab
        signed = word[0] in _NUMERIC_START
        if _is_arabic(word[1:] if signed else word):
            yield from self.arabic(word, signed)
        elif word not in vocab.all_words:
            yield from self.flush()
            yield self.emit(word)
        elif word in vocab.zeros:
            self.value = f"{self.value or ''}0"
        elif word in vocab.ones:
            self.value = self.ones(before, vocab.ones[word])
        elif word in vocab.suffixed_ones:
            number, suffix = vocab.suffixed_ones[word]
            yield self.emit(f"{self.ones(before, number)}{suffix}")
        elif word in vocab.tens:
            self.value = self.tens(vocab.tens[word])
        elif word in vocab.suffixed_tens:
            number, suffix = vocab.suffixed_tens[word]
            yield self.emit(f"{self.tens(number)}{suffix}")
        elif word in vocab.scales:
            yield from self.scale(vocab.scales[word])
        elif word in vocab.suffixed_scales:
            yield from self.suffixed_scale(*vocab.suffixed_scales[word])
        elif word in vocab.signs:
            yield from self.flush()
            if after in vocab.all_words or _is_arabic(after):
                self.symbol = vocab.signs[word]
            else:
                yield self.emit(word)
        elif word in vocab.currencies:
            if self.value is not None:
                self.symbol = vocab.currencies[word]
                yield self.emit(self.value)
            else:
                yield self.emit(word)
        elif word in ("per", "percent"):
            return (yield from self.percent(word, after))
        else:
            return (yield from self.connector(before, word, after))
        return False

    def arabic(self, word: str, signed: bool) -> Iterator[str]:
        """A number written in digits, possibly after a sign or currency symbol."""
        if self.value is not None:
            if isinstance(self.value, str) and self.value.endswith("."):
                self.value += word  # the digits after "point"
                return
            yield self.emit(self.value)
        if signed:
            self.symbol = word[0]
        self.value = _arabic_value(word[1:] if signed else word)

    def ones(self, before: str | None, number: int) -> Value:
        """The accumulator after a ones word (1..19)."""
        value = self.value
        if value is None:
            return number
        if isinstance(value, str) or before in self.vocab.ones:
            if before in self.vocab.tens and number < 10:
                return f"{str(value)[:-1]}{number}"  # "twenty" wrote a 0 in the units place
            return f"{value}{number}"
        return _append(value, number)

    def tens(self, number: int) -> Value:
        """The accumulator after a tens word (20..90)."""
        value = self.value
        if value is None:
            return number
        if isinstance(value, str):
            return f"{value}{number}"
        return _append(value, number)

    def scale(self, scale: int) -> Iterator[str]:
        """A scale word (hundred, thousand, ...) multiplies the number being built."""
        value = self.value
        if value is None:
            self.value = scale
        elif isinstance(value, str) or value == 0:
            exact = _fraction(value)
            if exact is not None and (exact * scale).denominator == 1:
                self.value = (exact * scale).numerator
            else:
                yield self.emit(value)
                self.value = scale
        else:
            self.value = _scale(value, scale)

    def suffixed_scale(self, scale: int, suffix: str) -> Iterator[str]:
        """A suffixed scale word (hundreds, thousandth, ...) ends the number."""
        value = self.value
        if value is None:
            yield self.emit(f"{scale}{suffix}")
        elif isinstance(value, str):
            exact = _fraction(value)
            if exact is not None and (exact * scale).denominator == 1:
                yield self.emit(f"{(exact * scale).numerator}{suffix}")
            else:
                yield self.emit(value)
                yield self.emit(f"{scale}{suffix}")
        else:
            yield self.emit(f"{_scale(value, scale)}{suffix}")

    def percent(self, word: str, after: str | None) -> Iterator[str]:
        """ "percent", or "per" + "cent", after a number becomes "%"; returns whether "cent" was used."""
        if self.value is None:
            yield self.emit(word)
        elif word == "percent":
            yield self.emit(f"{self.value}%")
        elif after == "cent":
            yield self.emit(f"{self.value}%")
            return True
        else:
            yield self.emit(self.value)
            yield self.emit(word)
        return False

    def connector(self, before: str | None, word: str, after: str | None) -> Iterator[str]:
        """ "and", "double", "triple", "point": they only act in front of a number word."""
        vocab = self.vocab
        acts = after in vocab.all_words or _is_arabic(after)
        if word == "and" and acts and before in vocab.scales:
            return False  # "one hundred and three": the "and" is silent
        if word in ("double", "triple") and acts and (after in vocab.ones or after in vocab.zeros):
            digit = vocab.ones.get(after or "", 0)
            self.value = f"{self.value or ''}{str(digit) * (2 if word == 'double' else 3)}"
            return True
        if word == "point" and acts:
            if after in vocab.decimal_words or _is_arabic(after):
                self.value = f"{self.value or ''}."
            return False  # a "point" before a non-decimal number word vanishes
        yield from self.flush()
        yield self.emit(word)
        return False


class EnglishNumberNormalizer:
    """Callable: rewrite spelled-out numbers (and symbols around numbers) in lowercase text."""

    def __init__(self) -> None:
        self.vocabulary = _VOCABULARY

    def __call__(self, text: str) -> str:
        """Numbers to digits; the result's words are separated by single spaces."""
        words = self._preprocess(text).split()
        result = " ".join(_Reader(self.vocabulary).words(words))
        return self._postprocess(result) if _ASCII_DIGIT.search(result) else result

    def _preprocess(self, text: str) -> str:
        # Each step is skipped when it cannot apply: the caller splits on whitespace afterwards anyway.
        if "half" in text:
            text = self._and_a_half(text)
        if _ASCII_DIGIT.search(text):
            text = _LETTER_DIGIT.sub(r"\1 \2", text)
            text = _DIGIT_LETTER.sub(r"\1 \2", text)
            text = _SPLIT_SUFFIX.sub(r"\1\2", text)  # "21 st" -> "21st" again
        return text

    def _and_a_half(self, text: str) -> str:
        """ "two and a half" -> "two point five" when the words before are a number."""
        segments = _AND_A_HALF.split(text)
        pieces: list[str] = []
        for position, segment in enumerate(segments):
            if not segment.strip():
                continue  # an empty segment loses its "and a half" too
            pieces.append(segment)
            if position < len(segments) - 1:
                last = segment.split()[-1]
                numeric = last in self.vocabulary.decimal_words or last in self.vocabulary.scales
                pieces.append("point five" if numeric else "and a half")
        return " ".join(pieces)

    @staticmethod
    def _postprocess(text: str) -> str:
        text = _CENTS_AFTER_AMOUNT.sub(lambda m: f"{m[1]}{m[2]}.{int(m[3]):02d}", text)
        text = _ZERO_AMOUNT.sub(lambda m: f"¢{int(m[1])}", text)
        return _LONE_ONE.sub(r"one\1", text)
