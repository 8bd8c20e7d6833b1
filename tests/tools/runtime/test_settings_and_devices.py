"""Configuration, device placement, the shared model cache and checkpoint resolution."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from modalswitch import MissingModelError, Registry, UserError
from modalswitch.settings import config_path, memory_budget_bytes
from modalswitch.tools import ModelCache, media_tools
from modalswitch.tools.runtime import checkpoints, devices
from modalswitch.tools.runtime.checkpoints import resolve, verify
from modalswitch.tools.runtime.devices import Placement, detect_placement, place_pipeline
from modalswitch.tools.runtime.slots import checkpoint_for, checkpoint_source, options_for

NO_HOST = "modalswitch-test.invalid"  # the .invalid TLD never resolves


def test_env_beats_config_beats_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert checkpoint_source("text_to_image") == (None, "default")
    assert checkpoint_for("bark") == "suno/bark-small"
    config = tmp_path / "my.toml"
    config.write_text('[models]\ntext_to_image = "stabilityai/sd-turbo"\n'
                      '[options.text_to_image]\nsteps = 1\nguidance = 0.0\n'
                      '[runtime]\nmemory_budget_gb = 2.5\n')
    monkeypatch.setenv("MODALSWITCH_CONFIG", str(config))
    assert config_path() == config
    assert checkpoint_source("text_to_image") == ("stabilityai/sd-turbo", f"config {config}")
    assert options_for("text_to_image") == {"steps": 1, "guidance": 0.0}
    assert memory_budget_bytes() == int(2.5 * 1024**3)
    assert ModelCache().budget_bytes == int(2.5 * 1024**3)  # the agent's cache follows it
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_IMAGE_MODEL", "/models/sdxl")
    assert checkpoint_source("text_to_image") == ("/models/sdxl",
                                                  "env MODALSWITCH_TEXT_TO_IMAGE_MODEL")


def test_config_is_reread_when_it_changes() -> None:
    config_path().write_text('[models]\nbark = "suno/bark"\n')
    assert checkpoint_for("bark") == "suno/bark"
    time.sleep(0.01)
    config_path().write_text('[models]\nbark = "/local/bark"\n')
    assert checkpoint_for("bark") == "/local/bark"


@pytest.mark.parametrize("text, message", [
    ("[models]\nnot_a_slot = 'x'\n", "unknown model slot"),
    ("[models\n", "not valid TOML"),
])
def test_bad_config_is_a_user_error(text: str, message: str) -> None:
    config_path().write_text(text)
    with pytest.raises(UserError, match=message):
        checkpoint_for("bark")


def test_tools_json_shows_backend_and_checkpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_VIDEO_MODEL", "/models/zeroscope")
    described = {d["name"]: d for d in Registry(media_tools()).describe()}
    assert described["generate_video"]["backend"] == "diffusers"
    assert described["generate_video"]["checkpoint"] == "/models/zeroscope"
    assert described["transcribe_openai_whisper"]["checkpoint"] == "base"
    assert described["generate_image"]["checkpoint"] is None  # the title-card fallback
    assert described["make_slideshow"]["input_modalities"] == ["image", "audio"]
    assert described["make_slideshow"]["output_modalities"] == ["video"]


@pytest.mark.parametrize(("cuda", "bf16", "mps", "expected"), [
    (False, False, False, Placement("cpu", "float32", False)),
    (True, True, False, Placement("cuda", "bfloat16", False)),
    (True, False, False, Placement("cuda", "float16", False)),  # before Ampere
    (False, False, True, Placement("mps", "float16", False)),
])
def test_auto_placement_follows_the_hardware(monkeypatch: pytest.MonkeyPatch, cuda: bool,
                                             bf16: bool, mps: bool, expected: Placement) -> None:
    torch = pytest.importorskip("torch")
    monkeypatch.delenv("MODALSWITCH_DEVICE", raising=False)
    monkeypatch.delenv("MODALSWITCH_DTYPE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert detect_placement() == expected


def test_placement_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_DTYPE", "fp16")
    monkeypatch.setenv("MODALSWITCH_OFFLOAD", "1")
    # Half precision and offload only mean something on an accelerator.
    assert detect_placement(device="cpu") == Placement("cpu", "float32", False)
    with pytest.raises(UserError, match="unknown device"):
        detect_placement(device="tpu")
    with pytest.raises(UserError, match="unknown dtype"):
        detect_placement(dtype="int3")


def test_auto_placement_picks_the_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert detect_placement() == Placement("cuda", "float16", False)
    config_path().write_text('[runtime]\ndevice = "cuda:1"\ndtype = "bfloat16"\noffload = true\n')
    placement = detect_placement()
    assert placement == Placement("cuda:1", "bfloat16", True)
    assert placement.key == "cuda:1/bfloat16/offload" and placement.is_gpu


class _Pipe:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def to(self, device: str) -> _Pipe:
        self.calls.append(("to", device))
        return self

    def enable_model_cpu_offload(self, device: str) -> None:
        self.calls.append(("offload", device))

    def set_progress_bar_config(self, **kw: Any) -> None:
        self.calls.append(("progress", kw))


def test_place_pipeline_moves_or_offloads() -> None:
    assert place_pipeline(_Pipe(), Placement()).calls == [("progress", {"disable": True})]
    assert place_pipeline(_Pipe(), Placement("cuda", "float16")).calls[0] == ("to", "cuda")
    assert place_pipeline(_Pipe(), Placement("cuda:1", "float16", True)).calls[0] == (
        "offload", "cuda:1")


def test_cache_sizes_models_evicts_and_frees(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    freed = []
    monkeypatch.setattr(devices, "free_accelerator_memory", lambda: freed.append(1))
    cache = ModelCache(budget_bytes=6000, placement=Placement())
    a = cache.get("a", lambda: torch.nn.Linear(30, 30), size_bytes=devices.module_bytes)
    assert cache.used_bytes == (30 * 30 + 30) * 4
    cache.get("b", lambda: torch.nn.Linear(30, 30), size_bytes=devices.module_bytes)
    assert cache.keys() == ["b"] and freed == [1]  # a was dropped, GPU memory handed back
    assert cache.get("a", lambda: a) is a and cache.loads == 3
    assert cache.placement == Placement()


def test_cache_loads_one_model_at_a_time() -> None:
    # transformers patches global torch state while it builds a model: loads must not overlap.
    cache, active, peak = ModelCache(), [0], [0]

    def loader() -> object:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        active[0] -= 1
        return object()

    threads = [threading.Thread(target=cache.get, args=(f"m{i}", loader)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 1 and cache.loads == 4


def test_resolve_local_hub_and_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    folder = tmp_path / "model"
    folder.mkdir()
    assert resolve("t", "bark", str(folder)) == folder.resolve()
    with pytest.raises(MissingModelError, match="no such file or folder") as err:
        resolve("generate_image", "text_to_image", str(tmp_path / "gone"))
    assert err.value.tool == "generate_image"
    # A repo in the local Hugging Face cache resolves to its snapshot without any network.
    cache = tmp_path / "hub"
    snapshot = cache / "models--acme--tiny" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    (cache / "models--acme--tiny" / "refs").mkdir()
    (cache / "models--acme--tiny" / "refs" / "main").write_text("abc123")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    assert resolve("t", "bark", "acme/tiny") == snapshot
    with pytest.raises(MissingModelError) as err:
        resolve("bark_speech", "bark", "acme/absent")
    assert "not in the local Hugging Face cache" in str(err.value)
    assert "modalswitch models pull acme/absent" in str(err.value)


def test_allowed_download_without_network_is_still_one_clear_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoints, "HUB_HOST", NO_HOST)
    monkeypatch.setenv("MODALSWITCH_ALLOW_DOWNLOAD", "1")
    with pytest.raises(MissingModelError, match=f"Downloading it failed .*{NO_HOST}"):
        resolve("generate_sound", "text_to_audio", "facebook/musicgen-small")


def test_verify_checks_pipelines_and_checkpoints(tiny_models, tmp_path: Path) -> None:
    assert verify(tiny_models.stable_diffusion).ok
    assert verify(tiny_models.musicgen).ok
    weights = tiny_models.stable_diffusion / "unet" / "diffusion_pytorch_model.safetensors"
    broken = tmp_path / "broken"
    import shutil

    shutil.copytree(tiny_models.stable_diffusion, broken)
    (broken / weights.relative_to(tiny_models.stable_diffusion)).unlink()
    verdict = verify(broken)
    assert not verdict.ok and "unet" in verdict.message
    shutil.rmtree(broken / "vae")
    assert "lacks vae" in verify(broken).message
    assert not verify(tmp_path).ok
