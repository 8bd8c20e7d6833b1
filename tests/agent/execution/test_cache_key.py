"""The step cache's key: a tool's output-changing settings are part of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from modalswitch.agent.execution.cache import cache_key
from modalswitch.tools.fakes import fake_registry
from modalswitch.tools.understand import SpeechToText
from modalswitch.tools.understand.whisper_openai import WhisperTranscribe

ARGS = {"audio": "@input0", "language": None}


def test_speech_to_text_settings_change_the_key() -> None:
    default = cache_key(SpeechToText("base"), ARGS)
    assert cache_key(SpeechToText("base"), ARGS) == default  # same settings, same key
    for other in (SpeechToText("base", vad=False), SpeechToText("base", prompt=None),
                  SpeechToText("base", beam_size=1), SpeechToText("base", compute_type="float32")):
        assert cache_key(other, ARGS) != default, other.settings
    assert cache_key(SpeechToText("tiny.en"), ARGS) != default  # another checkpoint


def test_tools_without_settings_keep_their_key() -> None:
    tool = fake_registry().get("fake_caption")
    assert tool.settings == {}
    assert cache_key(tool, {"image": "x"}) == cache_key(tool, {"image": "x"})
    assert cache_key(tool, {"image": "x"}) != cache_key(tool, {"image": "y"})


def test_config_options_of_a_model_tool_change_the_key(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    tool = WhisperTranscribe()
    plain = cache_key(tool, ARGS)
    config = tmp_path / "config.toml"
    config.write_text("[options.openai_whisper]\ntemperature = 0.0\n")
    monkeypatch.setenv("MODALSWITCH_CONFIG", str(config))
    assert tool.settings == {"temperature": 0.0}
    assert cache_key(tool, ARGS) != plain
