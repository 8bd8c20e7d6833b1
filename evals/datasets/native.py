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
from pathlib import Path
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.errors import DatasetError
from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json
from modalswitch.evals.datasets.model import SHAPES, Case, Dataset, plan_shape, read_jsonl
from modalswitch.tools.contract.modality import Modality


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
