"""Call one registry tool directly with file paths, as outside frameworks do (LangChain, MCP).

The paths become the run's inputs (the only files it may read) and the call runs as a
one-step plan through `Agent.run`, so validation, the cache and the trace all apply.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from modalswitch.agent.agent import Agent
from modalswitch.agent.plan.model import Plan, Step
from modalswitch.agent.response import Response
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.tool import Tool

AGENT_TOOL = "modalswitch"
"""The name the whole agent goes by as one tool (LangChain, MCP)."""
AGENT_TOOL_DESCRIPTION = (
    "Plan and run any request about or producing images, audio, video or text (describe, "
    "transcribe, read text in pictures, speak, draw, ...) over the given input files. Returns "
    "the answer text and the paths of produced files.")


class AgentToolArgs(BaseModel):
    """Arguments of the whole-agent tool."""

    request: str = Field(description="what the user wants, in plain words")
    inputs: list[str] = Field(default_factory=list,
                              description="paths of the files the request is about")


def reply_json(response: Response) -> str:
    """A response as the JSON a framework caller gets back (text, artifacts, failures)."""
    return response.model_dump_json(include={"text", "artifacts", "failures"})


def _is_media(tool: Tool[Any, Any], name: str) -> bool:
    return field_kind(tool.Input, name).modality not in (None, Modality.TEXT)


def path_args_model(tool: Tool[Any, Any]) -> type[BaseModel]:
    """The tool's Input model with media fields as file paths."""
    fields: dict[str, Any] = {}
    for name, info in tool.Input.model_fields.items():
        kind = field_kind(tool.Input, name)
        if not _is_media(tool, name):
            fields[name] = (info.annotation, info)
        else:
            assert kind.modality is not None
            what = f"path of the {kind.modality.value} file" + ("s" if kind.is_list else "")
            fields[name] = (list[str] if kind.is_list else str, Field(description=what))
    return create_model(f"{tool.Input.__name__}Paths", **fields)


def call_tool(agent: Agent, tool_name: str, kwargs: dict[str, Any],
              **run_options: Any) -> Response:
    """Run one tool on literal arguments and file paths; returns the merged response
    (`run_options` go to Agent.run: on_event, out_dir...)."""
    tool = agent.registry.get(tool_name)
    inputs: list[str] = []
    args: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name not in tool.Input.model_fields or not _is_media(tool, name):
            args[name] = value  # validation reports unknown names
            continue
        refs = []
        for path in value if isinstance(value, list) else [value]:
            inputs.append(str(path))
            refs.append(f"@input{len(inputs) - 1}")
        args[name] = refs if isinstance(value, list) else refs[0]
    plan = Plan(steps=[Step(id="s1", tool=tool.name, args=args)], outputs=["@s1"])
    return agent.run(f"call {tool.name}", inputs, plan=plan, **run_options)
