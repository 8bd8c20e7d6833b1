"""The `modalswitch` command line: run, plan, tools, trace (and eval, models where installed).

Machine-readable output (`--json`, response.json) goes to stdout or files; progress and
human messages go to stderr, so scripts can pipe the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..errors import ModalswitchError, PlannerError, UserError

_ERR = Console(stderr=True)
_OUT = Console()


def _agent(args: argparse.Namespace) -> Any:
    from .agent import Agent

    return Agent(home=Path(args.home) if args.home else None)


def cmd_run(args: argparse.Namespace) -> int:
    """Plan and execute a request; write response.json and trace.jsonl."""
    from .progress import RunProgress

    agent = _agent(args)
    out = Path(args.out) if args.out else None
    with RunProgress(_ERR) as progress:
        response = agent.run(args.request, args.input, out_dir=out, on_event=progress)
    _ERR.print(f"[bold]run folder:[/bold] {response.run_dir}")
    if args.json:
        print(response.model_dump_json(indent=2))
    else:
        if response.text:
            _OUT.print(response.text, markup=False, highlight=False, soft_wrap=True)
        for art in response.artifacts:
            _OUT.print(f"[{art.modality}] {art.path}", markup=False, highlight=False,
                       soft_wrap=True)
    return 0 if response.ok else 1


def plan_summary(plan: Any, registry: Any, inputs: Sequence[Any]) -> dict[str, Any]:
    """The `plan --json` object: steps with their tools' modalities, and the response's."""
    from .validate import InputSpec, output_modalities

    specs = [InputSpec.of(a) for a in inputs]
    steps = []
    for step in plan.steps:
        tool = registry.get(step.tool)
        steps.append({"id": step.id, "tool": step.tool, "args": step.args,
                      "input_modalities": [m.value for m in tool.input_modalities],
                      "output_modalities": [m.value for m in tool.output_modalities]})
    return {"steps": steps, "outputs": plan.outputs,
            "output_modalities": output_modalities(plan, registry, specs)}


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan only, and print the plan."""
    from .validate import InputSpec

    agent = _agent(args)
    inputs = agent.import_inputs(args.input)
    with _ERR.status("planning…"):
        plan = agent.planner.plan(args.request, [InputSpec.of(a) for a in inputs])
    summary = plan_summary(plan, agent.registry, inputs)
    if args.json:
        print(json.dumps(summary))
        return 0
    if not plan.steps:
        _OUT.print("no tools needed: the request gets a plain text answer")
    for step in summary["steps"]:
        _OUT.print(f"[bold]{step['id']}[/bold] {step['tool']}  "
                   f"{'+'.join(step['input_modalities'])} -> "
                   f"{'+'.join(step['output_modalities'])}  {json.dumps(step['args'])}")
    _OUT.print(f"response: {', '.join(summary['output_modalities'])}")
    return 0


def cmd_tools(args: argparse.Namespace) -> int:
    """List the registry."""
    from ..tools.catalog import default_registry

    registry = default_registry()
    if args.json:
        print(json.dumps(registry.describe(), indent=2))
        return 0
    table = Table("tool", "in", "out", "backend", "checkpoint", "description")
    for tool in registry:
        table.add_row(tool.name, ",".join(m.value for m in tool.input_modalities),
                      ",".join(m.value for m in tool.output_modalities), tool.backend,
                      tool.checkpoint or "", tool.description)
    _OUT.print(table)
    return 0


def cmd_trace_show(args: argparse.Namespace) -> int:
    """Print a run's trace as a tree."""
    from .trace_tree import show_trace

    return show_trace(Path(args.path), _OUT)


def cmd_trace_view(args: argparse.Namespace) -> int:
    """Browse a run or eval folder's traces."""
    from ..evals.viewer import view_trace

    return view_trace(Path(args.path), args.case, _OUT)


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve the agent and its tools over MCP (stdio)."""
    from .mcp_server import MCPServer

    MCPServer(_agent(args)).serve()
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="modalswitch",
        description="Any-to-any multimodal requests, planned by an LLM over typed tools.")
    parser.add_argument("--home", help="store, caches and runs (default $MODALSWITCH_HOME "
                        "or ~/.cache/modalswitch)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="plan and run a request")
    run.add_argument("request")
    run.add_argument("--input", "-i", action="append", default=[], metavar="PATH")
    run.add_argument("--out", "-o", metavar="DIR", help="run folder (default: a new one)")
    run.add_argument("--json", action="store_true", help="print the response as JSON")
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="plan a request without running it")
    plan.add_argument("request")
    plan.add_argument("--input", "-i", action="append", default=[], metavar="PATH")
    plan.add_argument("--json", action="store_true")
    plan.set_defaults(func=cmd_plan)

    tools = sub.add_parser("tools", help="list the tool registry")
    tools.add_argument("--json", action="store_true")
    tools.set_defaults(func=cmd_tools)

    trace = sub.add_parser("trace", help="inspect run traces")
    trace_sub = trace.add_subparsers(dest="trace_command", required=True)
    show = trace_sub.add_parser("show", help="print a run's trace as a tree")
    show.add_argument("path", metavar="RUN_DIR")
    show.set_defaults(func=cmd_trace_show)
    view = trace_sub.add_parser("view", help="browse the cases of a run or eval folder")
    view.add_argument("path", metavar="RUN_OR_EVAL_DIR")
    view.add_argument("--case", help="show one case in detail")
    view.set_defaults(func=cmd_trace_view)

    mcp = sub.add_parser("mcp", help="serve the agent and its tools over MCP on stdio")
    mcp.set_defaults(func=cmd_mcp)

    _add_optional_commands(sub)
    return parser


def _add_optional_commands(sub: Any) -> None:
    """Commands defined beside their subsystems (evals, model management, training)."""
    from ..evals.cli import add_eval_commands
    from ..tools.models_cli import add_models_commands
    from .training import add_train_commands

    add_eval_commands(sub)
    add_models_commands(sub)
    add_train_commands(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `modalswitch` script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except PlannerError as exc:
        _ERR.print(f"[red]planner error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 3
    except UserError as exc:
        _ERR.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 2
    except ModalswitchError as exc:
        _ERR.print(f"[red]{type(exc).__name__}:[/red] {exc}", highlight=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        _ERR.print("interrupted")
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
