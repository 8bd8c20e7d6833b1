"""How a tool's output is scored: word and character error rates (jiwer), label hits, speed.

Error rates are kept as counts per case (errors, reference length) so any group of cases
adds up to a corpus rate, the way WER is usually reported, rather than a mean of ratios.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

_JOINERS = re.compile(r"[-‐‑–—/_]+")
_NOT_WORD = re.compile(r"[^\w\s']+")
_EDGE_QUOTES = re.compile(r"(^|\s)'+|'+(\s|$)")


@cache
def english_normalizer() -> Callable[[str], str] | None:
    """Whisper's English text normalizer (the one Whisper's own WERs use), if installed.

    It makes "eight" and "8", "colour" and "color", "don't" and "do not" the same, which
    a recogniser may write either way. openai-whisper comes with the `full` set-up.
    """
    try:
        from whisper.normalizers import EnglishTextNormalizer
    except ImportError:
        return None
    normalizer: Callable[[str], str] = EnglishTextNormalizer()
    return normalizer


def normalizer_name(language: str = "en") -> str:
    """Which normalization word_errors applies, for the report."""
    if language == "en" and english_normalizer() is not None:
        return "Whisper's EnglishTextNormalizer"
    return "lower case, punctuation removed"


def normalize_words(text: str, language: str = "en") -> str:
    """Lower case, no punctuation, one space between words; hyphens split words; English
    also through Whisper's normalizer when it is installed.

    Whisper writes "twenty-four" where a script says "twenty four", and "Tonight." where
    it says "tonight": neither is a recognition error. Letters of every script survive.
    """
    english = english_normalizer() if language == "en" else None
    if english is not None:
        text = english(text)
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _NOT_WORD.sub(" ", _JOINERS.sub(" ", text))
    return " ".join(_EDGE_QUOTES.sub(" ", text).split())


def normalize_chars(text: str) -> str:
    """Text as OCR is scored: case and letters kept, every run of white space one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Errors:
    """Edit operations against a reference: errors / length is the error rate."""

    errors: int
    length: int

    @property
    def rate(self) -> float:
        """The error rate (can exceed 1 when the output adds much)."""
        return self.errors / self.length if self.length else 0.0


def word_errors(reference: str, hypothesis: str, language: str = "en") -> Errors:
    """Word substitutions + deletions + insertions after normalize_words (jiwer)."""
    import jiwer

    ref, hyp = normalize_words(reference, language), normalize_words(hypothesis, language)
    if not ref:
        raise ValueError("a word error rate needs a reference with words")
    out = jiwer.process_words(ref, hyp)
    return Errors(out.substitutions + out.deletions + out.insertions,
                  out.substitutions + out.deletions + out.hits)


def char_errors(reference: str, hypothesis: str) -> Errors:
    """Character substitutions + deletions + insertions after normalize_chars (jiwer)."""
    import jiwer

    ref, hyp = normalize_chars(reference), normalize_chars(hypothesis)
    if not ref:
        raise ValueError("a character error rate needs a reference with text")
    out = jiwer.process_characters(ref, hyp)
    return Errors(out.substitutions + out.deletions + out.insertions,
                  out.substitutions + out.deletions + out.hits)


def total(errors: Iterable[Errors]) -> Errors:
    """The corpus count of many cases."""
    items = list(errors)
    return Errors(sum(e.errors for e in items), sum(e.length for e in items))


def hit_at(labels: list[str], accepted: Iterable[str], k: int) -> bool:
    """Whether one of the first k labels is an accepted one (case-insensitive)."""
    wanted = {a.lower() for a in accepted}
    return any(label.lower() in wanted for label in labels[:k])


def names_any(text: str, words: Iterable[str]) -> bool:
    """Whether the text names one of the words (whole words, case-insensitive)."""
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(w.lower())}s?\b", lowered) for w in words)


def recall_of(expected: Iterable[str], text: str) -> float:
    """The share of expected words the text names (0..1; 1 for nothing expected)."""
    wanted = list(expected)
    return sum(names_any(text, [w]) for w in wanted) / len(wanted) if wanted else 1.0


def real_time_factor(seconds: float, media_seconds: float) -> float:
    """Processing time over media time: below 1 is faster than real time."""
    return seconds / media_seconds if media_seconds > 0 else 0.0
