"""Output cues: media a request asks for back in so many words, and the plans that follow."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from modalswitch import LLMPlanner, Modality, Registry, ScriptedChat, ScriptedStepwiseChat
from modalswitch.agent.plan import InputSpec, Plan
from modalswitch.agent.plan.validate import output_modalities
from modalswitch.agent.planners.output_cues import SPOKEN_ASK, OutputCues, word_windows
from modalswitch.agent.trace import Tracer
from modalswitch.tools import default_registry

PHOTO = [InputSpec("photo.jpg", Modality.IMAGE)]
SPOKEN = ('{"wants":"audio","steps":[{"id":"s1","tool":"fake_caption","args":'
          '{"image":"@input0"}},{"id":"s2","tool":"fake_speak","args":{"text":"@s1.text"}}],'
          '"outputs":["@s2.audio"]}')


def bag_of_words(texts: Sequence[str]) -> np.ndarray:
    """A stand-in sentence encoder: unit-length hashed word counts (same words, cosine 1)."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"\w+", text.lower()):
            out[row, zlib.crc32(word.encode()) % 64] += 1
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def cues() -> OutputCues:
    return OutputCues({Modality.AUDIO: ("read it out loud",)}, threshold=0.9,
                      embed=bag_of_words)


def test_word_windows_are_runs_of_three_to_five_words() -> None:
    runs = word_windows("Caption this photo, then READ it out loud!")
    assert "read it out loud" in runs and "caption this photo" in runs
    assert all(3 <= len(r.split()) <= 5 for r in runs)
    assert word_windows("hi there") == ["hi there"]  # a short request is one run
    assert word_windows("?!") == []


def test_an_ask_is_found_inside_a_longer_request_and_not_without_one() -> None:
    found = cues()
    # the whole request is mostly the task; the ask is a few of its words
    long_ask = "what does the sign in this old photo of my grandmother's shop say, read it out loud"
    assert found.asked(long_ask) == [Modality.AUDIO]
    assert found.scores(long_ask)[Modality.AUDIO] == pytest.approx(1.0)
    assert found.asked("what does the sign in this photo say") == []
    assert found.asked("") == []


@pytest.mark.parametrize(("request_", "asked"), [
    ("read me a poem about the sea", True),
    ("recite a limerick about a cat named Biscuit", True),
    ("sing me a lullaby", True),
    ("summarise it and read the summary to me", True),
    ("tell me a joke OUT\nLOUD", True),
    ("write me a poem about the sea", False),  # words, no voice
    ("Write the lyrics for a lullaby. I'll sing it myself.", False),
    ("put sunglasses on the person in a single image", False),
    ("what does 'read it out loud' mean in a contract?", False),  # quoted: material
    ("Say 'the kettle is on' out loud", True),
])
def test_words_that_only_ever_mean_a_voice_are_an_ask(request_: str, asked: bool) -> None:
    """The embeddings cannot tell "read me a poem" from "write me a poem"; these verbs are
    matched as words (a stand-in encoder that never matches the phrases, so only they can)."""
    never = OutputCues({Modality.AUDIO: ("zzz qqq xxx",)}, threshold=0.99, embed=bag_of_words)
    assert (never.asked(request_) == [Modality.AUDIO]) is asked


def test_the_voice_words_occur_in_no_hand_written_request_without_audio() -> None:
    repo = Path(__file__).resolve().parents[3]
    files = ["evals/data/natural-dev.jsonl", "evals/data/natural-test.jsonl",
             "training/data/handwritten.jsonl", "training/data/natural_pool.jsonl"]
    registry = default_registry()
    fired = 0
    for line in (ln for f in files for ln in (repo / f).read_text().splitlines() if ln):
        case = json.loads(line)
        if SPOKEN_ASK.search(" ".join(case["request"].split())):
            fired += 1
            plan = Plan.parse(case["plan"])
            inputs = [InputSpec(n, Modality(m)) for n, m in case.get("inputs", [])]
            delivered = output_modalities(plan, registry, inputs)
            assert {"audio", "video"} & set(delivered), case["request"]
    assert fired > 50


def test_the_phrases_are_embedded_once() -> None:
    calls: list[int] = []

    def counting(texts: Sequence[str]) -> np.ndarray:
        calls.append(len(texts))
        return bag_of_words(texts)

    found = OutputCues({Modality.AUDIO: ("say it aloud", "read it to me")}, embed=counting)
    found.asked("please say it aloud")
    found.asked("read it to me now")
    assert calls.count(2) == 1  # the two phrases, once; each request's runs every time


def test_a_plan_must_deliver_the_medium_asked_for_by_name(registry: Registry) -> None:
    inputs = PHOTO
    request = "what is in this photo, read it out loud"
    text_only = ('{"wants":"text","steps":[{"id":"s1","tool":"fake_caption","args":'
                 '{"image":"@input0"}}],"outputs":["@s1.text"]}')
    with pytest.raises(ValueError, match="do not allow"):  # "text" is no longer an option
        LLMPlanner(ScriptedStepwiseChat([text_only]), registry, cues=cues()).plan(
            request, inputs)
    # without the ask, the same plan is written as the model wants
    plain = LLMPlanner(ScriptedStepwiseChat([text_only]), registry, cues=cues()).plan(
        "what is in this photo", inputs)
    assert [s.tool for s in plain.steps] == ["fake_caption"]

    tracer = Tracer()
    plan = LLMPlanner(ScriptedStepwiseChat([SPOKEN]), registry, cues=cues()).plan(
        request, inputs, tracer)
    assert [s.tool for s in plan.steps] == ["fake_caption", "fake_speak"]
    (attempt,) = [e for e in tracer.events if e.type == "plan_attempt"]
    assert attempt.asked == ["audio"]


def test_an_ask_widens_tools_narrowed_without_a_way_to_make_it(registry: Registry) -> None:
    plan = LLMPlanner(ScriptedStepwiseChat([SPOKEN]), registry, cues=cues()).plan(
        "what is in this photo, read it out loud", PHOTO,
        tools=["fake_caption"])  # a router offered no way to speak
    assert [s.tool for s in plan.steps] == ["fake_caption", "fake_speak"]


def test_a_schema_constrained_model_is_held_to_the_ask_too(registry: Registry) -> None:
    reply = {"wants": "audio", "steps": [
        {"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}},
        {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1.text"}}],
        "outputs": ["@s2.audio"]}
    chat = ScriptedChat([reply])
    LLMPlanner(chat, registry, cues=cues()).plan("describe the photo and read it out loud",
                                                 PHOTO)
    enum = chat.calls[0]["json_schema"]["properties"]["wants"]["enum"]
    assert "text" not in enum and "audio" in enum


@pytest.mark.real  # the packaged MiniLM embeds requests and phrases
def test_the_shipped_phrases_find_spoken_asks_people_write() -> None:
    found = OutputCues()
    for request in ("check the spelling on this flyer and then read it out to me",
                    "what time does the clock in this picture show? say it out loud",
                    "summarise the attached report and read the summary aloud for me"):
        assert found.asked(request) == [Modality.AUDIO], request
    for request in ("transcribe the speech in this clip", "write me a poem about the sea",
                    "what instruments can you hear in this song?",
                    "give me a pencil sketch version of this photo"):
        assert found.asked(request) == [], request

