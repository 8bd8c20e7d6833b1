"""Retrieval at plan time: the nearest solved examples, and the likely tools of a catalog.

- `ExampleIndex` embeds the requests of solved examples (the packaged MiniLM, as the router
  does) and returns the nearest ones to a new request, preferring those with the same kinds
  of input files, as few-shot demonstrations.
- `ToolIndex` narrows any catalog zero-shot, from the tool descriptions alone: the tools
  whose descriptions are nearest the request, plus what the request's inputs and the
  tools' types make reachable, so an unseen catalog (TaskBench's, a user's) is narrowed
  without training.
"""

from __future__ import annotations

import json
from collections.abc import Container, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.planners.output_cues import word_windows
from modalswitch.agent.planners.prompting import tool_summary
from modalswitch.agent.planners.router import embed
from modalswitch.agent.planners.shipped import EXAMPLE_INDEX, trained_file
from modalswitch.errors import MissingModelError
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry


@dataclass(frozen=True)
class Example:
    """A solved request: what the user asked, with which files, and the plan that answers."""

    request: str
    inputs: tuple[tuple[str, str], ...]
    plan: dict[str, Any]

    def as_case(self) -> dict[str, Any]:
        """The example as the planner's few-shot format (request, inputs, plan)."""
        return {"request": self.request, "inputs": [list(i) for i in self.inputs],
                "plan": self.plan}


def _kinds(inputs: Sequence[InputSpec] | Sequence[tuple[str, str]]) -> tuple[str, ...]:
    kinds = [s.modality.value if isinstance(s, InputSpec) else s[1] for s in inputs]
    return tuple(sorted(kinds))


class ExampleIndex:
    """Nearest solved examples by request embedding, same input kinds first."""

    def __init__(self, examples: Sequence[Example], embedder: str | None = None,
                 vectors: np.ndarray | None = None) -> None:
        self.examples = list(examples)
        self.embedder = embedder
        if vectors is None:
            vectors = (embed([e.request for e in self.examples], embedder)
                       if self.examples else np.zeros((0, 1), np.float32))
        self._vectors = vectors.astype(np.float32)
        self._kinds = [_kinds(e.inputs) for e in self.examples]

    @property
    def vectors(self) -> np.ndarray:
        """The examples' request embeddings, one unit-length row each."""
        return self._vectors

    def subset(self, keep: Sequence[bool]) -> ExampleIndex:
        """The index of the examples marked to keep (no embedding again)."""
        rows = [i for i, k in enumerate(keep) if k]
        return ExampleIndex([self.examples[i] for i in rows], self.embedder,
                            self._vectors[rows] if rows else self._vectors[:0])

    def save(self, path: Path) -> None:
        """Write the examples and their embeddings (float16) to one .npz file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        cases = json.dumps([e.as_case() for e in self.examples], ensure_ascii=False)
        with path.open("wb") as fh:
            np.savez_compressed(fh, vectors=self._vectors.astype(np.float16),
                                cases=np.array(cases), embedder=np.array(self.embedder or ""))

    @classmethod
    def load(cls, path: Path) -> ExampleIndex:
        """Read an index written by save()."""
        if not Path(path).exists():
            raise MissingModelError("planner", str(path), "build one with `modalswitch train "
                                    "examples` or `modalswitch train adapt`")
        with np.load(path) as data:
            cases = json.loads(str(data["cases"]))
            examples = [Example(c["request"], tuple(tuple(i) for i in c["inputs"]), c["plan"])
                        for c in cases]
            return cls(examples, str(data["embedder"]) or None, data["vectors"])

    @classmethod
    def joined(cls, *indexes: ExampleIndex) -> ExampleIndex:
        """One index over the examples of several (embedded by the same model)."""
        embedders = {i.embedder for i in indexes}
        if len(embedders) > 1:
            raise ValueError(f"cannot join indexes of different embedders: {embedders}")
        kept = [i for i in indexes if i.examples]
        vectors = (np.concatenate([i.vectors for i in kept]) if kept
                   else np.zeros((0, 1), np.float32))
        return cls([e for i in kept for e in i.examples],
                   embedders.pop() if embedders else None, vectors)

    @classmethod
    def from_cases(cls, cases: Sequence[dict[str, Any]], embedder: str | None = None
                   ) -> ExampleIndex:
        """An index over few-shot cases ({"request", "inputs", "plan"} dicts)."""
        return cls([Example(c["request"], tuple(tuple(i) for i in c["inputs"]), c["plan"])
                    for c in cases], embedder)

    def typical(self, singles: int = 11, chains: int = 5, answers: int = 3) -> list[Example]:
        """Fixed demonstrations that cover the index: one typical example (nearest its
        group's mean) of each of the `singles` most common one-tool plans, of up to
        `chains` multi-step plans that each bring a tool none of the chosen ones uses,
        and `answers` varied requests answered in words, spread among them."""
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
        for i, example in enumerate(self.examples):
            tools = tuple(s["tool"] for s in example.plan["steps"])
            groups.setdefault((self._kinds[i], tools), []).append(i)
        ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))  # ties: first seen
        one_tool = [ids for (_, tools), ids in ranked if len(tools) == 1][:singles]
        covered = {self.examples[ids[0]].plan["steps"][0]["tool"] for ids in one_tool}
        multi: list[list[int]] = []
        for (_, tools), ids in ranked:
            if len(tools) > 1 and len(multi) < chains and set(tools) - covered:
                multi.append(ids)
                covered |= set(tools)
        picked = [self._central(ids, 1)[0] for pair in zip_longest(one_tool, multi)
                  for ids in pair if ids is not None]
        words = next((ids for (_, tools), ids in ranked if not tools), [])
        for n, i in enumerate(self._central(words, answers) if words else []):
            picked.insert(min(len(picked), (n + 1) * len(picked) // (answers + 1) + n), i)
        return [self.examples[i] for i in picked]

    def _central(self, ids: list[int], k: int) -> list[int]:
        """k of these examples: the one nearest their mean, then each the least like those
        already chosen among the more typical half."""
        vectors = self._vectors[ids]
        order = [ids[j] for j in np.argsort(-(vectors @ vectors.mean(axis=0)), kind="stable")]
        chosen = order[:1]
        pool = order[:max(k, len(order) // 2)]
        while len(chosen) < min(k, len(pool)):
            left = [i for i in pool if i not in chosen]
            likeness = (self._vectors[left] @ self._vectors[chosen].T).max(axis=1)
            chosen.append(left[int(np.argmin(likeness))])
        return chosen

    def nearest(self, request: str, inputs: Sequence[InputSpec], k: int = 3,
                exclude: str | None = None, tools: Container[str] | None = None
                ) -> list[Example]:
        """Up to k examples most like the request; an example whose input kinds match
        ranks above any that do not. `exclude` leaves out an identical request; with
        `tools`, only examples whose plans use nothing else are chosen (an example may not
        teach a tool the planner cannot call)."""
        if not self.examples or k <= 0:
            return []
        query = embed([request], self.embedder)[0]
        scores = self._vectors @ query
        kinds = _kinds(inputs)
        bonus = np.array([1.0 if kk == kinds else 0.0 for kk in self._kinds], np.float32)
        order = np.argsort(-(scores + bonus), kind="stable")
        chosen = [self.examples[i] for i in order
                  if (exclude is None or self.examples[i].request != exclude)
                  and (tools is None or all(s["tool"] in tools
                                            for s in self.examples[i].plan["steps"]))]
        return list(reversed(chosen[:k]))  # the most similar last, nearest the request


def shipped_examples() -> ExampleIndex:
    """The shipped index of solved examples over the default catalog."""
    return ExampleIndex.load(trained_file(EXAMPLE_INDEX))


class ToolIndex:
    """Zero-shot tool narrowing for any registry, from descriptions and types."""

    def __init__(self, registry: Registry, embedder: str | None = None) -> None:
        self.registry = registry
        self.embedder = embedder
        texts = [f"{t.name.replace('_', ' ')}: {tool_summary(t.description)}" for t in registry]
        self._vectors = embed(texts, embedder) if texts else np.zeros((0, 1), np.float32)

    def scores(self, request: str) -> dict[str, float]:
        """Cosine similarity of the request to every tool's description."""
        query = embed([request], self.embedder)[0]
        return dict(zip(self.registry.names, (float(v) for v in self._vectors @ query),
                        strict=True))

    def mention_ranks(self, request: str) -> dict[str, int]:
        """Per tool, its best rank (0: nearest) among all tools for any run of 3-5 words of
        the request: low when some phrase of the request asks for what the tool does,
        however much else the request says."""
        runs = word_windows(request)
        if not runs:
            return {n: len(self.registry.names) for n in self.registry.names}
        similarity = self.run_similarities(runs)
        ranks = np.argsort(np.argsort(-similarity, axis=1), axis=1)  # per run, 0 = nearest
        return dict(zip(self.registry.names, (int(r) for r in ranks.min(axis=0)), strict=True))

    def run_similarities(self, runs: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each run of words (rows) to every tool (columns)."""
        return embed(runs, self.embedder, batch_size=64) @ self._vectors.T

    def likely(self, request: str, inputs: Sequence[InputSpec], k: int = 8) -> list[str]:
        """The k tools nearest the request, and for each medium they need that neither
        the inputs nor they themselves provide, the nearest tool that makes it."""
        scores = self.scores(request)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        usable = {s.modality for s in inputs} | {Modality.TEXT}
        chosen = ranked[:k]
        made = usable | {m for n in chosen for m in self.registry.get(n).output_modalities}
        for name in list(chosen):
            tool = self.registry.get(name)
            for field in tool.Input.model_fields:
                need = field_kind(tool.Input, field).modality
                if need in MEDIA and need not in made:
                    maker = next((n for n in ranked
                                  if need in self.registry.get(n).output_modalities), None)
                    if maker is not None and maker not in chosen:
                        chosen.append(maker)
                        made |= set(self.registry.get(maker).output_modalities)
        return [n for n in self.registry.names if n in chosen]
