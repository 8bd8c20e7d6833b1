"""What a recorded run asked for: its request, its input files and the plan that ran.

`modalswitch replay RUN_DIR` runs that plan again on the same inputs (the step cache
answers the steps whose tools and arguments have not changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from modalswitch.agent.plan.model import Plan
from modalswitch.agent.trace.events import PlanReady, RunStart
from modalswitch.agent.trace.tracer import read_trace
from modalswitch.errors import UserError


@dataclass(frozen=True)
class RecordedRun:
    """A run as its trace recorded it."""

    request: str
    inputs: list[str]
    plan: Plan


def recorded_run(run_dir: Path) -> RecordedRun:
    """Read RUN_DIR/trace.jsonl (UserError when it is missing or holds no plan)."""
    path = Path(run_dir) / "trace.jsonl"
    if not path.is_file():
        raise UserError(f"{run_dir} is not a run folder: it has no trace.jsonl")
    try:
        events = read_trace(path)
    except (OSError, ValueError, ValidationError) as exc:
        raise UserError(f"{path} cannot be read: {exc}") from exc
    start = next((e for e in events if isinstance(e, RunStart)), None)
    ready = next((e for e in events if isinstance(e, PlanReady)), None)
    if start is None or ready is None:
        raise UserError(f"{path} records no plan to replay (the run stopped before one was "
                        "ready)")
    return RecordedRun(request=start.request, inputs=[str(i["path"]) for i in start.inputs],
                       plan=Plan.parse(ready.plan))
