"""`modalswitch models list | pull | verify | path`, including the no-network path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modalswitch.cli import main
from modalswitch.tools.runtime import checkpoints

NO_HOST = "modalswitch-test.invalid"


def models(*argv: str) -> int:
    return main(["models", *argv])


def test_list_shows_every_slot_and_its_state(tiny_models, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_IMAGE_MODEL", str(tiny_models.stable_diffusion))
    assert models("list", "--json") == 0
    rows = {r["slot"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["text_to_image"]["status"] == "ok"
    assert rows["text_to_image"]["source"] == "env MODALSWITCH_TEXT_TO_IMAGE_MODEL"
    assert rows["image_captioning"]["status"] == "fallback"
    assert rows["bark"]["status"] == "not-downloaded" and rows["bark"]["checkpoint"] == \
        "suno/bark-small"
    assert models("list") == 0
    out = capsys.readouterr().out
    assert "text_to_image" in out and "diffusers" in out and "offline composite" in out


def test_verify_fails_only_for_configured_checkpoints(tiny_models, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_AUDIO_MODEL", str(tiny_models.musicgen))
    assert models("verify", "text_to_audio", "bark", "text_to_image") == 0
    assert "ok             text_to_audio" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("MODALSWITCH_BARK_MODEL", str(empty))
    assert models("verify", "bark") == 1
    assert "broken" in capsys.readouterr().out
    monkeypatch.setenv("MODALSWITCH_BARK_MODEL", "suno/bark-not-here")
    assert models("verify", "--json") == 1
    rows = {r["slot"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["bark"]["status"] == "missing"
    assert models("verify", "nonsense") == 1


def test_path_prints_where_a_checkpoint_is(tiny_models, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_BARK_MODEL", str(tiny_models.bark))
    assert models("path", "bark") == 0
    assert capsys.readouterr().out.strip() == str(tiny_models.bark.resolve())
    assert models("path", "acme/not-cached") == 1
    assert "modalswitch models pull acme/not-cached" in capsys.readouterr().out
    assert models("path", "image_captioning") == 1  # nothing configured: says so
    assert "no checkpoint configured" in capsys.readouterr().out


def test_pull_without_network_says_so(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoints, "HUB_HOST", NO_HOST)
    monkeypatch.setattr(checkpoints, "WHISPER_HOST", NO_HOST)
    assert models("pull", "stabilityai/sd-turbo") == 2
    out = capsys.readouterr().out
    assert out.startswith("no network: cannot reach modalswitch-test.invalid")
    assert "stabilityai/sd-turbo" in out
    assert models("pull", "openai-whisper:tiny") == 2
    assert models("pull", "bark") == 2  # a slot pulls its configured checkpoint
    assert models("pull", "openai-whisper:huge") == 1
    assert "unknown openai-whisper model" in capsys.readouterr().out.splitlines()[-1]
