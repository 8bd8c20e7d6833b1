"""Is all of a media file there? A header can promise more than the bytes hold.

A WAV cut short keeps its header, a truncated MP3 keeps its Xing/Info frame count, a
front-indexed MP4 cut in half keeps its full index: each still announces its whole duration.
These checks measure what the data really holds (the WAV data chunk against the file size,
every frame of a FLAC/Ogg decoded, every packet of an ffmpeg-read file listed) so that a cut
file fails at import instead of quietly losing its end in a transcript.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Literal

from modalswitch.errors import MediaError

SLACK_S = 0.2
"""Container durations and packet timings legitimately differ by a frame or two."""
SLACK_SHARE = 0.02


def ffmpeg_input(path: Path) -> str:
    """A path as ffmpeg and ffprobe must be given it: absolute and with the `file:` protocol,
    so a name can never be read as an option (`-report`) or a protocol (`concat:`)."""
    return "file:" + str(Path(path).absolute())


def wav_shortfall(path: Path) -> int:
    """Bytes a WAV's data chunk promises beyond the end of the file (0 when all there)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            return 0  # RF64 and friends: soundfile's own checks apply
        order: Literal["little", "big"] = "little" if head[:4] == b"RIFF" else "big"
        pos = 12
        for _ in range(10_000):  # a hostile file may chain chunks forever
            fh.seek(pos)
            chunk = fh.read(8)
            if len(chunk) < 8:
                return 0
            length = int.from_bytes(chunk[4:8], order)
            if chunk[:4] == b"data":
                if length in (0, 0xFFFFFFFF):  # written while streaming: size unknown
                    return 0
                return max(0, pos + 8 + length - size)
            pos += 8 + length + (length & 1)
    return 0


def check_wav_complete(path: Path) -> None:
    """MediaError when a WAV's data is shorter than its header says."""
    missing = wav_shortfall(path)
    if missing:
        raise MediaError(f"the audio is truncated: its header promises {missing} more bytes "
                         "of samples than the file holds")


def decoded_frames(path: Path, declared: int) -> int:
    """Decode every frame of a soundfile-readable file; MediaError if fewer than declared."""
    import soundfile

    count = 0
    try:
        with soundfile.SoundFile(str(path)) as fh:
            while block := len(fh.read(1 << 16, dtype="int16", always_2d=True)):
                count += block
    except Exception as exc:  # libsndfile reports lost sync, bad blocks, ...
        raise MediaError(f"corrupt or truncated audio ({exc})") from exc
    if count < declared:
        raise MediaError(f"the audio is truncated: {count} of {declared} frames decode")
    return count


def packet_seconds(path: Path, timeout_s: float = 300) -> float | None:
    """Where the file's packets really end, in seconds: the latest packet start plus its
    length, over every stream (None without ffprobe). Packets are listed, not decoded, so
    this costs one read of the file."""
    exe = shutil.which("ffprobe")
    if exe is None:
        return None
    try:
        proc = subprocess.run(
            [exe, "-v", "error", "-show_entries", "packet=pts_time,duration_time",
             "-of", "csv=p=0", "-i", ffmpeg_input(path)],
            capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise MediaError(f"reading the file took over {timeout_s:g} s") from None
    end = 0.0
    for line in proc.stdout.splitlines():
        start, _, length = line.decode("ascii", "replace").partition(",")
        try:
            end = max(end, float(start) + (float(length) if length.strip() else 0.0))
        except ValueError:
            continue  # N/A: a packet without a timestamp
    return end


def estimated_duration(path: Path, mime: str) -> bool:
    """True when ffprobe's duration is a guess from the bitrate (an MP3 without a
    Xing/Info/VBRI frame): such a file announces nothing, so it cannot fall short."""
    if mime != "audio/mpeg":
        return False
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    return not any(tag in head for tag in (b"Xing", b"Info", b"VBRI"))


def check_duration_complete(path: Path, mime: str, declared_s: float) -> None:
    """MediaError when the packets end well before the duration the container declares."""
    if estimated_duration(path, mime):
        return
    reached = packet_seconds(path)
    if reached is None:
        return
    if reached <= 0.0 and declared_s > 0.0:
        raise MediaError("the file holds no readable media packets")
    if declared_s - reached > SLACK_S + SLACK_SHARE * declared_s:
        raise MediaError(f"the file is truncated: it declares {declared_s:.2f} s but its "
                         f"data ends at {reached:.2f} s")
