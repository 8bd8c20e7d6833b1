"""Fuzzing the MCP stdio server: any message gets a JSON-RPC answer and nothing kills it.

Arrays, numbers, null, broken JSON, wrong-typed params, names and arguments, and JSON
nested thousands deep are thrown at the real server (the SDK behind our message screen).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.mcp import serve_stdio
from modalswitch.interfaces.mcp.stdio import screen
from modalswitch.tools.fakes import fake_registry

INIT = {"jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "fuzz", "version": "0"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
FINAL = {"jsonrpc": "2.0", "id": "final", "method": "ping"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=10)
tool_names = st.sampled_from(["fake_caption", "fake_speak", "modalswitch", "nope", ""]) \
    | json_values
arguments = json_values | st.fixed_dictionaries({}, optional={
    "text": json_values, "image": json_values, "audio": json_values, "request": json_values,
    "inputs": json_values})
requests = st.fixed_dictionaries(
    {"jsonrpc": st.just("2.0"),
     "method": st.sampled_from(["tools/call", "tools/list", "ping", "initialize", "nope"])},
    optional={"params": json_values | st.fixed_dictionaries(
        {}, optional={"name": tool_names, "arguments": arguments})})
broken = st.fixed_dictionaries({}, optional={
    "jsonrpc": st.sampled_from(["2.0", "1.0", 2, None]), "id": json_values,
    "method": json_values, "params": json_values, "result": json_values})
deep = st.integers(min_value=50, max_value=6000).flatmap(lambda n: st.sampled_from([
    "[" * n + "]" * n,
    json.dumps({"jsonrpc": "2.0", "id": "deep", "method": "tools/call",
                "params": {"name": "fake_speak", "arguments": {"text": "x"}}})
    .replace('"x"', "[" * n + "]" * n)]))
lines = st.lists(st.one_of(
    requests.map(lambda r: ("request", r)),
    broken.map(lambda b: ("raw", json.dumps(b))),
    json_values.map(lambda v: ("raw", json.dumps(v))),
    st.text(max_size=30).filter(lambda t: "\n" not in t and "\r" not in t and t.strip())
    .map(lambda t: ("raw", t)),
    deep.map(lambda d: ("raw", d))), min_size=1, max_size=6)


class _Stdin:
    """Lines for the server; the input stays open until the awaited ids are answered
    (requests run concurrently, and the end of input ends the server)."""

    def __init__(self, lines: list[str], answered: anyio.Event) -> None:
        self.lines, self.answered = lines, answered

    def __aiter__(self) -> Any:
        return self._gen()

    async def _gen(self) -> Any:
        for line in self.lines:
            yield line + "\n"
        with anyio.move_on_after(20):
            await self.answered.wait()


class _Stdout:
    def __init__(self, answered: anyio.Event, awaited: set[str]) -> None:
        self.replies: list[dict[str, Any]] = []
        self.answered, self.awaited = answered, awaited

    async def write(self, text: str) -> None:
        for line in text.splitlines():
            reply = json.loads(line)
            self.replies.append(reply)
            self.awaited.discard(reply.get("id"))
            if not self.awaited:
                self.answered.set()

    async def flush(self) -> None:
        return None


def converse(agent: Agent, sent: list[str], awaited: set[str]) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        answered = anyio.Event()
        stdout = _Stdout(answered, {"final", *awaited})
        await serve_stdio(agent, _Stdin(sent, answered), stdout)
        return stdout.replies
    return anyio.run(main)


def test_the_screen_answers_every_kind_of_malformed_line():
    cases = {"{not json": -32700, "[1, 2]": -32600, "5": -32600, "null": -32600,
             '"text"': -32600, "[" * 20000 + "]" * 20000: -32700,
             '{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": [1]}': -32602,
             '{"jsonrpc": "1.0", "id": 1, "method": "ping"}': -32600,
             '{"jsonrpc": "2.0", "id": true, "method": "ping"}': -32600}
    for line, code in cases.items():
        message, error = screen(line)
        assert message is None and json.loads(error)["error"]["code"] == code, line[:40]
    message, error = screen('{"jsonrpc": "2.0", "id": 7, "method": "ping"}')
    assert error is None and message is not None


def test_fuzzed_messages_always_get_answers_and_never_stop_the_server(tmp_path: Path):
    agent = Agent(ScriptedPlanner([{"steps": []}]), fake_registry(), home=tmp_path / "home")

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(lines)
    def check(batch: list[tuple[str, Any]]) -> None:
        sent, request_ids = [json.dumps(INIT), json.dumps(INITIALIZED)], []
        for n, (kind, item) in enumerate(batch):
            if kind == "request":
                item = {**item, "id": f"r{n}"}
                request_ids.append(item["id"])
                item = json.dumps(item)
            sent.append(item)
        sent.append(json.dumps(FINAL))
        replies = converse(agent, sent, set(request_ids))
        for reply in replies:
            assert reply["jsonrpc"] == "2.0" and "id" in reply
            assert ("result" in reply) != ("error" in reply), reply
        answered = {r["id"] for r in replies}
        assert "final" in answered, "the server stopped answering"
        assert set(request_ids) <= answered, set(request_ids) - answered
        for line in sent:  # each malformed line was answered with its error
            error = screen(line + "\n")[1]  # as read: with its newline
            assert error is None or json.loads(error) in replies, line[:80]

    check()
