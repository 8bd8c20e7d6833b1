"""`modalswitch run REQUEST [FILE]... [--input PATH]... [--plan PLAN.json] [--out DIR]
[--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from modalswitch.agent.plan.model import Plan
from modalswitch.cli import common
from modalswitch.cli.common import (
    ERR,
    Subparsers,
    add_inputs,
    add_planner_options,
    input_paths,
)
from modalswitch.errors import UserError


def read_plan(path: str) -> Plan:
    """The plan in a JSON file the user passed (UserError when unreadable, PlanError when
    it is not a plan)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"plan file {path}: {exc}") from exc
    return Plan.parse(text)


def cmd_run(args: argparse.Namespace) -> int:
    """Plan (or take --plan) and execute a request; write response.json and trace.jsonl."""
    from modalswitch.views.progress import RunProgress

    plan = read_plan(args.plan) if args.plan else None
    files = input_paths(args)
    agent = common.make_agent(args)
    out = Path(args.out) if args.out else None
    with RunProgress(ERR) as progress:
        response = agent.run(args.request, files, out_dir=out, plan=plan,
                             on_event=progress)
    return common.print_response(response, args.json)


def register(sub: Subparsers) -> None:
    """Add `run`."""
    p = sub.add_parser("run", help="plan and run a request")
    p.add_argument("request")
    add_inputs(p)
    add_planner_options(p)
    p.add_argument("--plan", metavar="PLAN.json", help="run this plan instead of planning")
    p.add_argument("--out", "-o", metavar="DIR", help="run folder (default: a new one)")
    p.add_argument("--json", action="store_true", help="print the response as JSON")
    p.set_defaults(func=cmd_run)
