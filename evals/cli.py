"""The `modalswitch eval` commands, registered on the main parser by `add_eval_commands`.

    modalswitch eval DATASET [--planner embedded|routed|tuned|tuned-routed|oracle|none]
                             [--limit N] [--seed S] [--execute] [--format native|taskbench]
                             [--out DIR] [--json]
    modalswitch eval compare A B [--json]
    modalswitch eval report DIR [--out FILE]
    modalswitch eval leaderboard TASKBENCH_DIR [--planners oracle,none,embedded] [--limit N]

DATASET is a file or folder, or the name of a dataset shipped in modalswitch/evals/data
(e.g. `core`). Machine-readable output goes to stdout, progress and messages to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import UserError
from .planners import PLANNERS

_OUT = Console()
_ERR = Console(stderr=True)
USAGE = __doc__.split("\n\n")[1] if __doc__ else ""


def resolve_dataset(target: str) -> Path:
    """A dataset path, or a dataset shipped with modalswitch by name."""
    path = Path(target)
    if path.exists():
        return path
    shipped = resources.files("modalswitch.evals").joinpath(f"data/{target}.jsonl")
    if shipped.is_file():
        return Path(str(shipped))
    raise UserError(f"no dataset at {target!r} (and no shipped dataset of that name)")


def default_out(dataset_name: str, planner: str) -> Path:
    """runs/evals/<dataset>-<planner>-<time> under the current folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / "evals" / f"{dataset_name}-{planner}-{stamp}"


def run_with_progress(dataset: Any, planner_name: str, out: Path, args: argparse.Namespace,
                      console: Console = _ERR) -> dict[str, Any]:
    """Run one eval with a progress bar on stderr."""
    from .planners import make_planner
    from .runner import run_eval

    planner = make_planner(planner_name, dataset)
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


def cmd_run(args: argparse.Namespace, target: str) -> int:
    """`eval DATASET`: run, score, save, and print the metrics."""
    from .datasets import load_dataset
    from .fmt import metrics_table, split_table

    dataset = load_dataset(resolve_dataset(target), args.format)
    out = Path(args.out) if args.out else default_out(dataset.name, args.planner)
    metrics = run_with_progress(dataset, args.planner, out, args)
    if args.json:
        print(json.dumps(metrics | {"out": str(out)}))
    else:
        _OUT.print(metrics_table(metrics, title=f"{dataset.name} · planner {args.planner}"))
        _OUT.print(split_table(metrics["by_shape"], "shape"))
        _OUT.print(split_table(metrics["by_n_tools"], "tools"))
    _ERR.print(f"[bold]eval folder:[/bold] {out}  (modalswitch trace view {out})")
    return 0


def cmd_compare(args: argparse.Namespace, a: str, b: str) -> int:
    """`eval compare A B`."""
    from .compare import compare_dirs, compare_view

    comp = compare_dirs(Path(a), Path(b))
    if args.json:
        print(json.dumps(comp.as_json(), default=str))
    else:
        _OUT.print(compare_view(comp))
    return 0


def cmd_report(args: argparse.Namespace, eval_dir: str) -> int:
    """`eval report DIR`."""
    from .report import write_report

    page = write_report(Path(eval_dir), Path(args.out) if args.out else None,
                        max_embed_bytes=int(args.max_embed_mb * (1 << 20)))
    print(page)
    return 0


def cmd_leaderboard(args: argparse.Namespace, target: str) -> int:
    """`eval leaderboard DIR`: our planners' TaskBench scores beside the published ones."""
    from .datasets import load_dataset
    from .leaderboard import leaderboard_rows, markdown_table

    dataset = load_dataset(resolve_dataset(target), args.format or "taskbench")
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


def cmd_eval(args: argparse.Namespace) -> int:
    """Dispatch `eval DATASET`, `eval compare A B`, `eval report DIR`, `eval leaderboard D`."""
    verb, rest = args.target, list(args.rest)
    wants = {"compare": 2, "report": 1, "leaderboard": 1}
    if verb in wants:
        if len(rest) != wants[verb]:
            raise UserError(f"usage: modalswitch eval {verb} "
                            + {"compare": "A B", "report": "DIR",
                               "leaderboard": "TASKBENCH_DIR"}[verb])
        if verb == "compare":
            return cmd_compare(args, rest[0], rest[1])
        if verb == "report":
            return cmd_report(args, rest[0])
        return cmd_leaderboard(args, rest[0])
    if rest:
        raise UserError("usage: modalswitch eval DATASET [options] (one dataset at a time)")
    return cmd_run(args, verb)


def add_eval_commands(subparsers: Any) -> None:
    """Register `eval` (run / compare / report / leaderboard) on an argparse subparsers."""
    p = subparsers.add_parser(
        "eval", help="evaluate a planner on a dataset; compare and report evals",
        description="Evaluate planners on a dataset (native JSONL or TaskBench), compare two "
                    "evals, or write an HTML report.",
        epilog=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="DATASET|compare|report|leaderboard",
                   help="a dataset file, folder or shipped name (e.g. core), or a verb")
    p.add_argument("rest", nargs="*", metavar="PATH",
                   help="compare: eval folders A B; report: an eval folder; "
                        "leaderboard: a TaskBench folder")
    p.add_argument("--planner", default="embedded", choices=PLANNERS,
                   help="embedded: the packaged LLM (slow); oracle: the gold plans; "
                        "none: never use a tool (default: embedded)")
    p.add_argument("--planners", default="oracle,none,embedded",
                   help="leaderboard: planners to run, comma-separated")
    p.add_argument("--limit", type=int, help="run only N cases (the first N, or N drawn "
                   "with --seed)")
    p.add_argument("--seed", type=int, help="draw the --limit cases at random with this seed")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--execute", action="store_true", help="also run the plans (native only)")
    p.add_argument("--format", choices=("native", "taskbench"),
                   help="dataset format (default: detected)")
    p.add_argument("--out", "-o", help="output folder (eval, leaderboard) or file (report)")
    p.add_argument("--workers", type=int, default=4, help="cases in flight at once")
    p.add_argument("--max-embed-mb", type=float, default=4.0,
                   help="report: embed media up to this size, link larger files")
    p.add_argument("--reuse", action="store_true",
                   help="leaderboard: reuse an existing run's metrics.json")
    p.add_argument("--resume", action="store_true",
                   help="keep the cases an earlier eval of the same planner finished in --out, "
                        "run only the rest")
    p.set_defaults(func=cmd_eval)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m modalswitch.evals.cli eval ...` (the same as `modalswitch eval ...`)."""
    parser = argparse.ArgumentParser(prog="modalswitch")
    add_eval_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except UserError as exc:
        _ERR.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
