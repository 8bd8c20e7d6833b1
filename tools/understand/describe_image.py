"""describe_image: an honest offline description built from labels, OCR and face detection.

No image-captioning model ships offline, so this composes three real ones: ImageNet labels
(classify_image's EfficientNet-Lite0), the text in the image (read_text's OCR) and a count
of faces (OpenCV Haar cascade). The paragraph says it is such a composite. It shares the
label and OCR models with those tools through the model cache.
"""

from __future__ import annotations

import threading
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import MissingModelError
from modalswitch.tools.contract.fields import ImageArtifact, TextContent
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.helpers.images import load_rgb
from modalswitch.tools.understand.classify_image import ClassifyImage, Label
from modalswitch.tools.understand.read_text import ReadText

PREFIX = (
    "Offline composite description (ImageNet labels + OCR + face detection, not a captioning"
    " model)")
CASCADE = "haarcascade_frontalface_default.xml"
FACE_MAX_SIDE = 1024  # Haar detection cost grows with pixels; faces survive this downscale
_CASCADE_LOCK = threading.Lock()  # OpenCV does not promise a shared classifier is thread-safe
SURE = 0.5  # a top label at least this likely is stated plainly, lower ones are hedged


class FaceBox(BaseModel):
    """A detected face, in pixels of the original image."""

    x: int
    y: int
    width: int
    height: int


class DescribeImageInput(BaseModel):
    """The image to describe."""

    image: ImageArtifact = Field(description="the picture to describe")


class DescribeImageOutput(BaseModel):
    """The paragraph and the facts it was made from."""

    text: TextContent
    labels: list[Label] = Field(default_factory=list)
    ocr_text: TextContent = ""
    faces: list[FaceBox] = Field(default_factory=list)
    model: str = Field("", description="the models the description was composed from")


class DescribeImage(Tool[DescribeImageInput, DescribeImageOutput]):
    """Composite description: ImageNet labels + OCR text + face count."""

    name = "describe_image"
    description = (
        "Describe an image in one short paragraph: what the main object looks like "
        "(ImageNet labels), any visible text (OCR) and how many faces are in it. This is "
        "an offline composite of those three detectors, not a captioning model, so it names "
        "objects but cannot explain scenes or actions. Use it for 'what is in this picture', "
        "'describe this photo', or before speaking a description aloud.")
    backend = "torch+rapidocr+opencv"
    version = "2"  # outputs name the models

    def __init__(self, labeler: ClassifyImage | None = None, reader: ReadText | None = None,
                 *, top_k: int = 3) -> None:
        self.labeler = labeler or ClassifyImage()
        self.reader = reader or ReadText()
        self.top_k = top_k

    @property
    def checkpoint(self) -> str:
        """The three models it combines."""
        return (f"{self.labeler.checkpoint} + {self.reader.checkpoint} + "
                f"OpenCV {CASCADE}")

    def run(self, args: DescribeImageInput, ctx: ToolContext) -> DescribeImageOutput:
        """Label, read and look for faces, then write the paragraph."""
        path = args.image.path
        assert path is not None
        labels = self.labeler.classify(path, self.top_k, ctx)
        ctx.progress(0.4, "labels")
        ocr_text = self.reader.read(path, ctx).text
        ctx.progress(0.8, "text")
        faces = detect_faces(load_rgb(path), ctx)
        text = compose(labels, ocr_text, len(faces))
        return DescribeImageOutput(text=text, labels=labels, ocr_text=ocr_text, faces=faces,
                                   model=self.checkpoint)


def _face_cascade() -> Any:
    try:
        import cv2
    except ImportError as exc:
        raise MissingModelError("describe_image", CASCADE,
                                "pip install 'opencv-python-headless<5'") from exc
    path = cv2.data.haarcascades + CASCADE  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise MissingModelError("describe_image", path,
                                "reinstall opencv-python-headless<5 (it ships the cascades)")
    return cascade


def detect_faces(image: Any, ctx: ToolContext) -> list[FaceBox]:
    """Frontal faces in a PIL RGB image, boxes in its own pixels."""
    import cv2
    import numpy as np

    cascade = ctx.models.get(f"opencv-haar:{CASCADE}", _face_cascade, size_bytes=1024**2)
    scale = min(1.0, FACE_MAX_SIDE / max(image.size))
    small = image.resize((max(round(image.width * scale), 1), max(round(image.height * scale), 1)))
    # No histogram equalisation: the cascade already normalises each window's contrast, and
    # equalising flat graphics (drawn faces, icons) distorts them enough to miss faces.
    gray = cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2GRAY)
    with _CASCADE_LOCK:
        found = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,
                                         minSize=(24, 24))
    return [FaceBox(x=round(x / scale), y=round(y / scale), width=round(w / scale),
                    height=round(h / scale)) for (x, y, w, h) in found]


def compose(labels: list[Label], ocr_text: str, faces: int) -> str:
    """The paragraph: hedged labels, quoted text, face count, and what it is."""
    parts = [PREFIX + ":"]
    if labels:
        top, rest = labels[0], labels[1:]
        alternatives = ", ".join(f"{lab.name} ({lab.score:.2f})" for lab in rest)
        if top.score >= SURE:
            sentence = f"it looks like {_article(top.name)} {top.name} ({top.score:.2f})"
            if alternatives:
                sentence += f"; other guesses: {alternatives}"
        else:
            sentence = (f"the classifier is unsure; its best guesses are {top.name} "
                        f"({top.score:.2f})" + (f", {alternatives}" if alternatives else ""))
        parts.append(sentence + ".")
    quoted = " / ".join(line.strip() for line in ocr_text.splitlines() if line.strip())
    parts.append(f"Visible text: '{quoted}'." if quoted else "No readable text.")
    if faces == 0:
        parts.append("No faces detected.")
    else:
        parts.append(f"{faces} face{'s' if faces != 1 else ''} detected.")
    return " ".join(parts)


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"
