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
    """`--input PATH` (repeatable): the request's files."""
    parser.add_argument("--input", "-i", action="append", default=[], metavar="PATH",
                        help="an input file (repeat for several)")


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
