"""One place that says which checkpoint each model tool loads, and how models run.

The TOML file is `$MODALSWITCH_CONFIG`, else `$MODALSWITCH_HOME/config.toml`:

    [models]                      # slot = Hugging Face id, local folder, or whisper name/.pt
    text_to_image = "stabilityai/sd-turbo"
    image_captioning = "Salesforce/blip-image-captioning-base"

    [options.text_to_image]       # default arguments for that slot's tool
    steps = 1
    guidance = 0.0

    [runtime]
    device = "auto"               # auto | cuda | cuda:N | mps | cpu
    dtype = "auto"                # auto | float32 | float16 | bfloat16
    offload = false               # diffusers model CPU offload on a small GPU
    allow_download = false        # let a run fetch a missing hub checkpoint
    memory_budget_gb = 12

An environment variable beats the file: MODALSWITCH_<SLOT>_MODEL (e.g.
MODALSWITCH_TEXT_TO_IMAGE_MODEL), MODALSWITCH_DEVICE, MODALSWITCH_DTYPE, MODALSWITCH_OFFLOAD,
MODALSWITCH_ALLOW_DOWNLOAD.
"""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import UserError


@dataclass(frozen=True)
class Slot:
    """A configurable checkpoint: which tools use it, its library and its default."""

    name: str
    backend: str
    kind: Literal["hf", "whisper"]
    default: str | None
    """What loads when nothing is configured; None means the tool has an offline fallback."""
    example: str
    """A real checkpoint to suggest in errors and docs."""
    what: str
    fallback: str = ""
    """What the tool does when the slot has no checkpoint."""

    @property
    def env_var(self) -> str:
        """The environment variable that overrides this slot."""
        return f"MODALSWITCH_{self.name.upper()}_MODEL"


SLOTS: dict[str, Slot] = {s.name: s for s in [
    Slot("image_captioning", "transformers", "hf", None, "Salesforce/blip-image-captioning-base",
         "image captioning (BLIP, GIT or another image-to-text checkpoint)",
         "the offline composite description (labels, OCR, faces)"),
    Slot("visual_qa", "transformers", "hf", None, "Salesforce/blip-vqa-base",
         "visual question answering (BLIP-VQA, GIT-VQA)",
         "answers from the offline composite description with the chat model"),
    Slot("openai_whisper", "openai-whisper", "whisper", "base", "base",
         "speech recognition with openai-whisper (tiny, base, small, medium, large-v3, turbo "
         "or a .pt file)"),
    Slot("text_to_image", "diffusers", "hf", None, "stabilityai/sd-turbo",
         "text-to-image (any DiffusionPipeline: SD 1.5/2.x, SDXL, SD-Turbo, ...)",
         "a drawn title card showing the prompt"),
    Slot("image_to_image", "diffusers", "hf", None, "stabilityai/sd-turbo",
         "image-to-image (img2img with any Stable Diffusion family checkpoint)",
         "the text_to_image checkpoint"),
    Slot("instruct_edit", "diffusers", "hf", "timbrooks/instruct-pix2pix",
         "timbrooks/instruct-pix2pix", "instruction image editing (InstructPix2Pix style)"),
    Slot("bark", "transformers", "hf", "suno/bark-small", "suno/bark-small",
         "expressive speech with Bark (transformers BarkModel)"),
    Slot("text_to_audio", "transformers/diffusers", "hf", "facebook/musicgen-small",
         "facebook/musicgen-small",
         "music and sound effects (MusicGen via transformers, AudioLDM 2 or Stable Audio via "
         "diffusers)"),
    Slot("text_to_video", "diffusers", "hf", "ali-vilab/text-to-video-ms-1.7b",
         "ali-vilab/text-to-video-ms-1.7b", "text-to-video (any diffusers text-to-video pipeline)"),
]}


@dataclass(frozen=True)
class Settings:
    """The parsed config file (empty when there is none)."""

    path: Path
    models: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    runtime: dict[str, Any] = field(default_factory=dict)


def config_path() -> Path:
    """Where the config file is read from."""
    env = os.environ.get("MODALSWITCH_CONFIG")
    if env:
        return Path(env).expanduser()
    from ..agent.agent import default_home

    return default_home() / "config.toml"


_cache: dict[tuple[str, int], Settings] = {}
_lock = threading.Lock()


def load_settings() -> Settings:
    """The current settings, re-read whenever the file changes."""
    path = config_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Settings(path)
    with _lock:
        if (str(path), stamp) in _cache:
            return _cache[(str(path), stamp)]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"config file {path} is not valid TOML: {exc}") from exc
    models = data.get("models", {})
    options = data.get("options", {})
    runtime = data.get("runtime", {})
    for name, table in (("models", models), ("options", options), ("runtime", runtime)):
        if not isinstance(table, dict):
            raise UserError(f"config file {path}: [{name}] must be a table")
    unknown = sorted(set(models) - set(SLOTS))
    if unknown:
        raise UserError(f"config file {path}: unknown model slot(s) {', '.join(unknown)}; "
                        f"known: {', '.join(SLOTS)}")
    settings = Settings(path, {k: str(v) for k, v in models.items()},
                        {k: dict(v) for k, v in options.items() if isinstance(v, dict)},
                        dict(runtime))
    with _lock:
        _cache[(str(path), stamp)] = settings
    return settings


def checkpoint_source(slot: str) -> tuple[str | None, str]:
    """The checkpoint configured for a slot and where that came from."""
    spec = SLOTS[slot]
    env = os.environ.get(spec.env_var, "").strip()
    if env:
        return env, f"env {spec.env_var}"
    settings = load_settings()
    if slot in settings.models and settings.models[slot].strip():
        return settings.models[slot].strip(), f"config {settings.path}"
    return spec.default, "default"


def checkpoint_for(slot: str) -> str | None:
    """The checkpoint a slot loads, or None where its tool falls back to an offline path."""
    return checkpoint_source(slot)[0]


def options_for(slot: str) -> dict[str, Any]:
    """Default tool arguments for a slot from `[options.<slot>]`."""
    return dict(load_settings().options.get(slot, {}))


def allow_download() -> bool:
    """Whether a run may fetch a missing hub checkpoint (off by default: runs stay offline)."""
    value = os.environ.get("MODALSWITCH_ALLOW_DOWNLOAD")
    if value is None:
        value = load_settings().runtime.get("allow_download", False)
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def memory_budget_bytes(default: int = 12 * 1024**3) -> int:
    """The model cache budget from `[runtime] memory_budget_gb` or MODALSWITCH_MEMORY_GB."""
    value = os.environ.get("MODALSWITCH_MEMORY_GB") or load_settings().runtime.get(
        "memory_budget_gb")
    if value in (None, ""):
        return default
    try:
        return int(float(value) * 1024**3)
    except ValueError:
        raise UserError(f"memory budget {value!r} is not a number of GB") from None
