"""'Make a narrated slideshow about butterflies' end to end on the default registry: pictures,
real offline speech (piper), and an MP4 with sound timed to the narration."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from media_checks import artifact, ffprobe, needs_ffmpeg, needs_voice, run_plan, stream
from PIL import Image

from modalswitch.tools import default_registry

NARRATION = ("Butterflies begin life as caterpillars. Each one builds a chrysalis and changes "
             "completely. Monarchs then fly thousands of kilometres to spend the winter in "
             "Mexico.")
PROMPTS = ["a caterpillar on a milkweed leaf, macro photo",
           "a green chrysalis hanging from a twig, soft light",
           "a monarch butterfly with open orange wings on a flower"]


def slideshow_plan(width: int, height: int) -> list[dict[str, object]]:
    """The plan a planner writes for the request: draw, narrate, compose."""
    steps: list[dict[str, object]] = [
        {"id": f"img{i}", "tool": "generate_image",
         "args": {"prompt": p, "width": width, "height": height, "steps": 2, "seed": i}}
        for i, p in enumerate(PROMPTS)]
    steps.append({"id": "voice", "tool": "text_to_speech", "args": {"text": NARRATION}})
    steps.append({"id": "show", "tool": "make_slideshow",
                  "args": {"images": ["@img0", "@img1", "@img2"], "narration": ["@voice"]}})
    return steps


def check_playable_with_sound(video: Path, narration: Path) -> None:
    info = ffprobe(video)
    assert stream(info, "video")["codec_name"] == "h264"
    assert stream(info, "audio")["codec_name"] == "aac"
    spoken = float(ffprobe(narration)["format"]["duration"])
    assert spoken > 3.0  # real speech of three sentences
    assert float(info["format"]["duration"]) == pytest.approx(spoken, abs=0.15)
    decode = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "null", "-"],
                            capture_output=True, text=True, check=True)
    assert decode.stderr == ""  # every frame and sample decodes


@pytest.mark.real
@needs_ffmpeg
@needs_voice
def test_narrated_slideshow_on_the_offline_default(home: Path) -> None:
    response = run_plan(default_registry(), home, slideshow_plan(320, 240),
                        ["@show.video", "@voice.audio", "@img0.model"])
    assert response.ok, response.text
    assert "title-card" in response.text  # no diffusion weights offline: drawn title cards
    video = artifact(response, "show")
    check_playable_with_sound(video, artifact(response, "voice"))
    assert (stream(ffprobe(video), "video")["width"], stream(ffprobe(video), "video")["height"]) \
        == (320, 240)


@pytest.mark.real
@needs_ffmpeg
@needs_voice
def test_narrated_slideshow_with_a_diffusion_checkpoint(tiny_models, home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_IMAGE_MODEL", str(tiny_models.stable_diffusion))
    response = run_plan(default_registry(), home, slideshow_plan(128, 96),
                        ["@show.video", "@voice.audio", "@img0.image"])
    assert response.ok, response.text
    with Image.open(artifact(response, "img0")) as img:
        assert img.size == (128, 96)
    check_playable_with_sound(artifact(response, "show"), artifact(response, "voice"))
