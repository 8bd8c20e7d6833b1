"""Speech recognition with openai-whisper through the executor, on a tiny random checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import espeak_wav
from media_checks import run_plan

from modalswitch.tools.config import config_path
from modalswitch.tools.registry import Registry
from modalswitch.tools.whisper_openai import WhisperTranscribe


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
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("MODALSWITCH_OPENAI_WHISPER_MODEL", raising=False)
    response = run_plan(Registry([WhisperTranscribe()]), home,
                        [{"id": "w", "tool": "transcribe_openai_whisper",
                          "args": {"audio": "@input0"}}], ["@w"], inputs=[tone_wav])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError"
    assert "'transcribe_openai_whisper'" in failure.message and "'base'" in failure.message
    assert "modalswitch models pull openai-whisper:base" in failure.message
