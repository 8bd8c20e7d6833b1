"""LangChain adapters: the whole agent as one tool, or each registry tool on its own.

A LangChain caller passes files as paths; they become the run's inputs (and the only files
the run may read), and every call goes through the same validation, executor, cache and
trace as `Agent.run`. Each tool replies with the response as JSON (text, artifact paths).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..tools.base import Tool
from .agent import Agent
from .tool_calls import call_tool, path_args_model


def _reply(response: Any) -> str:
    return response.model_dump_json(include={"text", "artifacts", "failures"})


class AgentToolArgs(BaseModel):
    """Arguments of the whole-agent tool."""

    request: str = Field(description="what the user wants, in plain words")
    inputs: list[str] = Field(default_factory=list,
                              description="paths of the files the request is about")


def agent_tool(agent: Agent, name: str = "modalswitch") -> Any:
    """The agent as one LangChain StructuredTool: request + input paths in, response out."""
    from langchain_core.tools import StructuredTool

    def run(request: str, inputs: list[str] | None = None) -> str:
        return _reply(agent.run(request, inputs or []))

    return StructuredTool.from_function(
        func=run, name=name, args_schema=AgentToolArgs,
        description=("Handle any request about or producing images, audio, video or text "
                     "(describe, transcribe, read text in pictures, speak...). Returns JSON "
                     "with the answer text and the paths of produced files."))


def registry_tools(agent: Agent) -> list[Any]:
    """Every registry tool as a LangChain StructuredTool that takes file paths."""
    from langchain_core.tools import StructuredTool

    def make(tool: Tool[Any, Any]) -> Any:
        def run(**kwargs: Any) -> str:
            return _reply(call_tool(agent, tool.name, kwargs))

        return StructuredTool.from_function(func=run, name=tool.name,
                                            description=tool.description,
                                            args_schema=path_args_model(tool))

    return [make(tool) for tool in agent.registry]
