"""The run folder: held by one run at a time, cleared of the last run's files, written
without following links.

A run takes an exclusive kernel lock on its folder (a second run into the same folder is
refused rather than interleaved; a run killed with -9 leaves no stale lock), removes what
the previous run there wrote (a manifest lists every file a run writes, before it writes
it), and writes each file under a fresh temporary name that is then renamed into place: a
link planted in the folder is replaced, never written through. Media are copied out of the
store, not hard-linked (editing a delivered file cannot corrupt the store or other runs),
and checked against their hash on the way.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path

from modalswitch.errors import RunFolderError, StoreIntegrityError
from modalswitch.tools.runtime.integrity import copy_hashed, discard

RESPONSE = "response.json"
TRACE = "trace.jsonl"
MANIFEST = ".modalswitch-files"
LOCK = ".modalswitch-lock"
_TMP_PREFIX = ".modalswitch-tmp-"


class RunFolder:
    """A run's folder, claimed for the length of one run."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None

    def claim(self) -> RunFolder:
        """Create or reuse the folder, lock it, and clear the previous run's files."""
        path = self.path
        if path.exists() and not path.is_dir():
            raise RunFolderError(path, "it exists and is not a folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
            fd = os.open(path / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise RunFolderError(path, f"cannot write there ({exc.strerror or exc})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunFolderError(path, "another run is writing into it; wait for it to "
                                       "finish or choose another folder") from None
        self._lock_fd = fd
        try:
            self._clear()
            new_file(path, TRACE)
        except OSError as exc:
            self.release()
            raise RunFolderError(path, f"cannot clear it ({exc.strerror or exc})") from None
        return self

    def release(self) -> None:
        """Let other runs use the folder."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> RunFolder:
        return self.claim()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _clear(self) -> None:
        names = set(_recorded(self.path)) | {RESPONSE, TRACE}
        names |= {p.name for p in self.path.glob(_TMP_PREFIX + "*")}
        for name in names:
            if _plain_name(name):
                with contextlib.suppress(OSError):
                    (self.path / name).unlink()  # a link itself goes, never its target
        write_text(self.path, MANIFEST, "", record=False)


def _plain_name(name: str) -> bool:
    """A file name directly inside the folder (no separators, no '.' or '..')."""
    return bool(name) and name not in (".", "..", LOCK) and "/" not in name and "\0" not in name


def _recorded(folder: Path) -> list[str]:
    """Names the last run wrote: the manifest, else (an older run) its response's media."""
    manifest = folder / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        return manifest.read_text(encoding="utf-8", errors="replace").splitlines()
    response = folder / RESPONSE
    try:
        data = json.loads(response.read_text(encoding="utf-8"))
        paths = [str(a["path"]) for a in data.get("artifacts", [])]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    return [Path(p).name for p in paths if Path(p).parent.resolve() == folder.resolve()]


def _record(folder: Path, name: str) -> None:
    """Note a file before it is written, so a rerun can remove it even after a crash."""
    fd = os.open(folder / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW,
                 0o644)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(name + "\n")


def new_file(folder: Path, name: str) -> Path:
    """Create an empty file (replacing whatever was there, links included), recorded."""
    _record(folder, name)
    return write_text(folder, name, "", record=False)


def write_text(folder: Path, name: str, text: str, *, record: bool = True) -> Path:
    """Write a file atomically: a fresh temporary name, then renamed over `name`."""
    if record:
        _record(folder, name)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TMP_PREFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / name)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return folder / name


def place(folder: Path, name: str, source: Path, sha256: str) -> Path:
    """Copy a store object into the folder as `name`, checking it against its hash on the
    way; a corrupt object is discarded and StoreIntegrityError raised (never delivered)."""
    _record(folder, name)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TMP_PREFIX)
    try:
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                got = copy_hashed(src, out)
        except OSError as exc:
            raise StoreIntegrityError(f"the stored file for {name} cannot be read "
                                      f"({exc.strerror or exc})") from None
        if got != sha256:
            discard(source)
            raise StoreIntegrityError(f"the stored file for {name} is corrupt (sha256 "
                                      f"{got[:12]}..., expected {sha256[:12]}...); it was "
                                      "removed and will be made again on the next run")
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / name)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return folder / name
