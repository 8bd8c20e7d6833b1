"""Speech made on the spot for the speech benchmark: voices, speeds, noise, rooms, codecs.

Every English sentence is spoken by one of six voice settings (the packaged Piper voice at
three speeds, three espeak-ng voices), then heard four ways: clean WAV, with noise (white or
pink, at 20 or 10 dB SNR), in a reverberant room (RT60 0.6 s), and through a lossy codec (MP3
or AAC at 64 kbit/s). Noise colour, SNR and codec change every two or four sentences, so none
of them goes with one voice engine (which alternate sentence by sentence). Long passages (over
30 s, so Whisper works through several windows) and espeak-ng sentences in French, German,
Spanish and Italian complete it. Noise and rooms come from numpy with fixed seeds, so the same
command makes the same files.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modalswitch.evals.tools_bench.records import BenchCase, BenchContext
from modalswitch.evals.tools_bench.speech_sentences import (
    ENGLISH,
    ESPEAK_LANGUAGE_VOICE,
    FOREIGN,
    PASSAGES,
)
from modalswitch.tools.generate.speech import TextToSpeech
from modalswitch.tools.helpers.av import run_ffmpeg

SNR_DB = (20.0, 10.0)
RT60_S = 0.6
BITRATE = "64k"


@dataclass(frozen=True)
class Voice:
    """A way of speaking: the engine, its voice and speed."""

    label: str
    engine: str
    voice: str | None
    """text_to_speech's `voice`: None for the packaged Piper voice, else an espeak-ng name."""
    speed: float

    @property
    def tags(self) -> dict[str, str]:
        """The voice as group tags."""
        return {"engine": self.engine, "voice": self.label, "speed": f"{self.speed:g}x"}


PIPER = Voice("piper joe", "piper", None, 1.0)
VOICES = (
    Voice("espeak-ng en", "espeak-ng", "en", 1.0),  # espeak-ng's default, as a user would make it
    PIPER,
    Voice("espeak-ng en-gb", "espeak-ng", "en-gb", 0.85),
    Voice("piper joe", "piper", None, 1.3),
    Voice("espeak-ng en-us+f3", "espeak-ng", "en-us+f3", 1.15),
    Voice("piper joe", "piper", None, 0.8),
)
ESPEAK_US = Voice("espeak-ng en-us", "espeak-ng", "en-us", 1.0)


def speak(bench: BenchContext, text: str, voice: Voice, dest: Path) -> Path:
    """Speak text with text_to_speech into dest (a WAV file)."""
    tts = TextToSpeech()
    out, _ = bench.timed(tts, dest.stem, text=text, voice=voice.voice, speed=voice.speed)
    if out.engine != voice.engine:
        raise RuntimeError(f"asked {voice.engine} for {dest.name}, got {out.engine}: {out.note}")
    shutil.copyfile(out.audio.path, dest)
    return dest


def _rng(key: str) -> Any:
    import numpy as np

    return np.random.default_rng(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def add_noise(samples: Any, snr_db: float, colour: str, key: str) -> Any:
    """Speech plus white or pink noise at an SNR measured over the speech itself."""
    import numpy as np

    rng = _rng(key)
    noise = rng.standard_normal(len(samples))
    if colour == "pink":  # 1/f power: shape white noise's spectrum by 1/sqrt(f)
        spectrum = np.fft.rfft(noise)
        freqs = np.arange(len(spectrum), dtype=np.float64)
        freqs[0] = 1.0
        noise = np.fft.irfft(spectrum / np.sqrt(freqs), n=len(samples))
    voiced = samples[np.abs(samples) > 0.02 * np.max(np.abs(samples))]
    speech_power = float(np.mean(voiced**2)) if voiced.size else float(np.mean(samples**2))
    noise *= np.sqrt(speech_power / (10 ** (snr_db / 10)) / float(np.mean(noise**2)))
    return samples + noise


def add_reverb(samples: Any, rate: int, rt60_s: float, key: str) -> Any:
    """Speech in a room: convolved with exponentially decaying noise (the usual synthetic
    impulse response), the direct sound kept, peak level restored."""
    import numpy as np

    rng = _rng(key)
    n = int(rt60_s * rate)
    t = np.arange(n) / rate
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60_s)  # -60 dB at rt60
    impulse = 0.4 * tail / np.sqrt(np.sum(tail**2))
    impulse[0] = 1.0
    size = len(samples) + n - 1
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(impulse, size), n=size)
    return wet * (np.max(np.abs(samples)) / np.max(np.abs(wet)))


def write_variant(clean: Path, dest: Path, condition: str, key: str) -> Path:
    """A clean WAV re-made as one benchmark condition (noise-COLOUR-SNR, reverb, mp3, aac)."""
    import soundfile

    if condition in ("mp3", "aac"):
        codec = ["-c:a", "libmp3lame"] if condition == "mp3" else ["-c:a", "aac"]
        run_ffmpeg(["-i", str(clean), *codec, "-b:a", BITRATE, str(dest)], f"encoding {dest.name}")
        return dest
    samples, rate = soundfile.read(str(clean), dtype="float64")
    if condition.startswith("noise-"):
        _, colour, snr = condition.split("-")
        samples = add_noise(samples, float(snr), colour, key)
    elif condition == "reverb":
        samples = add_reverb(samples, rate, RT60_S, key)
    else:
        raise ValueError(f"unknown condition {condition!r}")
    peak = max(float(abs(samples).max()), 1e-9)
    soundfile.write(str(dest), samples / max(peak, 1.0), rate, subtype="PCM_16")
    return dest


_SUFFIX = {"mp3": ".mp3", "aac": ".m4a"}


def speech_cases(bench: BenchContext, folder: Path, limit: int | None = None) -> list[BenchCase]:
    """Make the speech benchmark's audio in folder and return its cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[BenchCase] = []

    def add(case_id: str, text: str, voice: Voice, condition: str, **tags: str) -> None:
        clean = folder / f"{case_id}-clean.wav"
        if not clean.exists():
            speak(bench, text, voice, clean)
        media = clean
        if condition != "clean":
            media = folder / f"{case_id}-{condition}{_SUFFIX.get(condition, '.wav')}"
            if not media.exists():
                write_variant(clean, media, condition, media.name)
        kind = condition.split("-")[0] if condition.startswith("noise") else condition
        noise = ({"noise": condition.split("-", 1)[1] + " dB"} if kind == "noise" else {})
        cases.append(BenchCase(
            id=f"{case_id}-{condition}", bench="speech_to_text", media=str(media),
            reference=text, tags={**voice.tags, "condition": kind, **noise,
                                  "codec": condition if condition in _SUFFIX else "wav",
                                  "length": "short", "language": "en", **tags}))

    for i, text in enumerate(ENGLISH[:limit]):
        voice = VOICES[i % len(VOICES)]  # the engine alternates sentence by sentence
        colour = ("white", "pink")[i // 2 % 2]
        snr = SNR_DB[i // 4 % 2]
        add(f"en{i:02d}", text, voice, "clean")
        add(f"en{i:02d}", text, voice, f"noise-{colour}-{snr:g}")
        add(f"en{i:02d}", text, voice, "reverb")
        add(f"en{i:02d}", text, voice, ("mp3", "aac")[i // 2 % 2])
    for i, (text, voice, condition) in enumerate([
            (PASSAGES[0], PIPER, "clean"), (PASSAGES[1], ESPEAK_US, "clean"),
            (PASSAGES[0], ESPEAK_US, "noise-pink-20"), (PASSAGES[1], PIPER, "aac")]):
        if limit is not None and i >= max(1, limit // 12):
            break
        add(f"long{i}", text, voice, condition, length="long")
    for language, sentences in FOREIGN.items():
        voice = Voice(f"espeak-ng {ESPEAK_LANGUAGE_VOICE[language]}", "espeak-ng",
                      ESPEAK_LANGUAGE_VOICE[language], 1.0)
        for i, text in enumerate(sentences[:limit]):
            add(f"{language}{i}", text, voice, "clean", language=language)
    return cases
