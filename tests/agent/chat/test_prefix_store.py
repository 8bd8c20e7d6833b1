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


@pytest.mark.real
@pytest.mark.llm
def test_fixed_demonstrations_are_kept_with_the_system_message(tmp_path, monkeypatch) -> None:
    from modalswitch.agent.chat.llama_cpp import LlamaCppChat
    from modalswitch.agent.planners.llm import LLMPlanner
    from modalswitch.agent.planners.plan_writer import PlanWriter
    from modalswitch.tools import default_registry
    from modalswitch.tools.runtime.weights import QWEN_CODER_0_5B, assemble

    monkeypatch.setenv("MODALSWITCH_HOME", str(tmp_path / "home"))
    registry = default_registry()
    demos = [{"request": f"draw a {thing}", "inputs": [],
              "plan": {"steps": [{"id": "s1", "tool": "generate_image",
                                  "args": {"prompt": f"a {thing}"}}], "outputs": ["@s1.image"]}}
             for thing in ("red fox in the snow", "lighthouse at night", "bowl of ramen")]
    model = assemble(QWEN_CODER_0_5B)
    store = tmp_path / "home" / "cache" / "llm-prefix"

    def plan(chat: LlamaCppChat, request: str, fixed: list[dict[str, object]]) -> str:
        planner = LLMPlanner(chat, registry, fixed_demos=fixed)
        with chat.decoder(planner.messages(request, []), shared=1 + 2 * len(fixed)) as dec:
            return PlanWriter(registry, []).write(dec)

    first = LlamaCppChat(model)
    plan(first, "what is the capital of France?", [])
    system_only = {p: p.stat().st_size for p in store.glob("*.kv")}
    wanted = plan(first, "draw a snowy owl", demos)
    plan(first, "paint a sunset", demos)  # same demonstrations: nothing new to save
    with_demos = [p for p in store.glob("*.kv") if p not in system_only]
    assert len(system_only) == 1 and len(with_demos) == 1
    assert with_demos[0].stat().st_size > next(iter(system_only.values()))  # demos inside

    second = LlamaCppChat(model)  # a new process: the demonstrations come from the file
    assert plan(second, "draw a snowy owl", demos) == wanted
    assert second._prefix_store().loads == 1 and second._prefix_store().saves == 0
