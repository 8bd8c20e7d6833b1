"""`modalswitch view [RUN_OR_EVAL_DIR ...] [--follow]`: the studio, a full-screen terminal app.

One eval folder opens the eval view, two open their comparison, a run folder (or a folder
of runs, the home's runs/ by default) the run view; an eval or run still being written is
followed live. Needs the `studio` extra (Textual).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modalswitch.cli.common import Subparsers
from modalswitch.errors import UserError
from modalswitch.settings import home


def cmd_view(args: argparse.Namespace) -> int:
    """Open the studio on the folders given."""
    try:
        from modalswitch.views.studio.app import studio
    except ImportError as exc:
        if not (exc.name or "").startswith("textual"):
            raise
        raise UserError(f"modalswitch view needs Textual ({exc.name} is missing): "
                        "pip install 'modalswitch[studio]'") from exc
    paths = [Path(p) for p in args.paths]
    if not paths:
        paths = [(Path(args.home) if args.home else home()) / "runs"]
    app = studio(paths, follow=args.follow)
    if not sys.stdout.isatty():
        raise UserError("modalswitch view draws a full-screen app and needs a terminal; "
                        "`modalswitch trace view` prints the same to a pipe")
    app.run()
    return 0


def register(sub: Subparsers) -> None:
    """Add `view`."""
    p = sub.add_parser("view", help="the studio: browse runs and evals in a full-screen "
                       "terminal app", description=__doc__.split("\n\n")[1] if __doc__ else "")
    p.add_argument("paths", nargs="*", metavar="RUN_OR_EVAL_DIR",
                   help="an eval folder, two to compare, a run folder or a folder of runs "
                        "(default: the home's runs/)")
    p.add_argument("--follow", "-f", action="store_true",
                   help="wait for a run folder that has no trace yet, and follow it")
    p.set_defaults(func=cmd_view)
