"""A run's trace events folded into one summary: route, plan, steps, errors, response.

The one fold every reader shares: `trace show` (tree), `trace view` (browser), the live
progress display (which applies events as they arrive), the studio (which follows trace
files as they are written) and the HTML report, so they can never tell a run differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.agent.trace.events import (
    EVENT_ADAPTER,
    CacheHit,
    ErrorEvent,
    Event,
    PlanAttempt,
    PlanReady,
    ResponseEvent,
    Retry,
    RouteDecision,
    RunEnd,
    RunStart,
    StepEnd,
    StepProgress,
    StepStart,
)
from modalswitch.agent.trace.tracer import read_trace


@dataclass
class StepInfo:
    """What happened to one step (or to a tool a step called: `parent` is then set)."""

    id: str
    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    resolved_args: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"
    duration_s: float | None = None
    attempts: int = 0
    cached: bool = False
    retries: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    error_type: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    progress: tuple[float, str] | None = None
    started_at: float | None = None
    """When the step (last) started, as the event's wall-clock time."""
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    """Spans of the tools this step called, in order."""
    degraded: str | None = None
    """Why its output is (or, before it ends, will be) a placeholder, and how to fix it."""

    @property
    def output_modalities(self) -> dict[str, str]:
        """Output field -> modality, for the outputs the step produced (text is a string)."""
        kinds = {}
        for name, value in self.outputs.items():
            if isinstance(value, dict) and isinstance(value.get("modality"), str):
                kinds[name] = value["modality"]
            elif isinstance(value, str):
                kinds[name] = "text"
        return kinds


@dataclass
class TraceSummary:
    """A run, as its trace tells it; `apply` folds in one more event."""

    run_id: str = ""
    request: str = ""
    planner: str = ""
    inputs: list[dict[str, Any]] = field(default_factory=list)
    status: str = "unfinished"
    duration_s: float | None = None
    route: RouteDecision | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    plan: dict[str, Any] | None = None
    output_modalities: list[str] = field(default_factory=list)
    step_outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    """Step id -> output field -> modality, as planned (primary output first)."""
    steps: dict[str, StepInfo] = field(default_factory=dict)
    """Every span that ran a tool: plan steps first (in plan order), then sub-tool calls."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    response_text: str | None = None
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    run_dir: Path | None = None

    @property
    def top_steps(self) -> list[StepInfo]:
        """The plan's own steps, without the sub-tool calls inside them."""
        return [s for s in self.steps.values() if s.parent is None]

    def output_kinds(self) -> dict[str, dict[str, str]]:
        """Step id -> output field -> modality: as produced where a step ran, else as planned."""
        kinds = {k: dict(v) for k, v in self.step_outputs.items()}
        for span, info in self.steps.items():
            if info.parent is None and info.output_modalities:
                kinds[span] = {**kinds.get(span, {}), **info.output_modalities}
        return kinds

    @property
    def cache_hits(self) -> int:
        """Steps whose result came from the step cache."""
        return sum(s.cached for s in self.top_steps)

    @property
    def retries(self) -> int:
        """Retries over all steps."""
        return sum(len(s.retries) for s in self.top_steps)

    def _step(self, span: str, tool: str, parent: str | None) -> StepInfo:
        if span not in self.steps:
            self.steps[span] = StepInfo(span, tool, parent=parent)
            if parent is not None and parent in self.steps:
                self.steps[parent].children.append(span)
        return self.steps[span]

    def apply(self, e: Event) -> None:
        """Fold one event in."""
        self.run_id = self.run_id or e.run_id
        if isinstance(e, RunStart):
            self.request, self.planner, self.inputs = e.request, e.planner, list(e.inputs)
        elif isinstance(e, RouteDecision):
            self.route = e
        elif isinstance(e, PlanAttempt):
            self.attempts.append({"attempt": e.attempt, "duration_s": e.duration_s,
                                  "prompt_tokens": e.prompt_tokens,
                                  "completion_tokens": e.completion_tokens,
                                  "issues": list(e.issues), "raw": e.raw})
        elif isinstance(e, PlanReady):
            self.plan, self.output_modalities = e.plan, list(e.output_modalities)
            self.step_outputs = {k: dict(v) for k, v in e.step_outputs.items()}
            for step in e.plan.get("steps", []):
                self.steps[step["id"]] = StepInfo(step["id"], step["tool"],
                                                  dict(step.get("args", {})))
                if step["id"] in e.degraded:
                    self.steps[step["id"]].degraded = e.degraded[step["id"]].sentence()
        elif isinstance(e, StepStart):
            info = self._step(e.span, e.tool, e.parent)
            info.resolved_args, info.attempts, info.status = e.args, e.attempt, "running"
            info.started_at = e.ts
        elif isinstance(e, CacheHit):
            info = self._step(e.span, e.tool, e.parent)
            info.cached, info.status = True, "cached"
        elif isinstance(e, Retry):
            info = self._step(e.span, e.tool, e.parent)
            info.status = "retrying"
            info.retries.append({"attempt": e.attempt, "delay_s": e.delay_s, "error": e.error})
        elif isinstance(e, StepProgress) and e.span in self.steps:
            self.steps[e.span].progress = (e.fraction, e.message)
        elif isinstance(e, StepEnd):
            info = self._step(e.span, e.tool, e.parent)
            info.status, info.duration_s = e.status, e.duration_s
            info.attempts = max(info.attempts, e.attempts)
            info.error, info.error_type, info.outputs = e.error, e.error_type, e.outputs
            if e.status != "skipped":  # what the step made, not what the plan expected
                info.degraded = e.degraded.sentence() if e.degraded is not None else None
        elif isinstance(e, ErrorEvent):
            self.errors.append((e.error_type, e.message))
        elif isinstance(e, ResponseEvent):
            self.response_text = e.text
            self.artifacts = [_locate(dict(a), self.run_dir) for a in e.artifacts]
        elif isinstance(e, RunEnd):
            self.status, self.duration_s = e.status, e.duration_s


def summarize_events(events: list[Event], run_dir: Path | None = None) -> TraceSummary:
    """Fold a run's events; `run_dir` locates artifacts whose absolute paths moved."""
    summary = TraceSummary(run_dir=run_dir)
    for event in events:
        summary.apply(event)
    return summary


def _locate(artifact: dict[str, Any], run_dir: Path | None) -> dict[str, Any]:
    """Add `local` (an existing path, if any) and `size_bytes` to a response artifact."""
    path = Path(artifact.get("path", ""))
    local = path if path.is_file() else None
    if local is None and run_dir is not None and (run_dir / path.name).is_file():
        local = run_dir / path.name
    artifact["local"] = str(local) if local else None
    artifact["size_bytes"] = local.stat().st_size if local else None
    return artifact


def trace_file(path: Path) -> Path:
    """The trace.jsonl of a run folder (or the file itself)."""
    path = Path(path)
    return path / "trace.jsonl" if path.is_dir() else path


def summarize_trace(path: Path) -> TraceSummary:
    """The summary of a run folder or a trace.jsonl file."""
    file = trace_file(path)
    return summarize_events(read_trace(file), file.parent)


class TraceFollower:
    """The summary of a trace that is still being written: each `poll` folds in the whole
    lines added since the last one (a line cut mid-write waits for its end). A trace that
    starts over (a new run in the same folder) is noticed by its first bytes, and folded
    afresh; a line that does not parse is counted in `unreadable` and skipped."""

    HEAD = 64
    """Bytes of the file's start remembered to notice it was replaced."""

    def __init__(self, path: Path) -> None:
        self.path = trace_file(path)
        self._restart()

    def _restart(self) -> None:
        self.summary = TraceSummary(run_dir=self.path.parent)
        self.events = 0
        self.unreadable = 0
        self._offset = 0
        self._partial = b""
        self._head = b""

    @property
    def finished(self) -> bool:
        """True once the run's last event (run_end) is in."""
        return self.summary.status != "unfinished"

    def poll(self) -> bool:
        """Fold in what was appended; True when something new came in."""
        try:
            with self.path.open("rb") as fh:
                head = fh.read(self.HEAD)
                if not head.startswith(self._head) or fh.seek(0, 2) < self._offset:
                    self._restart()
                self._head = head
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            return False
        if not data:
            return False
        self._offset += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            try:
                event = EVENT_ADAPTER.validate_json(line)
            except ValueError:  # pydantic's ValidationError is one; a torn or foreign line
                self.unreadable += 1
                continue
            self.summary.apply(event)
            self.events += 1
        return bool(lines)
