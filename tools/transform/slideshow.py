"""Images (+ narration) to video: a slideshow MP4 whose timing follows the narration.

With one narration clip the pictures share its length equally; with one clip per picture
each picture stays up exactly as long as its own clip. Slides are letterboxed onto one
frame size with PIL first, so ffmpeg only has to concatenate and encode.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.fields import AudioArtifact, ImageArtifact, VideoArtifact
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.helpers.av import duration_of, load_image, run_ffmpeg
from modalswitch.tools.runtime.artifacts import Artifact


class SlideshowIn(BaseModel):
    """The pictures, the narration and the frame."""

    images: list[ImageArtifact] = Field(min_length=1, max_length=200,
                                        description="the pictures, in order")
    narration: list[AudioArtifact] = Field(
        default_factory=list, max_length=200,
        description="one audio clip for the whole show, or one per picture (optional)")
    captions: list[str] = Field(default_factory=list, description="optional text per picture")
    seconds_per_image: float = Field(3.0, gt=0, le=600, description="used without narration")
    width: int | None = Field(None, ge=64, le=3840, description="default: the first picture's")
    height: int | None = Field(None, ge=64, le=2160)
    fps: int = Field(24, ge=1, le=60)


class SlideshowOut(BaseModel):
    """The video."""

    video: VideoArtifact
    duration_s: float
    slides: int


def frame_size(first: Any, width: int | None, height: int | None) -> tuple[int, int]:
    """The output frame: asked for, else the first picture's within 1280x720; even sides."""
    if width and height:
        w, h = width, height
    else:
        scale = min(1.0, 1280 / first.width, 720 / first.height)
        w, h = width or round(first.width * scale), height or round(first.height * scale)
    return max(2, w - w % 2), max(2, h - h % 2)


def render_slide(image: Any, size: tuple[int, int], caption: str | None) -> Any:
    """A picture fitted (not stretched) onto a black frame, with an optional caption bar."""
    from PIL import Image, ImageDraw, ImageFont

    frame = Image.new("RGB", size, (0, 0, 0))
    fitted = image.copy()
    scale = min(size[0] / fitted.width, size[1] / fitted.height)
    fitted = fitted.resize((max(1, round(fitted.width * scale)),
                            max(1, round(fitted.height * scale))), Image.Resampling.LANCZOS)
    frame.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
    if caption:
        font_size = max(12, size[1] // 22)
        try:
            font: Any = ImageFont.load_default(size=font_size)
        except (TypeError, OSError):
            font = ImageFont.load_default()
        lines = textwrap.wrap(caption, width=max(10, int(size[0] / (font_size * 0.55))))[:3]
        bar = (font_size + 6) * len(lines) + 12
        overlay = Image.new("RGBA", size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        draw.rectangle([0, size[1] - bar, size[0], size[1]], fill=(0, 0, 0, 160))
        for i, line in enumerate(lines):
            w = draw.textlength(line, font=font)
            draw.text(((size[0] - w) / 2, size[1] - bar + 6 + i * (font_size + 6)), line,
                      fill=(255, 255, 255, 255), font=font)
        frame = Image.alpha_composite(frame.convert("RGBA"), overlay).convert("RGB")
    return frame


def slide_durations(images: int, clips: list[float], seconds_per_image: float) -> list[float]:
    """How long each picture stays up."""
    if not clips:
        return [seconds_per_image] * images
    if len(clips) == images:
        return list(clips)
    return [sum(clips) / images] * images


def frame_counts(durations: list[float], fps: int) -> list[int]:
    """Whole frames per slide, rounded on the running total so the sum stays exact."""
    counts, done, elapsed = [], 0, 0.0
    for d in durations:
        elapsed += d
        target = max(done + 1, round(elapsed * fps))
        counts.append(target - done)
        done = target
    return counts


class MakeSlideshow(Tool[SlideshowIn, SlideshowOut]):
    """Compose pictures and narration into an MP4 slideshow."""

    name = "make_slideshow"
    description = ("Make a video (MP4) from pictures and optional narration audio: a narrated "
                   "slideshow. The pictures are timed to the narration's length (one clip for "
                   "all, or one clip per picture). Use for 'make a video/slideshow about ...'.")
    backend = "ffmpeg"

    def run(self, args: SlideshowIn, ctx: ToolContext) -> SlideshowOut:
        if args.captions and len(args.captions) != len(args.images):
            raise ToolError(f"{len(args.captions)} captions for {len(args.images)} pictures")
        clips = [duration_of(a) for a in args.narration]
        if any(d <= 0 for d in clips):
            raise ToolError("a narration clip has no duration")
        durations = slide_durations(len(args.images), clips, args.seconds_per_image)
        counts = frame_counts(durations, args.fps)
        total = sum(counts) / args.fps
        first = load_image(args.images[0])
        size = frame_size(first, args.width, args.height)
        with tempfile.TemporaryDirectory(prefix="modalswitch-slides-") as tmp:
            cmd: list[str] = []
            for i, (artifact, count) in enumerate(zip(args.images, counts, strict=True)):
                slide = Path(tmp) / f"slide{i:03d}.png"
                picture = first if i == 0 else load_image(artifact)
                render_slide(picture, size, args.captions[i] if args.captions else None) \
                    .save(slide)
                cmd += ["-loop", "1", "-framerate", str(args.fps), "-t", f"{count / args.fps:.6f}",
                        "-i", str(slide)]
            cmd += self._audio_inputs(args.narration)
            n, k = len(args.images), len(args.narration)
            graph = "".join(f"[{i}:v]setsar=1,format=yuv420p[v{i}];" for i in range(n))
            graph += "".join(f"[v{i}]" for i in range(n)) + f"concat=n={n}:v=1:a=0[v]"
            maps = ["-map", "[v]"]
            if k:
                graph += ";" + "".join(
                    f"[{n + j}:a]aformat=sample_fmts=fltp:sample_rates=44100:"
                    f"channel_layouts=mono[a{j}];" for j in range(k))
                graph += "".join(f"[a{j}]" for j in range(k)) + f"concat=n={k}:v=0:a=1,apad[a]"
                maps += ["-map", "[a]", "-c:a", "aac", "-b:a", "128k"]
            with ctx.store.new_file(".mp4") as out:
                ctx.progress(0.5, f"encoding {n} slides, {total:.1f} s")
                run_ffmpeg([*cmd, "-filter_complex", graph, *maps, "-c:v", "libx264",
                            "-preset", "veryfast", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                            "-r", str(args.fps), "-t", f"{total:.6f}", "-movflags", "+faststart",
                            "-f", "mp4", str(out)], "encoding the slideshow")
                video = ctx.save_file(out)
        return SlideshowOut(video=video, duration_s=round(total, 3), slides=len(args.images))

    @staticmethod
    def _audio_inputs(narration: list[Artifact]) -> list[str]:
        args: list[str] = []
        for clip in narration:
            if clip.path is None:
                raise ToolError("a narration clip has no file")
            args += ["-i", str(clip.path)]
        return args
