"""Video tools through the executor: text to video, key frames, sound track, summary,
slideshow. Outputs are checked with ffprobe."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import espeak_wav
from media_checks import artifact, ffprobe, make_scene_video, needs_ffmpeg, run_plan, stream
from PIL import Image

from modalswitch import Registry, ScriptedChat
from modalswitch.tools.fakes import FakeCaption, FakeTranscribe
from modalswitch.tools.generate import GenerateVideo
from modalswitch.tools.transform import ExtractAudio, ExtractKeyframes, MakeSlideshow
from modalswitch.tools.transform.slideshow import frame_counts
from modalswitch.tools.transform.video_frames import pick_keyframes
from modalswitch.tools.understand import SummarizeVideo


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(tmp_path_factory.mktemp("speech") / "speech.wav",
                      "Butterflies taste with their feet. They fly south in winter.")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory: pytest.TempPathFactory, speech: Path) -> Path:
    """Six seconds: red, green, blue, two seconds each, with speech."""
    return make_scene_video(tmp_path_factory.mktemp("video") / "scenes.mp4",
                            ["red", "green", "blue"], 2.0, speech=speech)


def _pictures(tmp_path: Path, colours: list[tuple[int, int, int]],
              size: tuple[int, int] = (90, 60)) -> list[Path]:
    paths = []
    for i, colour in enumerate(colours):
        paths.append(tmp_path / f"p{i}.png")
        Image.new("RGB", size, colour).save(paths[-1])
    return paths


@needs_ffmpeg
def test_text_to_video_mp4(tiny_models, home: Path) -> None:
    tool = GenerateVideo(checkpoint=str(tiny_models.text_to_video))
    response = run_plan(Registry([tool]), home,
                        [{"id": "v", "tool": "generate_video",
                          "args": {"prompt": "a cat", "num_frames": 8, "fps": 8, "width": 64,
                                   "height": 64, "steps": 2, "seed": 3}}], ["@v.video"])
    assert response.ok, response.text
    info = ffprobe(artifact(response, "v"))
    video = stream(info, "video")
    assert video["codec_name"] == "h264" and (video["width"], video["height"]) == (64, 64)
    assert int(video["nb_read_frames"]) == 8
    assert float(info["format"]["duration"]) == pytest.approx(1.0, abs=0.01)


def test_keyframes_follow_scene_changes(scenes: Path, home: Path) -> None:
    response = run_plan(Registry([ExtractKeyframes()]), home,
                        [{"id": "k", "tool": "extract_keyframes",
                          "args": {"video": "@input0", "max_frames": 6}}],
                        ["@k.frames", "@k.times"], inputs=[scenes])
    assert response.ok, response.text
    frames = [Path(a.path) for a in response.artifacts]
    assert len(frames) == 3  # three shots, not one frame every n seconds
    dominant = []
    for path in frames:
        with Image.open(path) as img:
            r, g, b = img.convert("RGB").getpixel((img.width // 2, img.height // 2))
            dominant.append(max(("red", r), ("green", g), ("blue", b), key=lambda c: c[1])[0])
    assert dominant == ["red", "green", "blue"]
    times = [float(t) for t in response.text.split()]
    assert times[0] == 0.0 and times[1] == pytest.approx(2.0, abs=0.3)
    assert times[2] == pytest.approx(4.0, abs=0.3)


def test_pick_keyframes_fills_only_long_static_gaps() -> None:
    times = [i * 0.5 for i in range(121)]  # a minute, no change at all
    scores = [1.0] + [0.0] * 120
    picks = pick_keyframes(times, scores, 60.0, max_frames=4, max_gap_s=20)
    assert [k.time_s for k in picks] == [0.0, 15.0, 30.0, 45.0]
    picks = pick_keyframes(times[:9], [1.0, 0, 0, 0.5, 0, 0, 0, 0, 0], 4.5, max_frames=4)
    assert [k.time_s for k in picks] == [0.0, 1.5]  # a short clip: the cut, no fillers


def test_extract_audio_and_missing_sound_track(scenes: Path, tmp_path: Path,
                                               home: Path) -> None:
    silent = make_scene_video(tmp_path / "silent.mp4", ["white"], 1.0)
    response = run_plan(Registry([ExtractAudio()]), home,
                        [{"id": "a", "tool": "extract_audio", "args": {"video": "@input0"}},
                         {"id": "b", "tool": "extract_audio", "args": {"video": "@input1"}}],
                        ["@a"], inputs=[scenes, silent])
    info = ffprobe(artifact(response, "a"))
    assert stream(info, "audio")["codec_name"] == "pcm_s16le"
    assert float(info["format"]["duration"]) == pytest.approx(6.0, abs=0.1)
    (failure,) = response.failures
    assert failure.step == "b" and "no sound track" in failure.message


def test_summarize_video_without_chat_model(scenes: Path, home: Path) -> None:
    tool = SummarizeVideo(describer=FakeCaption(), transcriber=FakeTranscribe())
    response = run_plan(Registry([tool]), home,
                        [{"id": "s", "tool": "summarize_video", "args": {"video": "@input0"}}],
                        ["@s", "@s.keyframes"], inputs=[scenes])
    assert response.ok, response.text
    text = response.text
    assert "3 scene(s)" in text
    assert "[0:00-0:02] a 96x64 picture, mean colour [2" in text  # red first
    assert "[0:02-0:04]" in text and "[0:04-0:06]" in text
    assert "Speech:" in text and "seconds of audio" in text  # the sound track was transcribed
    assert len(response.artifacts) == 3


def test_summarize_video_with_chat_model(scenes: Path, home: Path) -> None:
    chat = ScriptedChat(["A colour test card. Key moments:\n[0:00] red\n[0:02] green"])
    tool = SummarizeVideo(describer=FakeCaption(), transcriber=FakeTranscribe(), llm=chat)
    response = run_plan(Registry([tool]), home,
                        [{"id": "s", "tool": "summarize_video",
                          "args": {"video": "@input0", "focus": "colours"}}],
                        ["@s"], inputs=[scenes])
    assert response.ok, response.text
    assert response.text.startswith("A colour test card.")
    prompt = chat.calls[0]["messages"][-1]["content"]
    assert "[0:02-0:04]" in prompt and "Focus on: colours" in prompt


def test_slideshow_is_timed_to_the_narration(tmp_path: Path, home: Path, speech: Path) -> None:
    pictures = _pictures(tmp_path, [(200, 0, 0), (0, 200, 0), (0, 0, 200)], size=(91, 61))
    narration = ffprobe(speech)["format"]["duration"]
    response = run_plan(Registry([MakeSlideshow()]), home,
                        [{"id": "v", "tool": "make_slideshow",
                          "args": {"images": ["@input0", "@input1", "@input2"],
                                   "narration": ["@input3"],
                                   "captions": ["one", "two", "three"]}}],
                        ["@v.video"], inputs=[*pictures, speech])
    assert response.ok, response.text
    info = ffprobe(artifact(response, "v"))
    video, audio = stream(info, "video"), stream(info, "audio")
    assert video["codec_name"] == "h264" and audio["codec_name"] == "aac"
    assert (video["width"], video["height"]) == (90, 60)  # even sides for yuv420p
    assert float(info["format"]["duration"]) == pytest.approx(float(narration), abs=0.1)


def test_slideshow_one_clip_per_picture_and_silent(tmp_path: Path, home: Path) -> None:
    pictures = _pictures(tmp_path, [(250, 250, 0), (0, 250, 250)])
    clips = [espeak_wav(tmp_path / "a.wav", "one"), espeak_wav(tmp_path / "b.wav",
                                                               "and then a longer sentence")]
    lengths = [float(ffprobe(c)["format"]["duration"]) for c in clips]
    response = run_plan(Registry([MakeSlideshow()]), home,
                        [{"id": "v", "tool": "make_slideshow",
                          "args": {"images": ["@input0", "@input1"],
                                   "narration": ["@input2", "@input3"], "fps": 10}},
                         {"id": "q", "tool": "make_slideshow",
                          "args": {"images": ["@input0", "@input1"], "seconds_per_image": 1.5,
                                   "width": 80, "height": 64}}],
                        ["@v.video", "@q.video"], inputs=[*pictures, *clips])
    assert response.ok, response.text
    timed = ffprobe(artifact(response, "v"))
    assert float(timed["format"]["duration"]) == pytest.approx(sum(lengths), abs=0.15)
    assert int(stream(timed, "video")["nb_read_frames"]) == round(sum(lengths) * 10)
    silent = ffprobe(artifact(response, "q"))
    assert [s["codec_type"] for s in silent["streams"]] == ["video"]
    assert float(silent["format"]["duration"]) == pytest.approx(3.0, abs=0.05)
    assert (stream(silent, "video")["width"], stream(silent, "video")["height"]) == (80, 64)


def test_frame_counts_add_up_exactly() -> None:
    counts = frame_counts([1 / 3] * 9, 24)
    assert sum(counts) == 72 and set(counts) == {8}
    assert sum(frame_counts([0.7, 1.3, 2.05], 24)) == round(4.05 * 24)


@pytest.mark.real
def test_summarize_video_on_the_default_registry(scenes: Path, home: Path) -> None:
    """The catalog wires the real offline describer and faster-whisper into the summarizer."""
    from modalswitch.tools import default_registry

    response = run_plan(default_registry(), home,
                        [{"id": "s", "tool": "summarize_video",
                          "args": {"video": "@input0", "max_frames": 4}}],
                        ["@s", "@s.transcript"], inputs=[scenes])
    assert response.ok, response.text
    summary, transcript = response.text.split("\n\n", 1)[0], response.text
    assert "3 scene(s), with transcribed speech" in summary
    # espeak-ng through AAC is hard to hear: tiny.en wrote "may fly south in winter", base
    # "naffly's house in winter"; both words below are heard by either
    assert "taste" in transcript.lower() and "winter" in transcript.lower()
    assert "[0:00-0:0" in response.text  # timed speech lines from faster-whisper's segments
