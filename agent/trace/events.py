"""The trace's typed events: one pydantic model per kind, and the `Event` union readers match on.

Every stage of a run emits events (run, route, planner attempts, steps and the sub-tool
calls inside them, cache hits, retries, errors, the response). The same events feed the
progress display while the run is live, and the trace viewers and evals afterwards.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from modalswitch.tools.contract.degraded import Degraded


class BaseEvent(BaseModel):
    """What every event has: when, which run, and which span it belongs to."""

    ts: float = Field(default_factory=time.time)
    run_id: str = ""
    span: str = "run"
    """What the event belongs to: "run", "planner", a step id, or "STEP/TOOL" for a tool
    that step called."""
    parent: str | None = None
    """The enclosing span of a sub-tool call (its step id); None at the top level."""


class RunStart(BaseEvent):
    """A run began."""

    type: Literal["run_start"] = "run_start"
    request: str
    inputs: list[dict[str, Any]] = Field(default_factory=list)
    planner: str = ""


class RouteDecision(BaseEvent):
    """The router's verdict: does the request need a tool, and which tools the planner sees."""

    type: Literal["route"] = "route"
    p_tool: float
    """P(the request needs a tool)."""
    threshold: float
    """Below this the request is answered in text without the planner."""
    needs_tool: bool
    tools: list[str] = Field(default_factory=list)
    """The tools offered to the planner."""
    modalities: list[str] = Field(default_factory=list)
    """Output modalities the router predicts beyond text."""
    scores: dict[str, float] = Field(default_factory=dict)
    """The most likely tools and their probabilities."""
    require_steps: bool = False
    """True when the router was sure enough to rule out the no-tool plan."""
    seconds: float = 0.0


class PlanAttempt(BaseEvent):
    """One call of the planner's LLM, with its raw output and what was wrong with it."""

    type: Literal["plan_attempt"] = "plan_attempt"
    attempt: int
    raw: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration_s: float = 0.0
    issues: list[str] = Field(default_factory=list)
    asked: list[str] = Field(default_factory=list)
    """Media the request asked for back in so many words, which "wants" had to name."""
    named: list[str] = Field(default_factory=list)
    """Tools the request named by some phrase, which the plan had to use where it could."""


class PlanReady(BaseEvent):
    """The plan that will run."""

    type: Literal["plan_ready"] = "plan_ready"
    plan: dict[str, Any]
    output_modalities: list[str]
    attempts: int = 1
    step_outputs: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Step id -> output field -> modality (primary output first), from the registry."""
    degraded: dict[str, Degraded] = Field(default_factory=dict)
    """Steps whose tool will make a placeholder (its model is not here), by step id."""


class StepStart(BaseEvent):
    """A step started (or started again on a retry)."""

    type: Literal["step_start"] = "step_start"
    tool: str
    args: dict[str, Any]
    attempt: int = 1


class StepEnd(BaseEvent):
    """A step finished: ok, failed, skipped (an upstream step failed) or cached."""

    type: Literal["step_end"] = "step_end"
    tool: str
    status: Literal["ok", "failed", "skipped", "cached"]
    duration_s: float = 0.0
    outputs: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    error_type: str | None = None
    attempts: int = 1
    degraded: Degraded | None = None
    """Set when the output is a placeholder: what stands in and how to get the real model."""


class CacheHit(BaseEvent):
    """A step's result came from the step cache."""

    type: Literal["cache_hit"] = "cache_hit"
    tool: str
    key: str


class Retry(BaseEvent):
    """A step failed transiently and will run again after a delay."""

    type: Literal["retry"] = "retry"
    tool: str
    attempt: int
    delay_s: float
    error: str


class StepProgress(BaseEvent):
    """A long step reported how far it is."""

    type: Literal["step_progress"] = "step_progress"
    fraction: float
    message: str = ""


class ErrorEvent(BaseEvent):
    """Something failed outside a single step (planning, input import)."""

    type: Literal["error"] = "error"
    error_type: str
    message: str


class ResponseEvent(BaseEvent):
    """The final response."""

    type: Literal["response"] = "response"
    text: str
    artifacts: list[dict[str, Any]]
    failures: list[dict[str, Any]] = Field(default_factory=list)


class RunEnd(BaseEvent):
    """The run finished."""

    type: Literal["run_end"] = "run_end"
    status: Literal["ok", "partial", "failed"]
    duration_s: float


Event = Annotated[
    RunStart | RouteDecision | PlanAttempt | PlanReady | StepStart | StepEnd | CacheHit | Retry
    | StepProgress | ErrorEvent | ResponseEvent | RunEnd,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
"""Parses one event from JSON (`EVENT_ADAPTER.validate_json(line)`)."""

