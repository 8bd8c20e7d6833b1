"""The promises a fuzz case is held to, as checks that return what is wrong (empty: fine)."""

from __future__ import annotations

import json
from pathlib import Path

from modalswitch.agent.run_folder import LOCK, MANIFEST, RESPONSE, TRACE
from modalswitch.agent.trace.tracer import read_trace
from modalswitch.errors import InputFileError
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore
from modalswitch.tools.runtime.completeness import (
    SLACK_S,
    SLACK_SHARE,
    estimated_duration,
    packet_seconds,
)
from modalswitch.tools.runtime.integrity import sha256_file


def check_run_folder(run_dir: Path, succeeded: bool) -> list[str]:
    """A finished run's folder: a trace that ends, and (after a response) only the response,
    the trace and the response's own artifacts, each a real file inside the folder."""
    problems: list[str] = []
    if not run_dir.exists():
        return problems  # refused before the folder was claimed (a bad plan text)
    trace = run_dir / TRACE
    events = read_trace(trace) if trace.is_file() else []
    if not events or events[-1].type != "run_end":
        problems.append("the trace does not end with run_end")
    if not succeeded:
        return problems
    try:
        response = json.loads((run_dir / RESPONSE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [*problems, f"no readable response.json ({exc})"]
    delivered = set()
    for artifact in response.get("artifacts", []):
        path = Path(artifact["path"])
        if path.parent.resolve() != run_dir.resolve() or path.is_symlink() or not path.is_file():
            problems.append(f"artifact {path} is not a file inside the run folder")
        delivered.add(path.name)
    extra = {p.name for p in run_dir.iterdir()} - delivered - {RESPONSE, TRACE, MANIFEST, LOCK}
    if extra:
        problems.append(f"unexpected files in the run folder: {sorted(extra)[:5]}")
    return problems


def check_imported(store: ArtifactStore, path: Path, data: bytes) -> tuple[str, list[str]]:
    """Import a file: ("accepted"|"rejected", problems). Accepted media must be stored
    intact and its metadata borne out by its data; a refusal must be an InputFileError."""
    try:
        artifact = store.import_input(path)
    except InputFileError:
        return "rejected", []
    except Exception as exc:
        return "crashed", [f"{type(exc).__name__}: {exc}"[:500]]
    if artifact.modality is Modality.TEXT:
        ok = artifact.text == data.decode("utf-8")
        return "accepted", [] if ok else ["the text differs from the file"]
    assert artifact.path is not None
    problems = []
    if artifact.path.read_bytes() != data or sha256_file(artifact.path) != artifact.sha256:
        problems.append("the stored object differs from the input or from its hash")
    problems += _meta_problems(artifact)
    return "accepted", problems


def _meta_problems(artifact: Artifact) -> list[str]:
    assert artifact.path is not None
    meta = artifact.meta
    if artifact.modality is Modality.IMAGE:
        from PIL import Image

        try:
            with Image.open(artifact.path) as img:
                img.load()
                size = img.size
        except Exception as exc:
            return [f"an accepted image does not decode: {exc}"]
        return [] if size == (meta["width"], meta["height"]) else ["image size differs"]
    declared = float(meta.get("duration_s", 0.0))
    if artifact.mime in ("audio/wav", "audio/flac", "audio/ogg"):
        import soundfile

        frames = 0
        try:
            with soundfile.SoundFile(str(artifact.path)) as fh:
                while block := len(fh.read(1 << 16, dtype="int16", always_2d=True)):
                    frames += block
                rate = fh.samplerate
        except Exception as exc:
            return [f"accepted audio does not decode: {exc}"]
        real = frames / rate
    elif estimated_duration(artifact.path, artifact.mime):
        return []
    else:
        reached = packet_seconds(artifact.path)
        if reached is None:
            return []
        real = reached
    if declared - real > SLACK_S + SLACK_SHARE * declared:
        return [f"metadata says {declared:.2f} s but the data holds {real:.2f} s"]
    return []
