"""The MCP stdio server speaks JSON-RPC: initialize, list tools, call them, report errors."""

from __future__ import annotations

import base64
import io
import json

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.mcp import MCPServer


def converse(server: MCPServer, *messages: dict) -> list[dict]:
    stdin = io.StringIO("".join(json.dumps(m) + "\n" for m in messages) + "not json\n")
    stdout = io.StringIO()
    server.serve(stdin, stdout)
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_handshake_list_and_call(registry, home, tone_wav):
    server = MCPServer(Agent(ScriptedPlanner([{"steps": []}]), registry, home=home))
    replies = converse(
        server,
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
         "params": {"name": "fake_speak", "arguments": {"text": "hello"}}},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
         "params": {"name": "fake_transcribe", "arguments": {"audio": str(tone_wav)}}},
        {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
         "params": {"name": "fake_caption", "arguments": {"image": "/no/such.png"}}},
        {"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "nope"}},
        {"jsonrpc": "2.0", "id": 7, "method": "resources/list"},
    )
    by_id = {r["id"]: r for r in replies}
    assert by_id[1]["result"]["serverInfo"]["name"] == "modalswitch"
    names = [t["name"] for t in by_id[2]["result"]["tools"]]
    assert names[0] == "modalswitch" and "fake_transcribe" in names
    spoken = by_id[3]["result"]
    audio = next(b for b in spoken["content"] if b["type"] == "audio")
    assert audio["mimeType"] == "audio/wav"
    assert base64.b64decode(audio["data"]).startswith(b"RIFF")
    assert by_id[4]["result"]["content"][0]["text"] == "0.5 seconds of audio"
    assert by_id[5]["result"]["isError"] and "no such file" in by_id[5]["result"]["content"][0][
        "text"]
    assert by_id[6]["error"]["code"] == -32602
    assert by_id[7]["error"]["code"] == -32601
    assert by_id[None]["error"]["code"] == -32700
