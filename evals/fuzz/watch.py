"""Watch every file the process touches (Python's audit hooks), to prove what a run reads.

While a `FileWatch` is active, each `open`, remove, rename, link, mkdir and chmod in any
thread, and the arguments of every subprocess, are checked against the roots a run may
use. Reads may also touch the Python installation and system libraries (imports, codecs);
writes may not leave the allowed roots; nothing may touch the `forbidden` roots (bait files
a hostile plan names). A hook cannot be removed once added, so one hook is installed and
switched on and off.
"""

from __future__ import annotations

import itertools
import os
import sys
import sysconfig
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_active: list[FileWatch] = []
_installed = False
_install_lock = threading.Lock()
_WRITE_EVENTS = {"os.remove", "os.rename", "os.link", "os.symlink", "os.mkdir", "os.chmod",
                 "os.rmdir", "os.truncate", "shutil.rmtree", "shutil.copyfile", "shutil.move"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _system_roots() -> list[str]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/lib", "/lib64", "/etc",
             "/proc", "/sys", "/dev", "/run", "/opt", "/var/lib", "/var/cache/fontconfig"}
    roots |= {p for p in sysconfig.get_paths().values() if p}
    roots |= {p for p in sys.path if p and os.path.isdir(p)}
    return sorted(os.path.abspath(r) for r in roots)


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


class FileWatch:
    """Collects accesses outside the allowed roots while active (a context manager)."""

    def __init__(self, read: Iterable[Path], write: Iterable[Path],
                 forbidden: Iterable[Path] = ()) -> None:
        self.write_roots = [os.path.abspath(p) for p in write]
        self.read_roots = [os.path.abspath(p) for p in read] + self.write_roots
        self.system = _system_roots()
        self.forbidden = [os.path.abspath(p) for p in forbidden]
        self.violations: list[str] = []
        self.subprocesses: list[list[str]] = []
        self._lock = threading.Lock()

    def __enter__(self) -> FileWatch:
        _install()
        _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _active.remove(self)

    def allow_read(self, paths: Iterable[Path]) -> None:
        """Add files or folders that may be read (a run's inputs)."""
        self.read_roots += [os.path.abspath(p) for p in paths]

    def _flag(self, message: str) -> None:
        with self._lock:
            if len(self.violations) < 100:
                self.violations.append(message)

    def saw_open(self, path: str, writing: bool) -> None:
        """Check one file access."""
        if _under(path, self.forbidden):
            self._flag(f"touched a forbidden file: {path}")
        elif writing and not _under(path, self.write_roots):
            self._flag(f"wrote outside the run folder and home: {path}")
        elif not writing and not _under(path, self.read_roots + self.system):
            self._flag(f"read outside the inputs, run folder and home: {path}")

    def saw_subprocess(self, argv: list[str]) -> None:
        """Check a subprocess's arguments: file inputs absolute and behind `file:`."""
        with self._lock:
            self.subprocesses.append(argv)
        for flag, value in itertools.pairwise(argv):
            if flag == "-i" and not value.startswith("file:/") and value not in ("-", "pipe:0"):
                self._flag(f"an ffmpeg input that is not an absolute file: path: {value!r}")
        for arg in argv[1:]:
            path = arg[len("file:"):] if arg.startswith("file:") else arg
            if path.startswith("/") and _under(os.path.abspath(path), self.forbidden):
                self._flag(f"a subprocess was given a forbidden file: {arg}")


def _path_of(value: Any) -> str | None:
    if isinstance(value, int):
        return None  # an already-open descriptor
    try:
        return os.path.abspath(os.fsdecode(value))
    except (TypeError, ValueError):
        return None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    if event == "open":
        path = _path_of(args[0])
        if path is None:
            return
        mode, flags = args[1], args[2] if len(args) > 2 else 0
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        for watch in list(_active):
            watch.saw_open(path, writing)
    elif event in _WRITE_EVENTS:
        targets = [_path_of(a) for a in args[:2] if isinstance(a, str | bytes | os.PathLike)]
        for path in [t for t in targets if t]:
            for watch in list(_active):
                watch.saw_open(path, writing=True)
    elif event == "subprocess.Popen":
        argv = [os.fsdecode(a) for a in (args[1] or [])] if isinstance(args[1], list | tuple) \
            else [str(args[1])]
        for watch in list(_active):
            watch.saw_subprocess(argv)


def _install() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
