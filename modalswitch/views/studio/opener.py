"""Open a file with the system's viewer, or play a sound, from the studio.

Started detached with no terminal attached (the studio owns the screen), and never waited
on. Over ssh the viewer runs on the remote machine, so when none is found the studio says
so and shows the path to copy instead.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

VIEWERS = (["xdg-open"], ["open"], ["wslview"])
PLAYERS = (["ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"], ["paplay"], ["aplay", "-q"],
           ["afplay"], ["pw-play"])

Opener = Callable[[str, Path], str]
"""(action "open" or "play", file) -> a message for the user."""


def _first_available(commands: tuple[list[str], ...]) -> list[str] | None:
    return next((c for c in commands if shutil.which(c[0])), None)


def launch(action: str, path: Path) -> str:
    """Open (or play) a file in the background; returns what happened, in words."""
    if not Path(path).is_file():
        return f"{path} is missing"
    command = _first_available(PLAYERS if action == "play" else VIEWERS)
    if command is None:
        kind = "audio player (ffplay, paplay, aplay)" if action == "play" else "viewer (xdg-open)"
        return f"no {kind} here; the file is {path}"
    subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)
    verb = "playing" if action == "play" else "opened"
    return f"{verb} {Path(path).name} with {command[0]}"
