"""`modalswitch plan REQUEST [FILE]... [--input PATH]... [--json]`: the plan, without running it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import output_modalities
from modalswitch.cli import common
from modalswitch.cli.common import (
    ERR,
    OUT,
    Subparsers,
    add_inputs,
    add_planner_options,
    input_paths,
)
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.artifacts import Artifact


def plan_summary(plan: Plan, registry: Registry, inputs: Sequence[Artifact]) -> dict[str, Any]:
    """The `plan --json` object: steps with their tools' modalities (and, for a tool whose
    model is not here, the placeholder it will make), and the response's modalities."""
    specs = [InputSpec.of(a) for a in inputs]
    steps = []
    for step in plan.steps:
        tool = registry.get(step.tool)
        entry = {"id": step.id, "tool": step.tool, "args": step.args,
                 "input_modalities": [m.value for m in tool.input_modalities],
                 "output_modalities": [m.value for m in tool.output_modalities]}
        stand_in = tool.stand_in()
        if stand_in is not None:  # only steps that will make a placeholder carry the key
            entry["degraded"] = stand_in.sentence()
        steps.append(entry)
    return {"steps": steps, "outputs": plan.outputs,
            "output_modalities": output_modalities(plan, registry, specs)}


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan only, and print the plan."""
    files = input_paths(args)
    agent = common.make_agent(args)
    inputs = agent.import_inputs(files)
    with ERR.status("planning…"):
        plan = agent.planner.plan(args.request, [InputSpec.of(a) for a in inputs])
    summary = plan_summary(plan, agent.registry, inputs)
    if args.json:
        print(json.dumps(summary))
        return 0
    if not plan.steps:
        OUT.print("no tools needed: the request gets a plain text answer")
    for step in summary["steps"]:
        OUT.print(f"[bold]{step['id']}[/bold] {step['tool']}  "
                  f"{'+'.join(step['input_modalities'])} -> "
                  f"{'+'.join(step['output_modalities'])}  {json.dumps(step['args'])}")
        if step.get("degraded"):
            OUT.print(f"   [yellow]placeholder:[/yellow] {step['degraded']}", highlight=False)
    OUT.print(f"response: {', '.join(summary['output_modalities'])}")
    return 0


def register(sub: Subparsers) -> None:
    """Add `plan`."""
    p = sub.add_parser("plan", help="plan a request without running it")
    p.add_argument("request")
    add_inputs(p)
    add_planner_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)
