"""`modalswitch replay RUN_DIR [--out DIR] [--json]`: run a recorded run's plan again."""

from __future__ import annotations

import argparse
from pathlib import Path

from modalswitch.cli import common
from modalswitch.cli.common import ERR, Subparsers


def cmd_replay(args: argparse.Namespace) -> int:
    """Re-execute the plan recorded in RUN_DIR on its inputs (the step cache applies)."""
    from modalswitch.agent.trace.replay import recorded_run
    from modalswitch.views.progress import RunProgress

    recorded = recorded_run(Path(args.run_dir))
    agent = common.make_agent(args)
    with RunProgress(ERR) as progress:
        response = agent.run(recorded.request, recorded.inputs, plan=recorded.plan,
                             out_dir=Path(args.out) if args.out else None, on_event=progress)
    return common.print_response(response, args.json)


def register(sub: Subparsers) -> None:
    """Add `replay`."""
    p = sub.add_parser("replay", help="run the plan of a recorded run again (cache honoured)")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--out", "-o", metavar="DIR", help="run folder (default: a new one)")
    p.add_argument("--json", action="store_true", help="print the response as JSON")
    p.set_defaults(func=cmd_replay)
