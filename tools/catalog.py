"""The default registry: every tool that ships with modalswitch.

`default_registry()` is what `Agent()` uses; `media_tools()` is the model-library part
(transformers, diffusers, openai-whisper, ffmpeg). Each tool imports its library only when
it runs, so building the registry is cheap.
"""

from __future__ import annotations

from typing import Any

from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool
from modalswitch.tools.generate.bark import BarkSpeech
from modalswitch.tools.generate.image import GenerateImage
from modalswitch.tools.generate.sound import GenerateSound
from modalswitch.tools.generate.speech import TextToSpeech
from modalswitch.tools.generate.video import GenerateVideo
from modalswitch.tools.text.writing import RewritePrompt, SummarizeText, TranslateText
from modalswitch.tools.transform.image_editing import InstructEditImage, TransformImage
from modalswitch.tools.transform.image_ops import ConvertImage, CropImage, ImageGrid, ResizeImage
from modalswitch.tools.transform.slideshow import MakeSlideshow
from modalswitch.tools.transform.video_frames import ExtractAudio, ExtractKeyframes
from modalswitch.tools.understand.captioning import AnswerImageQuestion, CaptionImage
from modalswitch.tools.understand.classify_image import ClassifyImage
from modalswitch.tools.understand.describe_image import DescribeImage
from modalswitch.tools.understand.read_text import ReadText
from modalswitch.tools.understand.speech_to_text import SpeechToText
from modalswitch.tools.understand.summarize_video import SummarizeVideo
from modalswitch.tools.understand.whisper_openai import WhisperTranscribe


def default_registry() -> Registry:
    """The registry `Agent()` uses when none is given (no model loads until a step runs)."""
    labeler, reader = ClassifyImage(), ReadText()
    describer, transcriber = DescribeImage(labeler, reader), SpeechToText()
    speaker = TextToSpeech()
    return Registry([
        describer,
        labeler,
        reader,
        transcriber,
        speaker,
        # transformers / diffusers / openai-whisper / ffmpeg tools; the composite ones fall
        # back on the offline describer, transcriber and speaker above.
        *media_tools(describer=describer, transcriber=transcriber, speaker=speaker),
    ])


def media_tools(describer: Tool[Any, Any] | None = None,
                transcriber: Tool[Any, Any] | None = None,
                llm: Any = None, speaker: Tool[Any, Any] | None = None) -> list[Tool[Any, Any]]:
    """Every model-library tool; `describer`/`transcriber`/`speaker` are the offline image,
    speech and voice tools the composite ones fall back on, `llm` the chat model for the
    text helpers."""
    return [
        CaptionImage(describer=describer),
        AnswerImageQuestion(describer=describer, llm=llm),
        WhisperTranscribe(),
        SummarizeVideo(describer=describer, transcriber=transcriber, llm=llm),
        ExtractKeyframes(),
        ExtractAudio(),
        GenerateImage(),
        TransformImage(),
        InstructEditImage(),
        ResizeImage(),
        CropImage(),
        ImageGrid(),
        ConvertImage(),
        BarkSpeech(speaker=speaker),
        GenerateSound(),
        GenerateVideo(),
        MakeSlideshow(),
        SummarizeText(llm),
        TranslateText(llm),
        RewritePrompt(llm),
    ]
