"""Audio and video file helpers shared by the generating tools: WAV writing and ffmpeg.

Generated media is written in the most widely playable forms: 16-bit PCM WAV, and MP4 with
H.264 (yuv420p, even frame size) and AAC, with the index at the front for streaming.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from modalswitch.errors import ToolError
from modalswitch.tools.runtime.artifacts import Artifact


def ffmpeg_exe() -> str:
    """The ffmpeg binary: the system one, else imageio-ffmpeg's if installed."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:
        raise ToolError("this tool needs ffmpeg: install it (apt-get install ffmpeg, "
                        "brew install ffmpeg) or pip install imageio-ffmpeg") from None


def run_ffmpeg(args: list[str], what: str, stdin: bytes | None = None,
               timeout_s: float = 600) -> bytes:
    """Run ffmpeg quietly; a failure is a ToolError with ffmpeg's last words."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    if stdin is not None:
        cmd.remove("-nostdin")
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout_s,
                              check=False)
    except subprocess.TimeoutExpired:
        raise ToolError(f"ffmpeg took over {timeout_s:g} s while {what}") from None
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip()[-400:]
        raise ToolError(f"ffmpeg failed while {what}: {tail}")
    return proc.stdout


def write_wav(path: Path, samples: Any, rate: int) -> None:
    """Write float samples (any shape with time last or first) as 16-bit PCM WAV."""
    import numpy as np
    import soundfile

    audio = np.asarray(samples, dtype=np.float32)
    audio = np.squeeze(audio)
    if audio.ndim == 2 and audio.shape[0] < audio.shape[1]:
        audio = audio.T  # (channels, time) -> (time, channels)
    if audio.size == 0:
        raise ToolError("the model produced no audio samples")
    audio = np.nan_to_num(audio)
    peak = float(np.max(np.abs(audio)))
    if peak > 1.0:  # some vocoders overshoot; scale instead of clipping into distortion
        audio = audio / peak
    soundfile.write(str(path), audio, int(rate), subtype="PCM_16", format="WAV")


def to_uint8_frames(frames: Any) -> Any:
    """Video frames from a pipeline (PIL list, float or uint8 arrays) as uint8 (N, H, W, 3)."""
    import numpy as np

    if isinstance(frames, list | tuple) and frames and hasattr(frames[0], "convert"):
        return np.stack([np.asarray(f.convert("RGB")) for f in frames])
    arr = np.asarray(frames.cpu().float() if hasattr(frames, "cpu") else frames)
    if arr.ndim == 5:  # (batch, frames, H, W, C): the first video
        arr = arr[0]
    if arr.ndim != 4:
        raise ToolError(f"unexpected video frame array of shape {arr.shape}")
    if arr.shape[-1] not in (1, 3, 4) and arr.shape[1] in (1, 3, 4):
        arr = arr.transpose(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255).round().astype(np.uint8)
    if arr.shape[-1] == 1:
        arr = np.repeat(arr, 3, axis=-1)
    return np.ascontiguousarray(arr[..., :3])


def frames_to_mp4(frames: Any, fps: float, path: Path) -> None:
    """Encode uint8 RGB frames (N, H, W, 3) as an H.264 MP4 at fps."""
    count, height, width, _ = frames.shape
    if count == 0:
        raise ToolError("the model produced no video frames")
    run_ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                "-framerate", f"{fps:g}", "-i", "-",
                "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",  # yuv420p needs even sides
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", "-f", "mp4", str(path)],
               "encoding the video", stdin=frames.tobytes())


def load_image(artifact: Artifact) -> Any:
    """An image artifact as an RGB PIL image."""
    from PIL import Image

    if artifact.path is None:
        raise ToolError("the image artifact has no file")
    with Image.open(artifact.path) as img:
        return img.convert("RGB")


def duration_of(artifact: Artifact) -> float:
    """An audio or video artifact's duration in seconds (from its probe, else ffprobe)."""
    if "duration_s" in artifact.meta:
        return float(artifact.meta["duration_s"])
    if artifact.path is None:
        raise ToolError("the media artifact has no file")
    from modalswitch.tools.runtime.media import probe

    return float(probe(artifact.path).meta.get("duration_s", 0.0))
