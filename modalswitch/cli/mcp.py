"""`modalswitch mcp`: the agent and its tools over the Model Context Protocol (stdio)."""

from __future__ import annotations

import argparse

from modalswitch.cli import common
from modalswitch.cli.common import Subparsers


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve the agent and its tools over MCP (stdio)."""
    from modalswitch.interfaces.mcp import MCPServer

    MCPServer(common.make_agent(args)).serve()
    return 0


def register(sub: Subparsers) -> None:
    """Add `mcp`."""
    p = sub.add_parser("mcp", help="serve the agent and its tools over MCP on stdio")
    p.set_defaults(func=cmd_mcp)
