"""Trust nothing on disk without a check: object hashes, verified copies, temp-file hygiene.

A store object is named by its sha256, so it can always be checked; a check is remembered
for as long as the file's inode, size and change times stay the same (any write or chmod
moves the change time, which no user tool can set back), so a busy store is not re-hashed
on every cache hit, yet an object edited in place is caught.

Temporary files live in one folder per process under the store's `tmp/`, each held by a
kernel lock (flock) for as long as the process lives. On start, folders whose lock nobody
holds belong to dead processes (a crash, a `kill -9`) and are removed; live ones are left
alone, so several processes can share a store.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import BinaryIO, ClassVar

_BLOCK = 1 << 20
_verified: dict[tuple[str, int, int, int, int], str] = {}
_verified_lock = threading.Lock()
LOOSE_TMP_AGE_S = 3600.0
"""Loose files in tmp/ (from older versions) older than this are orphans."""


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> tuple[str, int, int, int, int] | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def matches(path: Path, sha256: str) -> bool:
    """True when the file at `path` is a regular file whose bytes hash to `sha256`."""
    stamp = _stamp(path)
    if stamp is None or not path.is_file() or path.is_symlink():
        return False
    with _verified_lock:
        if _verified.get(stamp) == sha256:
            return True
    try:
        ok = sha256_file(path) == sha256
    except OSError:
        return False
    if ok and _stamp(path) == stamp:  # unchanged while it was read
        with _verified_lock:
            _verified[stamp] = sha256
    return ok


def copy_hashed(src: BinaryIO, dst: BinaryIO) -> str:
    """Copy one open file into another; the hex sha256 of what was copied."""
    digest = hashlib.sha256()
    for block in iter(lambda: src.read(_BLOCK), b""):
        digest.update(block)
        dst.write(block)
    return digest.hexdigest()


def discard(path: Path) -> None:
    """Remove a corrupt object so that the next import or run writes a good one."""
    with contextlib.suppress(OSError):
        path.unlink()


class TempArea:
    """This process's folder for temporary files under `root`, cleaned of dead ones."""

    _mine: ClassVar[dict[tuple[int, str], TempArea]] = {}
    _guard = threading.Lock()

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        # Locked under a name cleaners skip, then renamed: no cleaner ever sees it unlocked.
        pending = root / f".{name}.pending"
        self._lock_fd = os.open(pending, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                                0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # held until this process ends
        os.rename(pending, root / f"{name}.lock")
        self.path = root / name
        self.path.mkdir()
        self.removed = clean_orphans(root, keep=name)

    @classmethod
    def of(cls, root: Path) -> TempArea:
        """The one temp area of this process under `root` (made, and orphans cleaned, once)."""
        key = (os.getpid(), str(root))
        with cls._guard:
            area = cls._mine.get(key)
            if area is None or not area.path.is_dir():
                area = cls._mine[key] = cls(root)
            return area


def clean_orphans(root: Path, keep: str = "") -> int:
    """Remove temp folders under `root` whose owning process is gone; how many went."""
    removed = 0
    for lock in root.glob("*.lock"):
        name = lock.name[: -len(".lock")]
        if name == keep:
            continue
        try:
            fd = os.open(lock, os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a live process holds it
        try:
            shutil.rmtree(root / name, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed += 1
        finally:
            os.close(fd)
    cutoff = time.time() - LOOSE_TMP_AGE_S
    for entry in root.iterdir():
        if entry.suffix == ".lock" or entry.name == keep:
            continue
        try:
            st = entry.lstat()
        except OSError:
            continue
        has_lock = (root / f"{entry.name}.lock").exists()
        if not has_lock and st.st_mtime < cutoff:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed
