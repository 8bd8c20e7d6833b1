"""The executor: DAG order, parallelism, retries, timeouts, the step cache, partial failure."""

from __future__ import annotations

import json
from pathlib import Path

from modalswitch import Agent, ExecutionPolicy, ScriptedPlanner
from modalswitch.agent.trace import read_trace
from modalswitch.tools.fakes import Flaky, Sleep, fake_registry


def agent_for(plan: dict, home: Path, **policy) -> Agent:
    return Agent(ScriptedPlanner([plan]), fake_registry(), home=home,
                 policy=ExecutionPolicy(**policy))


def sleep_tool(agent: Agent) -> Sleep:
    tool = agent.registry.get("sleep")
    assert isinstance(tool, Sleep)
    return tool


def test_independent_steps_overlap_and_dependents_wait(home, tmp_path):
    plan = {"steps": [
        {"id": "a", "tool": "sleep", "args": {"text": "A", "seconds": 0.3}},
        {"id": "b", "tool": "sleep", "args": {"text": "B", "seconds": 0.3}},
        {"id": "c", "tool": "sleep", "args": {"text": "@a.text", "seconds": 0.01}}],
        "outputs": ["@c.text", "@b.text"]}
    agent = agent_for(plan, home)
    response = agent.run("go", out_dir=tmp_path / "run")
    assert response.text == "A\n\nB"
    spans = {sid: (start, end) for sid, start, end in sleep_tool(agent).spans}
    (a0, a1), (b0, b1), (c0, _) = spans["a"], spans["b"], spans["c"]
    assert a0 < b1 and b0 < a1, "a and b must run at the same time"
    assert c0 >= a1, "c must wait for a's output"


def test_one_worker_runs_steps_one_after_another(home, tmp_path):
    plan = {"steps": [{"id": "a", "tool": "sleep", "args": {"text": "a", "seconds": 0.05}},
                      {"id": "b", "tool": "sleep", "args": {"text": "b", "seconds": 0.05}}]}
    agent = agent_for(plan, home, max_workers=1)
    agent.run("go", out_dir=tmp_path / "run")
    (_, _, first_end), (_, second_start, _) = sorted(sleep_tool(agent).spans,
                                                     key=lambda s: s[1])
    assert second_start >= first_end


def test_transient_failures_are_retried_with_backoff(home, tmp_path):
    plan = {"steps": [{"id": "s1", "tool": "flaky", "args": {"text": "hi"}}],
            "outputs": ["@s1.text"]}
    agent = agent_for(plan, home, retries=2, backoff_s=0.01)
    flaky = agent.registry.get("flaky")
    assert isinstance(flaky, Flaky)
    flaky.failures = 2
    response = agent.run("go", out_dir=tmp_path / "run")
    assert response.ok and response.text == "hi"
    events = read_trace(tmp_path / "run" / "trace.jsonl")
    retries = [e for e in events if e.type == "retry"]
    assert [r.attempt for r in retries] == [2, 3]
    assert retries[1].delay_s == 2 * retries[0].delay_s
    end = next(e for e in events if e.type == "step_end")
    assert end.status == "ok" and end.attempts == 3


def test_retries_give_up_after_the_budget(home, tmp_path):
    plan = {"steps": [{"id": "s1", "tool": "flaky", "args": {"text": "hi"}}]}
    agent = agent_for(plan, home, retries=1, backoff_s=0.01)
    flaky = agent.registry.get("flaky")
    assert isinstance(flaky, Flaky)
    flaky.failures = 5
    response = agent.run("go", out_dir=tmp_path / "run")
    assert not response.ok
    assert response.failures[0].error_type == "TransientToolError"
    assert flaky.calls == 2


def test_a_step_past_its_time_limit_fails_with_a_timeout(home, tmp_path):
    plan = {"steps": [{"id": "slow", "tool": "sleep", "args": {"seconds": 30}},
                      {"id": "fast", "tool": "fake_draw", "args": {"text": "ok"}}],
            "outputs": ["@slow.text", "@fast.image"]}
    # the limit is far above what the fast step needs even on a loaded machine (it failed
    # at 0.2 s with four test suites sharing two cores)
    agent = agent_for(plan, home, step_timeout_s=3.0)
    response = agent.run("go", out_dir=tmp_path / "run")
    assert [f.error_type for f in response.failures] == ["StepTimeoutError"]
    assert "3 s limit" in response.failures[0].message
    assert len(response.artifacts) == 1  # the other branch still delivered


def test_partial_failure_skips_dependents_and_finishes_other_branches(home, tmp_path):
    plan = {"steps": [
        {"id": "bad", "tool": "crash", "args": {"text": "x"}},
        {"id": "after", "tool": "fake_draw", "args": {"text": "@bad.text"}},
        {"id": "good", "tool": "fake_speak", "args": {"text": "fine"}}],
        "outputs": ["@after.image", "@good.audio"]}
    response = agent_for(plan, home).run("go", out_dir=tmp_path / "run")
    by_step = {f.step: f for f in response.failures}
    assert by_step["bad"].error_type == "ToolError"
    assert "crashed on purpose" in by_step["bad"].message
    assert by_step["after"].error_type == "UpstreamFailed"
    assert [a.modality for a in response.artifacts] == ["audio"]
    assert "bad [crash] failed" in response.text
    saved = json.loads((tmp_path / "run" / "response.json").read_text())
    assert [f["step"] for f in saved["failures"]] == ["bad", "after"]


def test_repeated_runs_reuse_cached_steps(home, tmp_path, tone_wav):
    plan = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                      {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1.text"}}],
            "outputs": ["@s2.audio"]}
    agent = agent_for(plan, home)
    first = agent.run("go", [tone_wav], out_dir=tmp_path / "r1")
    renamed = tmp_path / "other-name.wav"
    renamed.write_bytes(tone_wav.read_bytes())
    second = agent.run("go", [renamed], out_dir=tmp_path / "r2")
    events = read_trace(tmp_path / "r2" / "trace.jsonl")
    assert [e.span for e in events if e.type == "cache_hit"] == ["s1", "s2"]
    assert not [e for e in events if e.type == "step_start"]
    assert Path(first.artifacts[0].path).read_bytes() == Path(
        second.artifacts[0].path).read_bytes()


def test_cache_can_be_turned_off(home, tmp_path):
    plan = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "x"}}]}
    agent = agent_for(plan, home, use_cache=False)
    agent.run("go", out_dir=tmp_path / "r1")
    agent.run("go", out_dir=tmp_path / "r2")
    events = read_trace(tmp_path / "r2" / "trace.jsonl")
    assert not [e for e in events if e.type == "cache_hit"]
