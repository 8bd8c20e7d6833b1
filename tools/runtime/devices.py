"""Where models run: device (CUDA, MPS, CPU), number format, and CPU offload.

Chosen once per model cache from, in order: explicit arguments, the environment
(MODALSWITCH_DEVICE, MODALSWITCH_DTYPE, MODALSWITCH_OFFLOAD), `[runtime]` in config.toml,
and what the machine has. Half precision is only used on a GPU: CPU kernels for it are slow
or missing, so a CPU always runs float32.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modalswitch.errors import ConfigError
from modalswitch.settings import flag, setting

DTYPES = {"float32": "float32", "fp32": "float32", "float16": "float16", "fp16": "float16",
          "half": "float16", "bfloat16": "bfloat16", "bf16": "bfloat16"}


@dataclass(frozen=True)
class Placement:
    """The device, dtype and offload policy every model loader follows."""

    device: str = "cpu"
    """A torch device string: "cuda", "cuda:1", "mps" or "cpu"."""
    dtype: str = "float32"
    """"float32", "float16" or "bfloat16"."""
    offload: bool = False
    """Keep diffusers pipelines on the CPU and move each part to the GPU only while it runs."""

    @property
    def key(self) -> str:
        """A cache-key fragment: a model loaded under another placement is another entry."""
        return f"{self.device}/{self.dtype}{'/offload' if self.offload else ''}"

    @property
    def is_gpu(self) -> bool:
        """True for CUDA and MPS."""
        return not self.device.startswith("cpu")

    def torch_dtype(self) -> Any:
        """The torch dtype object."""
        import torch

        return getattr(torch, self.dtype)


@functools.cache
def _cpu_flags() -> frozenset[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()  # not Linux: no flags known
    return frozenset(word for line in text.splitlines() if line.startswith("flags")
                     for word in line.split(":", 1)[-1].split())


def cpu_has(*flags: str) -> bool:
    """Whether the CPU reports any of these /proc/cpuinfo flags (False where unknown)."""
    return any(flag in _cpu_flags() for flag in flags)


def _auto_device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def _auto_dtype(device: str) -> str:
    if device.startswith("cuda"):
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    if device.startswith("mps"):
        return "float16"
    return "float32"


def detect_placement(device: str | None = None, dtype: str | None = None,
                     offload: bool | None = None) -> Placement:
    """The placement from arguments, environment, config and hardware, in that order."""
    dev = device or setting("MODALSWITCH_DEVICE") or "auto"
    dev = str(dev).strip().lower()
    if dev == "auto":
        dev = _auto_device()
    elif dev.split(":")[0] not in ("cuda", "mps", "cpu"):
        raise ConfigError(f"unknown device {dev!r}: use auto, cuda, cuda:N, mps or cpu")
    kind = dtype or setting("MODALSWITCH_DTYPE") or "auto"
    kind = str(kind).strip().lower()
    if kind == "auto":
        kind = _auto_dtype(dev)
    elif kind not in DTYPES:
        raise ConfigError(f"unknown dtype {kind!r}: use auto, float32, float16 or bfloat16")
    kind = DTYPES.get(kind, kind)
    if not dev.startswith(("cuda", "mps")):
        kind = "float32"
    off = offload if offload is not None else flag("MODALSWITCH_OFFLOAD")
    # Offload moves weights between CPU and an accelerator; without one it means nothing.
    return Placement(dev, kind, off and dev.startswith("cuda"))


def place_pipeline(pipe: Any, placement: Placement) -> Any:
    """Move a diffusers pipeline to its device, or enable model CPU offload where asked."""
    if placement.offload and hasattr(pipe, "enable_model_cpu_offload"):
        pipe.enable_model_cpu_offload(device=placement.device)
    elif placement.is_gpu:
        pipe.to(placement.device)
    if hasattr(pipe, "set_progress_bar_config"):
        pipe.set_progress_bar_config(disable=True)
    return pipe


def place_module(model: Any, placement: Placement) -> Any:
    """Move a torch module to its device and switch it to inference mode."""
    if placement.is_gpu:
        model = model.to(placement.device)
    if hasattr(model, "eval"):
        model.eval()
    return model


def module_bytes(obj: Any) -> int:
    """Estimated memory of a torch module or a pipeline's modules (parameters and buffers)."""
    modules = [obj]
    components = getattr(obj, "components", None)
    if isinstance(components, dict):
        modules = list(components.values())
    total = 0
    for module in modules:
        for tensor in [*_tensors(module, "parameters"), *_tensors(module, "buffers")]:
            total += tensor.numel() * tensor.element_size()
    return total


def _tensors(module: Any, kind: str) -> list[Any]:
    method = getattr(module, kind, None)
    if method is None or not callable(method):
        return []
    try:
        return list(method())
    except TypeError:
        return []


def free_accelerator_memory() -> None:
    """Return cached GPU memory to the driver after a model is dropped."""
    import sys

    torch = sys.modules.get("torch")  # never import torch just to free nothing
    if torch is None:
        return
    import gc

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    mps = getattr(torch, "mps", None)
    if mps is not None and getattr(torch.backends, "mps", None) is not None \
            and torch.backends.mps.is_available():
        mps.empty_cache()


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return max(os.cpu_count() or 1, 1)


def llama_gpu_layers(requested: int | None) -> int:
    """The n_gpu_layers llama.cpp gets: the number asked for, or on auto all layers (-1) when
    the installed llama.cpp can offload to a GPU and none (0) when it cannot (a CPU build)."""
    if requested is not None:
        return requested
    try:
        import llama_cpp
    except ImportError:
        return 0
    return -1 if bool(llama_cpp.llama_supports_gpu_offload()) else 0
