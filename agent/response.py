"""Merge a run's outputs into one multimodal response and write it to the run folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.agent.execution.executor import StepResult
from modalswitch.agent.placeholders import DegradedStep, degraded_steps
from modalswitch.agent.plan.model import InputRef, Plan, StepRef, parse_ref
from modalswitch.agent.run_folder import RESPONSE, place, write_text
from modalswitch.errors import StoreIntegrityError, UpstreamFailed
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.artifacts import Artifact


class ResponseArtifact(BaseModel):
    """A media file of the response, beside response.json."""

    path: str
    modality: str
    mime: str
    step: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class StepFailure(BaseModel):
    """Why a step produced nothing."""

    step: str
    tool: str
    error_type: str
    message: str


class Response(BaseModel):
    """The answer: text plus an ordered list of media artifacts, what failed, and what is a
    placeholder."""

    text: str
    artifacts: list[ResponseArtifact] = Field(default_factory=list)
    failures: list[StepFailure] = Field(default_factory=list)
    degraded: list[DegradedStep] = Field(default_factory=list)
    run_dir: str | None = None

    @property
    def ok(self) -> bool:
        """True when every step succeeded."""
        return not self.failures

    def notes(self) -> list[str]:
        """The lines `text` carries about failed and placeholder steps."""
        return step_notes(self.failures, self.degraded)

    def answer_text(self) -> str:
        """`text` without the notes: what the run said or wrote, for a later turn to read."""
        tail = "\n\n".join(note for note in self.notes() if note)  # they end the text
        if tail and self.text.endswith(tail):
            return self.text[:len(self.text) - len(tail)].strip()
        return self.text.strip()

    def write(self, run_dir: Path) -> Path:
        """Write response.json into the run folder (atomically) and return its path."""
        return write_text(run_dir, RESPONSE,
                          self.model_dump_json(indent=2, exclude={"run_dir"}))


def _place(artifact: Artifact, run_dir: Path, name: str) -> Path:
    """Copy an artifact's file into the run folder, checked against its hash."""
    assert artifact.path is not None
    return place(run_dir, f"{name}{artifact.path.suffix}", artifact.path,
                 artifact.sha256).resolve()


def compose_response(plan: Plan, results: dict[str, StepResult], inputs: list[Artifact],
                     registry: Registry, run_dir: Path, words: str | None = None) -> Response:
    """Collect the plan's outputs, in order, into a Response; note every failure. `words`
    (the writer's answer, for a plan that answers in words too) comes first."""
    texts: list[str] = [t for t in (plan.message, words) if t]
    artifacts: list[ResponseArtifact] = []
    failures = [StepFailure(step=r.step, tool=r.tool, error_type=r.error_type or "Error",
                            message=r.error or "failed")
                for r in results.values() if not r.succeeded]
    for out in plan.outputs:
        ref = parse_ref(out)
        values: list[Any]
        if isinstance(ref, InputRef):
            values, name = [inputs[ref.index]], f"input{ref.index}"
        elif isinstance(ref, StepRef):
            result = results.get(ref.step)
            if result is None or result.output is None:
                continue  # reported in failures
            field = ref.field or registry.get(result.tool).primary_output
            value = getattr(result.output, field)
            values, name = (value if isinstance(value, list) else [value]), f"{ref.step}-{field}"
        else:
            continue
        for i, value in enumerate(values):
            suffix = f"-{i}" if len(values) > 1 else ""
            if isinstance(value, Artifact) and value.path is not None:
                try:
                    path = _place(value, run_dir, name + suffix)
                except StoreIntegrityError as exc:  # reported, never delivered
                    failures.append(StepFailure(step=value.provenance.step or name,
                                                tool=value.provenance.tool or "store",
                                                error_type=type(exc).__name__,
                                                message=str(exc)))
                    continue
                artifacts.append(ResponseArtifact(path=str(path), modality=value.modality.value,
                                                  mime=value.mime, step=value.provenance.step,
                                                  meta=value.meta))
            elif isinstance(value, Artifact):
                texts.append(value.text or "")
            elif value is not None:
                texts.append(str(value))
    degraded = degraded_steps(results)
    notes = step_notes(failures, degraded)
    return Response(text="\n\n".join(t for t in texts + notes if t), artifacts=artifacts,
                    failures=failures, degraded=degraded, run_dir=str(run_dir))


def step_notes(failures: list[StepFailure], degraded: list[DegradedStep]) -> list[str]:
    """The lines a response's text ends with: a failed step's error (not the steps that
    only failed because an earlier one did), then each placeholder's note."""
    return ([f"(Step {f.step} [{f.tool}] failed: {f.message})" for f in failures
             if f.error_type != UpstreamFailed.__name__] + [d.line() for d in degraded])
