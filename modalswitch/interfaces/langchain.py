"""LangChain adapters: the whole agent as one tool, or each registry tool on its own.

Needs the `langchain` extra (`pip install 'modalswitch[langchain]'`): langchain-core is
imported only when these are called.

A LangChain caller passes files as paths; they become the run's inputs (and the only files
the run may read), and every call goes through the same validation, executor, cache and
trace as `Agent.run`. Each tool replies with the response as JSON (text, artifact paths).
"""

from __future__ import annotations

from typing import Any

from modalswitch.agent.agent import Agent
from modalswitch.interfaces.tool_calls import (
    AGENT_TOOL,
    AGENT_TOOL_DESCRIPTION,
    AgentToolArgs,
    call_tool,
    path_args_model,
    reply_json,
)
from modalswitch.tools.contract.tool import Tool


def agent_tool(agent: Agent, name: str = AGENT_TOOL) -> Any:
    """The agent as one LangChain StructuredTool: request + input paths in, response out."""
    from langchain_core.tools import StructuredTool

    def run(request: str, inputs: list[str] | None = None) -> str:
        return reply_json(agent.run(request, inputs or []))

    return StructuredTool.from_function(func=run, name=name, args_schema=AgentToolArgs,
                                        description=AGENT_TOOL_DESCRIPTION)


def registry_tools(agent: Agent) -> list[Any]:
    """Every registry tool as a LangChain StructuredTool that takes file paths."""
    from langchain_core.tools import StructuredTool

    def make(tool: Tool[Any, Any]) -> Any:
        def run(**kwargs: Any) -> str:
            return reply_json(call_tool(agent, tool.name, kwargs))

        return StructuredTool.from_function(func=run, name=tool.name,
                                            description=tool.description,
                                            args_schema=path_args_model(tool))

    return [make(tool) for tool in agent.registry]
