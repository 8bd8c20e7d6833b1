"""Tools a request names by some phrase of its own, so that a plan does not end without them.

A small planner reads "translate it, summarize it, then turn the summary into audio" and
stops after the translation: on TaskBench's multi-step requests the packaged 1.5B wrote
1.8 steps where 2.5 were asked. Each clause of the request (split at punctuation and at
"and", "then", "also"...) is set against every tool's description (MiniLM, zero-shot,
`ToolIndex`); a tool is *named* when it is the nearest tool to some clause, near enough,
and clearly nearer than the runner-up. (Runs of 3-5 words, as `mention_ranks` uses, name
about as many tools as reliably on TaskBench's catalog, at 17 times the encoding time.) How near is
near enough depends on the catalog (TaskBench's tools each do one plain thing; the default
catalog's overlap), so the two thresholds are calibrated on the catalog's own solved
examples: the loosest pair whose named tools are in the example's plan at least
`precision` of the time. A catalog where no pair is that reliable gets no mentions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from modalswitch.agent.planners.retrieval import ToolIndex

SIMILARITIES = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MARGINS = (0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3)
PRECISION = 0.95
"""How often a named tool must be in the solved example's plan: a wrong mention costs a
wasted step in every plan it touches."""
MIN_RECALL = 0.2
"""Below this share of the examples' tools named, mentions are not worth their time."""


_BREAK = re.compile(r"[,.;:!?()\n]|\b(?:and|then|also|plus|after that|afterwards|finally)\b")


def clauses(request: str) -> list[str]:
    """The request's clauses of two words or more, lower-cased."""
    parts = (" ".join(p.split()) for p in _BREAK.split(request.lower()))
    return [p for p in parts if len(p.split()) >= 2]


@dataclass(frozen=True)
class Nearness:
    """Per clause, its nearest tool, that similarity and the margin over the next."""

    tools: np.ndarray
    similarity: np.ndarray
    margin: np.ndarray

    def named(self, names: Sequence[str], similarity: float, margin: float) -> list[str]:
        """The tools named, in the order of the first clause naming each."""
        keep = (self.similarity >= similarity) & (self.margin >= margin)
        return list(dict.fromkeys(names[int(i)] for i in self.tools[keep]))


def nearness(tools: ToolIndex, request: str) -> Nearness:
    """How near each clause of the request comes to its nearest tool."""
    runs = clauses(request)
    if not runs or not tools.registry.names:
        return Nearness(np.zeros(0, int), np.zeros(0), np.zeros(0))
    similarity = tools.run_similarities(runs)
    ordered = np.sort(similarity, axis=1)
    second = ordered[:, -2] if similarity.shape[1] > 1 else np.zeros(len(runs))
    return Nearness(similarity.argmax(axis=1), ordered[:, -1], ordered[:, -1] - second)


class ToolMentions:
    """Names the tools a request asks for in so many words (see the module docstring)."""

    def __init__(self, tools: ToolIndex, similarity: float, margin: float) -> None:
        self.tools = tools
        self.similarity = similarity
        self.margin = margin

    def named(self, request: str) -> list[str]:
        """The tools some phrase of the request names, in the order it names them (the
        order a request asks for steps is, nearly always, the order they depend on each
        other: 178 of 183 dependent pairs in TaskBench's hand-written demos)."""
        return nearness(self.tools, request).named(self.tools.registry.names,
                                                   self.similarity, self.margin)

    @classmethod
    def calibrated(cls, tools: ToolIndex, cases: Sequence[dict[str, Any]], *,
                   precision: float = PRECISION, min_recall: float = MIN_RECALL
                   ) -> ToolMentions | None:
        """Mentions with the thresholds that name the most of the cases' plan tools while
        at least `precision` of what they name is in the plan; None when no thresholds do
        (or name under `min_recall` of the tools). `cases` are solved examples over the
        index's registry ({"request", "plan": {"steps": [{"tool"}]}})."""
        names = tools.registry.names
        solved = [(nearness(tools, c["request"]), {s["tool"] for s in c["plan"]["steps"]})
                  for c in cases if c["plan"]["steps"]]
        total = sum(len(gold) for _, gold in solved)
        best: tuple[float, float, float] | None = None  # recall, similarity, margin
        for similarity in SIMILARITIES:
            for margin in MARGINS:
                right = wrong = 0
                for near, gold in solved:
                    found = set(near.named(names, similarity, margin))
                    right += len(found & gold)
                    wrong += len(found - gold)
                recall = right / total if total else 0.0
                if (right and right / (right + wrong) >= precision and recall >= min_recall
                        and (best is None or recall > best[0])):
                    best = (recall, similarity, margin)
        return cls(tools, best[1], best[2]) if best is not None else None
