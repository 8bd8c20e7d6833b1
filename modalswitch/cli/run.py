"""`modalswitch run REQUEST [--input PATH]... [--out DIR] [--json]`: plan, execute, respond."""

from __future__ import annotations

import argparse
from pathlib import Path

from modalswitch.cli import common
from modalswitch.cli.common import ERR, OUT, Subparsers, add_inputs


def cmd_run(args: argparse.Namespace) -> int:
    """Plan and execute a request; write response.json and trace.jsonl."""
    from modalswitch.views.progress import RunProgress

    agent = common.make_agent(args)
    out = Path(args.out) if args.out else None
    with RunProgress(ERR) as progress:
        response = agent.run(args.request, args.input, out_dir=out, on_event=progress)
    ERR.print(f"[bold]run folder:[/bold] {response.run_dir}")
    if args.json:
        print(response.model_dump_json(indent=2))
    else:
        if response.text:
            OUT.print(response.text, markup=False, highlight=False, soft_wrap=True)
        for art in response.artifacts:
            OUT.print(f"[{art.modality}] {art.path}", markup=False, highlight=False,
                      soft_wrap=True)
    return 0 if response.ok else 1


def register(sub: Subparsers) -> None:
    """Add `run`."""
    p = sub.add_parser("run", help="plan and run a request")
    p.add_argument("request")
    add_inputs(p)
    p.add_argument("--out", "-o", metavar="DIR", help="run folder (default: a new one)")
    p.add_argument("--json", action="store_true", help="print the response as JSON")
    p.set_defaults(func=cmd_run)
