"""Honest placeholders: an output that stands in for what was asked says so, and how to fix it.

Where no real checkpoint is on the machine (no package ships diffusion, Bark, MusicGen or
video weights), a tool may still give the plan something of the right type: a title card
for a picture, a plain voice for Bark. Such an output carries a `Degraded` note in a field
of that type; the executor puts it on the step's trace event, the response states it in
the text the user reads, and `Tool.stand_in()` predicts it so a plan can be marked before
it runs. Placeholder results are never cached: once the model is pulled, the step reruns.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Degraded(BaseModel):
    """Why an output is a placeholder, and how to get the real thing."""

    placeholder: str = Field(description="what was made instead, e.g. 'a drawn title card'")
    missing: str = Field(description="the model that is not here, e.g. 'no text-to-image "
                                     "checkpoint is configured'")
    fix: str = Field(description="what to run or set to get the real output")

    def sentence(self) -> str:
        """One plain sentence for the user: what this is, why, and how to get the real one."""
        return (f"This is a placeholder ({self.placeholder}) because {self.missing}. For the "
                f"real thing: {self.fix}.")


def degraded_field() -> Any:
    """The field a tool output declares as `degraded: Degraded | None = degraded_field()`."""
    return Field(default=None, description="set when the output is a placeholder: what stands "
                                           "in for the real model and how to get it")


def degradation(output: BaseModel | None) -> Degraded | None:
    """The Degraded note a tool output carries, if it is a placeholder."""
    if output is None:
        return None
    for name in type(output).model_fields:
        value = getattr(output, name, None)
        if isinstance(value, Degraded):
            return value
    return None
