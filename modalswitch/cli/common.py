"""What the command modules share: the two consoles and the agent a command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from modalswitch.agent.agent import Agent

ERR = Console(stderr=True)
"""Progress and messages for people."""
OUT = Console()
"""Results (plain or JSON) for people and scripts."""

Subparsers = Any
"""argparse's subparsers action (its type is private)."""


def make_agent(args: argparse.Namespace) -> Agent:
    """The agent a command runs: the default planner and tools, in `--home`."""
    from modalswitch.agent.agent import Agent

    return Agent(home=Path(args.home) if args.home else None)


def add_inputs(parser: argparse.ArgumentParser) -> None:
    """`--input PATH` (repeatable): the request's files."""
    parser.add_argument("--input", "-i", action="append", default=[], metavar="PATH",
                        help="an input file (repeat for several)")
