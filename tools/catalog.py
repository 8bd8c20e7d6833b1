"""The default registry: every tool that ships with modalswitch."""

from __future__ import annotations

from .describe_image import DescribeImage
from .image_labels import ClassifyImage
from .media_tools import media_tools
from .ocr import ReadText
from .registry import Registry
from .speech_to_text import SpeechToText
from .text_to_speech import TextToSpeech


def default_registry() -> Registry:
    """The registry `Agent()` uses when none is given (no model loads until a step runs)."""
    labeler, reader = ClassifyImage(), ReadText()
    describer, transcriber = DescribeImage(labeler, reader), SpeechToText()
    return Registry([
        describer,
        labeler,
        reader,
        transcriber,
        TextToSpeech(),
        # transformers / diffusers / openai-whisper / ffmpeg tools; the composite ones fall
        # back on the offline describer and transcriber above.
        *media_tools(describer=describer, transcriber=transcriber),
    ])
