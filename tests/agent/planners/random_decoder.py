"""A Decoder that chooses at random (from a hypothesis data stream): what a model could do."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from modalswitch.agent.chat.constrained import (
    Choice,
    Grammar,
    JsonNumber,
    JsonString,
    Lit,
    Seq,
)

TEXT = st.text(st.characters(blacklist_characters='"\\', blacklist_categories=("Cc", "Cs")),
               max_size=12)


class RecordingDecoder:
    """What every test decoder shares: the text written so far, fixed text appended."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.prompt_tokens = self.forced_tokens = self.generated_tokens = 0

    @property
    def text(self) -> str:
        """Everything written so far."""
        return "".join(self.parts)

    def force(self, text: str) -> None:
        """Append fixed text."""
        self.parts.append(text)


class RandomDecoder(RecordingDecoder):
    """Draws every free choice from hypothesis; sometimes cuts a string short."""

    def __init__(self, data: Any) -> None:
        super().__init__()
        self.data = data

    def generate(self, grammar: Grammar, max_tokens: int) -> tuple[str, bool]:
        """A random string of the grammar, or a prefix of it cut inside a string."""
        pieces: list[tuple[str, bool]] = []
        self._sample(grammar, pieces)
        text = "".join(p for p, _ in pieces)
        cuts = []
        at = 0
        for piece, inside in pieces:
            if inside:
                cuts.extend(range(at, at + len(piece) + 1))
            at += len(piece)
        if cuts and self.data.draw(st.booleans(), label="cut"):
            text = text[:self.data.draw(st.sampled_from(cuts), label="where")]
            self.parts.append(text)
            return text, False
        self.parts.append(text)
        return text, True

    def _sample(self, g: Grammar, out: list[tuple[str, bool]]) -> None:
        if isinstance(g, Lit):
            out.append((g.text, False))
        elif isinstance(g, Choice):
            self._sample(self.data.draw(st.sampled_from(g.options), label="option"), out)
        elif isinstance(g, Seq):
            for part in g.parts:
                self._sample(part, out)
        elif isinstance(g, JsonString):
            body = "".join(c for c in self.data.draw(TEXT, label="string")
                           if c not in g.exclude)
            if g.not_prefixes and self.data.draw(st.booleans(), label="near a banned name"):
                name = self.data.draw(st.sampled_from(g.not_prefixes), label="name")
                body = name[:self.data.draw(st.integers(0, len(name)), label="cut")] + body
            for name in g.not_prefixes:  # the grammar lets a model go no further
                if name and body.startswith(name):
                    body = body[:len(name) - 1]
            out.append(('"', False))
            out.append((body, True))  # a cut lands after the opening quote, inside the body
            out.append(('"', False))
        else:
            assert isinstance(g, JsonNumber)
            value = self.data.draw(st.integers(-10**6, 10**6), label="number")
            if not g.integer and self.data.draw(st.booleans()):
                out.append((f"{value}.{self.data.draw(st.integers(0, 9999))}", False))
            else:
                out.append((str(value), False))
