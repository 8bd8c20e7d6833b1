"""What the planner's model reads: prompt files, the tool catalog lines, the inputs list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.tool import Tool
from modalswitch.tools.contract.untrusted import quote_name


def load_prompt(name: str) -> str:
    """The text of a prompt file shipped in `modalswitch/prompts/`."""
    return resources.files("modalswitch.prompts").joinpath(name).read_text(encoding="utf-8")


_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+(?=[A-Z'\"(])")


def tool_summary(description: str) -> str:
    """A description cut to what routing needs: its first sentence (up to a colon) and its
    "Use ..." sentences, which say when to pick the tool."""
    first, *rest = _SENTENCE_END.split(description.strip())
    kept = [first.split(": ", 1)[0].rstrip(".") + "."]
    kept += [s for s in rest if s.startswith("Use ")]
    return " ".join(kept)


def tool_signature(tool: Tool[Any, Any], describe: bool = True) -> str:
    """One catalog line: `name(arg: kind, optional?: kind) -> content outputs: first sentence`.

    Every token of the catalog is read on every plan (slow on small CPUs), so optional
    settings are left out (the JSON schema still allows them), so are outputs that are not
    content, and the description is cut by `tool_summary`.
    """
    def kind_of(model: Any, name: str) -> str:
        kind = field_kind(model, name)
        if kind.modality is not None:
            return f"list of {kind.modality.value}" if kind.is_list else kind.modality.value
        annotation = model.model_fields[name].annotation
        return getattr(annotation, "__name__", str(annotation)).replace("typing.", "")

    args = []
    for name, info in tool.Input.model_fields.items():
        if info.is_required():
            args.append(f"{name}: {kind_of(tool.Input, name)}")
        elif field_kind(tool.Input, name).modality is not None:
            args.append(f"{name}?: {kind_of(tool.Input, name)}")
    content = [n for n in tool.Output.model_fields
               if field_kind(tool.Output, n).modality is not None]
    outs = ", ".join(f"{n}: {kind_of(tool.Output, n)}"
                     for n in content or list(tool.Output.model_fields))
    line = f"- {tool.name}({', '.join(args)}) -> {outs}"
    return f"{line}: {tool_summary(tool.description)}" if describe else line


def describe_inputs(inputs: Sequence[InputSpec]) -> str:
    """The user message's list of attached files; a name is data (one line, quoted when it is
    not a plain file name), so a crafted name cannot pose as instructions."""
    if not inputs:
        return "Inputs: none"
    lines = [f"@input{i} = {quote_name(spec.name)} ({spec.modality.value})"
             for i, spec in enumerate(inputs)]
    return "Inputs:\n" + "\n".join(lines)
