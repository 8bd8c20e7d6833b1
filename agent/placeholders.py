"""Which steps of a run are placeholders (their model is not on this machine), for the plan
before it runs and for the response after."""

from __future__ import annotations

from pydantic import BaseModel

from modalswitch.agent.execution.executor import StepResult
from modalswitch.agent.plan.model import Plan
from modalswitch.tools.contract.degraded import Degraded, degradation
from modalswitch.tools.contract.registry import Registry


class DegradedStep(BaseModel):
    """A step whose output is a placeholder, because its model is not on this machine."""

    step: str
    tool: str
    placeholder: str
    missing: str
    fix: str

    def line(self) -> str:
        """The line the response text gets for it."""
        note = Degraded(placeholder=self.placeholder, missing=self.missing, fix=self.fix)
        return f"(Step {self.step} [{self.tool}]: {note.sentence()})"


def degraded_steps(results: dict[str, StepResult]) -> list[DegradedStep]:
    """The steps whose outputs are placeholders, in plan order."""
    return [DegradedStep(step=r.step, tool=r.tool, **note.model_dump())
            for r in results.values() if (note := degradation(r.output)) is not None]


def stand_ins(plan: Plan, registry: Registry) -> dict[str, Degraded]:
    """The plan's steps whose tools would make placeholders now, by step id."""
    notes = {step.id: registry.get(step.tool).stand_in() for step in plan.steps}
    return {sid: note for sid, note in notes.items() if note is not None}
