"""Fuzzing the MCP stdio server (`modalswitch fuzz --conversations`): generated JSON-RPC
lines, and every request gets an answer, every malformed line its error, and nothing stops
the server or reaches outside its home.

Arrays, numbers, null, broken JSON, wrong-typed params, names and arguments, paths to files
a caller has no right to, and JSON nested thousands deep go to the real server (the SDK
behind our message screen), a few lines per conversation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
from hypothesis import given
from hypothesis import strategies as st

from modalswitch.agent.agent import Agent
from modalswitch.agent.execution.executor import ExecutionPolicy
from modalswitch.agent.planners.scripted import ScriptedPlanner
from modalswitch.evals.fuzz.harness import SYSTEM_BAIT, FuzzReport, bait_files, run_hypothesis
from modalswitch.evals.fuzz.tools import fuzz_registry
from modalswitch.evals.fuzz.watch import FileWatch
from modalswitch.interfaces.mcp.server import serve_stdio
from modalswitch.interfaces.mcp.stdio import screen
from modalswitch.tools.runtime.integrity import sha256_file

INIT = {"jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "fuzz", "version": "0"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
FINAL = {"jsonrpc": "2.0", "id": "final", "method": "ping"}
"""Sent last: its answer proves the server still serves after everything before it."""

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=10)


def lines(forbidden: list[Path] | None = None) -> st.SearchStrategy[list[tuple[str, Any]]]:
    """Conversations of one to six lines: ("request", a dict without its id) or ("raw", a
    line sent as is). `forbidden` paths are offered as media and inputs."""
    values = json_values
    if forbidden:
        paths = st.sampled_from([str(p) for p in forbidden])
        values = json_values | paths | st.lists(paths, min_size=1, max_size=2)
    tool_names = st.sampled_from(["fake_caption", "fake_speak", "modalswitch", "nope", ""]) \
        | json_values
    arguments = json_values | st.fixed_dictionaries({}, optional={
        "text": values, "image": values, "audio": values, "request": json_values,
        "inputs": values})
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
    return st.lists(st.one_of(
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
    """Every reply the server writes to these lines (it serves until `final` and the
    awaited ids are answered, or 20 s pass)."""
    async def main() -> list[dict[str, Any]]:
        answered = anyio.Event()
        stdout = _Stdout(answered, {"final", *awaited})
        await serve_stdio(agent, _Stdin(sent, answered), stdout)
        return stdout.replies
    return anyio.run(main)


def conversation(batch: list[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """(the lines to send, the request ids that must be answered): the handshake, the batch
    with ids given to its requests, the final ping."""
    sent, request_ids = [json.dumps(INIT), json.dumps(INITIALIZED)], []
    for n, (kind, item) in enumerate(batch):
        if kind == "request":
            item = {**item, "id": f"r{n}"}
            request_ids.append(item["id"])
            item = json.dumps(item)
        sent.append(item)
    sent.append(json.dumps(FINAL))
    return sent, request_ids


def broken_promises(sent: list[str], request_ids: list[str],
                    replies: list[dict[str, Any]]) -> list[str]:
    """What the server got wrong in one conversation (empty when nothing)."""
    problems = [f"not a JSON-RPC answer: {str(r)[:200]}" for r in replies
                if r.get("jsonrpc") != "2.0" or "id" not in r
                or ("result" in r) == ("error" in r)]
    answered = {r.get("id") for r in replies}
    if "final" not in answered:
        problems.append("the server stopped answering")
    problems += [f"request {i} got no answer" for i in request_ids if i not in answered]
    for line in sent:  # each malformed line is answered with its own error
        error = screen(line + "\n")[1]  # as read: with its newline
        if error is not None and json.loads(error) not in replies:
            problems.append(f"no error answered for {line[:80]!r}")
    return problems


def outcomes(replies: list[dict[str, Any]]) -> list[str]:
    """How each reply ended, for the summary: a result, a tool's own error (a result with
    isError, as MCP reports a failed call), or a JSON-RPC error and its code."""
    def kind(reply: dict[str, Any]) -> str:
        result = reply.get("result")
        if isinstance(result, dict):
            return "tool error" if result.get("isError") else "result"
        return "result" if "result" in reply else f"error {reply.get('error', {}).get('code')}"
    return [kind(r) for r in replies if r.get("id") not in ("init", "final")]


def fuzz_messages(count: int, workdir: Path, seed: int | None = None) -> FuzzReport:
    """Send `count` generated conversations (one to six lines each, plus the handshake) to
    the MCP stdio server over the fake tools; cases counts the fuzzed lines."""
    report = FuzzReport("mcp messages")
    bait = bait_files(workdir / "bait")
    home = workdir / "home"
    agent = Agent(ScriptedPlanner([{"steps": []}]), fuzz_registry(), home=home,
                  policy=ExecutionPolicy(step_timeout_s=0.5, retries=0))
    before = {p: sha256_file(p) for p in bait}

    @given(lines([*bait, *SYSTEM_BAIT]))
    def case(batch: list[tuple[str, Any]]) -> None:
        sent, request_ids = conversation(batch)
        report.cases += len(batch)
        with FileWatch(read=[home], write=[home], forbidden=[*bait, *SYSTEM_BAIT]) as w:
            replies = converse(agent, sent, set(request_ids))
        report.outcomes.update(outcomes(replies))
        problems = [*w.violations[:3], *broken_promises(sent, request_ids, replies)]
        assert not problems, f"{problems} for lines {str(sent)[:500]}"

    run_hypothesis(case, count, seed, report, workdir)
    changed = [str(p) for p in bait if sha256_file(p) != before[p]]
    if changed:
        report.violations.append(f"bait files changed: {changed}")
    return report
