"""Surface noise on request templates: politeness, casing, punctuation and typos.

Noise touches only a template's own words, never its slots, so the literal arguments of the
gold plan (prompts, questions, instructions) still appear in the request exactly.
"""

from __future__ import annotations

import random
import re

PREFIXES = ["please ", "pls ", "hey, ", "hi! ", "could you ", "Can you please ", "yo ",
            "Hello. ", "I need help: ", "quick one - ", "Would you kindly "]
SUFFIXES = [" thanks!", " thx", " please", " :)", " asap", " if you can", " ty"]
_SLOT = re.compile(r"\{[a-z_0-9]+\}")


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def add_typo(template: str, rng: random.Random) -> str:
    """One typo in a word of the template that is not part of a slot."""
    parts = _SLOT.split(template)
    slots = _SLOT.findall(template)
    candidates = [(pi, m.start(), m.group()) for pi, part in enumerate(parts)
                  for m in re.finditer(r"[A-Za-z]{4,}", part)]
    if not candidates:
        return template
    pi, start, word = rng.choice(candidates)
    part = parts[pi]
    parts[pi] = part[:start] + _typo(word, rng) + part[start + len(word):]
    out = parts[0]
    for slot, part in zip(slots, parts[1:], strict=True):
        out += slot + part
    return out


def noisy(template: str, rng: random.Random, level: float = 1.0) -> tuple[str, list[str]]:
    """The template with random surface noise, and tags naming what was applied."""
    tags: list[str] = []
    text = template
    if rng.random() < 0.2 * level:
        text, tags = add_typo(text, rng), [*tags, "typo"]
    if rng.random() < 0.2 * level and not text.startswith("{"):
        prefix = rng.choice(PREFIXES)
        text, tags = prefix + text[:1].lower() + text[1:], [*tags, "polite"]
    elif rng.random() < 0.1 * level:
        text, tags = text.rstrip(".!") + rng.choice(SUFFIXES), [*tags, "polite"]
    if rng.random() < 0.25 * level and not text.startswith("{"):
        text = text[:1].lower() + text[1:]
    if rng.random() < 0.2 * level:
        text = text.rstrip(".")
    return text, tags
