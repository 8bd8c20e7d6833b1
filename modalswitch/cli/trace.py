"""`modalswitch trace show RUN_DIR` and `trace view RUN_OR_EVAL_DIR [--case ID]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from modalswitch.cli.common import OUT, Subparsers


def cmd_show(args: argparse.Namespace) -> int:
    """Print a run's trace as a tree."""
    from modalswitch.views.trace_tree import show_trace

    return show_trace(Path(args.path), OUT)


def cmd_view(args: argparse.Namespace) -> int:
    """Browse a run or eval folder's traces."""
    from modalswitch.views.eval_browser import view_trace

    return view_trace(Path(args.path), args.case, OUT)


def register(sub: Subparsers) -> None:
    """Add `trace show` and `trace view`."""
    trace = sub.add_parser("trace", help="inspect run traces")
    verbs = trace.add_subparsers(dest="trace_command", required=True)
    show = verbs.add_parser("show", help="print a run's trace as a tree")
    show.add_argument("path", metavar="RUN_DIR")
    show.set_defaults(func=cmd_show)
    view = verbs.add_parser("view", help="browse the cases of a run or eval folder")
    view.add_argument("path", metavar="RUN_OR_EVAL_DIR")
    view.add_argument("--case", help="show one case in detail")
    view.set_defaults(func=cmd_view)
