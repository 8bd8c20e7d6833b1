"""`modalswitch bench`: executor overhead and parallelism, and the planner's speed.

Prints numbers and ratios; nothing here passes or fails.
"""

from __future__ import annotations

import argparse

from modalswitch.cli.common import Subparsers


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmarks."""
    if args.studio:
        from modalswitch.views.studio.bench import studio_timings

        for name, seconds in studio_timings(args.studio).items():
            print(f"studio {name:<13} {seconds:.3f}")
        return 0
    from modalswitch.evals.bench.runtime import run_benchmarks

    run_benchmarks(args.steps, args.sleep, llm=not args.no_llm,
                   configs=[c for c in args.configs.split(",") if c])
    return 0


def register(sub: Subparsers) -> None:
    """Add `bench`."""
    p = sub.add_parser("bench", help="benchmarks: executor overhead, parallelism, planner "
                       "speed (numbers, not tests)")
    p.add_argument("--no-llm", action="store_true", help="skip the planner benchmark")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--sleep", type=float, default=1.0)
    p.add_argument("--configs", default="base,routed,tuned,tuned-routed",
                   help="embedded planner configurations to compare ('' to skip)")
    p.add_argument("--studio", metavar="EVAL_DIR",
                   help="only time `modalswitch view` opening EVAL_DIR and filtering it")
    p.set_defaults(func=cmd_bench)
