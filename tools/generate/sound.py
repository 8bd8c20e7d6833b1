"""Text to music and sound effects: MusicGen (transformers) or diffusers audio pipelines.

A folder with `model_index.json` is a diffusers pipeline (AudioLDM 2, Stable Audio, ...),
anything else a transformers text-to-waveform model (MusicGen). MusicGen's length is set in
tokens: its audio codec makes `frame_rate` tokens per second. No package ships these
weights: when the default checkpoint is not on the machine the tool plays a soft chime of
the requested length instead, and its `degraded` note says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.degraded import Degraded, degraded_field
from modalswitch.tools.contract.fields import AudioArtifact, TextContent
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.helpers.av import write_wav
from modalswitch.tools.helpers.diffusion import call_pipeline, pick_seed, pipeline_loader
from modalswitch.tools.helpers.model_tool import SEED_LOCK, ModelTool, first_line, inference_lock
from modalswitch.tools.runtime.devices import Placement, place_module


@dataclass
class AudioModel:
    """A loaded text-to-audio model: a transformers model + processor, or a pipeline."""

    model: Any
    processor: Any
    is_pipeline: bool
    placement: Placement


def load_audio_model(local: Path, placement: Placement) -> AudioModel:
    """Load MusicGen-style transformers checkpoints or diffusers audio pipelines."""
    if (local / "model_index.json").exists():
        return AudioModel(pipeline_loader(None)(local, placement), None, True, placement)
    from transformers import AutoModelForTextToWaveform, AutoProcessor

    model = AutoModelForTextToWaveform.from_pretrained(str(local), dtype=placement.torch_dtype())
    processor = AutoProcessor.from_pretrained(str(local))
    return AudioModel(place_module(model, placement), processor, False, placement)


def pipeline_sample_rate(pipe: Any) -> int:
    """The output rate of a diffusers audio pipeline."""
    for part in ("vocoder", "vae"):
        config = getattr(getattr(pipe, part, None), "config", None)
        for key in ("sampling_rate", "sample_rate"):
            if config is not None and getattr(config, key, None):
                return int(getattr(config, key))
    return 16000


class SoundIn(BaseModel):
    """The sound to make."""

    prompt: TextContent = Field(description="the music or sound, e.g. 'calm piano, rain'")
    duration_s: float = Field(8.0, gt=0, le=60, description="length in seconds")
    negative_prompt: str | None = Field(None, description="diffusion models only")
    guidance: float | None = Field(None, ge=0, le=20)
    steps: int | None = Field(None, ge=1, le=500, description="diffusion models only")
    seed: int | None = Field(None, ge=0)


class SoundOut(BaseModel):
    """The audio."""

    audio: AudioArtifact
    seed: int
    sample_rate: int
    model: str = Field("", description="the checkpoint used, or 'chime' offline")
    degraded: Degraded | None = degraded_field()


class GenerateSound(ModelTool[SoundIn, SoundOut]):
    """Music and sound effects from a description (MusicGen, AudioLDM 2, Stable Audio)."""

    name = "generate_sound"
    description = ("Compose music or a sound effect from a text description (text to audio): "
                   "'upbeat jazz', 'thunder and rain', 'dog barking'. Not for speech.")
    backend = "transformers/diffusers"
    slot = "text_to_audio"
    version = "2"  # placeholders say so; outputs name the model
    placeholder = "a soft chime of the requested length, not music or sound from the prompt"

    def run(self, args: SoundIn, ctx: ToolContext) -> SoundOut:
        seed = pick_seed(args.seed)
        stand_in = self.stand_in()
        if stand_in is not None:
            rate = 32000
            with ctx.store.new_file(".wav") as path:
                write_wav(path, chime(args.prompt, args.duration_s, rate), rate)
                return SoundOut(audio=ctx.save_file(path), seed=seed, sample_rate=rate,
                                model="chime", degraded=stand_in)
        import torch

        checkpoint = self.require_checkpoint()
        bundle = self.load(ctx, "text-to-audio", load_audio_model)
        guidance = self.setting(args.guidance, "guidance", None)
        if bundle.is_pipeline:
            out = call_pipeline(bundle.model, ctx, seed, self.setting(args.steps, "steps", None),
                                prompt=args.prompt, negative_prompt=args.negative_prompt,
                                audio_length_in_s=args.duration_s, guidance_scale=guidance)
            samples, rate = out.audios[0], pipeline_sample_rate(bundle.model)
        else:
            samples, rate = self._musicgen(bundle, args, seed, guidance)
        samples = torch.as_tensor(samples).float().cpu().numpy()
        with ctx.store.new_file(".wav") as path:
            write_wav(path, samples, rate)
            return SoundOut(audio=ctx.save_file(path), seed=seed, sample_rate=rate,
                            model=checkpoint)

    def _musicgen(self, bundle: AudioModel, args: SoundIn, seed: int,
                  guidance: float | None) -> tuple[Any, int]:
        import torch

        config = bundle.model.config
        audio_config = getattr(config, "audio_encoder", None)
        rate = int(getattr(audio_config, "sampling_rate", 32000))
        frame_rate = float(getattr(audio_config, "frame_rate", 50))
        tokens = max(4, round(args.duration_s * frame_rate))
        inputs = bundle.processor(text=[args.prompt], padding=True, return_tensors="pt")
        inputs = {k: v.to(bundle.placement.device) for k, v in inputs.items()}
        kwargs: dict[str, Any] = {"max_new_tokens": tokens, "do_sample": True}
        if guidance is not None:
            kwargs["guidance_scale"] = guidance
        try:
            with inference_lock(bundle), SEED_LOCK, torch.inference_mode():
                torch.manual_seed(seed)  # generate() samples from the global generator
                wave = bundle.model.generate(**inputs, **kwargs)
        except Exception as exc:
            raise ToolError(f"{self.name} failed: {first_line(exc)}") from None
        samples = wave[0].float().cpu().numpy()  # (channels, time): stereo models give 2
        return samples[..., : int(args.duration_s * rate)], rate


def chime(prompt: str, seconds: float, rate: int) -> Any:
    """Quiet bell-like notes of a pentatonic scale, picked from the prompt, for `seconds`."""
    import numpy as np

    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    scale = (261.63, 293.66, 329.63, 392.0, 440.0, 523.25)  # C major pentatonic, C4 to C5
    note_s = 0.6
    t = np.arange(int(note_s * rate)) / rate
    notes = [0.3 * np.sin(2 * np.pi * scale[b % len(scale)] * t) * np.exp(-4 * t)
             for b in digest]
    wave = np.concatenate(notes)
    repeats = int(np.ceil(seconds * rate / len(wave)))
    return np.tile(wave, repeats)[: max(int(seconds * rate), 1)]
