"""Bad input gets a clear, typed error, and nothing the user owns is touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modalswitch import Agent, InputFileError, Modality, ScriptedPlanner
from modalswitch.errors import EmptyRequestError
from modalswitch.tools import ArtifactStore
from modalswitch.tools.runtime.media import Limits


@pytest.fixture
def store(home: Path) -> ArtifactStore:
    return ArtifactStore(home / "store")


def test_real_media_is_imported_with_metadata(store, tone_wav, png):
    audio = store.import_input(tone_wav)
    assert audio.modality is Modality.AUDIO and audio.mime == "audio/wav"
    assert audio.meta["duration_s"] == 0.5 and audio.meta["sample_rate"] == 16000
    assert audio.provenance.source == "input" and audio.provenance.original_name == "tone.wav"
    image = store.import_input(png)
    assert (image.meta["width"], image.meta["height"]) == (32, 24)
    assert image.path is not None and image.path.read_bytes() == png.read_bytes()
    assert image.sha256 in image.path.name


def test_content_decides_the_kind_not_the_extension(store, png, tmp_path):
    liar = tmp_path / "song.mp3"
    liar.write_bytes(png.read_bytes())
    assert store.import_input(liar).modality is Modality.IMAGE


def test_text_files_are_inline(store, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("hello there")
    art = store.import_input(note)
    assert art.modality is Modality.TEXT and art.text == "hello there"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("missing.wav", None, "no such file"),
    ("empty.wav", b"", "empty"),
    ("noise.bin", bytes(range(256)) * 4, "not a recognised"),
    ("photo.png", b"<html><body>404 Not Found</body></html>", r"an image file \(.png\).*text"),
    ("call.MP3", b"please call me back", r"an audio file \(.MP3\) but it holds text"),
    ("clip.mov", b"just words", r"a video file \(.mov\)"),
])
def test_unusable_files(store, tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=reason):
        store.import_input(path)


def test_corrupt_wav_and_truncated_image(store, tone_wav, png, tmp_path):
    bad_wav = tmp_path / "bad.wav"
    bad_wav.write_bytes(tone_wav.read_bytes()[:40])
    with pytest.raises(InputFileError, match="audio"):
        store.import_input(bad_wav)
    bad_png = tmp_path / "bad.png"
    bad_png.write_bytes(png.read_bytes()[:60])
    with pytest.raises(InputFileError, match="image"):
        store.import_input(bad_png)


def test_a_folder_is_not_an_input(store, tmp_path):
    with pytest.raises(InputFileError, match="not a regular file"):
        store.import_input(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(store, png):
    png.chmod(0)
    with pytest.raises(InputFileError, match="not readable"):
        store.import_input(png)


def test_size_limits(home, tone_wav, png):
    tight = ArtifactStore(home / "tight", Limits(max_bytes=100))
    with pytest.raises(InputFileError, match="limit"):
        tight.import_input(tone_wav)
    few_pixels = ArtifactStore(home / "px", Limits(max_pixels=100))
    with pytest.raises(InputFileError, match="pixel limit"):
        few_pixels.import_input(png)
    short = ArtifactStore(home / "dur", Limits(max_duration_s=0.1))
    with pytest.raises(InputFileError, match="s limit"):
        short.import_input(tone_wav)


def test_inputs_are_left_untouched(store, png):
    before = (png.read_bytes(), png.stat().st_mode)
    art = store.import_input(png)
    assert (png.read_bytes(), png.stat().st_mode) == before
    assert art.path != png


def test_empty_request_and_missing_input_fail_before_planning(home, registry, tmp_path):
    planner = ScriptedPlanner([{"steps": []}])
    agent = Agent(planner, registry, home=home)
    with pytest.raises(EmptyRequestError):
        agent.run("   ", out_dir=tmp_path / "r")
    with pytest.raises(InputFileError, match="no such file"):
        agent.run("describe it", [tmp_path / "nope.png"], out_dir=tmp_path / "r2")
    assert planner.requests == []
    trace = (tmp_path / "r2" / "trace.jsonl").read_text()
    assert '"type":"error"' in trace and "InputFileError" in trace
