"""MCP tools for one agent: the whole agent (`modalswitch`) and every registry tool.

`tools/list` offers the agent as one tool (a request plus input paths) and each registry
tool with file-path arguments; `tools/call` runs them through Agent.run (validation,
cache and trace all apply) and answers with the text, the response as structured
content, and images and audio inline (larger files as resource links). A caller that sends
a progress token gets one progress notification per finished step.
"""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.server import ServerRequestContext
from mcp.shared.exceptions import MCPError

from modalswitch.agent.agent import Agent
from modalswitch.agent.response import Response
from modalswitch.agent.trace.events import Event, PlanReady, StepEnd
from modalswitch.errors import ModalswitchError
from modalswitch.interfaces.mcp.stdio import guarded_stdio
from modalswitch.interfaces.tool_calls import (
    AGENT_TOOL,
    AGENT_TOOL_DESCRIPTION,
    AgentToolArgs,
    call_tool,
    path_args_model,
)

INLINE_LIMIT = 4 * 1024 * 1024
"""Larger media is linked, not embedded."""


def tool_list(agent: Agent) -> list[types.Tool]:
    """The agent as one tool, then every registry tool with file-path arguments."""
    tools = [types.Tool(name=AGENT_TOOL, description=AGENT_TOOL_DESCRIPTION,
                        input_schema=AgentToolArgs.model_json_schema())]
    tools += [types.Tool(name=t.name, description=t.description,
                         input_schema=path_args_model(t).model_json_schema())
              for t in agent.registry]
    return tools


def content(response: Response) -> list[types.ContentBlock]:
    """The response as MCP content: its text, then each artifact."""
    blocks: list[types.ContentBlock] = [types.TextContent(text=response.text or "(no text)")]
    for art in response.artifacts:
        path = Path(art.path)
        if art.modality in ("image", "audio") and path.stat().st_size <= INLINE_LIMIT:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            kind = types.ImageContent if art.modality == "image" else types.AudioContent
            blocks.append(kind(data=data, mime_type=art.mime))
        else:
            blocks.append(types.ResourceLink(uri=path.as_uri(), name=path.name,
                                             mime_type=art.mime))
    return blocks


def _progress(ctx: ServerRequestContext[Any, Any]) -> Any:
    """A trace listener (called on a worker thread) that reports finished steps."""
    total = [0]
    done = [0]

    def on_event(event: Event) -> None:
        if isinstance(event, PlanReady):
            total[0] = len(event.plan.get("steps", []))
        elif isinstance(event, StepEnd) and event.parent is None:
            done[0] += 1
            anyio.from_thread.run(functools.partial(
                ctx.session.report_progress, done[0], float(total[0] or done[0]),
                f"{event.span} {event.tool}: {event.status}"))
    return on_event


def _run(agent: Agent, name: str, arguments: dict[str, Any], on_event: Any) -> Response:
    if name == AGENT_TOOL:
        args = AgentToolArgs.model_validate(arguments)
        return agent.run(args.request, args.inputs, on_event=on_event)
    return call_tool(agent, name, arguments, on_event=on_event)


def build_server(agent: Agent) -> Server[Any]:
    """An MCP server (the SDK's low-level Server) over the agent."""
    async def list_tools(ctx: ServerRequestContext[Any, Any],
                         params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tool_list(agent))

    async def call(ctx: ServerRequestContext[Any, Any],
                   params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name != AGENT_TOOL and params.name not in agent.registry:
            raise MCPError(types.INVALID_PARAMS, f"unknown tool: {params.name}")
        try:
            response = await anyio.to_thread.run_sync(
                _run, agent, params.name, dict(params.arguments or {}), _progress(ctx))
        except (ModalswitchError, ValueError, RecursionError) as exc:  # told to the model
            return types.CallToolResult(is_error=True, content=[
                types.TextContent(text=f"{type(exc).__name__}: {exc}")])
        structured = json.loads(response.model_dump_json(
            include={"text", "artifacts", "failures"}))
        return types.CallToolResult(content=content(response), is_error=not response.ok,
                                    structured_content=structured)

    return Server("modalswitch", version="0.1.0", on_list_tools=list_tools,
                  on_call_tool=call)


async def serve_stdio(agent: Agent, stdin: Any = None, stdout: Any = None) -> None:
    """Serve MCP over stdio until the input ends; malformed messages get JSON-RPC errors."""
    server = build_server(agent)
    async with guarded_stdio(stdin, stdout) as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def mcp_http_app(agent: Agent, host: str = "127.0.0.1") -> Any:
    """The streamable-HTTP MCP app (a Starlette app answering at /mcp), for `serve`."""
    return build_server(agent).streamable_http_app(streamable_http_path="/mcp", host=host)
