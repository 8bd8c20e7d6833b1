"""`modalswitch mcp`: the agent and its tools over the Model Context Protocol (stdio)."""

from __future__ import annotations

import argparse
import os
import sys

from modalswitch.cli import common
from modalswitch.cli.common import Subparsers, add_planner_options


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve the agent and its tools over MCP on stdio until the input ends."""
    import anyio

    from modalswitch.interfaces.mcp import serve_stdio

    agent = common.make_agent(args)
    # the protocol owns the real stdout; anything else printing (a library, a tool) goes
    # to stderr instead of corrupting the message stream
    wire = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    anyio.run(serve_stdio, agent, None, anyio.wrap_file(wire))
    return 0


def register(sub: Subparsers) -> None:
    """Add `mcp`."""
    p = sub.add_parser("mcp", help="serve the agent and its tools over MCP on stdio")
    add_planner_options(p)
    p.set_defaults(func=cmd_mcp)
