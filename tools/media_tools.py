"""The model-library tools (transformers, diffusers, openai-whisper, ffmpeg), ready to register.

Each tool imports its library only when it runs, so building this list is cheap.
"""

from __future__ import annotations

from typing import Any

from .bark_speech import BarkSpeech
from .base import Tool
from .captioning import AnswerImageQuestion, CaptionImage
from .image_editing import InstructEditImage, TransformImage
from .image_generation import GenerateImage
from .image_ops import ConvertImage, CropImage, ImageGrid, ResizeImage
from .slideshow import MakeSlideshow
from .text_helpers import RewritePrompt, SummarizeText, TranslateText
from .text_to_audio import GenerateSound
from .text_to_video import GenerateVideo
from .video_frames import ExtractAudio, ExtractKeyframes
from .video_summary import SummarizeVideo
from .whisper_openai import WhisperTranscribe


def media_tools(describer: Tool[Any, Any] | None = None,
                transcriber: Tool[Any, Any] | None = None,
                llm: Any = None) -> list[Tool[Any, Any]]:
    """Every model-library tool; `describer`/`transcriber` are the offline image and speech
    tools the composite ones fall back on, `llm` the chat model for the text helpers."""
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
        BarkSpeech(),
        GenerateSound(),
        GenerateVideo(),
        MakeSlideshow(),
        SummarizeText(llm),
        TranslateText(llm),
        RewritePrompt(llm),
    ]
