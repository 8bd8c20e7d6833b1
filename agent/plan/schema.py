"""The JSON schema a planner's output is constrained to, generated from the registry.

Each step is an `anyOf` over the tools, so the decoder can only name registered tools and
only write the arguments each one takes. A media argument must be a reference whose field
(if any) is one that some tool outputs in that modality, and `outputs` may only name
content fields; given the inputs' modalities, only inputs of the argument's modality may
be referenced. Only keywords that llama.cpp's grammar conversion handles well are kept:
prose costs grammar size and decoding time, and some constraints break it (a `pattern`
with `\\d` or `\\.` becomes GBNF llama.cpp cannot parse; `maxLength` unrolls into huge
rules). What is dropped is still checked by plan validation, and repaired if broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.schemas import input_schema

STEP_ID_PATTERN = r"^s[0-9]+$"
WANTS_KEY = "wants"


def spell_wants(media: Sequence[Modality], words: bool) -> str:
    """The "wants" value for these media ("text" when none) in MEDIA order, "text+"
    first when the answer also has words: the inverse of `parse_wants`."""
    spelled = "+".join(m.value for m in MEDIA if m in media)
    if not spelled:
        return Modality.TEXT.value
    return f"{Modality.TEXT.value}+{spelled}" if words else spelled


def wants_options(modalities: Sequence[Modality]) -> list[str]:
    """What "wants" may say: "text"; one or more media in MEDIA order ("image",
    "image+audio"); or "text+" before media (words as well as media)."""
    media = [m for m in MEDIA if m in modalities]
    combos = [c for n in range(1, len(media) + 1) for c in combinations(media, n)]
    text = [Modality.TEXT.value] if Modality.TEXT in modalities else []
    return (text + [spell_wants(c, False) for c in combos]
            + [spell_wants(c, True) for c in combos])


def honours(wants: str, asked: Sequence[Modality]) -> bool:
    """Whether a "wants" value delivers every medium asked for (a video carries sound, so
    it delivers audio too)."""
    media = set(parse_wants(wants)[0])
    if Modality.VIDEO in media:
        media.add(Modality.AUDIO)
    return set(asked) <= media


def honouring(options: Sequence[str], asked: Sequence[Modality]) -> list[str]:
    """The "wants" options that deliver every medium asked for; all of them when none does
    (an ask no option can meet is left to the model)."""
    return [w for w in options if honours(w, asked)] or list(options)


def parse_wants(value: str) -> tuple[tuple[Modality, ...], bool]:
    """(the modalities the plan must produce, whether the answer also has words written
    for it): "text" -> ((TEXT,), False), "text+image+audio" -> ((IMAGE, AUDIO), True)."""
    parts = [Modality(p) for p in value.split("+")]
    media = tuple(m for m in MEDIA if m in parts)
    return (media, Modality.TEXT in parts) if media else ((Modality.TEXT,), False)


_KEEP = frozenset({"type", "properties", "required", "items", "anyOf", "oneOf", "enum",
                   "const", "additionalProperties", "minItems", "maxItems"})


def ref_pattern(fields: list[str], inputs: list[int] | None = None) -> str:
    """A reference to a user input (any, or those listed) or to a step's output field."""
    alternatives = []
    if inputs is None:
        alternatives.append("input[0-9]+")
    elif inputs:
        alternatives.append(f"input({'|'.join(str(i) for i in inputs)})")
    step = "s[0-9]+"
    if fields:
        step += f"([.]({'|'.join(sorted(set(fields)))}))?"
    alternatives.append(step)
    return f"^@({'|'.join(alternatives)})$"


def output_fields(registry: Registry, modality: Modality | None = None) -> list[str]:
    """Names of the content fields tools output (of one modality, or of any)."""
    names = []
    for tool in registry:
        for name in tool.Output.model_fields:
            kind = field_kind(tool.Output, name).modality
            if kind is not None and (modality is None or kind is modality):
                names.append(name)
    return names


def _strip(schema: Any, registry: Registry, inputs: Sequence[Modality] | None) -> Any:
    if isinstance(schema, list):
        return [_strip(v, registry, inputs) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":  # keys here are argument names, not keywords
            out[key] = {name: _strip(sub, registry, inputs) for name, sub in value.items()}
        elif key in _KEEP:
            out[key] = _strip(value, registry, inputs)
    if schema.get("x-modality") and schema["x-modality"] != Modality.TEXT.value:
        modality = Modality(schema["x-modality"])
        indices = (None if inputs is None
                   else [i for i, m in enumerate(inputs) if m is modality])
        ref = {"type": "string",
               "pattern": ref_pattern(output_fields(registry, modality), indices)}
        if out.get("type") == "array":
            out["items"] = ref
        else:
            out.update(ref)
    return out


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """Replace local `$ref`s with their definitions, so the schema can be nested anywhere."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def tool_args_schema(registry: Registry, name: str,
                     inputs: Sequence[Modality] | None = None) -> dict[str, Any]:
    """One tool's argument schema as the decoder sees it."""
    raw = input_schema(registry.get(name).Input)
    schema = _strip(_inline(raw, raw.get("$defs", {})), registry, inputs)
    schema["additionalProperties"] = False
    return dict(schema)


def plan_json_schema(registry: Registry, inputs: Sequence[Modality] | None = None, *,
                     wants: bool = False, min_steps: int = 0,
                     asked: Sequence[Modality] = ()) -> dict[str, Any]:
    """The schema of a whole plan over this registry.

    Given the modalities of the user's inputs, a media argument may only reference inputs
    of its own modality: a plan cannot OCR an audio file, whatever the model prefers.
    With `wants`, the plan starts with `"wants": MODALITY`, what the user wants back: a
    small model that names the goal first plans better, and the planner checks the plan
    against it (`Plan` ignores the key). `min_steps` 1 rules out the no-tool plan, for a
    request a router is sure needs a tool. `asked`: media the request asks for back in so
    many words, which "wants" must then name.
    """
    step_variants = [
        {
            "type": "object",
            "properties": {
                "id": {"type": "string", "pattern": STEP_ID_PATTERN},
                "tool": {"const": tool.name},
                "args": tool_args_schema(registry, tool.name, inputs),
            },
            "required": ["id", "tool", "args"],
            "additionalProperties": False,
        }
        for tool in registry
    ]
    options = honouring(wants_options(list(Modality)), asked)
    intent = {WANTS_KEY: {"enum": options}} if wants else {}
    return {
        "type": "object",
        "properties": {
            **intent,
            "steps": {"type": "array", "items": {"anyOf": step_variants} if step_variants
                      else {"type": "object"}, "minItems": min_steps, "maxItems": 8},
            "outputs": {"type": "array", "items": {
                "type": "string", "pattern": ref_pattern(output_fields(registry))},
                        "maxItems": 8},
        },
        "required": [*intent, "steps", "outputs"],  # required: optional keys would come last
        "additionalProperties": False,
    }
