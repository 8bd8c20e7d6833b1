"""What a plan knows of the user's inputs (name and modality), and binding their names.

The planner never sees input files, only these specs: `@input0` is the first one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from modalswitch.agent.plan.model import Plan
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.runtime.artifacts import Artifact


@dataclass(frozen=True)
class InputSpec:
    """What validation needs to know of a user input: its name and modality."""

    name: str
    modality: Modality

    @classmethod
    def of(cls, artifact: Artifact) -> InputSpec:
        """The spec of an imported input artifact."""
        return cls(artifact.provenance.original_name or artifact.sha256[:12], artifact.modality)


def bind_input_names(plan: Plan, inputs: Sequence[InputSpec]) -> Plan:
    """Turn literal file names of the user's inputs into `@inputN` references.

    Small models often write "photo.jpg" where they mean the input; that is unambiguous,
    so it is fixed here rather than bounced back as an error.
    """
    by_name = {spec.name: i for i, spec in enumerate(inputs)}

    def bind(value: Any) -> Any:
        if isinstance(value, list):
            return [bind(v) for v in value]
        if isinstance(value, str) and PurePath(value).name in by_name:
            return f"@input{by_name[PurePath(value).name]}"
        return value

    steps = [s.model_copy(update={"args": {k: bind(v) for k, v in s.args.items()}})
             for s in plan.steps]
    outputs = [bind(o) for o in plan.outputs]
    return plan.model_copy(update={"steps": steps, "outputs": outputs})
