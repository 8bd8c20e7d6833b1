"""Tools that make media from text: images, speech, sound and music, video."""

from modalswitch.tools.generate.bark import BarkSpeech
from modalswitch.tools.generate.image import GenerateImage
from modalswitch.tools.generate.sound import GenerateSound
from modalswitch.tools.generate.speech import TextToSpeech
from modalswitch.tools.generate.video import GenerateVideo

__all__ = ["BarkSpeech", "GenerateImage", "GenerateSound", "GenerateVideo", "TextToSpeech"]
