"""Honest fake tools for tests (yours and ours): fast, deterministic, real tiny media files.

Each produces a valid file of the right type (a PNG, a WAV), so everything downstream of a
tool (the store, the cache, the response, players) is exercised for real.
"""

from __future__ import annotations

import math
import struct
import threading
import time
import wave
from pathlib import Path

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError, TransientToolError
from modalswitch.tools.contract.fields import (
    AudioArtifact,
    ImageArtifact,
    SpokenText,
    TextContent,
)
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext


def write_tone_wav(path: Path, seconds: float = 0.25, hz: float = 440.0,
                   rate: int = 16000) -> None:
    """A mono 16-bit sine tone."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / rate)))
        for i in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes(frames)


class TextIn(BaseModel):
    """Text to work on."""

    text: TextContent = Field(description="the text")


class WordsIn(BaseModel):
    """Words to say."""

    text: SpokenText = Field(description="the words to speak")


class TextOut(BaseModel):
    """Text result."""

    text: TextContent


class ImageIn(BaseModel):
    """An image to work on."""

    image: ImageArtifact


class ImageOut(BaseModel):
    """An image result."""

    image: ImageArtifact


class AudioIn(BaseModel):
    """Audio to work on."""

    audio: AudioArtifact


class AudioOut(BaseModel):
    """An audio result."""

    audio: AudioArtifact


class FakeCaption(Tool[ImageIn, TextOut]):
    """Describes an image by its size and mean colour."""

    name = "fake_caption"
    description = "Describe an image in one sentence."

    def run(self, args: ImageIn, ctx: ToolContext) -> TextOut:
        from PIL import Image, ImageStat

        assert args.image.path is not None
        with Image.open(args.image.path) as img:
            mean = [round(v) for v in ImageStat.Stat(img.convert("RGB")).mean]
            return TextOut(text=f"a {img.width}x{img.height} picture, mean colour {mean}")


class FakeDraw(Tool[TextIn, ImageOut]):
    """Draws the prompt text onto a small PNG."""

    name = "fake_draw"
    description = "Draw a picture of what the text describes."

    def run(self, args: TextIn, ctx: ToolContext) -> ImageOut:
        from PIL import Image, ImageDraw

        img = Image.new("RGB", (64, 48), (len(args.text) * 7 % 256, 90, 160))
        ImageDraw.Draw(img).text((2, 18), args.text[:10], fill=(255, 255, 255))
        with ctx.store.new_file(".png") as path:
            img.save(path)
            return ImageOut(image=ctx.save_file(path))


class FakeSpeak(Tool[WordsIn, AudioOut]):
    """Turns text into a tone whose length grows with the text."""

    name = "fake_speak"
    description = "Speak text aloud."

    def run(self, args: WordsIn, ctx: ToolContext) -> AudioOut:
        with ctx.store.new_file(".wav") as path:
            write_tone_wav(path, seconds=0.05 + 0.01 * len(args.text))
            return AudioOut(audio=ctx.save_file(path))


class FakeTranscribe(Tool[AudioIn, TextOut]):
    """Reports an audio file's duration as its 'transcript'."""

    name = "fake_transcribe"
    description = "Transcribe speech in an audio file."

    def run(self, args: AudioIn, ctx: ToolContext) -> TextOut:
        return TextOut(text=f"{args.audio.meta.get('duration_s', 0)} seconds of audio")


class SlowIn(BaseModel):
    """How long to sleep and what to say."""

    text: TextContent = "done"
    seconds: float = 0.2


class Sleep(Tool[SlowIn, TextOut]):
    """Sleeps, then echoes; records start and end times for overlap checks."""

    name = "sleep"
    description = "Wait a while, then echo the text."

    def __init__(self) -> None:
        self.spans: list[tuple[str, float, float]] = []
        self._lock = threading.Lock()

    def run(self, args: SlowIn, ctx: ToolContext) -> TextOut:
        start = time.perf_counter()
        ctx.cancelled.wait(args.seconds)  # returns early when the step is cancelled
        with self._lock:
            self.spans.append((ctx.step_id, start, time.perf_counter()))
        return TextOut(text=args.text)


class Flaky(Tool[TextIn, TextOut]):
    """Fails transiently a set number of times, then succeeds."""

    name = "flaky"
    description = "Echo text, after some transient failures."

    def __init__(self, failures: int = 1) -> None:
        self.failures = failures
        self.calls = 0

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        self.calls += 1
        if self.calls <= self.failures:
            raise TransientToolError(f"busy (call {self.calls})")
        return TextOut(text=args.text)


class Crash(Tool[TextIn, TextOut]):
    """Always fails with a ToolError."""

    name = "crash"
    description = "A tool that always fails."

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        raise ToolError(f"crashed on purpose while handling {args.text!r}")


def fake_registry() -> Registry:
    """A registry of fast fake tools covering text, image and audio."""
    return Registry([FakeCaption(), FakeDraw(), FakeSpeak(), FakeTranscribe(), Sleep(),
                     Flaky(), Crash()])
