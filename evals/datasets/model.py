"""An eval case (request, inputs, gold plan) and a dataset of them, whatever the file format."""


from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.errors import DatasetError
from modalswitch.tools.contract.registry import Registry

Format = Literal["native", "taskbench"]
SHAPES = ("none", "single", "chain", "dag")


@dataclass
class Case:
    """One eval case: a request, its inputs, and the plan that answers it."""

    id: str
    request: str
    inputs: list[InputSpec]
    gold: Plan
    shape: str
    n_tools: int
    media: dict[str, str] = field(default_factory=dict)
    """What each synthetic input file shows or says, when plans are executed."""
    expect: list[str] = field(default_factory=list)
    """Words an executed answer must contain to count as an end-to-end success."""
    gold_taskbench: list[dict[str, Any]] | None = None
    """TaskBench only: the gold `task_nodes` as published, scored as they are."""


@dataclass
class Dataset:
    """A named list of cases, and the registry to plan over (None: the default registry)."""

    name: str
    format: Format
    root: Path
    cases: list[Case]
    registry: Registry | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def select(self, limit: int | None = None, seed: int | None = None) -> list[Case]:
        """The cases to run: all, the first `limit`, or `limit` drawn with `seed`."""
        cases = list(self.cases)
        if seed is not None:
            random.Random(seed).shuffle(cases)
        return cases[:limit] if limit else cases


def plan_shape(plan: Plan) -> str:
    """none (no tool), single (one step), chain (one path through every step), or dag."""
    steps = plan.steps
    if not steps:
        return "none"
    if len(steps) == 1:
        return "single"
    ids = {s.id for s in steps}
    deps = {s.id: s.dependencies() & ids for s in steps}
    consumers: dict[str, int] = dict.fromkeys(ids, 0)
    for d in deps.values():
        for source in d:
            consumers[source] += 1
    linear = all(len(d) <= 1 for d in deps.values()) and all(c <= 1 for c in consumers.values())
    edges = sum(len(d) for d in deps.values())
    return "chain" if linear and edges == len(steps) - 1 else "dag"


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-empty line; DatasetError on bad JSON."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{n}: not JSON ({exc})") from exc
    return rows


def case_by_id(cases: Sequence[Case], case_id: str) -> Case:
    """The case with this id."""
    for case in cases:
        if case.id == case_id:
            return case
    raise KeyError(case_id)
