"""MCP's stdio transport with a screen in front: every malformed message gets an answer.

The SDK's own stdio reader drops a line it cannot parse without a reply. Here each line
is checked first: not JSON (or nested too deep to parse) is -32700, JSON that is not a
JSON-RPC 2.0 message (an array, a number, null, a wrong `jsonrpc`, an id that is neither
string nor number) is -32600, params that are not an object is -32602; only what passes
reaches the SDK, which answers wrong-typed params itself. Nothing a client sends ends the
server; only the end of its input does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from io import TextIOWrapper
from typing import Any

import anyio
import mcp_types as types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602


def _error(msg_id: Any, code: int, message: str) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id,
                       "error": {"code": code, "message": message}})


def screen(line: str) -> tuple[types.JSONRPCMessage | None, str | None]:
    """A line as a JSON-RPC message for the SDK, or the error reply it deserves."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return None, _error(None, PARSE_ERROR, f"parse error: {str(exc)[:200]}")
    if not isinstance(data, dict):
        return None, _error(None, INVALID_REQUEST, "invalid request: a JSON-RPC message "
                                                   f"is an object, not {type(data).__name__}")
    raw_id = data.get("id")
    msg_id = raw_id if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    if "id" in data and msg_id is None:
        return None, _error(None, INVALID_REQUEST, "invalid request: id must be a string or "
                                                   "an integer")
    if "params" in data and not isinstance(data["params"], dict):
        return None, _error(msg_id, INVALID_PARAMS, "invalid params: params must be an object")
    try:
        message = types.jsonrpc_message_adapter.validate_python(data, by_name=False)
    except (ValidationError, RecursionError) as exc:
        reason = str(exc).splitlines()[0][:200]
        return None, _error(msg_id, INVALID_REQUEST, f"invalid request: {reason}")
    return message, None


@asynccontextmanager
async def guarded_stdio(stdin: Any = None, stdout: Any = None) -> AsyncIterator[Any]:
    """(read stream, write stream) for Server.run over stdin/stdout, screened."""
    stdin = stdin or anyio.wrap_file(TextIOWrapper(sys.stdin.buffer, encoding="utf-8",
                                                   errors="replace"))
    stdout = stdout or anyio.wrap_file(TextIOWrapper(sys.stdout.buffer, encoding="utf-8"))
    read_writer, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_stream, write_reader = anyio.create_memory_object_stream[SessionMessage](0)
    lock = anyio.Lock()

    async def emit(line: str) -> None:
        async with lock:
            await stdout.write(line + "\n")
            await stdout.flush()

    async def reader() -> None:
        async with read_writer:
            async for line in stdin:
                if not line.strip():
                    continue
                message, error = screen(line)
                if error is not None:
                    await emit(error)
                elif message is not None:
                    await read_writer.send(SessionMessage(message))

    async def writer() -> None:
        async with write_reader:
            async for item in write_reader:
                await emit(item.message.model_dump_json(by_alias=True, exclude_unset=True))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(reader)
        tasks.start_soon(writer)
        yield read_stream, write_stream
