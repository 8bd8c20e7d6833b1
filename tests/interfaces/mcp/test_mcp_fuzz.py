"""Fuzzing the MCP stdio server: any message gets a JSON-RPC answer and nothing kills it.

Arrays, numbers, null, broken JSON, wrong-typed params, names and arguments, and JSON
nested thousands deep are thrown at the real server (the SDK behind our message screen).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.mcp.fuzz import (
    broken_promises,
    conversation,
    converse,
    fuzz_messages,
    lines,
)
from modalswitch.interfaces.mcp.stdio import screen
from modalswitch.tools.fakes import fake_registry


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
    @given(lines())
    def check(batch: list[tuple[str, Any]]) -> None:
        sent, request_ids = conversation(batch)
        replies = converse(agent, sent, set(request_ids))
        assert broken_promises(sent, request_ids, replies) == []

    check()


def test_the_message_fuzzer_reports_its_lines_and_finds_nothing(tmp_path: Path):
    report = fuzz_messages(25, tmp_path / "fuzz", seed=3)
    assert report.ok, report.violations
    assert report.cases >= 25  # lines sent, at least one a conversation
    assert sum(report.outcomes.values()) >= 1 and all(
        k in ("result", "tool error") or k.startswith("error -32") for k in report.outcomes)


def test_broken_promises_names_what_a_server_got_wrong():
    sent, ids = conversation([("request", {"jsonrpc": "2.0", "method": "ping"}), ("raw", "5")])
    good = [{"jsonrpc": "2.0", "id": "r0", "result": {}}, json.loads(screen("5\n")[1] or ""),
            {"jsonrpc": "2.0", "id": "final", "result": {}}]
    assert broken_promises(sent, ids, good) == []
    problems = broken_promises(sent, ids, [{"jsonrpc": "2.0", "id": "r0", "error": {},
                                            "result": {}}])
    assert any("not a JSON-RPC answer" in p for p in problems)
    assert "the server stopped answering" in problems
    assert any("no error answered" in p for p in problems)
