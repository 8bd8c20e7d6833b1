"""Recognise a media file by its bytes, check it decodes, and read its metadata.

Extensions lie and files get truncated, so the kind comes from magic bytes and every file
is opened with a real decoder before anything trusts it.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.errors import MediaError
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.runtime.completeness import (
    check_duration_complete,
    check_wav_complete,
    decoded_frames,
    ffmpeg_input,
)

# Magic bytes -> (modality, mime, extension). RIFF containers are told apart at offset 8.
_SIGNATURES: list[tuple[bytes, int, Modality, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, Modality.IMAGE, "image/png", ".png"),
    (b"\xff\xd8\xff", 0, Modality.IMAGE, "image/jpeg", ".jpg"),
    (b"GIF8", 0, Modality.IMAGE, "image/gif", ".gif"),
    (b"BM", 0, Modality.IMAGE, "image/bmp", ".bmp"),
    (b"WEBP", 8, Modality.IMAGE, "image/webp", ".webp"),
    (b"WAVE", 8, Modality.AUDIO, "audio/wav", ".wav"),
    (b"fLaC", 0, Modality.AUDIO, "audio/flac", ".flac"),
    (b"OggS", 0, Modality.AUDIO, "audio/ogg", ".ogg"),
    (b"ID3", 0, Modality.AUDIO, "audio/mpeg", ".mp3"),
    (b"\xff\xfb", 0, Modality.AUDIO, "audio/mpeg", ".mp3"),
    (b"\xff\xf3", 0, Modality.AUDIO, "audio/mpeg", ".mp3"),
    (b"ftyp", 4, Modality.VIDEO, "video/mp4", ".mp4"),
    (b"\x1a\x45\xdf\xa3", 0, Modality.VIDEO, "video/webm", ".webm"),
    (b"AVI ", 8, Modality.VIDEO, "video/x-msvideo", ".avi"),
]
_TEXT_EXTENSIONS = {".txt", ".md", ".json", ".csv", ".srt", ".vtt", ".html", ".xml", ".yaml"}
_MEDIA_EXTENSIONS = (
    dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic"),
                  Modality.IMAGE)
    | dict.fromkeys((".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".wma"),
                    Modality.AUDIO)
    | dict.fromkeys((".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi"), Modality.VIDEO))
"""Names that promise a medium: such a file holding text is a broken download or a
mislabelled note, never the picture or recording the user means to send."""
_EXT_BY_MIME = {mime: ext for _, _, _, mime, ext in _SIGNATURES} | {"text/plain": ".txt"}


@dataclass(frozen=True)
class Limits:
    """Bounds on what is accepted, so a huge or hostile file fails early and clearly."""

    max_bytes: int = 2 * 1024**3
    max_pixels: int = 64_000_000
    max_duration_s: float = 4 * 3600.0
    max_text_chars: int = 2_000_000


@dataclass(frozen=True)
class MediaInfo:
    """What a probe learned about a file."""

    modality: Modality
    mime: str
    extension: str
    meta: dict[str, Any] = field(default_factory=dict)


def extension_for(mime: str) -> str:
    """The file extension the store uses for a mime type."""
    return _EXT_BY_MIME.get(mime, ".bin")


def sniff(path: Path) -> tuple[Modality, str, str]:
    """Tell the modality, mime and extension of a file from its first bytes."""
    with path.open("rb") as fh:
        head = fh.read(64)
    if not head:
        raise MediaError("the file is empty")
    for magic, offset, modality, mime, ext in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if mime == "video/mp4" and head[8:12] in (b"M4A ", b"M4B "):
                return Modality.AUDIO, "audio/mp4", ".m4a"
            return modality, mime, ext
    claimed = _MEDIA_EXTENSIONS.get(path.suffix.lower())
    if claimed is not None and _looks_like_text(head):
        article = "a" if claimed is Modality.VIDEO else "an"
        raise MediaError(f"named like {article} {claimed.value} file ({path.suffix}) but it "
                         "holds text (an error page saved under that name?)")
    if path.suffix.lower() in _TEXT_EXTENSIONS or _looks_like_text(head):
        return Modality.TEXT, "text/plain", ".txt"
    raise MediaError("not a recognised image, audio, video or text file")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def probe(path: Path, limits: Limits | None = None) -> MediaInfo:
    """Sniff, fully decode-check and describe a file, raising MediaError if it is unusable."""
    limits = limits or Limits()
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise MediaError(f"{size} bytes is over the {limits.max_bytes}-byte limit")
    modality, mime, ext = sniff(path)
    meta: dict[str, Any] = {"size_bytes": size}
    if modality is Modality.IMAGE:
        meta |= _probe_image(path, limits)
    elif modality is Modality.AUDIO:
        meta |= _probe_audio(path, mime, limits)
    elif modality is Modality.VIDEO:
        meta |= _probe_video(path, limits)
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise MediaError(f"text file is not valid UTF-8 ({exc.reason})") from exc
        if len(text) > limits.max_text_chars:
            raise MediaError(f"{len(text)} characters is over the {limits.max_text_chars} limit")
        meta["chars"] = len(text)
    return MediaInfo(modality, mime, ext, meta)


def _probe_image(path: Path, limits: Limits) -> dict[str, Any]:
    from PIL import Image

    try:
        with Image.open(path) as img:
            width, height = img.size
            if width * height > limits.max_pixels:
                raise MediaError(f"{width}x{height} is over the {limits.max_pixels}-pixel limit")
            img.load()  # decodes every byte: a truncated file fails here, not in a tool
            return {"width": width, "height": height, "mode": img.mode}
    except MediaError:
        raise
    except Exception as exc:  # PIL raises many types for corrupt data
        raise MediaError(f"corrupt or unreadable image ({exc})") from exc


def _probe_audio(path: Path, mime: str, limits: Limits) -> dict[str, Any]:
    if mime in ("audio/wav", "audio/flac", "audio/ogg"):
        import soundfile

        if mime == "audio/wav":
            check_wav_complete(path)  # libsndfile quietly shortens a cut-off data chunk
        try:
            info = soundfile.info(str(path))
            with soundfile.SoundFile(str(path)) as fh:
                fh.seek(max(info.frames - 1, 0))  # a cut-off data chunk fails here
        except Exception as exc:
            raise MediaError(f"corrupt or unreadable audio ({exc})") from exc
        if info.frames <= 0 or info.samplerate <= 0:
            raise MediaError("the audio has no samples")
        if mime != "audio/wav":  # compressed: only decoding every frame proves they are there
            decoded_frames(path, info.frames)
        meta = {
            "duration_s": round(info.frames / info.samplerate, 3),
            "sample_rate": info.samplerate,
            "channels": info.channels,
        }
    else:
        meta = _ffprobe(path, "audio")
        check_duration_complete(path, mime, meta["duration_s"])
    if meta["duration_s"] > limits.max_duration_s:
        raise MediaError(f"{meta['duration_s']} s is over the {limits.max_duration_s} s limit")
    return meta


def _probe_video(path: Path, limits: Limits) -> dict[str, Any]:
    meta = _ffprobe(path, "video")
    check_duration_complete(path, "video", meta["duration_s"])
    if meta["duration_s"] > limits.max_duration_s:
        raise MediaError(f"{meta['duration_s']} s is over the {limits.max_duration_s} s limit")
    if meta["width"] * meta["height"] > limits.max_pixels:
        raise MediaError("the video frame size is over the pixel limit")
    return meta


def _ffprobe(path: Path, kind: str) -> dict[str, Any]:
    if shutil.which("ffprobe") is None:
        raise MediaError(f"reading this {kind} format needs ffprobe (install ffmpeg)")
    try:
        proc = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
             "-show_streams", "-i", ffmpeg_input(path)],
            capture_output=True, text=True, errors="replace", timeout=60, check=False,
        )
    except subprocess.TimeoutExpired:
        raise MediaError(f"reading this {kind} took over 60 s") from None
    if proc.returncode != 0:
        raise MediaError(f"corrupt or unreadable {kind} ({proc.stderr.strip()[:200]})")
    try:
        data = json.loads(proc.stdout or "{}")
        streams = [s for s in data.get("streams", []) if isinstance(s, dict)]
        duration = float(data.get("format", {}).get("duration") or 0.0)
    except (ValueError, TypeError, AttributeError) as exc:
        raise MediaError(f"unreadable {kind} metadata ({exc})") from None
    if not math.isfinite(duration) or duration < 0:
        raise MediaError(f"the {kind} declares an impossible duration ({duration})")
    meta: dict[str, Any] = {"duration_s": round(duration, 3)}
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    try:
        if kind == "video":
            if video is None:
                raise MediaError("the file has no video stream")
            num, _, den = str(video.get("avg_frame_rate", "0/1")).partition("/")
            fps = float(num) / float(den) if den and float(den) else 0.0
            meta |= {"width": int(video.get("width") or 0), "height": int(
                video.get("height") or 0), "fps": round(fps, 3), "has_audio": audio is not None}
        elif audio is None:
            raise MediaError("the file has no audio stream")
        if audio is not None:
            meta |= {"sample_rate": int(audio.get("sample_rate") or 0),
                     "channels": audio.get("channels")}
    except (ValueError, TypeError, OverflowError) as exc:
        raise MediaError(f"unreadable {kind} stream metadata ({exc})") from None
    return meta
