"""Honest placeholders: with no real model here, image, video, music and Bark steps still give
a file of the right type, and the response text, response.json, the plan and the trace all
say it is a placeholder and how to get the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile
from media_checks import artifact, ffprobe, needs_ffmpeg, run_plan, stream
from pydantic import BaseModel

from modalswitch import Agent, Registry, ScriptedPlanner
from modalswitch.agent.trace import read_trace
from modalswitch.agent.trace.events import PlanReady, StepEnd, StepStart
from modalswitch.errors import MissingModelError
from modalswitch.tools.contract.degraded import Degraded, degradation
from modalswitch.tools.fakes import FakeSpeak
from modalswitch.tools.generate import BarkSpeech, GenerateImage, GenerateSound, GenerateVideo
from modalswitch.tools.helpers import model_tool


@pytest.fixture(autouse=True)
def _no_hub_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever this machine's Hugging Face cache holds, the default checkpoints are absent."""
    def absent(tool: str, slot: str, checkpoint: str, **_: object) -> Path:
        if Path(checkpoint).exists():
            return Path(checkpoint)
        raise MissingModelError(tool, checkpoint, "not here")

    monkeypatch.setattr(model_tool, "resolve", absent)
    monkeypatch.delenv("MODALSWITCH_ALLOW_DOWNLOAD", raising=False)


def test_a_title_card_says_it_is_a_placeholder_everywhere(home: Path) -> None:
    plan = {"steps": [{"id": "s1", "tool": "generate_image",
                       "args": {"prompt": "a lighthouse at dawn", "width": 160, "height": 96}}],
            "outputs": ["@s1.image"]}
    agent = Agent(ScriptedPlanner([plan, plan]), Registry([GenerateImage()]), home=home)
    response = agent.run("draw a lighthouse", out_dir=home / "run")
    assert response.ok and artifact(response, "s1").suffix == ".png"
    assert "placeholder" in response.text and "drawn title card" in response.text
    assert "modalswitch models pull stabilityai/sd-turbo" in response.text
    assert "MODALSWITCH_TEXT_TO_IMAGE_MODEL=stabilityai/sd-turbo" in response.text
    (note,) = response.degraded
    assert (note.step, note.tool) == ("s1", "generate_image")
    saved = json.loads((home / "run" / "response.json").read_text())
    assert saved["degraded"][0]["fix"] == note.fix
    events = read_trace(home / "run" / "trace.jsonl")
    ready = next(e for e in events if isinstance(e, PlanReady))
    assert "title card" in ready.degraded["s1"].placeholder  # marked before it ran
    end = next(e for e in events if isinstance(e, StepEnd))
    assert end.degraded is not None and end.degraded.missing == note.missing
    # a placeholder is never cached: the step runs again (and would use a model pulled since)
    again = agent.run("draw a lighthouse", out_dir=home / "again")
    assert again.degraded and not any(e.type == "cache_hit"
                                      for e in read_trace(home / "again" / "trace.jsonl"))


def test_a_configured_model_is_never_replaced_by_a_placeholder(
        home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_IMAGE_MODEL", str(tmp_path / "no-such-model"))
    assert GenerateImage().stand_in() is None
    response = run_plan(Registry([GenerateImage()]), home,
                        [{"id": "g", "tool": "generate_image", "args": {"prompt": "a cat"}}],
                        ["@g.image"])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError" and not response.degraded


def test_downloads_allowed_means_the_real_model_is_fetched(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert BarkSpeech().stand_in() is not None
    monkeypatch.setenv("MODALSWITCH_ALLOW_DOWNLOAD", "1")
    assert BarkSpeech().stand_in() is None


@needs_ffmpeg
def test_video_placeholder_is_a_real_clip(home: Path) -> None:
    response = run_plan(Registry([GenerateVideo()]), home,
                        [{"id": "v", "tool": "generate_video",
                          "args": {"prompt": "waves on a beach", "num_frames": 12, "fps": 6,
                                   "width": 128, "height": 96}}], ["@v.video"])
    video = stream(ffprobe(artifact(response, "v")), "video")
    assert (video["width"], video["height"], int(video["nb_read_frames"])) == (128, 96, 12)
    assert "ali-vilab/text-to-video-ms-1.7b" in response.text  # what to pull
    assert response.degraded[0].tool == "generate_video"


def test_sound_placeholder_has_the_asked_length(home: Path) -> None:
    response = run_plan(Registry([GenerateSound()]), home,
                        [{"id": "m", "tool": "generate_sound",
                          "args": {"prompt": "rain on a tin roof", "duration_s": 2.5}}],
                        ["@m.audio"])
    info = soundfile.info(str(artifact(response, "m")))
    assert abs(info.duration - 2.5) < 0.01
    samples, _ = soundfile.read(str(artifact(response, "m")))
    assert abs(samples).max() > 0.05  # audible, not silence
    assert "not music or sound from the prompt" in response.text


def test_bark_without_weights_speaks_with_the_plain_voice_as_a_sub_step(home: Path) -> None:
    bark = BarkSpeech(speaker=FakeSpeak())
    response = run_plan(Registry([bark]), home,
                        [{"id": "b", "tool": "bark_speech", "args": {"text": "hello there"}}],
                        ["@b.audio", "@b.model"])
    (audio,) = response.artifacts
    assert audio.modality == "audio" and audio.step == "b/fake_speak"  # made by the sub-step
    assert "fake_speak (offline voice)" in response.text
    assert "modalswitch models pull suno/bark-small" in response.text
    trace = read_trace(Path(response.run_dir or "") / "trace.jsonl")
    assert any(isinstance(e, StepStart) and e.span == "b/fake_speak" for e in trace)


def test_degradation_finds_the_note_and_says_it_plainly() -> None:
    class Out(BaseModel):
        text: str
        degraded: Degraded | None = None

    note = Degraded(placeholder="a drawn card", missing="no model is configured",
                    fix="run `modalswitch models pull x`")
    assert degradation(Out(text="x", degraded=note)) == note
    assert degradation(Out(text="x")) is None and degradation(None) is None
    assert note.sentence() == ("This is a placeholder (a drawn card) because no model is "
                               "configured. For the real thing: run `modalswitch models pull "
                               "x`.")
