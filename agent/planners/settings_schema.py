"""A tool's settings (its arguments that are not content: numbers, enums, flags) as the
plan writer decodes them, and the values a plan may keep.

The grammar keeps each setting's JSON type; a range (`ge`, `le`) is checked afterwards,
and an optional setting out of its range is dropped rather than failing the plan.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from modalswitch.agent.plan.model import Plan
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.schemas import input_schema
from modalswitch.tools.contract.tool import Tool


def setting_schema(tool: Tool[Any, Any]) -> dict[str, Any]:
    """Each argument's JSON schema with references and Optional resolved."""
    schema = input_schema(tool.Input)
    defs = schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            return resolve(defs[node["$ref"].rsplit("/", 1)[-1]])
        if "anyOf" in node:  # Optional[X]: the writer never writes null
            options = [resolve(o) for o in node["anyOf"] if o.get("type") != "null"]
            return options[0] if len(options) == 1 else {}
        return node

    return {name: resolve(prop) for name, prop in schema.get("properties", {}).items()}


def clean_settings(plan: Plan, registry: Registry) -> Plan:
    """Drop optional settings whose values break their field's constraints (a number out
    of range): the grammar keeps JSON types, not ranges."""
    steps = []
    for step in plan.steps:
        tool = registry.get(step.tool)
        args = dict(step.args)
        for name, value in step.args.items():
            info = tool.Input.model_fields.get(name)
            if info is None or info.is_required() or field_kind(tool.Input, name).modality:
                continue
            try:
                TypeAdapter(info.rebuild_annotation()).validate_python(value)
            except ValidationError:
                del args[name]
        steps.append(step.model_copy(update={"args": args}))
    return plan.model_copy(update={"steps": steps})
