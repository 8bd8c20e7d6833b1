"""The plan: steps of tool calls with typed references, its validation and decoding schema."""

from modalswitch.agent.plan.inputs import InputSpec, bind_input_names
from modalswitch.agent.plan.model import InputRef, Plan, Step, StepRef, parse_ref
from modalswitch.agent.plan.schema import plan_json_schema
from modalswitch.agent.plan.validate import check_plan, output_modalities, validate_plan

__all__ = [
    "InputRef", "InputSpec", "Plan", "Step", "StepRef", "bind_input_names", "check_plan",
    "output_modalities", "parse_ref", "plan_json_schema", "validate_plan",
]
