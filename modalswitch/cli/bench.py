"""`modalswitch bench`: executor overhead and parallelism, and the planner's speed.

Prints numbers and ratios; nothing here passes or fails. `modalswitch bench --gpu-checklist`
is the exception: on a machine with a CUDA GPU it runs every model-library tool on a real
checkpoint and checks what comes out (evals/bench/gpu_checklist.py); without one it says so.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from modalswitch.cli.common import ERR, Subparsers


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmarks (or the GPU checklist)."""
    if args.gpu_checklist:
        return gpu_checklist(args)
    from modalswitch.evals.bench.runtime import run_benchmarks

    run_benchmarks(args.steps, args.sleep, llm=not args.no_llm,
                   configs=[c for c in args.configs.split(",") if c])
    return 0


def gpu_checklist(args: argparse.Namespace) -> int:
    """Run the GPU checklist; 1 when a check failed, 0 when all passed or were skipped."""
    from modalswitch.evals.bench.gpu_checklist import gpu_missing, run_checklist

    why_not = gpu_missing()
    if why_not:
        ERR.print(f"[yellow]GPU checklist skipped:[/yellow] {why_not}. Run it on a machine "
                  "with a CUDA GPU and the checkpoints pulled.", highlight=False)
    only = [t for t in (args.only or "").split(",") if t] or None
    results = run_checklist(Path(args.out), only)
    for r in results:
        print(f"{r.status:<5} {r.tool:<28} {r.seconds:6.1f}s  {r.detail}")
    return 1 if any(r.status == "fail" for r in results) else 0


def register(sub: Subparsers) -> None:
    """Add `bench`."""
    p = sub.add_parser("bench", help="benchmarks: executor overhead, parallelism, planner "
                       "speed (numbers, not tests)")
    p.add_argument("--no-llm", action="store_true", help="skip the planner benchmark")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--sleep", type=float, default=1.0)
    p.add_argument("--configs", default="base,routed,tuned,tuned-routed",
                   help="embedded planner configurations to compare ('' to skip)")
    p.add_argument("--gpu-checklist", action="store_true",
                   help="instead: every model-library tool on a real checkpoint on the GPU, "
                        "checked against its expected output")
    p.add_argument("--only", help="with --gpu-checklist: these tools only, comma-separated")
    p.add_argument("--out", default="runs/gpu-checklist",
                   help="with --gpu-checklist: where inputs and results go")
    p.set_defaults(func=cmd_bench)
