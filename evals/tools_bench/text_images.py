"""Images of text for the OCR benchmark: rendered with PIL in several fonts, sizes and
conditions (rotation, blur, noise, low contrast, small print, signs, receipts, paragraphs),
plus the scanned page that ships with scikit-image, transcribed by hand."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from modalswitch.evals.tools_bench.photos import skimage_file
from modalswitch.evals.tools_bench.records import BenchCase

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
FONTS = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf",
         "DejaVuSerif-Italic.ttf", "DejaVuSansCondensed.ttf")

LINES = (
    "Fresh bread baked every morning",
    "Parking for customers only",
    "Meeting moved to Room 214 at 3:30 pm",
    "Please keep the door closed",
    "Order #58213 ships on 12 May",
    "No smoking within 10 metres",
    "Call 0161 496 0732 for details",
    "Emergency exit - keep clear",
    "Wi-Fi password: garden-lake-42",
    "Open Monday to Friday, 9am-5pm",
    "Batteries not included",
    "Return books by the due date",
)
PARAGRAPH = ("The museum opens at ten o'clock.\nTickets are sold at the front desk.\n"
             "Children under five enter free of charge.")
SIGN = "STOP\nROAD WORKS AHEAD"
RECEIPT = ("CORNER CAFE\nFlat white      3.20\nCroissant       2.45\nOrange juice    2.90\n"
           "TOTAL           8.55")
PAGE_TEXT = (
    "Region-based segmentation\n"
    "Let us first determine markers of the coins and the\n"
    "background. These markers are pixels that we can label\n"
    "unambiguously as either object or background. Here,\n"
    "the markers are found at the two extreme parts of the\n"
    "histogram of grey values:\n"
    ">>> markers = np.zeros_like(coins)")
"""scikit-image's page.png, typed in by hand (the cut-off line under it is left out)."""


def font(name: str, size: int) -> tuple[Any, str]:
    """A TrueType font and its label; Pillow's built-in scalable font where it is missing."""
    from PIL import ImageFont

    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size), Path(name).stem
    return ImageFont.load_default(size=size), "Pillow default"


def render(text: str, font_obj: Any, *, fg: Any = (20, 20, 20), bg: Any = (250, 250, 250),
           pad: int = 24, spacing: int = 8) -> Any:
    """Text on a plain background, tightly padded."""
    from PIL import Image, ImageDraw

    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    box = probe.multiline_textbbox((0, 0), text, font=font_obj, spacing=spacing)
    size = (int(box[2] - box[0]) + 2 * pad, int(box[3] - box[1]) + 2 * pad)
    img = Image.new("RGB", size, bg)
    ImageDraw.Draw(img).multiline_text((pad - box[0], pad - box[1]), text, font=font_obj,
                                       fill=fg, spacing=spacing)
    return img


def _noisy(img: Any, sigma: float, key: str) -> Any:
    import numpy as np
    from PIL import Image

    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    pixels = np.asarray(img, dtype=np.float64)
    noisy = pixels + np.random.default_rng(seed).normal(0, sigma, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def _rotated(img: Any, degrees: float) -> Any:
    from PIL import Image

    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True,
                      fillcolor=img.getpixel((0, 0)))


def _blurred(img: Any, radius: float) -> Any:
    from PIL import ImageFilter

    return img.filter(ImageFilter.GaussianBlur(radius))


def _sign(text: str, size: int) -> Any:
    from PIL import Image, ImageDraw

    face, _ = font("DejaVuSans-Bold.ttf", size)
    plate = render(text, face, fg=(255, 255, 255), bg=(180, 24, 24), pad=size // 2)
    photo = Image.new("RGB", (plate.width + size, plate.height + size), (120, 140, 110))
    photo.paste(plate, (size // 2, size // 2))
    ImageDraw.Draw(photo).rectangle((size // 2 - 4, size // 2 - 4, size // 2 + plate.width + 3,
                                     size // 2 + plate.height + 3), outline=(240, 240, 240),
                                    width=4)
    return _rotated(photo, 4)


def _changed(change: Callable[[Any], Any], text: str, font_obj: Any) -> Any:
    return change(render(text, font_obj))


@dataclass(frozen=True)
class TextImage:
    """One image to make: its text, how it looks, and its group."""

    id: str
    text: str
    kind: str
    make: Callable[[], Any]
    font: str


def text_images() -> list[TextImage]:
    """Every rendered image the OCR benchmark reads, clean ones first."""
    items: list[TextImage] = []
    sizes = (28, 44)
    for i, line in enumerate(LINES[:len(FONTS) * len(sizes)]):
        name, size = FONTS[i % len(FONTS)], sizes[i // len(FONTS)]
        face, label = font(name, size)
        items.append(TextImage(f"clean{i:02d}", line, "clean", partial(render, line, face),
                               label))
    face, label = font("DejaVuSans.ttf", 30)
    items.append(TextImage("paragraph", PARAGRAPH, "clean multi-line",
                           lambda: render(PARAGRAPH, face), label))
    hard: list[tuple[str, str, Callable[[Any], Any]]] = [
        ("rotated5", LINES[0], lambda im: _rotated(im, 5)),
        ("rotated-12", LINES[1], lambda im: _rotated(im, -12)),
        ("rotated90", LINES[2], lambda im: _rotated(im, 90)),
        ("blur1", LINES[3], lambda im: _blurred(im, 1.0)),
        ("blur2", LINES[4], lambda im: _blurred(im, 2.0)),
        ("noise20", LINES[5], lambda im: _noisy(im, 20, "noise20")),
        ("noise45", LINES[6], lambda im: _noisy(im, 45, "noise45")),
    ]
    for case_id, line, change in hard:
        kind = case_id.rstrip("-0123456789")
        items.append(TextImage(case_id, line, kind, partial(_changed, change, line, face),
                               label))
    grey, _ = font("DejaVuSans.ttf", 30)
    items.append(TextImage("low-contrast", LINES[7], "low contrast",
                           lambda: render(LINES[7], grey, fg=(140, 140, 140), bg=(175, 175, 175)),
                           label))
    items.append(TextImage("inverted", LINES[8], "white on dark",
                           lambda: render(LINES[8], grey, fg=(235, 235, 235), bg=(30, 40, 60)),
                           label))
    small, small_label = font("DejaVuSans.ttf", 13)
    items.append(TextImage("small13", LINES[9], "small print",
                           lambda: render(LINES[9], small), small_label))
    items.append(TextImage("sign", SIGN, "sign", lambda: _sign(SIGN, 56), "DejaVuSans-Bold"))
    mono, mono_label = font("DejaVuSansMono.ttf", 22)
    items.append(TextImage("receipt", RECEIPT, "receipt",
                           lambda: _noisy(_rotated(render(RECEIPT, mono, bg=(246, 242, 232)),
                                                   -2), 8, "receipt"), mono_label))
    return items


def ocr_cases(folder: Path, limit: int | None = None) -> list[BenchCase]:
    """Write the rendered images (and find the shipped page) and return their cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for item in text_images()[:limit]:
        path = folder / f"{item.id}.png"
        if not path.exists():
            item.make().save(path)
        cases.append(BenchCase(id=item.id, bench="read_text", media=str(path),
                               reference=item.text,
                               tags={"kind": item.kind, "font": item.font, "source": "rendered"}))
    page = skimage_file("page.png")
    if page is not None:
        cases.append(BenchCase(id="skimage-page", bench="read_text", media=str(page),
                               reference=PAGE_TEXT,
                               tags={"kind": "scanned page", "font": "book", "source": "photo"}))
    return cases
