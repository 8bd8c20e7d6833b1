"""Tools that turn media into text: speech recognition, OCR, image labels and descriptions,
captions, video summaries.
"""

from modalswitch.tools.understand.captioning import AnswerImageQuestion, CaptionImage
from modalswitch.tools.understand.classify_image import ClassifyImage
from modalswitch.tools.understand.describe_image import DescribeImage
from modalswitch.tools.understand.read_text import ReadText
from modalswitch.tools.understand.speech_to_text import SpeechToText
from modalswitch.tools.understand.summarize_video import SummarizeVideo
from modalswitch.tools.understand.whisper_openai import WhisperTranscribe

__all__ = [
    "AnswerImageQuestion", "CaptionImage", "ClassifyImage", "DescribeImage", "ReadText",
    "SpeechToText", "SummarizeVideo", "WhisperTranscribe",
]
