"""Text to speech with Bark through transformers (BarkModel), with voice presets.

Bark speaks at most about 13 seconds per generation, so longer text is split at sentence
ends and the pieces are joined with short pauses. Sampling is seeded for repeatable output.
No package ships Bark's weights: when the default checkpoint is not on the machine the text
is spoken by the plain offline voice (text_to_speech, called as a traced sub-tool) and the
`degraded` note says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.degraded import Degraded, degraded_field
from modalswitch.tools.contract.fields import AudioArtifact, SpokenText
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.generate.speech import TextToSpeech
from modalswitch.tools.helpers.av import write_wav
from modalswitch.tools.helpers.diffusion import pick_seed
from modalswitch.tools.helpers.model_tool import SEED_LOCK, ModelTool, first_line, inference_lock
from modalswitch.tools.runtime.devices import Placement, place_module

DEFAULT_VOICE = "v2/en_speaker_6"


@dataclass
class BarkBundle:
    """A loaded Bark model, its processor and where it runs."""

    model: Any
    processor: Any
    placement: Placement


def load_bark(local: Path, placement: Placement) -> BarkBundle:
    """Load a Bark checkpoint (suno/bark, suno/bark-small or a saved folder)."""
    from transformers import AutoProcessor, BarkModel

    model = BarkModel.from_pretrained(str(local), dtype=placement.torch_dtype())
    processor = AutoProcessor.from_pretrained(str(local))
    if placement.offload and placement.device.startswith("cuda"):
        model.enable_cpu_offload(int(placement.device.partition(":")[2] or 0))
    else:
        model = place_module(model, placement)
    return BarkBundle(model, processor, placement)


def split_sentences(text: str, max_chars: int = 220) -> list[str]:
    """Text in pieces Bark can speak in one go, cut at sentence ends where possible."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?…])\s+", text.strip()) if s.strip()]
    pieces: list[str] = []
    for sentence in sentences:
        while len(sentence) > max_chars:  # a run-on sentence: cut at the last space
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if pieces and len(pieces[-1]) + len(sentence) + 1 <= max_chars:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        elif sentence:
            pieces.append(sentence)
    return pieces


class BarkIn(BaseModel):
    """What to say and in which voice."""

    text: SpokenText = Field(description="the words to speak; [laughs] [sighs] ♪ work too")
    voice: str | None = Field(None, pattern=r"^[A-Za-z0-9_/-]{1,64}$",
                              description="a Bark voice preset, e.g. 'v2/en_speaker_6'")
    seed: int | None = Field(None, ge=0)


class BarkOut(BaseModel):
    """The speech."""

    audio: AudioArtifact
    voice: str
    seed: int
    model: str = Field("", description="the checkpoint used, or the offline voice")
    degraded: Degraded | None = degraded_field()


class BarkSpeech(ModelTool[BarkIn, BarkOut]):
    """Expressive text-to-speech with Bark."""

    name = "bark_speech"
    description = ("Speak text aloud with Bark, an expressive voice model (laughter, singing, "
                   "many languages and voice presets). Slower than plain text to speech.")
    backend = "transformers"
    slot = "bark"
    version = "2"  # placeholders say so; outputs name the model
    placeholder = ("the plain offline voice of text_to_speech, without Bark's expressiveness "
                   "or voice presets")

    def __init__(self, checkpoint: str | None = None,
                 speaker: Tool[Any, Any] | None = None) -> None:
        super().__init__(checkpoint)
        self.speaker = speaker
        """The tool that speaks when Bark's model is not here (default: TextToSpeech)."""

    def run(self, args: BarkIn, ctx: ToolContext) -> BarkOut:
        stand_in = self.stand_in()
        if stand_in is not None:
            return self.plain_voice(args, ctx, stand_in)
        import numpy as np
        import torch

        bundle = self.load(ctx, "bark", load_bark)
        presets = list(getattr(bundle.processor, "available_voice_presets", None) or [])
        # A plan may only pick a preset; a .npz file can only come from the settings.
        configured = self.setting(None, "voice", None)
        voice = args.voice or configured
        if voice is None and presets:
            voice = DEFAULT_VOICE if DEFAULT_VOICE in presets else presets[0]
        if voice is not None and voice not in presets and not (
                voice == configured and voice.endswith(".npz")):
            raise ToolError(f"unknown Bark voice {voice!r}; this checkpoint has "
                            f"{', '.join(presets[:12]) or 'no presets'}")
        pieces = split_sentences(args.text)
        if not pieces:
            raise ToolError("there is no text to speak")
        seed = pick_seed(args.seed)
        rate = int(bundle.model.generation_config.sample_rate)
        pause = np.zeros(int(0.25 * rate), dtype=np.float32)
        gen_kwargs = {k: v for k, v in self.options().items()
                      if k.startswith(("semantic_", "coarse_", "fine_"))}
        chunks: list[Any] = []
        for i, piece in enumerate(pieces):
            if ctx.cancelled.is_set():
                raise ToolError("cancelled")
            ctx.progress(i / len(pieces), f"speaking part {i + 1}/{len(pieces)}")
            try:
                inputs = bundle.processor(piece, voice_preset=voice)
                inputs = inputs.to(bundle.model.device)
                with inference_lock(bundle), SEED_LOCK, torch.inference_mode():
                    torch.manual_seed(seed + i)  # Bark samples from the global generator
                    wave = bundle.model.generate(**inputs, do_sample=True, **gen_kwargs)
            except Exception as exc:
                raise ToolError(f"{self.name} failed: {first_line(exc)}") from None
            chunks += [wave.float().cpu().numpy().reshape(-1), pause]
        with ctx.store.new_file(".wav") as path:
            write_wav(path, np.concatenate(chunks[:-1]), rate)
            return BarkOut(audio=ctx.save_file(path), voice=voice or "none", seed=seed,
                           model=str(self.checkpoint))

    def plain_voice(self, args: BarkIn, ctx: ToolContext, stand_in: Degraded) -> BarkOut:
        """Speak with the offline voice, as a sub-tool span, marked as a placeholder."""
        speaker = self.speaker or TextToSpeech()
        spoken: Any = ctx.call(speaker, {"text": args.text})
        return BarkOut(audio=spoken.audio, voice=str(getattr(spoken, "voice", "")),
                       seed=pick_seed(args.seed), model=f"{speaker.name} (offline voice)",
                       degraded=stand_in)
