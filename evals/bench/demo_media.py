"""Small real demo inputs: a drawn sign (sign.png) and a spoken memo (memo.wav)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from modalswitch.errors import MissingModelError

SIGN_TEXT = ("WELCOME TO THE", "BUTTERFLY GARDEN")
MEMO_TEXT = "Remember to water the plants and call the garden centre on Monday morning."


def _font(size: int) -> object:
    from PIL import ImageFont

    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)  # Pillow's own scalable font


def draw_sign(path: Path, lines: tuple[str, ...] = SIGN_TEXT, size: int = 64) -> Path:
    """A green sign with large white lettering, like a photo of a park sign."""
    from PIL import Image, ImageDraw

    font = _font(size)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    boxes = [probe.textbbox((0, 0), line, font=font) for line in lines]  # type: ignore[arg-type]
    width = int(max(b[2] - b[0] for b in boxes)) + 2 * size
    line_h = int(max(b[3] - b[1] for b in boxes)) + size // 2
    height = line_h * len(lines) + 2 * size
    img = Image.new("RGB", (width, height), (196, 214, 190))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((size // 3, size // 3, width - size // 3, height - size // 3),
                           radius=size // 2, fill=(24, 92, 52), outline=(250, 250, 240),
                           width=max(size // 12, 2))
    for i, (line, box) in enumerate(zip(lines, boxes, strict=True)):
        x = (width - int(box[2] - box[0])) // 2 - int(box[0])
        y = size + i * line_h - int(box[1])
        draw.text((x, y), line, font=font, fill=(250, 250, 240))  # type: ignore[arg-type]
    img.save(path)
    return path


def speak_memo(path: Path, text: str = MEMO_TEXT) -> Path:
    """Speech from espeak-ng (formant synthesis: robotic, but real and instant)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise MissingModelError("demo", "espeak-ng", "apt-get install espeak-ng")
    subprocess.run([exe, "-s", "150", "-w", str(path), "--stdin"], input=text, text=True,
                   check=True, capture_output=True, timeout=60)
    return path
