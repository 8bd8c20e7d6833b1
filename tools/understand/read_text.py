"""read_text: find and read the text in an image (OCR) with RapidOCR, or tesseract.

RapidOCR runs PaddleOCR's detector and recogniser on onnxruntime, with the models inside
its wheel. When it is not installed the tesseract command line is used instead. An image
with no text is a normal result (empty text), not an error.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import MissingModelError, ToolError
from modalswitch.tools.contract.fields import ImageArtifact, TextContent
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.helpers.images import load_rgb

# One OCR call at a time: RapidOCR keeps per-call state on its engine objects, and parallel
# steps share one engine through the model cache.
_OCR_LOCK = threading.Lock()

Box = list[float]
"""x0, y0, x1, y1 in pixels."""


class TextLine(BaseModel):
    """One piece of text found in the image, where it is and how sure the reader is."""

    text: str
    confidence: float
    box: Box


class ReadTextInput(BaseModel):
    """An image that may contain text."""

    image: ImageArtifact = Field(description="a photo, scan or screenshot")


class ReadTextOutput(BaseModel):
    """The text read, in reading order, and the pieces it came from."""

    text: TextContent
    lines: list[TextLine] = Field(default_factory=list)
    engine: str = ""
    model: str = Field("", description="the OCR models that read it")


class ReadText(Tool[ReadTextInput, ReadTextOutput]):
    """OCR with RapidOCR (PP-OCR on onnxruntime), falling back to tesseract."""

    name = "read_text"
    description = (
        "Read the printed or written text visible in an image (OCR): signs, documents, "
        "screenshots, labels, menus. Returns the text in reading order (empty when there is "
        "none). Use it when the user asks what an image says, or to read a sign aloud or "
        "translate it in a later step.")
    backend = "rapidocr"
    version = "2"  # outputs name the model

    def __init__(self, engine: str = "auto", *, det_model: str | None = None,
                 rec_model: str | None = None, min_confidence: float = 0.5) -> None:
        if engine not in ("auto", "rapidocr", "tesseract"):
            raise ValueError(f"unknown OCR engine {engine!r}: use auto, rapidocr or tesseract")
        self.engine = engine
        self.det_model = det_model
        self.rec_model = rec_model
        self.min_confidence = min_confidence

    @property
    def checkpoint(self) -> str:
        """The detector/recogniser pair this tool loads."""
        if self.engine == "tesseract":
            return "tesseract (eng)"
        if self.det_model or self.rec_model:
            return f"det={self.det_model or 'packaged'}, rec={self.rec_model or 'packaged'}"
        return "PP-OCR det+rec (packaged in rapidocr)"

    def run(self, args: ReadTextInput, ctx: ToolContext) -> ReadTextOutput:
        """OCR the image."""
        assert args.image.path is not None
        return self.read(args.image.path, ctx)

    def read(self, path: Path, ctx: ToolContext) -> ReadTextOutput:
        """OCR one image file (shared with describe_image)."""
        engine = self._engine()
        lines = self._rapidocr(path, ctx) if engine == "rapidocr" else _tesseract(path)
        lines = [ln for ln in lines if ln.text.strip() and ln.confidence >= self.min_confidence]
        model = "tesseract (eng)" if engine == "tesseract" else self.checkpoint
        return ReadTextOutput(text=join_reading_order(lines), lines=order_lines(lines),
                              engine=engine, model=model)

    def _engine(self) -> str:
        if self.engine != "auto":
            return self.engine
        import importlib.util

        return "rapidocr" if importlib.util.find_spec("rapidocr") else "tesseract"

    def _rapidocr(self, path: Path, ctx: ToolContext) -> list[TextLine]:
        def loader() -> Any:
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:
                raise MissingModelError(self.name, self.checkpoint,
                                        "pip install rapidocr==3.10.0 onnxruntime") from exc
            params: dict[str, Any] = {"Global.log_level": "error"}
            if self.det_model:
                params["Det.model_path"] = self.det_model
            if self.rec_model:
                params["Rec.model_path"] = self.rec_model
            return RapidOCR(params=params)

        key = f"rapidocr:{self.det_model}:{self.rec_model}"
        reader = ctx.models.get(key, loader, size_bytes=200 * 1024**2)
        image = stretch_contrast(load_rgb(path))  # a PIL image: RapidOCR takes arrays as BGR
        try:
            with _OCR_LOCK:
                result = reader(image)
        except Exception as exc:
            raise ToolError(f"OCR failed on {path.name}: {exc}") from exc
        if not result.txts:
            return []
        return [TextLine(text=str(text), confidence=round(float(score), 4), box=_bbox(quad))
                for text, score, quad in zip(result.txts, result.scores, result.boxes,
                                             strict=True)]


def stretch_contrast(image: Any) -> Any:
    """The image with its levels stretched to the full range (1 % clipped at each end).

    PP-OCR's detector misses faint or blurred text: on `modalswitch eval tools`' rendered
    text, grey-on-grey and 2 px blur went from nothing read to exact, and nothing got worse.
    """
    from PIL import ImageOps

    return ImageOps.autocontrast(image, cutoff=1)


def _bbox(quad: Any) -> Box:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Group pieces into rows (vertical centres within half a line height), left to right."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        centre = (line.box[1] + line.box[3]) / 2
        height = max(line.box[3] - line.box[1], 1.0)
        if rows:
            last = rows[-1][-1]
            if abs(centre - (last.box[1] + last.box[3]) / 2) <= height / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda ln: ln.box[0]) for row in rows]


def order_lines(lines: list[TextLine]) -> list[TextLine]:
    """The pieces in reading order: top to bottom, left to right within a row."""
    return [line for row in _rows(lines) for line in row]


def join_reading_order(lines: list[TextLine]) -> str:
    """The text of the pieces, a row per line."""
    return "\n".join(" ".join(ln.text.strip() for ln in row) for row in _rows(lines))


def _tesseract(path: Path) -> list[TextLine]:
    exe = shutil.which("tesseract")
    if exe is None:
        raise MissingModelError("read_text", "rapidocr or tesseract",
                                "pip install rapidocr==3.10.0 onnxruntime (or apt-get install "
                                "tesseract-ocr)")
    proc = subprocess.run([exe, str(path), "stdout", "--psm", "3", "tsv"], capture_output=True,
                          text=True, timeout=300, check=False)
    if proc.returncode != 0:
        raise ToolError(f"tesseract could not read {path.name}: {proc.stderr.strip()[-200:]}")
    return parse_tesseract_tsv(proc.stdout)


def parse_tesseract_tsv(tsv: str) -> list[TextLine]:
    """Tesseract's word table folded into lines, confidence as the mean over words (0..1)."""
    groups: dict[tuple[str, ...], list[tuple[str, float, Box]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (float(c) for c in cols[6:10])
        key = tuple(cols[1:5])  # page, block, paragraph, line
        groups.setdefault(key, []).append(
            (cols[11].strip(), float(cols[10]) / 100.0, [left, top, left + width, top + height]))
    lines = []
    for words in groups.values():
        boxes = [b for _, _, b in words]
        lines.append(TextLine(
            text=" ".join(w for w, _, _ in words),
            confidence=round(sum(c for _, c, _ in words) / len(words), 4),
            box=[min(b[0] for b in boxes), min(b[1] for b in boxes),
                 max(b[2] for b in boxes), max(b[3] for b in boxes)]))
    return lines
