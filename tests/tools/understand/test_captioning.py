"""Image to text on transformers (BLIP, GIT) and the offline fallbacks, through the executor."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_checks import run_plan

from modalswitch import Registry, ScriptedChat
from modalswitch.tools.fakes import FakeCaption
from modalswitch.tools.understand import AnswerImageQuestion, CaptionImage


def _caption_and_answer(registry: Registry, home: Path, png: Path) -> tuple[str, str]:
    response = run_plan(registry, home,
                        [{"id": "c", "tool": "caption_image", "args": {"image": "@input0"}},
                         {"id": "q", "tool": "answer_image_question",
                          "args": {"image": "@input0", "question": "what is this"}}],
                        ["@c.model", "@q.model"], inputs=[png])
    assert response.ok, response.text
    caption_model, answer_model = response.text.split("\n\n")
    return caption_model, answer_model


def test_blip_captioning_and_vqa(tiny_models, home: Path, png: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_IMAGE_CAPTIONING_MODEL", str(tiny_models.blip_captioner))
    monkeypatch.setenv("MODALSWITCH_VISUAL_QA_MODEL", str(tiny_models.blip_vqa))
    registry = Registry([CaptionImage(), AnswerImageQuestion()])
    assert _caption_and_answer(registry, home, png) == (str(tiny_models.blip_captioner),
                                                        str(tiny_models.blip_vqa))


def test_git_captioning_and_vqa(tiny_models, home: Path, png: Path) -> None:
    git = str(tiny_models.git)
    registry = Registry([CaptionImage(checkpoint=git), AnswerImageQuestion(checkpoint=git)])
    assert _caption_and_answer(registry, home, png) == (git, git)


def test_offline_fallbacks_use_the_composite_describer(home: Path, png: Path) -> None:
    chat = ScriptedChat(["It is red."])
    registry = Registry([CaptionImage(describer=FakeCaption()),
                         AnswerImageQuestion(describer=FakeCaption(), llm=chat)])
    response = run_plan(registry, home,
                        [{"id": "c", "tool": "caption_image", "args": {"image": "@input0"}},
                         {"id": "q", "tool": "answer_image_question",
                          "args": {"image": "@input0", "question": "what colour is it?"}}],
                        ["@c", "@c.model", "@q"], inputs=[png])
    assert response.ok, response.text
    assert "a 32x24 picture, mean colour [200, 30, 30]" in response.text
    assert "fake_caption" in response.text and "It is red." in response.text
    prompt = chat.calls[0]["messages"][-1]["content"]
    assert "mean colour [200, 30, 30]" in prompt and "what colour is it?" in prompt


def test_vqa_without_model_or_chat_says_how_to_configure(home: Path, png: Path) -> None:
    response = run_plan(Registry([AnswerImageQuestion(describer=FakeCaption())]), home,
                        [{"id": "q", "tool": "answer_image_question",
                          "args": {"image": "@input0", "question": "why?"}}],
                        ["@q"], inputs=[png])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError"
    assert "MODALSWITCH_VISUAL_QA_MODEL" in failure.message
    assert "Salesforce/blip-vqa-base" in failure.message
