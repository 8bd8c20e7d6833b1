"""Find a configured checkpoint on this machine, fetch it when asked, check it is whole.

A checkpoint is a local folder (or a whisper `.pt` file), a Hugging Face id already in the
local hub cache, or an openai-whisper size name already downloaded. Runs never reach the
network unless downloads are allowed: a missing checkpoint is one MissingModelError that
names the tool, the checkpoint and the command that gets it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

from modalswitch.errors import MissingModelError, NoNetworkError
from modalswitch.settings import config_path, models_dir
from modalswitch.tools.runtime.slots import SLOTS, Slot, allow_download

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
HUB_HOST = "huggingface.co"
WHISPER_HOST = "openaipublic.azureedge.net"


def whisper_dirs() -> list[Path]:
    """Folders searched for openai-whisper `.pt` files, first one is where pulls go."""
    xdg = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))
    return [Path(xdg) / "whisper", models_dir() / "whisper"]


def whisper_names() -> dict[str, str]:
    """openai-whisper model names and their download URLs."""
    import whisper

    return dict(whisper._MODELS)


def how_to_get(slot: Slot, checkpoint: str) -> str:
    """The sentence a MissingModelError ends with: how to get this checkpoint."""
    where = f"set {slot.env_var} or [models] {slot.name} in {config_path()}"
    if slot.kind == "whisper":
        return (f"Download it on a machine with network with `modalswitch models pull "
                f"openai-whisper:{checkpoint}` (it goes to {whisper_dirs()[0]}), or {where} "
                f"to a local .pt file.")
    return (f"Download it on a machine with network with `modalswitch models pull {checkpoint}` "
            f"(it goes to the Hugging Face cache), or {where} to a local folder saved with "
            f"save_pretrained. MODALSWITCH_ALLOW_DOWNLOAD=1 lets runs download it themselves.")


def how_to_pull(slot: Slot) -> str:
    """How to get a slot's real model onto this machine, in one line."""
    if slot.default:
        return (f"run `modalswitch models pull {slot.default}` on a machine with a network "
                f"(later runs load it from the local cache)")
    return (f"run `modalswitch models pull {slot.example}` on a machine with a network, then "
            f"set {slot.env_var}={slot.example} (or [models] {slot.name} = \"{slot.example}\" "
            f"in {config_path()})")


def not_configured(tool: str, slot: Slot) -> MissingModelError:
    """The error for a slot that has no checkpoint and no fallback."""
    return MissingModelError(
        tool, "(none configured)",
        f"Set {slot.env_var}=ID or [models] {slot.name} = \"ID\" in {config_path()} "
        f"(for example {slot.example}), then run `modalswitch models pull ID`.")


def _looks_like_path(checkpoint: str) -> bool:
    # A hub id is "name" or "org/name"; anything else can only be meant as a path.
    return (checkpoint.startswith((".", "/", "~")) or checkpoint.endswith(".pt")
            or "\\" in checkpoint or not _HUB_ID.match(checkpoint))


def resolve(tool: str, slot_name: str, checkpoint: str, *,
            download: bool | None = None) -> Path:
    """The local file or folder for a checkpoint, or MissingModelError saying how to get it.

    `download` (default: the allow_download setting) lets a missing hub checkpoint be fetched.
    """
    slot = SLOTS[slot_name]
    fetch = allow_download() if download is None else download
    local = Path(checkpoint).expanduser()
    if local.exists():
        return local.resolve()
    if slot.kind == "whisper":
        return _resolve_whisper(tool, slot, checkpoint, fetch)
    if _looks_like_path(checkpoint):
        raise MissingModelError(tool, checkpoint,
                                f"There is no such file or folder. {how_to_get(slot, checkpoint)}")
    cached = hub_cached(checkpoint)
    if cached is not None:
        return cached
    if fetch:
        try:
            return pull_hub(checkpoint)
        except (NoNetworkError, OSError) as exc:
            raise MissingModelError(tool, checkpoint,
                                    f"Downloading it failed ({exc}). "
                                    f"{how_to_get(slot, checkpoint)}") from None
    raise MissingModelError(tool, checkpoint,
                            f"It is not in the local Hugging Face cache. "
                            f"{how_to_get(slot, checkpoint)}")


def _resolve_whisper(tool: str, slot: Slot, name: str, fetch: bool) -> Path:
    names = whisper_names()
    if name not in names:
        raise MissingModelError(tool, name,
                                f"It is neither a .pt file nor an openai-whisper model name "
                                f"({', '.join(names)}). {how_to_get(slot, 'base')}")
    filename = names[name].rsplit("/", 1)[-1]
    for folder in whisper_dirs():
        if (folder / filename).exists():
            return folder / filename
    if fetch:
        try:
            return pull_whisper(name)
        except OSError as exc:
            raise MissingModelError(tool, name, f"Downloading it failed ({exc}). "
                                    f"{how_to_get(slot, name)}") from None
    raise MissingModelError(tool, name, f"{filename} is not in "
                            f"{' or '.join(map(str, whisper_dirs()))}. {how_to_get(slot, name)}")


def hub_cached(repo_id: str) -> Path | None:
    """The snapshot folder of a hub repo in the local cache, or None."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # every "not cached" flavour: missing, partial, bad id
        return None


def check_network(host: str | None = None, timeout_s: float = 5.0) -> None:
    """Raise NoNetworkError unless the host (default: the hub) answers on HTTPS in time."""
    host = host or HUB_HOST
    try:
        with socket.create_connection((host, 443), timeout=timeout_s):
            return
    except OSError as exc:
        raise NoNetworkError(f"cannot reach {host} ({exc.strerror or exc})") from None


def pull_hub(repo_id: str) -> Path:
    """Download a hub repo into the local Hugging Face cache and return its folder."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise OSError("huggingface_hub is not installed: pip install 'modalswitch[full]'") from None
    check_network()
    return Path(snapshot_download(repo_id))


def pull_whisper(name: str) -> Path:
    """Download an openai-whisper checkpoint by size name."""
    import whisper

    names = whisper_names()
    if name not in names:
        raise OSError(f"unknown openai-whisper model {name!r}; known: {', '.join(names)}")
    check_network(WHISPER_HOST)
    root = whisper_dirs()[0]
    root.mkdir(parents=True, exist_ok=True)
    return Path(whisper._download(names[name], str(root), False))


@dataclass(frozen=True)
class Verdict:
    """The result of checking one checkpoint."""

    ok: bool
    message: str


def verify(path: Path, whisper_name: str | None = None) -> Verdict:
    """Check a resolved checkpoint is complete: configs present, weights present, hashes right."""
    if path.is_file():
        if whisper_name and whisper_name in (names := whisper_names()):
            expected = names[whisper_name].split("/")[-2]
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != expected:
                return Verdict(False, f"sha256 {digest[:12]}… does not match {expected[:12]}…")
            return Verdict(True, "sha256 matches")
        return Verdict(path.stat().st_size > 0, f"{path.stat().st_size} bytes")
    index = path / "model_index.json"
    if index.exists():
        try:
            parts = json.loads(index.read_text(encoding="utf-8"))
        except ValueError as exc:
            return Verdict(False, f"model_index.json is not JSON ({exc})")
        missing = [name for name, value in parts.items()
                   if isinstance(value, list) and value[0] is not None
                   and not (path / name).is_dir()]
        if missing:
            return Verdict(False, f"diffusers pipeline lacks {', '.join(missing)}")
        empty = [name for name, value in parts.items()
                 if isinstance(value, list) and value[0] is not None and _is_model_part(path / name)
                 and not _has_weights(path / name)]
        if empty:
            return Verdict(False, f"no weight files in {', '.join(empty)}")
        count = sum(isinstance(v, list) for v in parts.values())
        return Verdict(True, f"diffusers pipeline, {count} components")
    if (path / "config.json").exists():
        if not _has_weights(path):
            return Verdict(False, "config.json but no weight files")
        return Verdict(True, "transformers checkpoint")
    return Verdict(False, "neither model_index.json nor config.json: not a checkpoint folder")


def _is_model_part(folder: Path) -> bool:
    return (folder / "config.json").exists()


def _has_weights(folder: Path) -> bool:
    patterns = ("*.safetensors", "*.bin", "*.pt", "*.pth", "*.ckpt", "*.onnx", "*.msgpack")
    return any(any(folder.glob(p)) for p in patterns)
