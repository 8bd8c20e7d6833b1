"""`modalswitch eval run|compare|report|leaderboard|switching|planner-dev`.

    modalswitch eval run DATASET [--planner NAME] [--limit N] [--seed S] [--execute]
                                 [--format native|taskbench] [--out DIR] [--json]
                                 [--adapted ADAPT_DIR]
    modalswitch eval compare A B [--json]
    modalswitch eval report DIR [--out FILE]
    modalswitch eval leaderboard TASKBENCH_DIR [--planners oracle,none,base] [--limit N]
    modalswitch eval switching [--splits dev,test] [--planners base,routed] [--limit 24]
    modalswitch eval planner-dev [--system FILE] [--examples FILE] [--limit N]
    modalswitch eval tools [--benches B,...] [--limit N] [--out DIR] [--doc FILE]

DATASET is a file or folder, or the name of a dataset shipped in modalswitch/evals/data
(e.g. `core`). Machine-readable output goes to stdout, progress and messages to stderr.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from modalswitch.cli import eval_tools
from modalswitch.cli.common import ERR, OUT, Subparsers
from modalswitch.evals.datasets.model import Dataset
from modalswitch.evals.datasets.shipped import resolve_dataset
from modalswitch.evals.runner.planners import PLANNERS

USAGE = __doc__.split("\n\n")[1] if __doc__ else ""


def default_planner_name() -> str:
    """The planner `run` and `plan` use (the MODALSWITCH_PLANNER setting, else the default)."""
    from modalswitch.agent.planners.presets import DEFAULT_CONFIG
    from modalswitch.settings import setting

    return setting("MODALSWITCH_PLANNER") or DEFAULT_CONFIG


def default_out(dataset_name: str, planner: str) -> Path:
    """runs/evals/<dataset>-<planner>-<time> under the current folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / "evals" / f"{dataset_name}-{planner}-{stamp}"


def run_with_progress(dataset: Dataset, planner_name: str, out: Path, args: argparse.Namespace,
                      console: Console = ERR) -> dict[str, Any]:
    """Run one eval with a progress bar on stderr."""
    from modalswitch.evals.runner.planners import make_planner
    from modalswitch.evals.runner.run import run_eval

    planner = make_planner(planner_name, dataset, adapter=args.adapter,
                           adapted=args.adapted)
    total = len(dataset.select(args.limit, args.seed))
    columns = (TextColumn(f"[bold]{dataset.name}[/bold] · {planner_name}"), BarColumn(),
               MofNCompleteColumn(), TextColumn("{task.fields[last]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task("eval", total=total, last="")
        return run_eval(dataset, planner, out, limit=args.limit, seed=args.seed,
                        execute=args.execute, workers=args.workers, resume=args.resume,
                        on_result=lambda r: progress.update(task, advance=1,
                                                            last=f"{r.id}: {r.status}"))


def cmd_run(args: argparse.Namespace) -> int:
    """`eval run DATASET`: run, score, save, and print the metrics."""
    from modalswitch.evals.datasets.load import load_dataset
    from modalswitch.evals.reports.fmt import metrics_table, split_table

    dataset = load_dataset(resolve_dataset(args.dataset), args.format)
    args.planner = args.planner or default_planner_name()
    out = Path(args.out) if args.out else default_out(dataset.name, args.planner)
    metrics = run_with_progress(dataset, args.planner, out, args)
    if args.json:
        print(json.dumps(metrics | {"out": str(out)}))
    else:
        OUT.print(metrics_table(metrics, title=f"{dataset.name} · planner {args.planner}"))
        OUT.print(split_table(metrics["by_shape"], "shape"))
        OUT.print(split_table(metrics["by_n_tools"], "tools"))
    ERR.print(f"[bold]eval folder:[/bold] {out}  (modalswitch trace view {out})")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """`eval compare A B`."""
    from modalswitch.evals.reports.compare import compare_dirs, compare_view

    comp = compare_dirs(Path(args.a), Path(args.b))
    if args.json:
        print(json.dumps(comp.as_json(), default=str))
    else:
        OUT.print(compare_view(comp))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`eval report DIR`: a planner eval's page, or a tool benchmark's."""
    from modalswitch.evals.reports.html import write_report
    from modalswitch.evals.tools_bench.report import is_tool_bench, write_tools_report

    if is_tool_bench(Path(args.dir)):
        print(write_tools_report(Path(args.dir), Path(args.out) if args.out else None,
                                 max_embed_bytes=int(args.max_embed_mb * (1 << 20))))
        return 0
    page = write_report(Path(args.dir), Path(args.out) if args.out else None,
                        max_embed_bytes=int(args.max_embed_mb * (1 << 20)))
    print(page)
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    """`eval leaderboard DIR`: our planners' TaskBench scores beside the published ones."""
    from modalswitch.evals.datasets.load import load_dataset
    from modalswitch.evals.reports.leaderboard import leaderboard_rows, markdown_table

    dataset = load_dataset(resolve_dataset(args.dir), args.format or "taskbench")
    root = Path(args.out) if args.out else Path("runs") / "evals" / "leaderboard"
    rows = []
    for name in [p.strip() for p in args.planners.split(",") if p.strip()]:
        out = root / name
        if args.reuse and (out / "metrics.json").exists():
            metrics = json.loads((out / "metrics.json").read_text("utf-8"))
        else:
            metrics = run_with_progress(dataset, name, out, args)
        rows.append((name, metrics, out))
    table = leaderboard_rows(rows, dataset)
    print(json.dumps(table) if args.json else markdown_table(table))
    return 0


def cmd_switching(args: argparse.Namespace) -> int:
    """`eval switching`: router and planner configurations on the switching splits."""
    from modalswitch.evals.reports.switching import switching_report

    print(switching_report([s for s in args.splits.split(",") if s], args.limit,
                           [n for n in args.planners.split(",") if n], Path(args.out),
                           Path(args.doc), adapter=args.adapter, router=not args.no_router,
                           resume=args.resume, block=args.block))
    return 0


def cmd_planner_dev(args: argparse.Namespace) -> int:
    """`eval planner-dev`: the prompt-tuning loop over the planner dev set."""
    from modalswitch.evals.bench.planner_dev import rescore, run_dev

    data = Path(args.data) if args.data else None
    if args.rescore:
        scores = rescore(Path(args.rescore), data)
    else:
        scores = run_dev(Path(args.system) if args.system else None,
                         Path(args.examples) if args.examples else None,
                         use_examples=not args.no_examples, data=data, limit=args.limit,
                         save=Path(args.save) if args.save else None)
    print(json.dumps(scores, indent=2))
    return 0


def _case_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, help="run only N cases (the first N, or N drawn "
                   "with --seed)")
    p.add_argument("--seed", type=int, help="draw the --limit cases at random with this seed")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--execute", action="store_true", help="also run the plans (native only)")
    p.add_argument("--format", choices=("native", "taskbench"),
                   help="dataset format (default: detected)")
    p.add_argument("--out", "-o", help="output folder")
    p.add_argument("--workers", type=int, default=4, help="cases in flight at once")
    p.add_argument("--resume", action="store_true",
                   help="keep the cases an earlier eval of the same planner finished in --out, "
                        "run only the rest")
    p.add_argument("--adapted", metavar="DIR",
                   help="a `modalswitch train adapt` folder: its synthesized examples join "
                        "the few-shot index of base/routed, its adapter replaces the shipped "
                        "one for tuned/tuned-routed")
    p.add_argument("--adapter", metavar="GGUF",
                   help="a GGUF LoRA adapter (`modalswitch train`): it plans in place of the "
                        "shipped one in tuned/tuned-routed, on the prompt it records")


def register(sub: Subparsers) -> None:
    """Add `eval` and its verbs."""
    ev = sub.add_parser(
        "eval", help="evaluate planners on datasets; compare and report evals",
        description="Evaluate planners on a dataset (native JSONL or TaskBench), compare two "
                    "evals, or write an HTML report.",
        epilog=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = ev.add_subparsers(dest="eval_command", required=True)

    p = verbs.add_parser("run", help="run a planner over a dataset and score it")
    p.add_argument("dataset", metavar="DATASET",
                   help="a dataset file, folder or shipped name (e.g. core)")
    p.add_argument("--planner", default=None, choices=PLANNERS,
                   help="an embedded configuration (the names `run` and `plan` use; default: "
                        "the one they use), oracle: the gold plans, none: never use a tool")
    _case_options(p)
    p.set_defaults(func=cmd_run)

    p = verbs.add_parser("compare", help="two evals' metrics side by side, and what changed")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = verbs.add_parser("report", help="a self-contained HTML page for an eval folder")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--out", "-o", help="the HTML file (default: DIR/report.html)")
    p.add_argument("--max-embed-mb", type=float, default=4.0,
                   help="embed media up to this size, link larger files")
    p.set_defaults(func=cmd_report)

    p = verbs.add_parser("leaderboard", help="our planners on TaskBench beside published "
                         "scores")
    p.add_argument("dir", metavar="TASKBENCH_DIR")
    p.add_argument("--planners", default="oracle,none,base",
                   help="planners to run, comma-separated")
    p.add_argument("--reuse", action="store_true", help="reuse an existing run's metrics.json")
    _case_options(p)
    p.set_defaults(func=cmd_leaderboard)

    p = verbs.add_parser("switching", help="router and planner configurations on the "
                         "switching splits; writes the docs table")
    p.add_argument("--limit", type=int, default=24, help="cases a split (0: all of them)")
    p.add_argument("--splits", default="dev,test",
                   help="comma-separated: train, dev, test, natural-dev, natural-test")
    p.add_argument("--planners", default="base,routed")
    p.add_argument("--adapter", default=None, help="GGUF LoRA adapter for tuned planners")
    p.add_argument("--out", default="runs/switching")
    p.add_argument("--doc", default="docs/switching.md")
    p.add_argument("--block", default="", help="write the table between the doc's REPORT "
                   "markers named BLOCK (<!-- REPORT:BEGIN BLOCK -->)")
    p.add_argument("--no-router", action="store_true")
    p.add_argument("--resume", action="store_true",
                   help="keep the (split, planner) rows already in OUT/report.json")
    p.set_defaults(func=cmd_switching)

    p = verbs.add_parser("planner-dev", help="the planner dev set through the 1.5B planner, "
                         "with a prompt or examples to try")
    p.add_argument("--system", help="system prompt template to try instead")
    p.add_argument("--examples", help="few-shot examples JSON to try instead")
    p.add_argument("--no-examples", action="store_true")
    p.add_argument("--data", help="dev set file (default: the shipped one)")
    p.add_argument("--limit", type=int)
    p.add_argument("--save", help="write scores and per-case results here")
    p.add_argument("--rescore", help="score a saved --save file again, no LLM")
    p.set_defaults(func=cmd_planner_dev)

    eval_tools.register(verbs)
