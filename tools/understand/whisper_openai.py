"""Audio to text with openai-whisper: its own `.pt` checkpoints, by size name or path.

`faster-whisper` (the offline default, with packaged weights) is the other speech tool; this
one is for the original implementation and its sizes (tiny … large-v3, turbo), with
timestamped segments and translation to English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from modalswitch.errors import MissingModelError, ToolError
from modalswitch.tools.contract.fields import AudioArtifact, TextContent
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.helpers.model_tool import ModelTool, first_line, inference_lock
from modalswitch.tools.runtime.devices import Placement


class Segment(BaseModel):
    """A stretch of speech with its times in seconds."""

    start: float
    end: float
    text: str


class WhisperIn(BaseModel):
    """The recording and how to read it."""

    audio: AudioArtifact
    language: str | None = Field(None, description="ISO code like 'en'; detected if unset")
    task: Literal["transcribe", "translate"] = Field(
        "transcribe", description="'translate' writes English whatever the spoken language")


class WhisperOut(BaseModel):
    """The transcript, its language and timed segments."""

    text: TextContent
    language: str
    segments: list[Segment] = Field(default_factory=list)
    model: str = Field("", description="the checkpoint used")


def load_whisper(local: Path, placement: Placement) -> Any:
    """Load an openai-whisper checkpoint file on the chosen device."""
    import whisper

    # MPS lacks some ops whisper uses; it runs there on the CPU instead.
    device = "cpu" if placement.device.startswith("mps") else placement.device
    return whisper.load_model(str(local), device=device)


class WhisperTranscribe(ModelTool[WhisperIn, WhisperOut]):
    """Speech recognition with openai-whisper."""

    name = "transcribe_openai_whisper"
    description = ("Transcribe speech with openai-whisper (sizes tiny to large-v3), with "
                   "timestamps; task='translate' gives English. Use when asked for "
                   "openai-whisper or a bigger whisper model.")
    backend = "openai-whisper"
    slot = "openai_whisper"

    def run(self, args: WhisperIn, ctx: ToolContext) -> WhisperOut:
        if args.audio.path is None:
            raise ToolError("the audio artifact has no file")
        try:
            model = self.load(ctx, "whisper", load_whisper)
        except MissingModelError as missing:
            if self.checkpoint != self.slot_spec.default:  # chosen by the user: no substitute
                raise
            return self.packaged_base(args, ctx, missing)
        audio = read_16k_mono(args.audio.path)
        # Any whisper.transcribe keyword may be set in [options.openai_whisper] (beam_size,
        # temperature, initial_prompt, sample_len, ...).
        options = self.options()
        temperature = options.pop("temperature", (0.0, 0.2, 0.4, 0.6, 0.8, 1.0))
        fp16 = ctx.models.placement.dtype == "float16" and str(model.device).startswith("cuda")
        try:
            with inference_lock(model):  # transcribe installs hooks on the shared model
                result = model.transcribe(
                    audio, language=args.language, task=args.task, fp16=fp16, verbose=None,
                    temperature=tuple(temperature) if isinstance(temperature, list)
                    else temperature, **options)
        except Exception as exc:
            raise ToolError(f"{self.name} failed: {first_line(exc)}") from None
        segments = [Segment(start=round(float(s["start"]), 2), end=round(float(s["end"]), 2),
                            text=str(s["text"]).strip()) for s in result.get("segments", [])]
        return WhisperOut(text=str(result.get("text", "")).strip(),
                          language=str(result.get("language") or args.language or ""),
                          segments=segments, model=f"openai-whisper {self.checkpoint}")

    def packaged_base(self, args: WhisperIn, ctx: ToolContext,
                      missing: MissingModelError) -> WhisperOut:
        """Offline without a .pt checkpoint: the same Whisper base weights, packaged for
        faster-whisper (the whisper-base extra), with the same task and language."""
        from modalswitch.tools.understand.speech_to_text import BASE, SpeechToText

        assert args.audio.path is not None
        fallback = SpeechToText(model=BASE)
        try:
            pieces, language = fallback.decode(args.audio.path, args.language, args.task, ctx)
        except MissingModelError:
            raise missing from None  # neither is here: the .pt error says what to fetch
        return WhisperOut(text=" ".join(p.text for p in pieces if p.text), language=language,
                          segments=[Segment(start=p.start_s, end=p.end_s, text=p.text)
                                    for p in pieces],
                          model=f"{fallback.checkpoint} via faster-whisper (no .pt here)")


def read_16k_mono(path: Path) -> Any:
    """Decode any audio file to the 16 kHz mono float32 array whisper expects."""
    import numpy as np

    from modalswitch.tools.helpers.av import run_ffmpeg

    raw = run_ffmpeg(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                     "decoding the audio")
    return np.frombuffer(raw, np.int16).astype(np.float32) / 32768.0
