"""Eval datasets: cases with a request, its inputs and a gold plan; native and TaskBench formats.

Native format, JSON Lines, one case a line:

    {"id": "ocr-1", "request": "read the sign out loud", "inputs": [["sign.png", "image"]],
     "plan": {"steps": [...], "outputs": [...]}, "shape": "chain",
     "media": {"sign.png": "STOP"}, "expect": ["stop"]}

`plan` is the gold plan in modalswitch's own plan format; a plan with no steps is a request
that needs no tool. `shape` (none / single / chain / dag) is derived from the plan when left
out. `media` says what synthetic input files should show or say when the plans are executed
and `expect` lists words the executed answer must contain; both are optional. A folder may
hold several .jsonl files and a `tools.json` of plan-only tool specs (see evals.catalog).
"""

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
from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json
from modalswitch.tools.contract.modality import Modality
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


def _inputs(raw: Any, where: str) -> list[InputSpec]:
    try:
        return [InputSpec(str(name), Modality(modality)) for name, modality in raw or []]
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"{where}: inputs must be [[name, modality], ...] ({exc})") from exc


def native_case(data: dict[str, Any], where: str) -> Case:
    """One case from a parsed native JSON line."""
    for key in ("id", "request", "plan"):
        if key not in data:
            raise DatasetError(f"{where}: missing {key!r}")
    try:
        gold = Plan.parse(data["plan"])
    except Exception as exc:
        raise DatasetError(f"{where}: bad gold plan: {exc}") from exc
    shape = data.get("shape") or plan_shape(gold)
    if shape not in SHAPES:
        raise DatasetError(f"{where}: shape {shape!r} is not one of {', '.join(SHAPES)}")
    return Case(id=str(data["id"]), request=str(data["request"]),
                inputs=_inputs(data.get("inputs"), where), gold=gold, shape=shape,
                n_tools=len(gold.steps), media=dict(data.get("media") or {}),
                expect=[str(e) for e in data.get("expect") or []])


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


def load_native(path: Path) -> Dataset:
    """A native dataset from a .jsonl file, or a folder of them (plus optional tools.json)."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise DatasetError(f"{path}: no .jsonl files")
    cases: list[Case] = []
    seen: set[str] = set()
    for file in files:
        for n, data in read_jsonl(file):
            case = native_case(data, f"{file}:{n}")
            if case.id in seen:
                raise DatasetError(f"{file}:{n}: case id {case.id!r} is used twice")
            seen.add(case.id)
            cases.append(case)
    root = path if path.is_dir() else path.parent
    registry = None
    tools_file = root / "tools.json" if path.is_dir() else None
    if tools_file is not None and tools_file.exists():
        registry = spec_registry(specs_from_json(json.loads(tools_file.read_text("utf-8"))))
    return Dataset(name=path.stem if path.is_file() else path.name, format="native",
                   root=root, cases=cases, registry=registry)


def detect_format(path: Path) -> Format:
    """taskbench for a folder with tool_desc.json (or a file beside one), else native."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    return "taskbench" if (folder / "tool_desc.json").exists() else "native"


def load_dataset(path: str | Path, fmt: Format | None = None) -> Dataset:
    """Load a dataset file or folder, detecting the format unless given."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"no dataset at {path}")
    fmt = fmt or detect_format(path)
    if fmt == "taskbench":
        from modalswitch.evals.datasets.taskbench import load_taskbench

        return load_taskbench(path)
    return load_native(path)


def case_by_id(cases: Sequence[Case], case_id: str) -> Case:
    """The case with this id."""
    for case in cases:
        if case.id == case_id:
            return case
    raise KeyError(case_id)
