"""The hand-written TaskBench demos: valid over the catalog, faithful to their requests,
and never a copy of a benchmark sample (they are shown to the planner as few-shot examples)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from modalswitch import Modality, Plan
from modalswitch.agent.plan import InputSpec, check_plan
from modalswitch.evals.datasets.taskbench import load_catalog
from modalswitch.evals.runner.planners import taskbench_demos


def test_every_demo_plan_is_valid_over_the_catalog(taskbench_sample: Path) -> None:
    registry = load_catalog(taskbench_sample / "tool_desc.json").registry
    demos = taskbench_demos()
    assert len(demos) >= 150
    for demo in demos:
        inputs = [InputSpec(name, Modality(kind)) for name, kind in demo["inputs"]]
        issues = check_plan(Plan.parse(demo["plan"]), registry, inputs)
        assert not issues, (demo["request"], issues)


def test_demos_copy_their_words_and_urls_from_the_request() -> None:
    demos = taskbench_demos()
    assert len({d["request"] for d in demos}) == len(demos)
    for demo in demos:
        request = demo["request"]
        literals = [v for step in demo["plan"]["steps"] for v in step["args"].values()
                    if isinstance(v, str) and not v.startswith("@")]
        for value in literals:
            assert value in request, (request, value)
        for url in re.findall(r"https?://\S+?(?=[\s,;)]|[.!?]?(?:\s|$))", request):
            assert url in literals, (request, url)
        for name, _ in demo["inputs"]:
            assert name in request, (request, name)


def test_no_demo_is_a_benchmark_sample(taskbench_sample: Path) -> None:
    lines = (taskbench_sample / "samples.jsonl").read_text("utf-8").splitlines()
    benchmark = {json.loads(line)["instruction"].strip().lower() for line in lines if line}
    assert benchmark
    assert not benchmark & {d["request"].strip().lower() for d in taskbench_demos()}
