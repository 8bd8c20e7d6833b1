"""Benchmarks: the executor's overhead and parallelism, and the embedded planner's speed.

    python -m modalswitch.evals.bench            # everything (the planner part takes minutes)
    python -m modalswitch.evals.bench --no-llm   # executor only

Prints numbers and ratios; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ..agent.agent import Agent
from ..agent.executor import ExecutionPolicy
from ..agent.fakes import ScriptedPlanner
from ..agent.trace import PlanAttempt, Tracer
from ..agent.validate import InputSpec
from ..tools.base import ToolContext
from ..tools.fakes import SlowIn, fake_registry
from ..tools.modality import Modality
from ..tools.model_cache import ModelCache

PLANNER_REQUESTS = [
    ("transcribe this recording", [InputSpec("memo.wav", Modality.AUDIO)]),
    ("read the sign in this photo out loud", [InputSpec("sign.png", Modality.IMAGE)]),
    ("What is the capital of France?", []),
    ("describe this picture", [InputSpec("holiday.jpg", Modality.IMAGE)]),
]


def executor_overhead(steps: int, home: Path) -> None:
    """Per-step cost of the executor around a tool that does nothing."""
    registry = fake_registry()
    tool = registry.get("sleep")
    plan = {"steps": [{"id": f"s{i}", "tool": "sleep",
                       "args": {"text": f"@s{i - 1}.text" if i else "x", "seconds": 0}}
                      for i in range(steps)], "outputs": [f"@s{steps - 1}.text"]}
    agent = Agent(ScriptedPlanner([plan]), registry, home=home,
                  policy=ExecutionPolicy(use_cache=False))
    start = time.perf_counter()
    agent.run("chain", out_dir=home / "overhead")
    through_executor = time.perf_counter() - start
    ctx = ToolContext(agent.store, ModelCache(), "s0", "sleep", home)
    start = time.perf_counter()
    for _ in range(steps):
        tool.run(SlowIn(text="x", seconds=0), ctx)
    direct = time.perf_counter() - start
    per_step_ms = (through_executor - direct) / steps * 1000
    print(f"executor overhead: {steps} chained no-op steps in {through_executor:.3f} s "
          f"(direct calls {direct:.4f} s) -> {per_step_ms:.2f} ms per step, run included")


def parallelism(seconds: float, home: Path) -> None:
    """Two independent slow steps against one."""
    def wall(n: int) -> float:
        plan = {"steps": [{"id": f"s{i}", "tool": "sleep",
                           "args": {"text": f"t{i}", "seconds": seconds}} for i in range(n)]}
        agent = Agent(ScriptedPlanner([plan]), fake_registry(), home=home,
                      policy=ExecutionPolicy(use_cache=False))
        start = time.perf_counter()
        agent.run("sleep", out_dir=home / f"par{n}")
        return time.perf_counter() - start

    one, two = wall(1), wall(2)
    print(f"parallelism: one {seconds:g} s step {one:.3f} s, two independent {two:.3f} s "
          f"-> ratio {two / one:.2f} (1.00 = perfectly parallel, 2.00 = serial)")


def planner_speed() -> None:
    """Load, first and warm plan latency and tokens of the embedded planner."""
    from ..agent.embedded import embedded_planner
    from ..tools.catalog import default_registry

    start = time.perf_counter()
    planner = embedded_planner(default_registry())
    setup_s = time.perf_counter() - start
    tracer = Tracer()
    timings = []
    for request, inputs in PLANNER_REQUESTS:
        t0 = time.perf_counter()
        planner.plan(request, inputs, tracer)
        timings.append(time.perf_counter() - t0)
    load_s = getattr(planner.llm, "load_s", None)
    attempts = [e for e in tracer.events if isinstance(e, PlanAttempt)]
    prompt = [a.prompt_tokens for a in attempts]
    completion = [a.completion_tokens for a in attempts]
    decode_s = sum(a.duration_s for a in attempts)
    print(f"planner: {planner.name}, setup {setup_s:.2f} s, model load {load_s or 0:.2f} s "
          "(on the first plan)")
    print(f"planner: first plan {timings[0]:.2f} s, warm plans median "
          f"{statistics.median(timings[1:]):.2f} s over {len(timings) - 1}")
    print(f"planner: per attempt {statistics.mean(prompt):.0f} prompt + "
          f"{statistics.mean(completion):.0f} completion tokens, {len(attempts)} attempts for "
          f"{len(timings)} plans, {sum(completion) / decode_s:.1f} completion tokens per second of "
          "planning (prompt reading included)")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks."""
    parser = argparse.ArgumentParser(prog="python -m modalswitch.evals.bench")
    parser.add_argument("--no-llm", action="store_true", help="skip the planner benchmark")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--sleep", type=float, default=1.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        executor_overhead(args.steps, Path(tmp))
        parallelism(args.sleep, Path(tmp))
    if not args.no_llm:
        planner_speed()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
