"""Tools that turn media into other media: image edits and operations, slideshows, video frames
and sound.
"""

from modalswitch.tools.transform.image_editing import InstructEditImage, TransformImage
from modalswitch.tools.transform.image_ops import ConvertImage, CropImage, ImageGrid, ResizeImage
from modalswitch.tools.transform.slideshow import MakeSlideshow
from modalswitch.tools.transform.video_frames import ExtractAudio, ExtractKeyframes

__all__ = [
    "ConvertImage", "CropImage", "ExtractAudio", "ExtractKeyframes", "ImageGrid",
    "InstructEditImage", "MakeSlideshow", "ResizeImage", "TransformImage",
]
