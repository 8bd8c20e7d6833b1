"""Benchmarks: the executor's overhead and parallelism, and the embedded planner's speed.

    modalswitch bench            # everything (the planner part takes minutes)
    modalswitch bench --no-llm   # executor only
    modalswitch bench --configs base,tuned-routed   # planner configurations

Prints numbers and ratios; nothing here passes or fails.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from modalswitch.agent.agent import Agent
from modalswitch.agent.execution.executor import ExecutionPolicy
from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.planners.scripted import ScriptedPlanner
from modalswitch.agent.trace.events import PlanAttempt
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.fakes import SlowIn, fake_registry
from modalswitch.tools.runtime.model_cache import ModelCache

PLANNER_REQUESTS = [
    ("transcribe this recording", [InputSpec("memo.wav", Modality.AUDIO)]),
    ("read the sign in this photo out loud", [InputSpec("sign.png", Modality.IMAGE)]),
    ("What is the capital of France?", []),
    ("describe this picture", [InputSpec("holiday.jpg", Modality.IMAGE)]),
    ("what kind of bird is this?", [InputSpec("bird.jpg", Modality.IMAGE)]),
    ("Write a haiku about autumn.", []),
    ("let me hear what this note says", [InputSpec("note.png", Modality.IMAGE)]),
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
    """Load, first and warm plan latency, tokens and token rates of the embedded planner."""
    from modalswitch.agent.planners.llm import LLMPlanner
    from modalswitch.agent.planners.presets import embedded_chat
    from modalswitch.tools.catalog import default_registry

    start = time.perf_counter()
    chat = embedded_chat()  # joins and verifies the packaged GGUF parts on first use
    assemble_s = time.perf_counter() - start
    chat._model()
    planner = LLMPlanner(chat, default_registry())
    print(f"planner: {planner.name}, {chat.n_threads} threads, GGUF ready in {assemble_s:.2f} s, "
          f"model load {chat.load_s or 0:.2f} s")
    start = time.perf_counter()
    chat.grammar(planner.schema_for(PLANNER_REQUESTS[0][1]))
    print(f"planner: plan grammar built and parsed in {time.perf_counter() - start:.2f} s "
          f"({len(planner.registry)} tools; once per input-modality signature)")

    def timed(request: str, inputs: list[InputSpec]) -> tuple[float, list[PlanAttempt]]:
        tracer = Tracer()
        t0 = time.perf_counter()
        planner.plan(request, inputs, tracer)
        return (time.perf_counter() - t0,
                [e for e in tracer.events if isinstance(e, PlanAttempt)])

    first_s, first = timed(*PLANNER_REQUESTS[0])
    prompt0 = first[0].prompt_tokens
    print(f"planner: first plan {first_s:.2f} s for a {prompt0}-token prompt "
          f"(~{prompt0 / first_s:.0f} prompt tokens/s including decoding)")
    warm = [timed(r, i) for r, i in PLANNER_REQUESTS[1:]]
    warm_s = [t for t, _ in warm]
    attempts = first + [a for _, atts in warm for a in atts]
    completion = [a.completion_tokens for _, atts in warm for a in atts]
    print(f"planner: warm plans median {statistics.median(warm_s):.2f} s "
          f"(min {min(warm_s):.2f}, max {max(warm_s):.2f}) over {len(warm_s)} requests, "
          f"{len(attempts)} LLM calls in all")
    print(f"planner: per plan {statistics.mean(a.prompt_tokens for a in attempts):.0f} prompt "
          f"+ {statistics.mean(a.completion_tokens for a in attempts):.1f} completion tokens; "
          f"warm decoding {sum(completion) / sum(warm_s):.1f} completion tokens/s "
          "(the shared prompt prefix is reused)")
    t0 = time.perf_counter()
    answer = planner.answer("What is the capital of France?", [])
    answer_s = time.perf_counter() - t0
    after_s, _ = timed(*PLANNER_REQUESTS[0])
    print(f"planner: plain answer {answer_s:.2f} s ({answer[:40]!r}), then a plan "
          f"{after_s:.2f} s (its prompt prefix comes back from the pinned KV state)")


def configs_speed(configs: list[str]) -> None:
    """Plan latency of embedded planner configurations on the same requests, as ratios."""
    from modalswitch.agent.planners.presets import embedded_planner
    from modalswitch.tools.catalog import default_registry

    medians: dict[str, float] = {}
    for config in configs:
        planner = embedded_planner(default_registry(), config)
        start = time.perf_counter()
        planner.plan(*PLANNER_REQUESTS[0])  # loads the model(s), builds the grammar
        first_s = time.perf_counter() - start
        times = []
        for request, inputs in PLANNER_REQUESTS:
            t0 = time.perf_counter()
            planner.plan(request, inputs)
            times.append(time.perf_counter() - t0)
        medians[config] = statistics.median(times)
        ratio = medians[config] / medians[configs[0]]
        print(f"config {config}: first plan {first_s:.2f} s (loading included), then median "
              f"{medians[config]:.2f} s, max {max(times):.2f} s over {len(times)} requests "
              f"-> {ratio:.2f}x the {configs[0]} median")


def run_benchmarks(steps: int = 200, sleep: float = 1.0, llm: bool = True,
                   configs: list[str] | None = None) -> None:
    """Run the benchmarks, printing as they go."""
    with tempfile.TemporaryDirectory() as tmp:
        executor_overhead(steps, Path(tmp))
        parallelism(sleep, Path(tmp))
    if llm:
        planner_speed()
        if configs:
            configs_speed(configs)
