"""The `modalswitch` command line: one parser, one module per command.

Machine-readable output (`--json`, response.json) goes to stdout or files; progress and
human messages go to stderr, so scripts can pipe the JSON. Exit codes come from the error
classes (modalswitch.errors): 0 ok, 1 failed steps, 2 bad input, 3 no valid plan.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from modalswitch.cli import (
    bench,
    chat,
    demo,
    eval,
    fuzz,
    mcp,
    models,
    plan,
    replay,
    run,
    serve,
    tools,
    trace,
    train,
    view,
)
from modalswitch.cli.common import ERR
from modalswitch.errors import ModalswitchError, PlannerError, UserError

COMMANDS = (run, plan, replay, chat, serve, tools, trace, view, eval, models, train, mcp, bench,
            fuzz, demo)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="modalswitch",
        description="Any-to-any multimodal requests, planned by an LLM over typed tools.")
    parser.add_argument("--home", help="store, caches and runs (default $MODALSWITCH_HOME "
                        "or ~/.cache/modalswitch)")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `modalswitch` script."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # usage errors and --help: argparse has printed why
        return exc.code if isinstance(exc.code, int) else 2
    try:
        code: int = args.func(args)
    except ModalswitchError as exc:
        label = ("planner error" if isinstance(exc, PlannerError) else
                 "error" if isinstance(exc, UserError) else type(exc).__name__)
        ERR.print(f"[red]{label}:[/red] {exc}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        ERR.print("interrupted")
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
