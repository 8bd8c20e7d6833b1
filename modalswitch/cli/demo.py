"""`modalswitch demo [--out DIR]`: draw a sign, then read it out loud with the default planner.

Writes DIR/inputs/sign.png and DIR/inputs/memo.wav (real media made here), then runs
"read the sign in this photo out loud" into DIR/sign (response.json, the .wav, trace.jsonl).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from modalswitch.cli import run
from modalswitch.cli.common import ERR, Subparsers, add_planner_options

REQUEST = "read the sign in this photo out loud"


def cmd_demo(args: argparse.Namespace) -> int:
    """Make the demo inputs and run the demo request."""
    from modalswitch.evals.bench.demo_media import draw_sign, speak_memo

    out = Path(args.out)
    inputs = out / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    sign = draw_sign(inputs / "sign.png")
    speak_memo(inputs / "memo.wav")
    ERR.print(f"demo inputs in {inputs}; now: modalswitch run {REQUEST!r} --input {sign}")
    # parsed by `run`'s own parser, so the run gets every option `run` has, with its defaults
    parser = argparse.ArgumentParser(prog="modalswitch")
    run.register(parser.add_subparsers(dest="command", required=True))
    argv = ["run", REQUEST, "--input", str(sign), "--out", str(out / "sign")]
    for option in ("planner", "writer"):
        if getattr(args, option):
            argv += [f"--{option}", getattr(args, option)]
    run_args = parser.parse_args(argv)
    run_args.home = args.home
    code: int = run_args.func(run_args)
    return code


def register(sub: Subparsers) -> None:
    """Add `demo`."""
    p = sub.add_parser("demo", help="make a photo of a sign and read it out loud")
    p.add_argument("--out", "-o", default="runs/demo", metavar="DIR")
    add_planner_options(p)
    p.set_defaults(func=cmd_demo)
