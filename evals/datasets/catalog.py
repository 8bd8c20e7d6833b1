"""Plan-only registries built from tool descriptions alone (an external benchmark's catalog).

A benchmark such as TaskBench names its tools and their input and output types but ships no
code. Each entry becomes a real `Tool` subclass with typed Input/Output models, so the
planner prompt, the constrained-decoding schema and plan validation treat it exactly like a
shipped tool; only `run` refuses, because nothing behind it can execute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, create_model

from modalswitch.errors import ToolError
from modalswitch.tools.contract.fields import (
    AudioArtifact,
    ImageArtifact,
    TextContent,
    VerbatimText,
    VideoArtifact,
)
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext

_ANNOTATION: dict[Modality, Any] = {
    Modality.TEXT: TextContent, Modality.IMAGE: ImageArtifact,
    Modality.AUDIO: AudioArtifact, Modality.VIDEO: VideoArtifact,
}


@dataclass(frozen=True)
class ToolSpec:
    """A tool as a catalog describes it: name, description, typed arguments and results."""

    name: str
    description: str
    inputs: tuple[tuple[str, Modality], ...]
    outputs: tuple[tuple[str, Modality], ...]
    verbatim: frozenset[str] = frozenset()
    """Text fields (arguments or results) that hold a URL: copied, never composed."""


def slug(name: str) -> str:
    """An identifier-safe tool or field name: "Image Search (by Image)" -> image_search_by_image."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "tool"


def field_names(types: Iterable[str]) -> list[str]:
    """Argument names for a list of types; repeats are numbered (image, image2)."""
    names: list[str] = []
    for kind in types:
        base = slug(kind)
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}{n}"
        names.append(name)
    return names


def _model(title: str, fields: tuple[tuple[str, Modality], ...], doc: str,
           verbatim: frozenset[str] = frozenset()) -> type[BaseModel]:
    spec: dict[str, Any] = {
        name: (VerbatimText if name in verbatim and modality is Modality.TEXT
               else _ANNOTATION[modality], Field(description=f"{modality.value} {name}"))
        for name, modality in fields
    }
    model: type[BaseModel] = create_model(title, __doc__=doc, **spec)
    return model


def _plan_only_run(self: Tool[Any, Any], args: BaseModel, ctx: ToolContext) -> BaseModel:
    raise ToolError(f"{self.name} comes from an external catalog and is plan-only: "
                    "nothing can execute it")


def _signature(spec: ToolSpec) -> str:
    """A description from the types alone, for catalog entries that have none."""
    ins = ", ".join(m.value for _, m in spec.inputs) or "nothing"
    outs = ", ".join(m.value for _, m in spec.outputs) or "nothing"
    return f"{spec.name}: takes {ins}, gives {outs}."


def spec_tool(spec: ToolSpec) -> Tool[Any, Any]:
    """A plan-only Tool instance for one catalog entry."""
    camel = "".join(part.title() for part in slug(spec.name).split("_"))
    cls = type(f"{camel}Tool", (Tool,), {
        "name": spec.name,
        "description": spec.description or _signature(spec),
        "Input": _model(f"{camel}Input", spec.inputs, f"Arguments of {spec.name}.",
                        spec.verbatim),
        "Output": _model(f"{camel}Output", spec.outputs, f"Results of {spec.name}.",
                         spec.verbatim),
        "backend": "plan-only",
        "run": _plan_only_run,
        "__doc__": f"Plan-only stand-in for {spec.name}.",
    })
    tool: Tool[Any, Any] = cls()
    return tool


def spec_registry(specs: Iterable[ToolSpec]) -> Registry:
    """A registry of plan-only tools."""
    return Registry(spec_tool(s) for s in specs)


URL = "url"
"""The catalog type of a URL: text the planner copies from the request, never composes."""


def specs_from_json(entries: Iterable[dict[str, Any]]) -> list[ToolSpec]:
    """Specs from `[{"name", "description", "inputs": {arg: type}, "outputs": {...}}]`, a
    type being a modality or "url"."""
    def fields(types: dict[str, str]) -> tuple[tuple[str, Modality], ...]:
        return tuple((k, Modality.TEXT if v == URL else Modality(v)) for k, v in types.items())

    return [ToolSpec(e["name"], e.get("description", ""),
                     fields(e.get("inputs", {})), fields(e.get("outputs", {})),
                     frozenset(k for part in ("inputs", "outputs")
                               for k, v in e.get(part, {}).items() if v == URL))
            for e in entries]
