"""JSON Schemas of tool arguments and results, as the planner and outside callers see them.

In a plan, a media argument is a reference string (`@input0`, `@s1.image`), never the
artifact itself, so media fields are rewritten to strings tagged with `x-modality`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from modalswitch.tools.contract.fields import field_kind

REFERENCE_HELP = "a reference: @inputN for the N-th user input, or @STEP.FIELD for a step's output"


def _planner_model(model: type[BaseModel], *, outputs: bool) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        kind = field_kind(model, name)
        if kind.modality is None:
            fields[name] = (info.annotation, info)
            continue
        what = kind.modality.value
        if outputs:
            help_text = f"{what} produced by the step"
        elif what == "text":
            help_text = f"text, given literally or as {REFERENCE_HELP}"
        else:
            help_text = f"{what}, as {REFERENCE_HELP}"
        description = f"{info.description}. {help_text}" if info.description else help_text
        extra: dict[str, Any] = {"x-modality": what}
        annotation: Any = list[str] if kind.is_list else str
        default = info.default if not info.is_required() else ...
        fields[name] = (annotation, Field(default, description=description,
                                          json_schema_extra=extra))
    return create_model(f"{model.__name__}Args", __doc__=model.__doc__, **fields)


def input_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a tool's arguments as a plan writes them."""
    return _planner_model(model, outputs=False).model_json_schema()


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a tool's results, media fields shown as artifact paths."""
    return _planner_model(model, outputs=True).model_json_schema()
