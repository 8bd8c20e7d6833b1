"""The planners an eval can run: the embedded LLM, the oracle (gold plans) and a no-tool baseline.

An eval planner sees the whole case, so the oracle can hand back its gold plan; real
planners only ever read the request and the inputs. `serial` planners (one llama.cpp
context) are called one case at a time; the others may plan cases in parallel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.presets import CONFIGS
from modalswitch.agent.planners.retrieval import ExampleIndex
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import UserError
from modalswitch.evals.datasets.model import Case, Dataset
from modalswitch.evals.datasets.shipped import data_dir
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.registry import Registry

PLANNERS = (*CONFIGS, "oracle", "none")


class EvalPlanner(Protocol):
    """Plans one eval case; answers text-only requests when plans are executed."""

    name: str
    serial: bool

    @property
    def writer(self) -> ChatModel | None:
        """The model tools that write are given when plans are executed."""
        ...

    def plan_case(self, case: Case, tracer: Tracer | None = None) -> Plan:
        """A plan for the case (PlannerError when there is none)."""
        ...

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A text answer for a request that needs no tool."""
        ...


class OraclePlanner:
    """Returns each case's gold plan: the scorer's sanity check (every metric is 1.0)."""

    name = "oracle"
    serial = False
    writer = None

    def plan_case(self, case: Case, tracer: Tracer | None = None) -> Plan:
        """The gold plan."""
        return case.gold.model_copy(deep=True)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A fixed answer: the oracle knows plans, not facts."""
        return "(oracle) This request needs no tool; a text answer goes here."


class NoToolPlanner:
    """Never uses a tool: the baseline every router must beat on tool requests."""

    name = "none"
    serial = False
    writer = None

    def plan_case(self, case: Case, tracer: Tracer | None = None) -> Plan:
        """The empty plan."""
        return Plan()

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A fixed answer."""
        return "(baseline) Answered in text without tools."


class PlannerAdapter:
    """Any modalswitch Planner (e.g. LLMPlanner) as an eval planner."""

    def __init__(self, planner: Planner, *, serial: bool = True, name: str | None = None) -> None:
        self.planner = planner
        self.serial = serial
        self.name = name or planner.name
        self.writer = planner.writer

    def plan_case(self, case: Case, tracer: Tracer | None = None) -> Plan:
        """The planner's plan for the request and inputs (never the gold)."""
        return self.planner.plan(case.request, case.inputs, tracer)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """The planner's text answer."""
        return self.planner.answer(request, inputs)


def taskbench_demos() -> list[dict[str, Any]]:
    """Hand-written demos over the TaskBench catalog (none is taken from its samples)."""
    text = (data_dir() / "taskbench_demos.json")
    demos: list[dict[str, Any]] = json.loads(text.read_text(encoding="utf-8"))
    return demos


def dataset_registry(dataset: Dataset) -> Registry:
    """The registry a dataset is planned over: its own catalog, or the default registry."""
    if dataset.registry is not None:
        return dataset.registry
    from modalswitch.tools.catalog import default_registry

    return default_registry()


def make_planner(name: str, dataset: Dataset, registry: Registry | None = None,
                 adapter: str | None = None, adapted: str | Path | None = None
                 ) -> EvalPlanner:
    """The eval planner called `name` for a dataset: an embedded configuration (the same
    names `run` and `plan` take), or the oracle or no-tool baseline. `adapted` is a
    `modalswitch train adapt` folder: its examples join the few-shot index of untuned
    configurations, its adapter replaces the shipped one for tuned ones."""
    if name == "oracle":
        return OraclePlanner()
    if name == "none":
        return NoToolPlanner()
    if name in CONFIGS:
        from modalswitch.agent.planners.adaptation import Adaptation
        from modalswitch.agent.planners.presets import embedded_planner

        registry = registry or dataset_registry(dataset)
        demos = taskbench_demos() if dataset.format == "taskbench" else None
        index = ExampleIndex.from_cases(demos) if demos else None  # nearest demos as shots
        if adapted is not None:
            adaptation = Adaptation.load(adapted)
            if name.startswith("tuned"):
                adapter = adapter or str(adaptation.adapter)
            else:
                index = (ExampleIndex.joined(index, adaptation.examples) if index is not None
                         else adaptation.examples)
        label = name if adapted is None else f"{name}+{Path(adapted).name}"
        return PlannerAdapter(embedded_planner(registry, name, adapter, examples=demos,
                                               index=index), name=label)
    raise UserError(f"unknown planner {name!r} (choose from {', '.join(PLANNERS)})")
