"""Video to images and audio: key frames at scene changes, and the sound track.

Key frames come from content, not a clock: small RGB thumbnails are sampled a few times a
second, each compared with the one before (pixel and colour-histogram change), and frames
after the biggest changes are kept. Only stretches longer than `max_gap_s` without a change
get an extra frame, so a long static shot is still covered.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.fields import AudioArtifact, ImageArtifact, VideoArtifact
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.helpers.av import run_ffmpeg
from modalswitch.tools.runtime.artifacts import Artifact

THUMB_W, THUMB_H = 48, 27


@dataclass(frozen=True)
class Keyframe:
    """A chosen frame time and how much the picture changed there (1.0 for the first)."""

    time_s: float
    score: float


def change_scores(path: Path, sample_fps: float) -> tuple[list[float], list[float]]:
    """Sample times and, for each, how much the picture changed since the previous sample."""
    import numpy as np

    raw = run_ffmpeg(["-i", str(path), "-an", "-vf",
                      f"fps={sample_fps:g},scale={THUMB_W}:{THUMB_H}:flags=area",
                      "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], "sampling video frames")
    frame_bytes = THUMB_W * THUMB_H * 3
    count = len(raw) // frame_bytes
    if count == 0:
        raise ToolError("the video has no decodable frames")
    frames = np.frombuffer(raw[: count * frame_bytes], np.uint8).reshape(
        count, THUMB_H, THUMB_W, 3).astype(np.float32)
    scores = [1.0]
    for prev, cur in itertools.pairwise(frames):
        pixel = float(np.mean(np.abs(cur - prev))) / 255.0
        hist = 0.0
        for ch in range(3):  # colour histograms ignore motion, pixels catch same-palette cuts
            a = np.histogram(prev[..., ch], bins=16, range=(0, 256))[0] / prev[..., ch].size
            b = np.histogram(cur[..., ch], bins=16, range=(0, 256))[0] / cur[..., ch].size
            hist += float(np.abs(a - b).sum()) / 2 / 3
        scores.append(0.5 * pixel + 0.5 * hist)
    return [i / sample_fps for i in range(count)], scores


def pick_keyframes(times: list[float], scores: list[float], duration: float, *,
                   threshold: float = 0.12, max_frames: int = 8, min_gap_s: float = 1.0,
                   max_gap_s: float | None = None) -> list[Keyframe]:
    """The first frame, then the strongest scene changes, then fillers for long static gaps."""
    chosen = [Keyframe(times[0] if times else 0.0, 1.0)]
    ranked = sorted(((s, t) for t, s in zip(times, scores, strict=True)
                     if s >= threshold and t > 0), reverse=True)
    for score, t in ranked:
        if len(chosen) >= max_frames:
            break
        if all(abs(t - k.time_s) >= min_gap_s for k in chosen):
            chosen.append(Keyframe(t, round(score, 3)))
    gap_limit = max_gap_s if max_gap_s is not None else max(10.0, duration / max_frames)
    while len(chosen) < max_frames:
        marks = [*sorted(k.time_s for k in chosen), duration]
        gaps = [(b - a, a) for a, b in itertools.pairwise(marks)]
        width, start = max(gaps)
        if width <= gap_limit:
            break
        chosen.append(Keyframe(round(start + width / 2, 2), 0.0))
    return sorted(chosen, key=lambda k: k.time_s)


def frame_at(path: Path, time_s: float, out: Path) -> None:
    """Write the frame at a time as a PNG."""
    run_ffmpeg(["-ss", f"{max(time_s, 0):.3f}", "-i", str(path), "-frames:v", "1",
                "-f", "image2", "-c:v", "png", str(out)], f"grabbing the frame at {time_s:.2f} s")


def video_keyframes(video: Artifact, ctx: ToolContext, *, max_frames: int = 8,
                    threshold: float = 0.12) -> list[tuple[float, Artifact]]:
    """Key frames of a video artifact as (time, stored PNG) pairs."""
    if video.path is None:
        raise ToolError("the video artifact has no file")
    duration = float(video.meta.get("duration_s") or 0.0)
    # A few samples a second for short clips, fewer for long ones: at most ~1200 thumbnails.
    sample_fps = min(4.0, max(0.2, 1200 / max(duration, 1.0)))
    times, scores = change_scores(video.path, sample_fps)
    duration = duration or times[-1] + 1 / sample_fps
    picks = pick_keyframes(times, scores, duration, threshold=threshold, max_frames=max_frames,
                           min_gap_s=max(1.0, 0.5 / sample_fps))
    result = []
    for i, key in enumerate(picks):
        if ctx.cancelled.is_set():
            raise ToolError("cancelled")
        ctx.progress(i / len(picks), f"key frame {i + 1}/{len(picks)}")
        # Grab a little after the change so the frame shows the new shot, not a blend.
        at = min(key.time_s + 0.25 / sample_fps, max(duration - 0.05, 0.0))
        with ctx.store.new_file(".png") as out:
            frame_at(video.path, at, out)
            result.append((round(key.time_s, 2), ctx.save_file(out)))
    return result


class KeyframesIn(BaseModel):
    """The video and how many frames at most."""

    video: VideoArtifact
    max_frames: int = Field(8, ge=1, le=32)
    threshold: float = Field(0.12, gt=0, le=1, description="scene-change sensitivity (lower: more)")


class KeyframesOut(BaseModel):
    """The frames and their times."""

    frames: list[ImageArtifact]
    times: list[float]


class ExtractKeyframes(Tool[KeyframesIn, KeyframesOut]):
    """Still pictures of a video's distinct scenes."""

    name = "extract_keyframes"
    description = ("Take the key frames of a video (one per scene change) as pictures, with "
                   "their times. Use to show or examine what a video contains.")
    backend = "ffmpeg"

    def run(self, args: KeyframesIn, ctx: ToolContext) -> KeyframesOut:
        pairs = video_keyframes(args.video, ctx, max_frames=args.max_frames,
                                threshold=args.threshold)
        return KeyframesOut(frames=[a for _, a in pairs], times=[t for t, _ in pairs])


class ExtractAudioIn(BaseModel):
    """The video whose sound to take."""

    video: VideoArtifact


class ExtractAudioOut(BaseModel):
    """The sound track as WAV."""

    audio: AudioArtifact


def extract_sound(video: Artifact, ctx: ToolContext, rate: int | None = None) -> Artifact:
    """A video's sound track as a stored WAV artifact."""
    if video.path is None:
        raise ToolError("the video artifact has no file")
    if video.meta.get("has_audio") is False:
        raise ToolError("the video has no sound track")
    extra: list[str] = ["-ac", "1", "-ar", str(rate)] if rate else []
    with ctx.store.new_file(".wav") as out:
        run_ffmpeg(["-i", str(video.path), "-vn", *extra, "-c:a", "pcm_s16le", "-f", "wav",
                    str(out)], "extracting the sound track")
        return ctx.save_file(out)


class ExtractAudio(Tool[ExtractAudioIn, ExtractAudioOut]):
    """The sound track of a video."""

    name = "extract_audio"
    description = "Take the sound track of a video as an audio file (e.g. to transcribe it)."
    backend = "ffmpeg"

    def run(self, args: ExtractAudioIn, ctx: ToolContext) -> ExtractAudioOut:
        return ExtractAudioOut(audio=extract_sound(args.video, ctx))


def fmt_time(seconds: float) -> str:
    """m:ss, or h:mm:ss past an hour."""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def segments_of(output: Any) -> list[tuple[float, float, str]]:
    """Timed segments from any transcriber output that has them (objects or dicts, with
    `start`/`end` or `start_s`/`end_s`)."""
    found = []
    for seg in getattr(output, "segments", None) or []:
        fields = seg if isinstance(seg, dict) else getattr(seg, "__dict__", {})
        start = fields.get("start", fields.get("start_s"))
        end = fields.get("end", fields.get("end_s"))
        text = fields.get("text")
        if start is not None and text:
            found.append((float(start), float(end if end is not None else start), str(text)))
    return found
