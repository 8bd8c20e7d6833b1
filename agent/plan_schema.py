"""The JSON schema a planner's output is constrained to, generated from the registry.

Each step is an `anyOf` over the tools, so the decoder can only name registered tools and
only write the arguments each one takes. Titles and prose are stripped: they cost grammar
size and decoding time and add nothing to what the grammar allows.
"""

from __future__ import annotations

from typing import Any

from ..tools.registry import Registry
from ..tools.schemas import input_schema

REF_PATTERN = r"^@(input[0-9]+|[a-z][a-z0-9_]*([.][a-z_]+)?)$"
STEP_ID_PATTERN = r"^s[0-9]+$"


def _strip(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: _strip(v) for k, v in schema.items()
               if k not in ("title", "description", "x-modality", "default", "examples")}
        if schema.get("x-modality") and schema.get("x-modality") != "text":
            if out.get("type") == "string":
                out["pattern"] = REF_PATTERN
            elif out.get("type") == "array":
                out["items"] = {"type": "string", "pattern": REF_PATTERN}
        return out
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """Replace local `$ref`s with their definitions, so the schema can be nested anywhere."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def tool_args_schema(registry: Registry, name: str) -> dict[str, Any]:
    """One tool's argument schema as the decoder sees it."""
    raw = input_schema(registry.get(name).Input)
    schema = _strip(_inline(raw, raw.get("$defs", {})))
    schema["additionalProperties"] = False
    return dict(schema)


def plan_json_schema(registry: Registry) -> dict[str, Any]:
    """The schema of a whole plan over this registry."""
    step_variants = [
        {
            "type": "object",
            "properties": {
                "id": {"type": "string", "pattern": STEP_ID_PATTERN},
                "tool": {"const": tool.name},
                "args": tool_args_schema(registry, tool.name),
            },
            "required": ["id", "tool", "args"],
            "additionalProperties": False,
        }
        for tool in registry
    ]
    return {
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": {"anyOf": step_variants} if step_variants
                      else {"type": "object"}, "maxItems": 8},
            "outputs": {"type": "array", "items": {"type": "string", "pattern": REF_PATTERN},
                        "maxItems": 8},
        },
        "required": ["steps", "outputs"],
        "additionalProperties": False,
    }
