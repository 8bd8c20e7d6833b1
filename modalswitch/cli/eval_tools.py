"""`modalswitch eval tools`: the quality benchmark of every offline default tool.

    modalswitch eval tools [--benches speech_to_text,read_text,...] [--limit N] [--out DIR]
                           [--doc docs/tools.md] [--whisper base,tiny.en] [--ocr rapidocr]

It makes its data (speech, rendered text, a slideshow) in DIR/data, runs the tools, and
writes results.jsonl, summary.json, table.md and report.html into DIR (default
runs/tool-bench/<time>). `--doc FILE` also puts the table into FILE between its markers.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from modalswitch.cli.common import ERR, Subparsers
from modalswitch.evals.tools_bench.run import BENCHES


def _names(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def cmd_tools(args: argparse.Namespace) -> int:
    """Run the tool benchmark and print its table."""
    from modalswitch.evals.tools_bench.run import doc_section, run_tool_bench
    from modalswitch.evals.tools_bench.summary import Row, update_doc

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else Path("runs") / "tool-bench" / stamp
    benches = tuple(_names(args.benches)) or BENCHES
    done = [0]

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=ERR, transient=True, disable=not ERR.is_terminal) as progress:
        task = progress.add_task("tool benchmark")

        def tell(case: str) -> None:
            done[0] += 1
            progress.update(task, description=f"{done[0]} done, last: {case}")
            if not ERR.is_terminal and done[0] % 25 == 0:  # a log file gets a line now and then
                ERR.print(f"{done[0]} cases done, last: {case}", highlight=False)

        summary = run_tool_bench(out, benches, limit=args.limit,
                                 whispers=_names(args.whisper) or None,
                                 engines=_names(args.ocr) or None, progress=tell)
    rows = [Row(**row) for row in summary["rows"]]
    section = doc_section(summary, rows)
    if args.doc:
        update_doc(Path(args.doc), section)
    if args.json:
        print(json.dumps(summary | {"out": str(out)}))
    else:
        print(section)
    ERR.print(f"[bold]tool bench folder:[/bold] {out}  (report: {out / 'report.html'})")
    return 0


def register(verbs: Subparsers) -> None:
    """Add `eval tools`."""
    p = verbs.add_parser("tools", help="measure the quality and speed of every offline "
                         "default tool on data made here", description=__doc__,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--benches", help=f"comma-separated, of: {', '.join(BENCHES)} "
                   "(default: all)")
    p.add_argument("--limit", type=int, help="at most N sentences / images per bench "
                   "(a quick run)")
    p.add_argument("--out", "-o", help="output folder (default runs/tool-bench/TIME)")
    p.add_argument("--doc", help="also write the table into this Markdown file")
    p.add_argument("--whisper", help="speech_to_text models to compare (default: every "
                   "packaged one installed)")
    p.add_argument("--ocr", help="read_text engines to compare (default: every one "
                   "installed)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_tools)
