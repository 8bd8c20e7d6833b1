"""Media cut short is refused at import, whatever its header promises; file names are never
read as ffmpeg options."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from modalswitch import InputFileError
from modalswitch.tools import ArtifactStore
from modalswitch.tools.fakes import write_tone_wav

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


@pytest.fixture
def store(home: Path) -> ArtifactStore:
    return ArtifactStore(home / "store")


def halve(path: Path, name: str) -> Path:
    data = path.read_bytes()
    cut = path.with_name(name)
    cut.write_bytes(data[: len(data) // 2])
    return cut


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", *args], check=True,
                   capture_output=True)


def test_a_wav_cut_in_half_with_its_header_intact_is_refused(store, tmp_path):
    whole = tmp_path / "whole.wav"
    write_tone_wav(whole, seconds=2.0)
    assert store.import_input(whole).meta["duration_s"] == 2.0
    with pytest.raises(InputFileError, match="truncated"):
        store.import_input(halve(whole, "half.wav"))


def test_a_flac_cut_short_is_refused(store, tmp_path):
    whole = tmp_path / "whole.flac"
    soundfile.write(str(whole), 0.3 * np.sin(np.arange(32000) / 5.0), 16000)
    assert store.import_input(whole).meta["duration_s"] == 2.0
    with pytest.raises(InputFileError, match=r"truncated|corrupt"):
        store.import_input(halve(whole, "half.flac"))


@needs_ffmpeg
def test_an_mp3_cut_short_is_refused(store, tmp_path):
    wav = tmp_path / "tone.wav"
    write_tone_wav(wav, seconds=4.0)
    whole = tmp_path / "whole.mp3"
    ffmpeg("-i", str(wav), "-b:a", "64k", str(whole))
    assert store.import_input(whole).meta["duration_s"] == pytest.approx(4.0, abs=0.2)
    with pytest.raises(InputFileError, match="truncated"):
        store.import_input(halve(whole, "half.mp3"))


@needs_ffmpeg
def test_a_front_indexed_mp4_cut_in_half_is_refused(store, tmp_path):
    whole = tmp_path / "whole.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=4:size=64x48:rate=10", "-f", "lavfi",
           "-i", "sine=duration=4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-movflags", "+faststart", "-shortest", str(whole))
    assert store.import_input(whole).meta["duration_s"] == pytest.approx(4.0, abs=0.2)
    with pytest.raises(InputFileError, match="truncated"):
        store.import_input(halve(whole, "half.mp4"))


@needs_ffmpeg
def test_a_name_like_an_option_is_a_file_not_an_option(store, tmp_path, monkeypatch):
    wav = tmp_path / "tone.wav"
    write_tone_wav(wav, seconds=1.0)
    monkeypatch.chdir(tmp_path)
    ffmpeg("-i", str(wav), "-b:a", "64k", str(tmp_path / "tone.mp3"))
    (tmp_path / "tone.mp3").rename(tmp_path / "-report.mp3")
    art = store.import_input("-report.mp3")  # relative, as a user would type it
    assert art.provenance.original_name == "-report.mp3"
    assert not list(tmp_path.glob("ffprobe-*.log")) and not list(tmp_path.glob("ffmpeg-*.log"))
