"""What the command modules share: the two consoles and the agent a command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from modalswitch.agent.agent import Agent
    from modalswitch.agent.response import Response

ERR = Console(stderr=True)
"""Progress and messages for people."""
OUT = Console()
"""Results (plain or JSON) for people and scripts."""

Subparsers = Any
"""argparse's subparsers action (its type is private)."""


def make_agent(args: argparse.Namespace) -> Agent:
    """The agent a command runs: the planner and writer named by `--planner`/`--writer`
    (else the settings), the default tools, in `--home`."""
    from modalswitch.agent.agent import Agent

    return Agent(getattr(args, "planner", None), home=Path(args.home) if args.home else None,
                 writer=getattr(args, "writer", None))


def add_inputs(parser: argparse.ArgumentParser) -> None:
    """The request's files: after the request (`run "transcribe this" call.wav`) or as
    `--input PATH` (repeatable). Call after adding the request argument."""
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="input files (the request's photos, recordings, videos...)")
    parser.add_argument("--input", "-i", action="append", default=[], metavar="PATH",
                        help="an input file (repeat for several)")


def input_paths(args: argparse.Namespace) -> list[str]:
    """The files given after the request, then those given with --input.

    A word after the request that names no file is most likely the rest of a request typed
    without quotes: that is said, rather than "file not found"."""
    from modalswitch.errors import UserError

    for name in args.files:
        if not Path(name).exists():
            hint = ("" if Path(name).suffix or "/" in name else
                    ". Files come after the request, and a request of several words goes in "
                    f"quotes: modalswitch {args.command} \"describe this photo\" photo.jpg")
            raise UserError(f"no such file: {name!r}{hint}")
    return [*args.files, *args.input]


def add_planner_options(parser: argparse.ArgumentParser) -> None:
    """`--planner SPEC` and `--writer SPEC`."""
    parser.add_argument("--planner", metavar="SPEC",
                        help="an embedded configuration (base, routed, tuned, tuned-routed), "
                             "openai:MODEL or ollama:MODEL (default $MODALSWITCH_PLANNER)")
    parser.add_argument("--writer", metavar="SPEC",
                        help="the chat model for text answers and text tools, e.g. "
                             "openai:MODEL (default: the planner's)")


def print_response(response: Response, as_json: bool) -> int:
    """Print a response (text and artifact paths, or JSON); its exit code."""
    ERR.print(f"[bold]run folder:[/bold] {response.run_dir}")
    if as_json:
        print(response.model_dump_json(indent=2))
    else:
        if response.text:
            OUT.print(response.text, markup=False, highlight=False, soft_wrap=True)
        for art in response.artifacts:
            OUT.print(f"[{art.modality}] {art.path}", markup=False, highlight=False,
                      soft_wrap=True)
    return 0 if response.ok else 1
