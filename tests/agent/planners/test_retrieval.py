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


def _plain(request: str, *tools: str, kinds: tuple[str, ...] = ()) -> dict[str, object]:
    steps = [{"id": f"s{i}", "tool": t, "args": {}} for i, t in enumerate(tools, 1)]
    return {"request": request, "inputs": [[f"f{i}", k] for i, k in enumerate(kinds)],
            "plan": {"steps": steps, "outputs": []}}


def test_typical_demos_cover_the_common_shapes_chains_with_new_tools_and_answers() -> None:
    import numpy as np

    cases = ([_plain(f"draw {i}", "generate_image") for i in range(5)]
             + [_plain(f"read {i}", "read_text", kinds=("image",)) for i in range(4)]
             + [_plain(f"say {i}", "text_to_speech") for i in range(3)]
             + [_plain(f"draw and say {i}", "generate_image", "text_to_speech")
                for i in range(3)]  # brings no tool the one-tool demos lack
             + [_plain(f"read and sum {i}", "read_text", "summarize_text", kinds=("image",))
                for i in range(2)]
             + [_plain(f"question {i}") for i in range(6)])
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(cases), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = ExampleIndex([ExampleIndex.from_cases([c]).examples[0] for c in cases],
                         vectors=vectors)
    demos = index.typical(singles=3, chains=2, answers=2)
    shapes = [tuple(s["tool"] for s in d.plan["steps"]) for d in demos]
    assert shapes.count(()) == 2 and shapes[0] != ()  # answers spread among, not first
    assert [s for s in shapes if s] == [("generate_image",), ("read_text", "summarize_text"),
                                        ("read_text",), ("text_to_speech",)]
    assert len({d.request for d in demos if not d.plan["steps"]}) == 2  # two different ones
    assert demos == index.typical(singles=3, chains=2, answers=2)  # the same every time
    fewer = index.typical(singles=2, chains=2, answers=0)  # now the chain brings speech
    assert [tuple(s["tool"] for s in d.plan["steps"]) for d in fewer][1] == (
        "generate_image", "text_to_speech")


def test_fixed_demos_open_every_prompt_and_the_nearest_follows_them() -> None:
    from modalswitch.agent.chat.scripted import ScriptedStepwiseChat

    fixed = [CASES[3], case("What colour is the car?", "answer_image_question")]
    chat = ScriptedStepwiseChat(['{"wants":"text","steps":[{"id":"s1","tool":"read_text",'
                                 '"args":{"image":"@input0"}}],"outputs":["@s1.text"]}'])
    registry = default_registry()
    planner = LLMPlanner(chat, registry, examples=ExampleIndex.from_cases(CASES), shots=1,
                         fixed_demos=[*fixed, case("Say it", "no_such_tool")])
    messages = planner.messages("What does the sign say?", IMAGE)
    requests = [m["content"].split("Request: ")[1] for m in messages[1::2]]
    assert requests == ["What animal is in this picture?", "What colour is the car?",
                        "What is written on this poster?",  # the nearest, not a fixed one
                        "What does the sign say?"]
    # a demo repeated by retrieval is not shown twice
    again = planner.messages("What animal is this?", IMAGE)
    assert [m["content"] for m in again].count(messages[1]["content"]) == 1
    planner.plan("What does the sign say?", IMAGE)
    assert chat.calls[-1]["shared"] == 1 + 2 * 2  # system and the fixed demos' turns
