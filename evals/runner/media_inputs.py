"""Input files for executed eval cases: the dataset's own files, or small real ones made here.

A case names its inputs (`sign.png`, `memo.wav`); when no such file lies beside the dataset,
one is synthesised from the case's `media` text: an image with the text drawn large, speech
spoken by espeak-ng (a tone when espeak-ng is missing), a short clip made by ffmpeg, or a
text file. Made once per eval folder and reused.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

from modalswitch.errors import UserError
from modalswitch.evals.datasets.model import Case
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.fakes import write_tone_wav


def _font(size: int) -> object:
    from PIL import ImageFont

    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def make_image(path: Path, text: str | None) -> None:
    """Dark text drawn large on a light background (readable by OCR); without text, a
    simple drawn scene (sky, sun, grass, a house) for describing and labelling."""
    from PIL import Image, ImageDraw

    if text:
        font = _font(52)
        lines = textwrap.wrap(text, 20) or [" "]
        probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
        width = max(int(probe.textlength(line, font=font)) for line in lines)  # type: ignore[arg-type]
        img = Image.new("RGB", (width + 80, 120 + 70 * len(lines)), (245, 245, 235))
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            draw.text((40, 60 + 70 * i), line, fill=(20, 20, 20), font=font)  # type: ignore[arg-type]
    else:
        img = Image.new("RGB", (480, 320), (135, 190, 235))
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 220, 480, 320), fill=(70, 150, 60))
        draw.ellipse((370, 30, 440, 100), fill=(250, 210, 60))
        draw.rectangle((120, 150, 260, 250), fill=(180, 60, 50))
        draw.polygon([(105, 150), (190, 90), (275, 150)], fill=(110, 60, 40))
        draw.rectangle((175, 195, 205, 250), fill=(90, 60, 30))
    fmt = "JPEG" if path.suffix.lower() in (".jpg", ".jpeg") else None
    img.save(path, format=fmt)


def make_speech(path: Path, text: str) -> None:
    """Speech from espeak-ng, converted by ffmpeg when the name asks for another format."""
    wav = path if path.suffix.lower() == ".wav" else path.with_suffix(".tmp.wav")
    if shutil.which("espeak-ng"):
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True,
                       capture_output=True)
    else:
        write_tone_wav(wav, seconds=1.0)
    if wav != path:
        _ffmpeg(["-i", str(wav), str(path)])
        wav.unlink(missing_ok=True)


def make_video(path: Path, text: str) -> None:
    """A two-second colour clip with a tone (ffmpeg's test sources)."""
    _ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2",
             "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-shortest",
             "-pix_fmt", "yuv420p", str(path)])


def _ffmpeg(args: list[str]) -> None:
    if shutil.which("ffmpeg") is None:
        raise UserError("ffmpeg is needed to make this eval input (apt-get install ffmpeg)")
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", *args], check=True,
                   capture_output=True)


def materialize(case: Case, root: Path, dest: Path) -> list[Path]:
    """Paths of the case's input files, in order (existing ones first, else synthesised)."""
    paths = []
    for spec in case.inputs:
        given = Path(root) / spec.name
        if given.is_file():
            paths.append(given)
            continue
        path = Path(dest) / Path(spec.name).name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            text = case.media.get(spec.name) or case.request
            if spec.modality is Modality.IMAGE:
                make_image(path, case.media.get(spec.name))
            elif spec.modality is Modality.AUDIO:
                make_speech(path, text)
            elif spec.modality is Modality.VIDEO:
                make_video(path, text)
            else:
                path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
