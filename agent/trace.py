"""The run trace: an append-only stream of typed events, stored as JSON Lines.

Every stage of a run emits events (run, planner attempts, steps, cache hits, retries,
errors, the response). The same events feed the progress display while the run is live
and the trace viewer and evals afterwards.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter


class _Event(BaseModel):
    ts: float = Field(default_factory=time.time)
    run_id: str = ""
    span: str = "run"
    """What the event belongs to: "run", "planner", or a step id."""


class RunStart(_Event):
    """A run began."""

    type: Literal["run_start"] = "run_start"
    request: str
    inputs: list[dict[str, Any]] = Field(default_factory=list)
    planner: str = ""


class PlanAttempt(_Event):
    """One call of the planner's LLM, with its raw output and what was wrong with it."""

    type: Literal["plan_attempt"] = "plan_attempt"
    attempt: int
    raw: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration_s: float = 0.0
    issues: list[str] = Field(default_factory=list)


class PlanReady(_Event):
    """The plan that will run."""

    type: Literal["plan_ready"] = "plan_ready"
    plan: dict[str, Any]
    output_modalities: list[str]
    attempts: int = 1


class StepStart(_Event):
    """A step started (or started again on a retry)."""

    type: Literal["step_start"] = "step_start"
    tool: str
    args: dict[str, Any]
    attempt: int = 1


class StepEnd(_Event):
    """A step finished: ok, failed, skipped (an upstream step failed) or cached."""

    type: Literal["step_end"] = "step_end"
    tool: str
    status: Literal["ok", "failed", "skipped", "cached"]
    duration_s: float = 0.0
    outputs: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    error_type: str | None = None
    attempts: int = 1


class CacheHit(_Event):
    """A step's result came from the step cache."""

    type: Literal["cache_hit"] = "cache_hit"
    tool: str
    key: str


class Retry(_Event):
    """A step failed transiently and will run again after a delay."""

    type: Literal["retry"] = "retry"
    tool: str
    attempt: int
    delay_s: float
    error: str


class StepProgress(_Event):
    """A long step reported how far it is."""

    type: Literal["step_progress"] = "step_progress"
    fraction: float
    message: str = ""


class ErrorEvent(_Event):
    """Something failed outside a single step (planning, input import)."""

    type: Literal["error"] = "error"
    error_type: str
    message: str


class ResponseEvent(_Event):
    """The final response."""

    type: Literal["response"] = "response"
    text: str
    artifacts: list[dict[str, Any]]
    failures: list[dict[str, Any]] = Field(default_factory=list)


class RunEnd(_Event):
    """The run finished."""

    type: Literal["run_end"] = "run_end"
    status: Literal["ok", "partial", "failed"]
    duration_s: float


Event = Annotated[
    RunStart | PlanAttempt | PlanReady | StepStart | StepEnd | CacheHit | Retry
    | StepProgress | ErrorEvent | ResponseEvent | RunEnd,
    Field(discriminator="type"),
]
_EVENT = TypeAdapter(Event)

Listener = Callable[[Any], None]


class Tracer:
    """Stamps events with the run id, appends them to trace.jsonl and tells listeners."""

    def __init__(self, path: Path | None = None, run_id: str | None = None) -> None:
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.path = path
        self.events: list[Any] = []
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event)` for every later event."""
        self._listeners.append(listener)

    def emit(self, event: _Event) -> None:
        """Record one event."""
        event.run_id = self.run_id
        line = event.model_dump_json()
        with self._lock:
            self.events.append(event)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
        for listener in self._listeners:
            listener(event)


def read_trace(path: Path) -> list[Any]:
    """Parse a trace.jsonl back into typed events."""
    events = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                events.append(_EVENT.validate_json(line))
    return events
