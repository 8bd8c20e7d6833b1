"""`modalswitch tools [--json]`: the tool registry."""

from __future__ import annotations

import argparse
import json

from rich.table import Table

from modalswitch.cli.common import OUT, Subparsers


def cmd_tools(args: argparse.Namespace) -> int:
    """List the registry."""
    from modalswitch.tools.catalog import default_registry

    registry = default_registry()
    if args.json:
        print(json.dumps(registry.describe(), indent=2))
        return 0
    table = Table("tool", "in", "out", "backend", "checkpoint", "description")
    for tool in registry:
        table.add_row(tool.name, ",".join(m.value for m in tool.input_modalities),
                      ",".join(m.value for m in tool.output_modalities), tool.backend,
                      tool.checkpoint or "", tool.description)
    OUT.print(table)
    return 0


def register(sub: Subparsers) -> None:
    """Add `tools`."""
    p = sub.add_parser("tools", help="list the tool registry")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tools)
