"""The KV state of the planner's system message, saved for the next process."""

from __future__ import annotations

import pytest


@pytest.mark.real
@pytest.mark.llm
def test_a_fresh_model_reads_the_system_message_state_its_predecessor_saved(
        tmp_path, monkeypatch) -> None:
    from modalswitch.agent.chat.llama_cpp import LlamaCppChat
    from modalswitch.agent.planners.llm import LLMPlanner
    from modalswitch.agent.planners.plan_writer import PlanWriter
    from modalswitch.tools import default_registry
    from modalswitch.tools.runtime.weights import QWEN_CODER_0_5B, assemble

    monkeypatch.setenv("MODALSWITCH_HOME", str(tmp_path / "home"))
    registry = default_registry()
    model = assemble(QWEN_CODER_0_5B)

    def plan(chat: LlamaCppChat, request: str) -> str:
        with chat.decoder(LLMPlanner(chat, registry).messages(request, [])) as dec:
            return PlanWriter(registry, []).write(dec)

    first = LlamaCppChat(model)  # a new instance: nothing in memory, as in a new process
    wanted = plan(first, "draw a lighthouse in a storm")
    plan(first, "what is the capital of France?")
    states = list((tmp_path / "home" / "cache" / "llm-prefix").glob("*.kv"))
    assert len(states) == 1  # one per system message: the requests are not in it
    assert first._prefix_store().saves == 1

    second = LlamaCppChat(model)
    assert plan(second, "draw a lighthouse in a storm") == wanted
    assert second._prefix_store().loads == 1

    states[0].write_bytes(states[0].read_bytes()[:1000])  # torn: read the prompt instead
    third = LlamaCppChat(model)
    assert plan(third, "draw a lighthouse in a storm") == wanted
    assert third._prefix_store().loads == 0 and third._prefix_store().saves == 1
