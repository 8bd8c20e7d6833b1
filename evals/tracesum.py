"""One run's trace events folded into a summary: plan, per-step outcome, errors, artifacts.

The terminal viewer and the HTML report both read traces through this, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agent.trace import read_trace


@dataclass
class StepInfo:
    """What happened to one step."""

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


@dataclass
class TraceSummary:
    """A run, as its trace tells it."""

    run_id: str = ""
    request: str = ""
    planner: str = ""
    inputs: list[dict[str, Any]] = field(default_factory=list)
    status: str = "unfinished"
    duration_s: float | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    plan: dict[str, Any] | None = None
    output_modalities: list[str] = field(default_factory=list)
    steps: dict[str, StepInfo] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    response_text: str | None = None
    artifacts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cache_hits(self) -> int:
        """Steps whose result came from the step cache."""
        return sum(s.cached for s in self.steps.values())

    @property
    def retries(self) -> int:
        """Retries over all steps."""
        return sum(len(s.retries) for s in self.steps.values())


def _step(summary: TraceSummary, event: Any) -> StepInfo:
    if event.span not in summary.steps:
        summary.steps[event.span] = StepInfo(event.span, getattr(event, "tool", "?"))
    return summary.steps[event.span]


def summarize_events(events: list[Any], run_dir: Path | None = None) -> TraceSummary:
    """Fold a run's events; `run_dir` locates artifacts whose absolute paths moved."""
    s = TraceSummary()
    for e in events:
        s.run_id = s.run_id or e.run_id
        kind = e.type
        if kind == "run_start":
            s.request, s.planner, s.inputs = e.request, e.planner, list(e.inputs)
        elif kind == "plan_attempt":
            s.attempts.append({"attempt": e.attempt, "duration_s": e.duration_s,
                               "prompt_tokens": e.prompt_tokens,
                               "completion_tokens": e.completion_tokens,
                               "issues": list(e.issues), "raw": e.raw})
        elif kind == "plan_ready":
            s.plan, s.output_modalities = e.plan, list(e.output_modalities)
            for step in e.plan.get("steps", []):
                s.steps[step["id"]] = StepInfo(step["id"], step["tool"], dict(step.get("args", {})))
        elif kind == "step_start":
            info = _step(s, e)
            info.resolved_args, info.attempts, info.status = e.args, e.attempt, "running"
        elif kind == "cache_hit":
            _step(s, e).cached = True
        elif kind == "retry":
            _step(s, e).retries.append({"attempt": e.attempt, "delay_s": e.delay_s,
                                        "error": e.error})
        elif kind == "step_end":
            info = _step(s, e)
            info.status, info.duration_s = e.status, e.duration_s
            info.attempts = max(info.attempts, e.attempts)
            info.error, info.error_type, info.outputs = e.error, e.error_type, e.outputs
        elif kind == "error":
            s.errors.append((e.error_type, e.message))
        elif kind == "response":
            s.response_text = e.text
            s.artifacts = [_locate(dict(a), run_dir) for a in e.artifacts]
        elif kind == "run_end":
            s.status, s.duration_s = e.status, e.duration_s
    return s


def _locate(artifact: dict[str, Any], run_dir: Path | None) -> dict[str, Any]:
    """Add `local` (an existing path, if any) and `size_bytes` to a response artifact."""
    path = Path(artifact.get("path", ""))
    local = path if path.is_file() else None
    if local is None and run_dir is not None and (run_dir / path.name).is_file():
        local = run_dir / path.name
    artifact["local"] = str(local) if local else None
    artifact["size_bytes"] = local.stat().st_size if local else None
    return artifact


def summarize_trace(path: Path) -> TraceSummary:
    """The summary of a run folder or a trace.jsonl file."""
    path = Path(path)
    file = path / "trace.jsonl" if path.is_dir() else path
    return summarize_events(read_trace(file), file.parent)
