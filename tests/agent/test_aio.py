"""arun and astream: the same run for asyncio, events as they happen, cancellation."""

from __future__ import annotations

import asyncio
import threading

import pytest

from modalswitch import Agent, ExecutionPolicy, ScriptedPlanner
from modalswitch.agent.trace import read_trace
from modalswitch.errors import EmptyRequestError
from modalswitch.tools.fakes import fake_registry

TWO_STEPS = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                       {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1"}}],
             "outputs": ["@s2", "@s1"]}


def test_arun_gives_the_same_response_as_run(home, tmp_path):
    agent = Agent(ScriptedPlanner([TWO_STEPS]), fake_registry(), home=home)
    sync = agent.run("draw", out_dir=tmp_path / "sync")
    response = asyncio.run(agent.arun("draw", out_dir=tmp_path / "async"))
    assert response.text == sync.text
    assert [a.mime for a in response.artifacts] == ["image/png"]


def test_astream_yields_typed_events_in_order_as_they_happen(home, tmp_path):
    agent = Agent(ScriptedPlanner([TWO_STEPS]), fake_registry(), home=home,
                  policy=ExecutionPolicy(use_cache=False))
    seen_at_yield: list[int] = []

    async def collect() -> list:
        events = []
        async for event in agent.astream("draw", out_dir=tmp_path / "run"):
            events.append(event)
            lines = (tmp_path / "run" / "trace.jsonl").read_text().count("\n")
            seen_at_yield.append(lines)
        return events

    events = asyncio.run(collect())
    types = [e.type for e in events]
    assert types[0] == "run_start" and types[-1] == "run_end"
    assert types.index("plan_ready") < types.index("step_start") < types.index("response")
    assert [e.span for e in events if e.type == "step_end"] == ["s1", "s2"]
    assert types == [e.type for e in read_trace(tmp_path / "run" / "trace.jsonl")]
    assert seen_at_yield[0] < seen_at_yield[-1], "the first event came before the run ended"


def test_astream_raises_the_run_error_after_its_events(home):
    agent = Agent(ScriptedPlanner([TWO_STEPS]), fake_registry(), home=home)

    async def collect() -> list:
        return [e async for e in agent.astream("   ")]

    with pytest.raises(EmptyRequestError):
        asyncio.run(collect())


def test_cancelling_arun_stops_the_pending_steps(home, tmp_path):
    plan = {"steps": [{"id": "slow", "tool": "sleep", "args": {"seconds": 30}},
                      {"id": "after", "tool": "fake_draw", "args": {"text": "@slow"}}],
            "outputs": ["@after"]}
    agent = Agent(ScriptedPlanner([plan]), fake_registry(), home=home,
                  policy=ExecutionPolicy(use_cache=False))
    started = threading.Event()

    async def main() -> None:
        task = asyncio.create_task(agent.arun(
            "wait", out_dir=tmp_path / "run",
            on_event=lambda e: e.type == "step_start" and started.set()))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    ends = {e.span: e for e in read_trace(tmp_path / "run" / "trace.jsonl")
            if e.type == "step_end"}
    assert ends["slow"].status == "failed" and ends["slow"].error_type == "RunCancelled"
    assert ends["after"].status == "skipped" and ends["after"].error_type == "RunCancelled"
    assert sorted(ends) == ["after", "slow"]


def test_a_cancel_flag_set_before_the_steps_stops_the_run(home, tmp_path):
    from modalswitch.errors import RunCancelled

    agent = Agent(ScriptedPlanner([TWO_STEPS]), fake_registry(), home=home)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RunCancelled):
        agent.run("draw", out_dir=tmp_path / "run", cancel=cancel)
    last = read_trace(tmp_path / "run" / "trace.jsonl")[-1]
    assert last.type == "run_end" and last.status == "failed"


def test_a_cancelled_step_s_late_result_is_not_cached(home, tmp_path):
    plan = {"steps": [{"id": "slow", "tool": "sleep", "args": {"seconds": 30}}],
            "outputs": ["@slow"]}
    agent = Agent(ScriptedPlanner([plan]), fake_registry(), home=home)
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    agent.run("wait", out_dir=tmp_path / "first", cancel=cancel)
    timer.join()
    # the sleep tool returns normally once told to stop; that result must not be reused
    again = threading.Event()
    threading.Timer(0.3, again.set).start()
    agent.run("wait", out_dir=tmp_path / "second", cancel=again)
    events = read_trace(tmp_path / "second" / "trace.jsonl")
    assert not [e for e in events if e.type == "cache_hit"]
