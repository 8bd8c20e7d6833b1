"""`run --plan`, `replay` and `chat` on the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from modalswitch import Agent, ScriptedPlanner
from modalswitch.agent.trace import read_trace
from modalswitch.cli import common, main

DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                  {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1"}}],
        "outputs": ["@s2", "@s1"]}


@pytest.fixture
def agent_for(monkeypatch, registry, home):
    def make(*plans: dict) -> ScriptedPlanner:
        planner = ScriptedPlanner(list(plans))
        monkeypatch.setattr(common, "make_agent",
                            lambda args: Agent(planner, registry, home=home))
        return planner
    return make


def test_run_with_a_plan_file_skips_planning(agent_for, tmp_path, capsys):
    planner = agent_for({"steps": []})
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(DRAW))
    assert main(["run", "draw a cat", "--plan", str(plan), "--out", str(tmp_path / "o"),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["text"].startswith("a 64x48 picture") and planner.requests == []
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["run", "x", "--plan", str(bad)]) == 2
    assert main(["run", "x", "--plan", str(tmp_path / "missing.json")]) == 2
    assert "plan file" in capsys.readouterr().err


def test_replay_reruns_the_recorded_plan_from_the_cache(agent_for, tmp_path, capsys):
    planner = agent_for(DRAW)
    assert main(["run", "draw a cat", "--out", str(tmp_path / "first")]) == 0
    assert main(["replay", str(tmp_path / "first"), "--out", str(tmp_path / "again")]) == 0
    assert planner.requests == ["draw a cat"]  # replay did not plan again
    events = read_trace(tmp_path / "again" / "trace.jsonl")
    assert [e.span for e in events if e.type == "cache_hit"] == ["s1", "s2"]
    first = json.loads((tmp_path / "first" / "response.json").read_text())
    again = json.loads((tmp_path / "again" / "response.json").read_text())
    assert first["text"] == again["text"]
    assert Path(first["artifacts"][0]["path"]).read_bytes() == Path(
        again["artifacts"][0]["path"]).read_bytes()
    assert main(["replay", str(tmp_path)]) == 2
    assert "not a run folder" in capsys.readouterr().err


def test_chat_remembers_earlier_files_and_resumes(agent_for, monkeypatch, capsys, home):
    describe = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
                "outputs": ["@s1"]}
    agent_for({"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
               "outputs": ["@s1"]}, describe)
    monkeypatch.setattr("sys.stdin", io.StringIO("draw a cat\n/files\n/bogus\ndescribe it\n"))
    assert main(["chat"]) == 0
    captured = capsys.readouterr()
    assert "turn1-s1-image.png" in captured.out
    assert "a 64x48 picture" in captured.out
    assert "unknown command /bogus" in captured.err
    (session,) = [p.name for p in (home / "sessions").iterdir()]
    assert f"modalswitch chat --session {session}" in captured.err
    monkeypatch.setattr("sys.stdin", io.StringIO("/quit\n"))
    assert main(["chat", "--list"]) == 0
    assert session in capsys.readouterr().out
