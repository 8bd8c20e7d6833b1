"""A plan spelled exactly as the plan writer writes it: for few-shot turns and training.

`{"wants":...,"steps":[{"id":"s1","tool":...,"args":{...}}],"outputs":[...]}`, compact,
steps renumbered s1, s2, ... in order, arguments in the tool's field order. A model shown
(or trained on) this spelling is never pushed off it by the writer's forced text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan, StepRef, parse_ref
from modalswitch.agent.plan.schema import spell_wants
from modalswitch.agent.plan.validate import output_modalities
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry


def wants_of(plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> str:
    """What a plan says the user wants: the media it delivers, in MEDIA order ("image",
    "image+audio"; "text+" before them with words too), else text."""
    mods = output_modalities(plan, registry, inputs) if plan.steps else []
    return spell_wants([Modality(m) for m in mods], bool(plan.answer or plan.message))


def canonical_plan(plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> str:
    """The plan as the writer spells it (a valid plan is assumed)."""
    ids = {step.id: f"s{n}" for n, step in enumerate(plan.steps, 1)}
    tools = {step.id: registry.get(step.tool) for step in plan.steps}

    def spell(value: Any) -> Any:
        """A reference renumbered and with its field written out; literals unchanged."""
        if isinstance(value, list):
            return [spell(v) for v in value]
        ref = parse_ref(value)
        if isinstance(ref, StepRef) and ref.step in ids:
            return f"@{ids[ref.step]}.{ref.field or tools[ref.step].primary_output}"
        return value

    steps = [{"id": ids[step.id], "tool": step.tool,
              "args": {name: spell(step.args[name]) for name in tools[step.id].Input.model_fields
                       if name in step.args}}
             for step in plan.steps]
    data = {"wants": wants_of(plan, registry, inputs), "steps": steps,
            "outputs": [spell(o) for o in plan.outputs]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
