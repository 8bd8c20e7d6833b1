"""Shared fixtures: an isolated home, fake tools, and small real media made on the spot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tiny_models import TinyModels

from modalswitch.tools.fakes import fake_registry, write_tone_wav
from modalswitch.tools.registry import Registry


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test write runs, stores or caches into the user's real home.

    Assembled models are large and immutable, so they stay in one shared folder.
    """
    from modalswitch.tools.weights import models_dir

    monkeypatch.setenv("MODALSWITCH_MODELS_DIR", str(models_dir()))
    monkeypatch.setenv("MODALSWITCH_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh modalswitch home for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def registry() -> Registry:
    """Fast fake tools that still write real PNG and WAV files."""
    return fake_registry()


@pytest.fixture
def tone_wav(tmp_path: Path) -> Path:
    """A half-second sine tone WAV."""
    path = tmp_path / "tone.wav"
    write_tone_wav(path, seconds=0.5)
    return path


@pytest.fixture
def png(tmp_path: Path) -> Path:
    """A small real PNG."""
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.new("RGB", (32, 24), (200, 30, 30)).save(path)
    return path


def espeak_wav(path: Path, text: str) -> Path:
    """Real synthetic speech from espeak-ng."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    """Tiny random checkpoints (diffusers, transformers, whisper), built once per session."""
    return TinyModels(tmp_path_factory.mktemp("tiny-models"))
