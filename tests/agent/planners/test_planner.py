"""The LLM planner's loop over a scripted chat model: constrain, validate, repair, answer."""

from __future__ import annotations

import json

import jsonschema
import pytest

from modalswitch import Agent, LLMPlanner, Modality, PlannerError, ScriptedChat
from modalswitch.agent.plan import InputSpec, plan_json_schema
from modalswitch.agent.trace import Tracer, read_trace

AUDIO = [InputSpec("call.wav", Modality.AUDIO)]
GOOD = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}}],
        "outputs": ["@s1.text"]}
WRONG_MODALITY = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
                  "outputs": ["@s1.text"]}


def test_a_valid_plan_is_taken_first_time(registry):
    chat = ScriptedChat([GOOD])
    plan = LLMPlanner(chat, registry).plan("transcribe this", AUDIO)
    assert [s.tool for s in plan.steps] == ["fake_transcribe"]
    call = chat.calls[0]
    assert call["json_schema"] == plan_json_schema(registry, [Modality.AUDIO], wants=True)
    assert "fake_transcribe(audio: audio)" in call["messages"][0]["content"]
    assert "@input0 = call.wav (audio)" in call["messages"][-1]["content"]


def test_validation_issues_are_fed_back_for_repair(registry):
    chat = ScriptedChat([WRONG_MODALITY, GOOD])
    tracer = Tracer()
    plan = LLMPlanner(chat, registry).plan("transcribe this", AUDIO, tracer)
    assert plan.steps[0].tool == "fake_transcribe"
    repair = chat.calls[1]["messages"][-1]["content"]
    assert "modality_mismatch" in repair and "needs image" in repair
    attempts = [e for e in tracer.events if e.type == "plan_attempt"]
    assert [bool(a.issues) for a in attempts] == [True, False]
    assert attempts[0].raw and attempts[0].completion_tokens > 0


def test_repairs_are_bounded(registry):
    chat = ScriptedChat([WRONG_MODALITY] * 3)
    with pytest.raises(PlannerError, match="3 attempt") as err:
        LLMPlanner(chat, registry, max_repairs=2).plan("transcribe this", AUDIO)
    assert err.value.last_error is not None
    assert len(chat.calls) == 3


def test_unparseable_output_is_repaired_too(registry):
    chat = ScriptedChat(['{"steps": [', GOOD])
    plan = LLMPlanner(chat, registry).plan("transcribe", AUDIO)
    assert plan.steps and "malformed" in chat.calls[1]["messages"][-1]["content"]


def test_missing_outputs_default_to_the_final_steps(registry):
    chat = ScriptedChat([{"steps": [
        {"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
        {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1.text"}}], "outputs": []}])
    plan = LLMPlanner(chat, registry).plan("say it back", AUDIO)
    assert plan.outputs == ["@s1.text", "@s2"]  # the final step; the words it says shown too


def test_steps_whose_results_reach_no_output_are_dropped(registry):
    steps = [{"id": "s1", "tool": "fake_speak", "args": {"text": "hello"}},
             {"id": "s2", "tool": "fake_draw", "args": {"text": "a lighthouse"}},  # unused
             {"id": "s3", "tool": "fake_transcribe", "args": {"audio": "@s1.audio"}},
             {"id": "s4", "tool": "fake_speak", "args": {"text": "@s3.text"}}]  # unused
    chat = ScriptedChat([{"wants": "text", "steps": steps, "outputs": ["@s3.text"]}])
    tracer = Tracer()
    plan = LLMPlanner(chat, registry).plan("what does hello sound like, in words?", [], tracer)
    assert [s.id for s in plan.steps] == ["s1", "s3"]  # s1 stays: s3 reads it
    assert plan.outputs == ["@s3.text"]
    attempt = next(e for e in tracer.events if e.type == "plan_attempt")
    assert '"s4"' in attempt.raw  # the trace keeps what the model wrote
    # in a plan that wants a medium too, the picture nobody receives is not made
    chat = ScriptedChat([{"wants": "audio", "steps": steps, "outputs": ["@s4.audio"]}])
    assert [s.id for s in LLMPlanner(chat, registry).plan("say hello", []).steps] == [
        "s1", "s3", "s4"]


def test_text_only_requests_are_answered_without_the_tool_prompt(registry, home, tmp_path):
    chat = ScriptedChat([{"steps": [], "outputs": []}, "Paris is the capital of France."])
    agent = Agent(LLMPlanner(chat, registry), registry, home=home)
    response = agent.run("What is the capital of France?", out_dir=tmp_path / "run")
    assert response.text == "Paris is the capital of France."
    assert response.artifacts == []
    answer_call = chat.calls[1]
    assert answer_call["json_schema"] is None
    assert "fake_transcribe" not in answer_call["messages"][0]["content"]
    events = read_trace(tmp_path / "run" / "trace.jsonl")
    ready = next(e for e in events if e.type == "plan_ready")
    assert ready.output_modalities == ["text"]


def assistant_plans(planner: LLMPlanner) -> list[dict]:
    return [json.loads(t["content"]) for t in planner.messages("anything", [])
            if t["role"] == "assistant"]


def test_few_shot_examples_only_use_registered_tools(registry):
    from modalswitch import Registry

    plans = assistant_plans(LLMPlanner(ScriptedChat([]), registry))
    assert all(s["tool"] in registry for p in plans for s in p["steps"])
    no_tools = assistant_plans(LLMPlanner(ScriptedChat([]), Registry()))
    assert no_tools and all(p["steps"] == [] for p in no_tools)


def test_schema_accepts_valid_plans_and_rejects_unknown_tools(registry):
    schema = plan_json_schema(registry)
    jsonschema.validate(GOOD, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"steps": [{"id": "s1", "tool": "nope", "args": {}}],
                             "outputs": []}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"steps": [{"id": "s1", "tool": "fake_transcribe",
                                        "args": {"audio": "call.wav"}}], "outputs": []}, schema)


def test_text_helper_tools_write_with_the_planners_llm(home, tmp_path):
    from modalswitch import Registry
    from modalswitch.tools.text import SummarizeText

    plan = {"steps": [{"id": "s1", "tool": "summarize_text", "args": {"text": "long words"}}],
            "outputs": ["@s1.text"]}
    chat = ScriptedChat([plan, "short"])
    registry = Registry([SummarizeText()])
    response = Agent(LLMPlanner(chat, registry), registry, home=home).run(
        "summarize: long words", out_dir=tmp_path / "run")
    assert response.ok and response.text == "short"
    assert "long words" in chat.calls[1]["messages"][-1]["content"]


def test_a_plan_it_was_told_is_wrong_is_never_taken_again(registry):
    chat = ScriptedChat([WRONG_MODALITY, WRONG_MODALITY, GOOD])
    tracer = Tracer()
    plan = LLMPlanner(chat, registry).plan("transcribe this", AUDIO, tracer)
    assert plan.steps[0].tool == "fake_transcribe"
    attempts = [e for e in tracer.events if e.type == "plan_attempt"]
    assert "just told is wrong" in attempts[1].issues[0]
    assert chat.calls[2]["messages"][-1]["content"].count("just told is wrong") == 1


def test_few_shot_plans_are_spelled_as_the_writer_writes_them(registry):
    planner = LLMPlanner(ScriptedChat([]), registry, example_cases=[
        {"request": "say hi", "inputs": [],
         "plan": {"steps": [{"id": "a", "tool": "fake_speak", "args": {"text": "hi"}}],
                  "outputs": ["@a"]}}])
    (shot,) = [t["content"] for t in planner.messages("x", []) if t["role"] == "assistant"]
    assert shot == ('{"wants":"audio","steps":[{"id":"s1","tool":"fake_speak",'
                    '"args":{"text":"hi"}}],"outputs":["@s1.audio"]}')


def test_a_stepwise_model_writes_through_the_plan_writer(registry):
    from modalswitch import ScriptedStepwiseChat

    want = ('{"wants":"text+image","steps":[{"id":"s1","tool":"fake_draw","args":'
            '{"text":"a lighthouse"}}],"outputs":["@s1.image"]}')
    chat = ScriptedStepwiseChat([want])
    tracer = Tracer()
    plan = LLMPlanner(chat, registry).plan("a poem and a picture of a lighthouse", [], tracer)
    assert plan.answer and [s.tool for s in plan.steps] == ["fake_draw"]
    (attempt,) = [e for e in tracer.events if e.type == "plan_attempt"]
    assert attempt.raw == want and attempt.issues == []
    assert chat.calls[0]["json_schema"] is None


def test_the_writer_refuses_what_its_rules_forbid(registry):
    from modalswitch import ScriptedStepwiseChat

    dangling = ('{"wants":"image","steps":[{"id":"s1","tool":"fake_caption","args":'
                '{"image":"@input0"}}],"outputs":["@s1.text"]}')  # no image input exists
    with pytest.raises(ValueError, match="do not allow"):
        LLMPlanner(ScriptedStepwiseChat([dangling]), registry).plan("caption it", [])


def test_a_plan_that_wants_two_media_delivers_both_and_no_other(registry):
    from modalswitch import ScriptedStepwiseChat
    from modalswitch.agent.planners.canonical import canonical_plan

    # the model tries to stop after the picture and to hand over the sound it made too
    short = ('{"wants":"image+audio","steps":[{"id":"s1","tool":"fake_draw","args":'
             '{"text":"a haunted house"}}],"outputs":["@s1.image"]}')
    with pytest.raises(ValueError, match="the writer forces"):  # a second step
        LLMPlanner(ScriptedStepwiseChat([short]), registry).plan("a house and a sound", [])
    both = ('{"wants":"image+audio","steps":[{"id":"s1","tool":"fake_draw","args":'
            '{"text":"a haunted house"}},{"id":"s2","tool":"fake_speak","args":'
            '{"text":"boo"}}],"outputs":["@s1.image","@s2.audio"]}')
    plan = LLMPlanner(ScriptedStepwiseChat([both]), registry).plan("a house and a sound", [])
    assert plan.outputs == ["@s1.image", "@s2.audio"] and not plan.answer
    assert canonical_plan(plan, registry, []) == both
    image_only = ('{"wants":"image","steps":[{"id":"s1","tool":"fake_draw","args":'
                  '{"text":"a house"}},{"id":"s2","tool":"fake_speak","args":{"text":"boo"}}],'
                  '"outputs":["@s1.image","@s2.audio"]}')
    with pytest.raises(ValueError, match="the writer forces"):  # a sound nobody asked for
        LLMPlanner(ScriptedStepwiseChat([image_only]), registry).plan("draw a house", [])
