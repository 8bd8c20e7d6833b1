"""The tool slots: which checkpoint each model tool loads, its library and its default.

A slot is configured by `[models] <slot>` in the config file or MODALSWITCH_<SLOT>_MODEL
(see modalswitch.settings), and its tool's default arguments by `[options.<slot>]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from modalswitch.errors import ConfigError
from modalswitch.settings import config_file, flag, slot_env_var, slot_model, slot_options


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
        return slot_env_var(self.name)


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


def _check_models_table() -> None:
    conf = config_file()
    unknown = sorted(set(conf.table("models")) - set(SLOTS))
    if unknown:
        raise ConfigError(f"config file {conf.path}: unknown model slot(s) "
                          f"{', '.join(unknown)}; known: {', '.join(SLOTS)}")


def checkpoint_source(slot: str) -> tuple[str | None, str]:
    """The checkpoint configured for a slot and where that came from."""
    _check_models_table()
    checkpoint, source = slot_model(slot)
    return (checkpoint, source) if checkpoint else (SLOTS[slot].default, "default")


def checkpoint_for(slot: str) -> str | None:
    """The checkpoint a slot loads, or None where its tool falls back to an offline path."""
    return checkpoint_source(slot)[0]


def options_for(slot: str) -> dict[str, Any]:
    """Default tool arguments for a slot from `[options.<slot>]`."""
    return slot_options(slot)


def allow_download() -> bool:
    """Whether a run may fetch a missing hub checkpoint (off by default: runs stay offline)."""
    return flag("MODALSWITCH_ALLOW_DOWNLOAD")
