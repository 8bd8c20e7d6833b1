"""Seed media files and hostile mutations of them: truncated, bit-flipped, mislabelled,
with impossible header fields, with junk before or after.

`make_seeds` writes one small valid file of each kind the store accepts (the formats that
need ffmpeg only where it is installed); `mutated_files` draws a seed and one to three
mutations, and gives back the bytes and the file name they are saved under.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

from hypothesis import strategies as st

from modalswitch.tools.fakes import write_tone_wav

EXTENSIONS = [".png", ".jpg", ".gif", ".bmp", ".webp", ".wav", ".flac", ".ogg", ".mp3",
              ".mp4", ".webm", ".txt", ".bin", ""]


def make_seeds(folder: Path) -> dict[str, bytes]:
    """One small valid file of each kind, by name."""
    import numpy as np
    import soundfile
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (40, 30), (200, 40, 90))
    for ext, fmt in ((".png", "PNG"), (".jpg", "JPEG"), (".gif", "GIF"), (".bmp", "BMP"),
                     (".webp", "WEBP")):
        image.save(folder / f"seed{ext}", fmt)
    write_tone_wav(folder / "seed.wav", seconds=1.0)
    tone = 0.3 * np.sin(np.arange(16000) * 2 * np.pi * 440 / 16000)
    soundfile.write(str(folder / "seed.flac"), tone, 16000)
    soundfile.write(str(folder / "seed.ogg"), tone, 16000, format="OGG", subtype="VORBIS")
    (folder / "seed.txt").write_text("a plain note\nwith two lines\n", encoding="utf-8")
    if shutil.which("ffmpeg"):
        quiet = ["ffmpeg", "-nostdin", "-y", "-loglevel", "error"]
        subprocess.run([*quiet, "-i", str(folder / "seed.wav"), "-b:a", "32k",
                        str(folder / "seed.mp3")], check=True, capture_output=True)
        source = ["-f", "lavfi", "-i", "testsrc=duration=2:size=64x48:rate=8",
                  "-f", "lavfi", "-i", "sine=duration=2"]
        subprocess.run([*quiet, *source, "-c:v", "libx264", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-movflags", "+faststart", "-shortest",
                        str(folder / "seed.mp4")], check=True, capture_output=True)
        subprocess.run([*quiet, *source, "-c:v", "libvpx", "-c:a", "libvorbis", "-shortest",
                        str(folder / "seed.webm")], check=False, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.stat().st_size}


def _huge_header(data: bytes) -> bytes:
    """Set the size fields a parser trusts to absurd values."""
    out = bytearray(data)
    if data[:4] == b"RIFF" and len(data) >= 44:
        struct.pack_into("<I", out, 40, 0x7FFFFFF0)  # the data chunk of a plain WAV
    elif data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        struct.pack_into(">II", out, 16, 0x7FFFFFFF, 0x7FFFFFFF)
    elif data[:3] == b"ID3" and len(data) >= 10:
        out[6:10] = b"\x7f\x7f\x7f\x7f"
    elif len(data) >= 8:
        struct.pack_into(">I", out, 0, 0xFFFFFFF0)  # an MP4 box length, and the like
    return bytes(out)


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One hostile change to a file's bytes."""
    kind = draw(st.sampled_from(["truncate", "truncate", "flip", "huge", "insert", "append",
                                 "prepend", "empty", "keep"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if kind == "flip" and data:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 16))):
            at = draw(st.integers(0, len(out) - 1))
            out[at] ^= 1 << draw(st.integers(0, 7))
        return bytes(out)
    if kind == "huge":
        return _huge_header(data)
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if kind == "append":
        return data + draw(st.binary(min_size=1, max_size=4096))
    if kind == "prepend":
        return draw(st.binary(min_size=1, max_size=16)) + data
    if kind == "empty":
        return b""
    return data


@st.composite
def mutated_files(draw: st.DrawFn, seeds: dict[str, bytes]) -> tuple[str, bytes, str]:
    """(file name, bytes, the seed it came from): a seed under one to three mutations,
    saved under its own extension or, mislabelled, under another."""
    seed = draw(st.sampled_from(sorted(seeds)))
    data = seeds[seed]
    for _ in range(draw(st.integers(1, 3))):
        data = draw(mutation(data))
    ext = Path(seed).suffix if draw(st.booleans()) else draw(st.sampled_from(EXTENSIONS))
    return f"sample{ext}", data, seed
