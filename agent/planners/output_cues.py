"""Media a request asks for back in so many words: "read it to me", "answer out loud".

The planner's model decides what the user wants back ("wants") before it writes any step,
and a small one under-weights a medium named in passing after a task: for "summarise this
podcast and read the summary to me" the 1.5B gives "text" 0.71 and every option with audio
0.27 together (natural dev, 6 of its 11 wrong modalities). Whole-request embeddings drown
the ask in the task (the router's P(audio) for such requests is 0.03-0.40), so each run of
3-5 words is embedded (the router's MiniLM) and compared with short phrases of asking for
the medium back; a run this close to one (cosine >= `threshold`) is an explicit ask, and
the plan must deliver that medium when any offered tool can make it.

Only explicit asks are looked for: a miss leaves the choice to the model, as before, while
a false ask adds a medium nobody wanted, so the threshold sits where (almost) no request
without the medium reaches it, on the hand-written natural dev set and on the generated
dev split (docs/switching.md, "Output cues").

The embeddings cannot tell "read me a poem" from "write me a poem" (the verb is one word
of five), so the few verbs that only ever mean a voice are matched as words too
(`SPOKEN_ASK`: read ... to me, recite, sing me, aloud, out loud), unless the user says
they will do it themselves ("I'll sing it myself").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from modalswitch.tools.contract.modality import Modality

ASK_PHRASES: Mapping[Modality, tuple[str, ...]] = {
    Modality.AUDIO: (
        "read it out loud to me", "say it aloud", "speak the answer", "read it back to me",
        "tell me out loud", "narrate it for me", "answer with your voice",
        "let me listen to it", "make a recording of it read aloud", "read the words aloud",
    ),
}
"""Ways of asking for a medium back, short and generic (never requests of an eval set)."""

SPOKEN_ASK = re.compile(
    r"(?<!\bi )(?<!\bi'll )(?<!\bwe )(?<!\bwill )"
    r"\b(?:read (?:\w+ ){0,3}?(?:to )?me|recite|sing (?:me|us|it|a|an|the|something|for)"
    r"|aloud|out loud)\b", re.IGNORECASE)
"""Words that ask for a voice whatever surrounds them; over the hand-written and generated
sets (5,000+ requests) they occur in no request whose gold plan delivers no audio."""

_QUOTED = re.compile(r"\"[^\"]{0,300}\"|“[^”]{0,300}”|«[^»]{0,300}»|(?<!\w)'[^']{0,300}'(?!\w)")
"""Quoted words are the user's material ("what does 'out loud' mean?"), never an ask."""

THRESHOLD = 0.75
WINDOW_WORDS = (3, 4, 5)
_WORD = re.compile(r"[\w']+")


def word_windows(text: str, sizes: Sequence[int] = WINDOW_WORDS) -> list[str]:
    """Every run of `sizes` consecutive words (lower-cased; a shorter text is one run)."""
    words = _WORD.findall(text.lower())
    if not words:
        return []
    runs = {" ".join(words[i:i + n]) for n in sizes for i in range(max(1, len(words) - n + 1))}
    return sorted(runs)


class OutputCues:
    """Finds the media a request explicitly asks to get back."""

    def __init__(self, phrases: Mapping[Modality, Sequence[str]] = ASK_PHRASES,
                 threshold: float = THRESHOLD,
                 embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> None:
        self.phrases = {m: tuple(p) for m, p in phrases.items() if p}
        self.threshold = threshold
        self._embed = embed
        self._anchors: dict[Modality, np.ndarray] | None = None
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings (the router's sentence encoder unless one was given)."""
        if self._embed is None:
            from modalswitch.agent.planners.router import embed
            return embed(texts, batch_size=64)
        return self._embed(texts)

    def anchors(self) -> dict[Modality, np.ndarray]:
        """The phrases' embeddings, per medium (computed once)."""
        with self._lock:
            if self._anchors is None:
                self._anchors = {m: self.embed(list(p)) for m, p in self.phrases.items()}
            return self._anchors

    def scores(self, request: str) -> dict[Modality, float]:
        """Per medium, the highest cosine between a run of the request's words and a phrase
        asking for it."""
        runs = word_windows(request)
        if not runs or not self.phrases:
            return {m: 0.0 for m in self.phrases}
        vectors = self.embed(runs)
        return {m: float((vectors @ a.T).max()) for m, a in self.anchors().items()}

    def asked(self, request: str) -> list[Modality]:
        """The media the request asks for back, in so many words."""
        asked = [m for m, s in self.scores(request).items() if s >= self.threshold]
        if Modality.AUDIO in self.phrases and Modality.AUDIO not in asked and SPOKEN_ASK.search(
                " ".join(_QUOTED.sub(" ", request).split())):
            asked.append(Modality.AUDIO)
        return asked
