"""Words a voice should say are written first: "tell me a joke out loud" never speaks "a joke"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, Field

from modalswitch import LLMPlanner, Modality, Registry, ScriptedStepwiseChat
from modalswitch.agent.plan import InputSpec, Plan
from modalswitch.agent.plan.validate import check_plan
from modalswitch.agent.planners.spoken_words import (
    compose_spoken_words,
    names_words,
    show_spoken_words,
    with_spoken_words,
)
from modalswitch.tools import TextContent, Tool, ToolContext, default_registry
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.fakes import TextOut, fake_registry

REPO = Path(__file__).resolve().parents[3]


class IdeaIn(BaseModel):
    text: TextContent = Field(description="an idea")
    target: str = "image"


class FakeWrite(Tool[IdeaIn, TextOut]):
    """Writes words from an idea (a stand-in for rewrite_prompt)."""

    name = "fake_write"
    description = "Write words from an idea."
    writes_speech: ClassVar[dict[str, Any] | None] = {"target": "speech"}

    def run(self, args: IdeaIn, ctx: ToolContext) -> TextOut:
        return TextOut(text=f"words for {args.text}")


def registry_with_writer() -> Registry:
    registry = fake_registry()
    registry.add(FakeWrite())
    return registry


@pytest.mark.parametrize(("request_", "text"), [
    ("tell me a joke out loud", "a joke"),
    ("I want a short poem about autumn read aloud to me", "a short poem about autumn"),
    ("sing me a lullaby about the moon", "a lullaby about the moon"),
    ("can you record a toast for my sister's wedding", "a toast for my sister's wedding"),
    ("say something nice for my mum's birthday", "something nice for my mum's birthday"),
    ("I need a voice message wishing my team luck", "I need a voice message wishing my team luck"),
    ("read three fun facts about octopuses aloud", "three fun facts about octopuses"),
])
def test_a_description_of_words_is_not_the_words(request_: str, text: str) -> None:
    assert names_words(text, request_)


@pytest.mark.parametrize(("request_", "text"), [
    ("Say 'the kettle is on' out loud", "the kettle is on"),
    ("Say 'a poem about cats' in a robot voice", "a poem about cats"),  # quoted: the words
    ("tts this: a story about pirates", "a story about pirates"),  # after a colon
    ("say good morning sunshine", "good morning sunshine"),
    ("Read this out: Dear residents, the water is off on Tuesday",
     "Dear residents, the water is off on Tuesday"),
    ("pronounce worcestershire for me", "worcestershire"),
])
def test_words_the_user_gave_are_spoken_as_they_stand(request_: str, text: str) -> None:
    assert not names_words(text, request_)


def test_songs_are_music_to_a_sound_model_but_words_to_a_voice() -> None:
    assert names_words("a jingle for my bakery", "sing a jingle for my bakery")
    assert not names_words("a jingle for my bakery", "make a jingle for my bakery", sung=False)
    assert names_words("a story about pirates", "play me a story about pirates", sung=False)


def test_speech_tools_mark_the_words_they_say() -> None:
    registry = default_registry()
    for name in ("text_to_speech", "bark_speech"):
        assert field_kind(registry.get(name).Input, "text").spoken
    assert not field_kind(registry.get("generate_sound").Input, "prompt").spoken
    assert not field_kind(registry.get("rewrite_prompt").Input, "text").spoken


def test_a_voice_given_a_description_speaks_words_written_first() -> None:
    registry = registry_with_writer()
    plan = Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
        {"id": "s2", "tool": "fake_speak", "args": {"text": "a joke"}}],
        "outputs": ["@s1.image", "@s2.audio"], "answer": True})
    composed = compose_spoken_words(plan, "draw a cat and tell me a joke out loud",
                                     registry, [])
    assert composed.model_dump(exclude_none=True) == {
        "steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                  {"id": "s2", "tool": "fake_write",
                   "args": {"text": "a joke", "target": "speech"}},
                  {"id": "s3", "tool": "fake_speak", "args": {"text": "@s2.text"}}],
        "outputs": ["@s1.image", "@s2.text", "@s3.audio"],
        "answer": False}  # the written words are the answer: no second joke in prose
    assert not check_plan(composed, registry, [])


def test_a_sound_model_asked_for_spoken_words_becomes_a_voice() -> None:
    registry = default_registry()
    plan = Plan.parse({"steps": [{"id": "s1", "tool": "generate_sound",
                                  "args": {"prompt": "a haiku about rain"}}],
                       "outputs": ["@s1.audio"]})
    composed = compose_spoken_words(plan, "make an audio of a haiku about rain", registry, [])
    assert [(s.tool, s.args) for s in composed.steps] == [
        ("rewrite_prompt", {"text": "a haiku about rain", "target": "speech"}),
        ("text_to_speech", {"text": "@s1.text"})]
    assert composed.outputs == ["@s1.text", "@s2.audio"]
    music = plan.model_copy(update={"steps": [plan.steps[0].model_copy(
        update={"args": {"prompt": "a jingle for my bakery"}})]})
    assert compose_spoken_words(music, "make a jingle for my bakery", registry, []) == music


def test_plans_are_left_alone_without_a_writer_or_a_description() -> None:
    plan = Plan.parse({"steps": [{"id": "s1", "tool": "fake_speak", "args": {"text": "a joke"}}],
                       "outputs": ["@s1.audio"]})
    assert compose_spoken_words(plan, "tell me a joke out loud", fake_registry(), []) == plan
    given = Plan.parse({"steps": [{"id": "s1", "tool": "fake_speak",
                                   "args": {"text": "happy birthday Sam"}}],
                        "outputs": ["@s1.audio"]})
    assert compose_spoken_words(given, "say happy birthday Sam", registry_with_writer(),
                                []) == given


def test_the_planner_writes_the_words_before_speaking_them() -> None:
    reply = ('{"wants":"audio","steps":[{"id":"s1","tool":"fake_speak","args":'
             '{"text":"a bedtime story about a dragon"}}],"outputs":["@s1.audio"]}')
    plan = LLMPlanner(ScriptedStepwiseChat([reply]), registry_with_writer()).plan(
        "tell my kid a bedtime story about a dragon, out loud", [])
    assert [s.tool for s in plan.steps] == ["fake_write", "fake_speak"]
    assert plan.steps[1].args == {"text": "@s1.text"}


def test_what_a_delivered_voice_says_is_shown_too() -> None:
    registry = fake_registry()
    heard = Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
        {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}}],
        "outputs": ["@s2.audio"]})
    assert show_spoken_words(heard, registry).outputs == ["@s1.text", "@s2.audio"]
    shown = heard.model_copy(update={"outputs": ["@s2.audio", "@s1.text"]})
    assert show_spoken_words(shown, registry) == shown  # already delivered: left as it is
    narrated = heard.model_copy(update={"outputs": []})  # a voice nobody gets on its own
    assert show_spoken_words(narrated, registry) == narrated
    assert not check_plan(show_spoken_words(heard, registry), registry,
                          [InputSpec("memo.wav", Modality.AUDIO)])


def _gold_cases() -> list[dict[str, Any]]:
    files = [REPO / "evals/data/natural-dev.jsonl", REPO / "evals/data/natural-test.jsonl",
             REPO / "evals/data/core.jsonl", REPO / "training/data/handwritten.jsonl",
             REPO / "training/data/natural_pool.jsonl"]
    return [json.loads(line) for f in files for line in f.read_text().splitlines() if line]


def test_no_hand_written_gold_plan_is_changed() -> None:
    """Every speech step of the hand-written sets speaks words the user gave, or a step's
    result that is delivered too: none may read as a description (a false alarm would
    rewrite the user's words), and none lacks the words it says."""
    registry = default_registry()
    cases = _gold_cases()
    spoken = 0
    for case in cases:
        plan = Plan.parse(case["plan"])
        spoken += any(s.tool in ("text_to_speech", "bark_speech") for s in plan.steps)
        inputs = [InputSpec(name, Modality(m)) for name, m in case.get("inputs", [])]
        assert with_spoken_words(plan, case["request"], registry, inputs) == plan, case
    assert len(cases) > 1500 and spoken > 100
