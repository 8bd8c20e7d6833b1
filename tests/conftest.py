"""Shared fixtures: an isolated home, fake tools, and small real media made on the spot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tiny_models import TinyModels

from modalswitch import Registry
from modalswitch.tools.fakes import fake_registry, write_tone_wav


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test write runs, stores or caches into the user's real home.

    Assembled models are large and immutable, so they stay in one shared folder.
    """
    from modalswitch.settings import models_dir

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


FAKE_EVAL_CASES = [
    {"id": "caption", "request": "describe this picture", "inputs": [["pic.png", "image"]],
     "plan": {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
              "outputs": ["@s1"]}, "media": {"pic.png": "HELLO"}, "expect": ["picture"]},
    {"id": "caption-again", "request": "what is in this image?", "inputs": [["pic.png", "image"]],
     "plan": {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
              "outputs": ["@s1"]}, "media": {"pic.png": "HELLO"}},
    {"id": "speak-back", "request": "transcribe this and say it back",
     "inputs": [["memo.wav", "audio"]],
     "plan": {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                        {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}}],
              "outputs": ["@s1", "@s2"]}, "media": {"memo.wav": "hello there"}},
    {"id": "draw", "request": "draw a cat", "inputs": [],
     "plan": {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
              "outputs": ["@s1"]}, "expect": ["dog"]},
    {"id": "flaky", "request": "echo after a hiccup", "inputs": [],
     "plan": {"steps": [{"id": "s1", "tool": "flaky", "args": {"text": "hi"}}],
              "outputs": ["@s1"]}},
    {"id": "crash", "request": "this will break", "inputs": [],
     "plan": {"steps": [{"id": "s1", "tool": "crash", "args": {"text": "boom"}}],
              "outputs": ["@s1"]}},
    {"id": "chat", "request": "why is grass green?", "inputs": [],
     "plan": {"steps": [], "outputs": []}},
]


@pytest.fixture(scope="session")
def fake_eval_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A native eval dataset over the fake tools (tools/fakes.py)."""
    import json

    path = tmp_path_factory.mktemp("fake-eval-data") / "fake.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in FAKE_EVAL_CASES) + "\n")
    return path


@pytest.fixture(scope="session")
def executed_eval(tmp_path_factory: pytest.TempPathFactory, fake_eval_dataset: Path) -> Path:
    """An eval folder whose oracle plans ran on fake tools for real: images, speech, a cache
    hit (caption-again), a retry (flaky), a crash and a plain text answer."""
    from modalswitch import ExecutionPolicy
    from modalswitch.evals.datasets import load_dataset
    from modalswitch.evals.runner import EvalRun
    from modalswitch.evals.runner.planners import OraclePlanner

    out = tmp_path_factory.mktemp("fake-eval")
    dataset = load_dataset(fake_eval_dataset)
    run = EvalRun(dataset, OraclePlanner(), out, registry=fake_registry(), execute=True,
                  workers=1, policy=ExecutionPolicy(backoff_s=0.01, max_workers=2))
    run.run(dataset.cases, {"limit": None, "seed": None})
    return out


@pytest.fixture
def taskbench_sample() -> Path:
    """The TaskBench sample in ../shared beside the checkout (or $MODALSWITCH_TASKBENCH_DIR)."""
    import os

    beside = Path(__file__).resolve().parents[2] / "shared" / "taskbench-multimedia"
    path = Path(os.environ.get("MODALSWITCH_TASKBENCH_DIR", beside))
    if not (path / "tool_desc.json").exists():
        pytest.skip(f"no TaskBench sample at {path}")
    return path
