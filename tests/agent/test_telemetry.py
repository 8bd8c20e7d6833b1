"""OpenTelemetry spans from a run, read back with the SDK's in-memory exporter."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from modalswitch import Agent, ExecutionPolicy
from modalswitch.agent.chat import ScriptedChat
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.telemetry import SpanListener, telemetry_listeners
from modalswitch.errors import ConfigError
from modalswitch.tools.fakes import Flaky, fake_registry

PLAN = {"wants": "image", "steps": [
    {"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
    {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1"}},
    {"id": "s3", "tool": "flaky", "args": {"text": "@s2"}}], "outputs": ["@s3", "@s1"]}


def test_run_plan_chat_and_step_spans_with_genai_attributes(tmp_path: Path):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    registry = fake_registry()
    broken = {"steps": [{"id": "s1", "tool": "nope", "args": {}}]}
    planner = LLMPlanner(ScriptedChat([broken, PLAN]), registry)
    agent = Agent(planner, registry, home=tmp_path / "home",
                  policy=ExecutionPolicy(backoff_s=0.01, use_cache=False))
    flaky = registry.get("flaky")
    assert isinstance(flaky, Flaky)
    agent.listeners.append(SpanListener(provider))
    agent.run("draw a cat and describe it", out_dir=tmp_path / "run")

    spans = {s.name: s for s in exporter.get_finished_spans()}
    run = spans["invoke_agent modalswitch"]
    plan, chat = spans["plan"], spans["chat scripted"]
    assert run.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert run.attributes["modalswitch.status"] == "ok"
    assert plan.parent.span_id == run.context.span_id
    assert chat.parent.span_id == plan.context.span_id
    chats = [s for s in exporter.get_finished_spans() if s.name == "chat scripted"]
    assert len(chats) == 2 and chats[0].attributes["modalswitch.plan.issues"] == 1
    assert chat.attributes["gen_ai.request.model"] == "scripted"
    assert plan.attributes["gen_ai.usage.input_tokens"] == sum(
        c.attributes["gen_ai.usage.input_tokens"] for c in chats) > 0
    tools = [s for s in exporter.get_finished_spans() if s.name.startswith("execute_tool")]
    assert sorted(s.attributes["gen_ai.tool.name"] for s in tools) == [
        "fake_caption", "fake_draw", "flaky", "flaky"]  # flaky: a failed try, then the retry
    assert all(s.parent.span_id == run.context.span_id for s in tools)
    failed_try = next(s for s in tools if s.attributes["gen_ai.tool.name"] == "flaky"
                      and not s.status.is_ok)
    assert "busy" in failed_try.status.description
    assert run.start_time <= plan.start_time <= plan.end_time <= run.end_time


def test_telemetry_is_off_by_default_and_a_bad_exporter_is_a_config_error(monkeypatch):
    monkeypatch.delenv("MODALSWITCH_OTEL", raising=False)
    assert telemetry_listeners() == []
    monkeypatch.setenv("MODALSWITCH_OTEL", "carrier-pigeon")
    with pytest.raises(ConfigError, match="MODALSWITCH_OTEL"):
        telemetry_listeners()
    monkeypatch.setenv("MODALSWITCH_OTEL", "console")
    (listener,) = telemetry_listeners()
    assert isinstance(listener, SpanListener)
