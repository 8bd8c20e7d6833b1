"""The real embedded planner (packaged Qwen2.5-Coder-1.5B GGUF) end to end on real media."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import espeak_wav

from modalswitch import Agent
from modalswitch.agent.planners import embedded_planner
from modalswitch.agent.trace import read_trace
from modalswitch.tools import default_registry

pytestmark = [pytest.mark.llm, pytest.mark.real]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    registry = default_registry()
    return Agent(embedded_planner(registry), registry, home=tmp_path_factory.mktemp("home"))


def planned_tools(run: Path) -> list[str]:
    ready = next(e for e in read_trace(run / "trace.jsonl") if e.type == "plan_ready")
    return [step["tool"] for step in ready.plan.get("steps", [])]


def test_transcribes_real_speech(agent: Agent, tmp_path: Path) -> None:
    wav = espeak_wav(tmp_path / "memo.wav", "please buy milk and bread on the way home")
    response = agent.run("transcribe this voice memo", [wav], out_dir=tmp_path / "run")
    tools = planned_tools(tmp_path / "run")
    assert tools and all("whisper" in t or t == "speech_to_text" for t in tools), tools
    assert "milk" in response.text.lower() and "home" in response.text.lower(), response.text


def test_plain_questions_get_a_text_answer_without_tools(agent: Agent, tmp_path: Path) -> None:
    response = agent.run("What is the capital of France?", out_dir=tmp_path / "run")
    assert planned_tools(tmp_path / "run") == []
    assert "paris" in response.text.lower() and response.artifacts == []


def test_agents_share_one_copy_of_a_planner_model(tmp_path) -> None:
    from modalswitch.agent.chat.llama_cpp import LlamaCppChat

    gguf = tmp_path / "model.gguf"  # never loaded: instances load on first use
    first = LlamaCppChat.shared(gguf)
    assert LlamaCppChat.shared(str(gguf)) is first
    assert LlamaCppChat.shared(gguf, lora_path="a.gguf") is not first
