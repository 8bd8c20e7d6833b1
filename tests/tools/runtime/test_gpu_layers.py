"""MODALSWITCH_GPU_LAYERS: auto (all layers when llama.cpp can offload) or a number."""

from __future__ import annotations

import pytest

from modalswitch.agent.chat.llama_cpp import LlamaCppChat
from modalswitch.errors import ConfigError
from modalswitch.settings import config_path, gpu_layers
from modalswitch.tools.runtime.devices import llama_gpu_layers


def test_gpu_layers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODALSWITCH_GPU_LAYERS", raising=False)
    assert gpu_layers() is None  # auto
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('[runtime]\ngpu_layers = "12"\n')
    assert gpu_layers() == 12
    monkeypatch.setenv("MODALSWITCH_GPU_LAYERS", "-1")  # the environment wins
    assert gpu_layers() == -1
    for bad in ("many", "-2"):
        monkeypatch.setenv("MODALSWITCH_GPU_LAYERS", bad)
        with pytest.raises(ConfigError, match="GPU layers"):
            gpu_layers()


def test_the_planner_takes_its_gpu_layers_from_the_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_GPU_LAYERS", "7")
    assert LlamaCppChat("model.gguf").n_gpu_layers == 7
    assert LlamaCppChat("model.gguf", n_gpu_layers=0).n_gpu_layers == 0
    monkeypatch.setenv("MODALSWITCH_GPU_LAYERS", "auto")
    assert LlamaCppChat("model.gguf").n_gpu_layers is None


def test_auto_follows_what_llama_cpp_can_do() -> None:
    assert llama_gpu_layers(5) == 5 and llama_gpu_layers(0) == 0
    llama_cpp = pytest.importorskip("llama_cpp")
    expected = -1 if llama_cpp.llama_supports_gpu_offload() else 0
    assert llama_gpu_layers(None) == expected
