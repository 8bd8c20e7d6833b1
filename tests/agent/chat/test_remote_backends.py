"""Remote planner LLMs by name: an OpenAI-compatible server over real HTTP on loopback."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai_stub import Stub, plan_json

from modalswitch import Agent, ScriptedPlanner
from modalswitch.agent.chat import chat_model
from modalswitch.agent.chat.openai import OpenAIChat
from modalswitch.agent.trace import read_trace
from modalswitch.errors import EndpointError, UserError
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.tools.fakes import fake_registry

DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
        "outputs": ["@s1"]}


@pytest.fixture
def stub() -> Iterator[tuple[Stub, str]]:
    state = Stub()
    with serve_in_thread(state.app()) as url:
        yield state, f"{url}/v1"


def test_json_schema_structured_output_is_sent_and_the_reply_returned(stub):
    state, url = stub
    state.replies = ['{"city": "Paris"}']
    chat = OpenAIChat("m", base_url=url, retries=0)
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    reply = chat.chat([{"role": "user", "content": "a city"}], json_schema=schema)
    assert json.loads(reply.text) == {"city": "Paris"}
    assert (reply.prompt_tokens, reply.completion_tokens) == (11, 2)
    sent = state.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == schema


def test_tool_calling_mode_reads_the_forced_call(stub):
    state, url = stub
    state.replies = ['{"city": "Rome"}']
    chat = OpenAIChat("m", base_url=url, retries=0, structured="tools")
    reply = chat.chat([{"role": "user", "content": "a city"}], json_schema={"type": "object"})
    assert json.loads(reply.text) == {"city": "Rome"}
    assert state.requests[0]["tool_choice"]["function"]["name"] == "submit"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_429_and_5xx_are_retried_with_backoff(stub, status):
    state, url = stub
    state.replies, state.fail_first, state.fail_status = ["hello"], 2, status
    reply = OpenAIChat("m", base_url=url, retries=3).chat([{"role": "user", "content": "hi"}])
    assert reply.text == "hello" and len(state.requests) == 3


def test_still_failing_after_the_retries_is_an_endpoint_error(stub):
    state, url = stub
    state.replies, state.fail_first, state.fail_status = ["never"], 10, 503
    with pytest.raises(EndpointError, match=r"HTTP 503.*slow down"):
        OpenAIChat("m", base_url=url, retries=1).chat([{"role": "user", "content": "hi"}])
    assert len(state.requests) == 2


def test_a_slow_endpoint_times_out_with_a_clear_error(stub):
    state, url = stub
    state.replies, state.delay_s = ["late"], 3.0
    with pytest.raises(EndpointError, match="cannot reach"):
        OpenAIChat("m", base_url=url, retries=0, timeout_s=0.3).chat(
            [{"role": "user", "content": "hi"}])


def test_a_down_endpoint_is_a_clear_error():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(EndpointError) as info:
        OpenAIChat("m", base_url=url, retries=1).chat([{"role": "user", "content": "hi"}])
    assert url in str(info.value) and "is the server running" in str(info.value)
    assert info.value.exit_code == 1


def test_the_planner_by_name_from_settings_plans_validates_and_repairs(
        stub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    state, url = stub
    bad = {"steps": [{"id": "s1", "tool": "fake_paint", "args": {"text": "a cat"}}],
           "outputs": ["@s1"]}
    state.replies = [plan_json(bad), plan_json(DRAW)]
    monkeypatch.setenv("MODALSWITCH_PLANNER", "openai:stub-model")
    monkeypatch.setenv("MODALSWITCH_OPENAI_BASE_URL", url)
    agent = Agent(registry=fake_registry(), home=tmp_path / "home")
    response = agent.run("draw a cat", out_dir=tmp_path / "run")
    assert response.ok and response.artifacts[0].mime == "image/png"
    assert agent.planner.name == "llm:openai:stub-model"
    attempts = [e for e in read_trace(tmp_path / "run" / "trace.jsonl")
                if e.type == "plan_attempt"]
    assert len(attempts) == 2 and "unknown_tool" in attempts[0].issues[0]
    assert attempts[0].prompt_tokens == 11
    assert state.requests[0]["model"] == "stub-model"
    assert "fake_draw" in json.dumps(state.requests[0]["response_format"])  # registry schema
    assert "fake_paint" in state.requests[1]["messages"][-1]["content"] or any(
        "fake_paint" in m["content"] for m in state.requests[1]["messages"])


def test_ollama_and_a_writer_by_name(stub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    state, url = stub
    monkeypatch.setenv("MODALSWITCH_OLLAMA_BASE_URL", url)
    model = chat_model("ollama:qwen2.5-coder:7b")
    assert model.name == "ollama:qwen2.5-coder:7b"
    state.replies = ["Grass is green because of chlorophyll."]
    agent = Agent(ScriptedPlanner([{"steps": []}]), fake_registry(), home=tmp_path / "home",
                  writer="ollama:qwen2.5-coder:7b")
    response = agent.run("why is grass green?", out_dir=tmp_path / "run")
    assert response.text == "Grass is green because of chlorophyll."
    assert state.requests[0]["model"] == "qwen2.5-coder:7b"


def test_a_langchain_chat_model_object_plans(stub, tmp_path: Path):
    from langchain_openai import ChatOpenAI

    state, url = stub
    state.replies = [plan_json(DRAW)]
    llm = ChatOpenAI(model="stub-model", base_url=url, api_key="unused", max_retries=0)
    agent = Agent(llm, fake_registry(), home=tmp_path / "home")
    response = agent.run("draw a cat", out_dir=tmp_path / "run")
    assert response.ok and response.artifacts[0].modality == "image"
    assert agent.planner.name == "llm:langchain:stub-model"
    assert state.requests[0]["response_format"]["type"] == "json_schema"


def test_a_langchain_model_without_structured_output_gets_the_schema_in_the_prompt(tmp_path):
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    llm = GenericFakeChatModel(messages=iter([AIMessage(content=plan_json(DRAW))]))
    agent = Agent(llm, fake_registry(), home=tmp_path / "home")
    assert agent.run("draw a cat", out_dir=tmp_path / "run").ok


@pytest.mark.parametrize("spec", ["openai:", "nobackend:x", "unknown-config"])
def test_bad_planner_specs_are_user_errors(spec, tmp_path):
    with pytest.raises(UserError):
        _ = Agent(spec, fake_registry(), home=tmp_path / "home").planner
