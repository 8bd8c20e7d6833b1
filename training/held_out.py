"""Keep what the planner learns from apart from what it is measured on.

An example whose request is close to an evaluation request would hand the planner that
case's answer as a few-shot turn, and the score would measure recall, not planning. Hand
writing alone does not prevent it: short common requests ("ocr pls", "transcribe this
voice memo") come out nearly the same when written twice. A request is held apart when
both its meaning (MiniLM cosine) and its words (token Jaccard) stay below the limits
against every held-out request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

import numpy as np

from modalswitch.agent.planners.router import embed

MAX_COSINE = 0.8
MAX_JACCARD = 0.45


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def closest(requests: Sequence[str], held_out: Sequence[str],
            vectors: np.ndarray | None = None) -> list[tuple[float, float, int]]:
    """For each request: its highest cosine and highest token Jaccard against the
    held-out requests, and the index of the held-out request nearest in meaning.
    `vectors` are the requests' embeddings when already known."""
    if not requests:
        return []
    if not held_out:
        return [(0.0, 0.0, -1) for _ in requests]
    mine = embed(list(requests)) if vectors is None else vectors.astype(np.float32)
    cosines = mine @ embed(list(held_out)).T
    theirs = [_tokens(h) for h in held_out]
    found = []
    for row, request in zip(cosines, requests, strict=True):
        words = _tokens(request)
        jaccard = max((len(words & t) / len(words | t) for t in theirs if words | t),
                      default=0.0)
        found.append((float(row.max()), jaccard, int(row.argmax())))
    return found


def held_apart(requests: Sequence[str], held_out: Sequence[str],
               vectors: np.ndarray | None = None) -> list[bool]:
    """For each request, whether it is far enough from every held-out request to learn
    from (`vectors`: the requests' embeddings when already known)."""
    return [cosine < MAX_COSINE and jaccard < MAX_JACCARD
            for cosine, jaccard, _ in closest(requests, held_out, vectors)]


class _HasRequest(Protocol):
    @property
    def request(self) -> str: ...


CaseT = TypeVar("CaseT", bound=_HasRequest)


def keep_apart(cases: Sequence[CaseT], held_out: Sequence[str]) -> list[CaseT]:
    """The cases whose requests are held apart from every held-out request."""
    keep = held_apart([c.request for c in cases], held_out)
    return [case for case, ok in zip(cases, keep, strict=True) if ok]
