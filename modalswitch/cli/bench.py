"""`modalswitch bench`: executor overhead and parallelism, the planner's speed, and with
`--http` the HTTP service under N concurrent jobs.

Prints numbers and ratios; nothing here passes or fails. `modalswitch bench --gpu-checklist`
is the exception: on a machine with a CUDA GPU it runs every model-library tool on a real
checkpoint and checks what comes out (evals/bench/gpu_checklist.py); without one it says so.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from modalswitch.cli.common import ERR, Subparsers


def http_bench(jobs: int, workers: int) -> None:
    """Serve the fake tools on loopback and load the service with `jobs` concurrent jobs."""
    from modalswitch.agent.agent import Agent
    from modalswitch.agent.planners.scripted import ScriptedPlanner
    from modalswitch.evals.bench.http_load import http_load
    from modalswitch.interfaces.http.app import ServeConfig, create_app
    from modalswitch.interfaces.http.loopback import serve_in_thread
    from modalswitch.tools.fakes import fake_registry

    with tempfile.TemporaryDirectory(prefix="modalswitch-bench-") as home:
        agent = Agent(ScriptedPlanner([{"steps": []}]), fake_registry(), home=Path(home))
        app = create_app(agent, ServeConfig(workers=workers, queue=max(jobs, 64)))
        with serve_in_thread(app) as url:
            http_load(url, jobs)


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmarks."""
    if args.http:
        http_bench(args.jobs, args.workers)
        return 0
    if args.studio:
        from modalswitch.views.studio.bench import studio_timings

        for name, seconds in studio_timings(args.studio).items():
            print(f"studio {name:<13} {seconds:.3f}")
        return 0
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
                       "speed, the HTTP service (numbers, not tests)")
    p.add_argument("--no-llm", action="store_true", help="skip the planner benchmark")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--sleep", type=float, default=1.0)
    p.add_argument("--configs", default="base,routed,tuned,tuned-routed",
                   help="embedded planner configurations to compare ('' to skip)")
    p.add_argument("--http", action="store_true",
                   help="load the HTTP service with concurrent jobs on the fake tools")
    p.add_argument("--jobs", type=int, default=50, help="concurrent jobs (--http)")
    p.add_argument("--workers", type=int, default=4, help="service workers (--http)")
    p.add_argument("--studio", metavar="EVAL_DIR",
                   help="only time `modalswitch view` opening EVAL_DIR and filtering it")
    p.add_argument("--gpu-checklist", action="store_true",
                   help="instead: every model-library tool on a real checkpoint on the GPU, "
                        "checked against its expected output")
    p.add_argument("--only", help="with --gpu-checklist: these tools only, comma-separated")
    p.add_argument("--out", default="runs/gpu-checklist",
                   help="with --gpu-checklist: where inputs and results go")
    p.set_defaults(func=cmd_bench)
