"""Retrieved few-shot examples: nearest first by meaning, and never one that uses a tool the
planner's registry lacks (it could not even be spelled in the registry's terms)."""

from __future__ import annotations

from modalswitch import LLMPlanner, Modality, ScriptedChat
from modalswitch.agent.plan import InputSpec
from modalswitch.agent.planners.retrieval import ExampleIndex
from modalswitch.tools import default_registry

IMAGE = [InputSpec("sign.png", Modality.IMAGE)]


def case(request: str, *tools: str) -> dict[str, object]:
    steps, arg = [], "@input0"
    for i, tool in enumerate(tools, 1):
        field = "image" if i == 1 else "text"
        steps.append({"id": f"s{i}", "tool": tool, "args": {field: arg}})
        arg = f"@s{i}.text"
    return {"request": request, "inputs": [["photo.png", "image"]],
            "plan": {"steps": steps, "outputs": [arg if tools else "@input0"]}}


CASES = [case("What is written on this poster?", "read_text"),
         case("Read the words on this placard out loud", "read_text", "text_to_speech"),
         case("Summarise the text printed on this page", "read_text", "summarize_text"),
         case("What animal is in this picture?", "describe_image")]


def test_nearest_prefers_meaning_and_keeps_to_the_allowed_tools() -> None:
    index = ExampleIndex.from_cases(CASES)
    nearest = index.nearest("What does the sign say?", IMAGE, k=2)
    assert nearest[-1].request == "What is written on this poster?"  # nearest last
    allowed = {"read_text", "text_to_speech"}
    chosen = index.nearest("Summarise the words on this sign", IMAGE, k=4, tools=allowed)
    assert chosen and all(s["tool"] in allowed for e in chosen for s in e.plan["steps"])
    assert len(chosen) == 2


def test_a_planner_over_a_small_registry_never_shows_an_example_it_cannot_spell() -> None:
    registry = default_registry().subset(["read_text", "text_to_speech"])
    planner = LLMPlanner(ScriptedChat([]), registry, examples=ExampleIndex.from_cases(CASES))
    messages = planner.messages("What does the sign say?", IMAGE)
    shots = "\n".join(m["content"] for m in messages[1:-1])
    assert "read_text" in shots and "summarize_text" not in shots
    assert "describe_image" not in shots
