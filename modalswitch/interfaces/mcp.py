"""A Model Context Protocol server over stdio: the agent and each tool as MCP tools.

JSON-RPC 2.0, one message per line (MCP's stdio transport). `tools/list` offers the whole
agent (`modalswitch`: a request plus input paths) and every registry tool with file-path
arguments; `tools/call` runs them through `Agent.run` and answers with the text, the
response as structured content, and small images and audio inline (base64).
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import IO, Any

from modalswitch.agent.agent import Agent
from modalswitch.agent.response import Response
from modalswitch.errors import ModalswitchError
from modalswitch.interfaces.tool_calls import (
    AGENT_TOOL,
    AgentToolArgs,
    call_tool,
    path_args_model,
)

PROTOCOL_VERSION = "2025-06-18"
INLINE_LIMIT = 4 * 1024 * 1024  # larger media is linked, not embedded


def _tool_list(agent: Agent) -> list[dict[str, Any]]:
    tools = [{"name": "modalswitch",
              "description": "Plan and run any multimodal request (describe, transcribe, read "
                             "text in images, speak, ...) over the given input files.",
              "inputSchema": AgentToolArgs.model_json_schema()}]
    for tool in agent.registry:
        tools.append({"name": tool.name, "description": tool.description,
                      "inputSchema": path_args_model(tool).model_json_schema()})
    return tools


def _content(response: Response) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "text", "text": response.text or "(no text)"}]
    for art in response.artifacts:
        path = Path(art.path)
        if art.modality in ("image", "audio") and path.stat().st_size <= INLINE_LIMIT:
            blocks.append({"type": art.modality, "mimeType": art.mime,
                           "data": base64.b64encode(path.read_bytes()).decode("ascii")})
        else:
            blocks.append({"type": "resource_link", "uri": path.as_uri(), "name": path.name,
                           "mimeType": art.mime})
    return blocks


class MCPServer:
    """Answers MCP requests for one agent."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def handle(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """The reply to one JSON-RPC message (None for notifications)."""
        method, msg_id = message.get("method"), message.get("id")
        if msg_id is None:
            return None  # notifications (initialized, cancelled) need no answer
        try:
            result = self._dispatch(method, message.get("params") or {})
        except _RPCError as exc:
            return {"jsonrpc": "2.0", "id": msg_id,
                    "error": {"code": exc.code, "message": str(exc)}}
        return {"jsonrpc": "2.0", "id": msg_id, "result": result}

    def _dispatch(self, method: Any, params: dict[str, Any]) -> dict[str, Any]:
        if method == "initialize":
            return {"protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {"tools": {"listChanged": False}},
                    "serverInfo": {"name": "modalswitch", "version": "0.1.0"}}
        if method == "ping":
            return {}
        if method == "tools/list":
            return {"tools": _tool_list(self.agent)}
        if method == "tools/call":
            return self._call(params.get("name"), params.get("arguments") or {})
        raise _RPCError(-32601, f"method not found: {method}")

    def _call(self, name: Any, arguments: dict[str, Any]) -> dict[str, Any]:
        if name != AGENT_TOOL and name not in self.agent.registry:
            raise _RPCError(-32602, f"unknown tool: {name}")
        try:
            if name == AGENT_TOOL:
                args = AgentToolArgs.model_validate(arguments)
                response = self.agent.run(args.request, args.inputs)
            else:
                response = call_tool(self.agent, name, arguments)
        except (ModalswitchError, ValueError) as exc:  # tool-level errors go to the model
            return {"content": [{"type": "text", "text": f"{type(exc).__name__}: {exc}"}],
                    "isError": True}
        return {"content": _content(response), "isError": not response.ok,
                "structuredContent": json.loads(response.model_dump_json(
                    include={"text", "artifacts", "failures"}))}

    def serve(self, stdin: IO[str] = sys.stdin, stdout: IO[str] = sys.stdout) -> None:
        """Read requests line by line until stdin closes."""
        for line in stdin:
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError as exc:
                reply: dict[str, Any] | None = {
                    "jsonrpc": "2.0", "id": None,
                    "error": {"code": -32700, "message": f"parse error: {exc}"}}
            else:
                reply = self.handle(message)
            if reply is not None:
                stdout.write(json.dumps(reply) + "\n")
                stdout.flush()


class _RPCError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
