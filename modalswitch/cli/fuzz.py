"""`modalswitch fuzz [--plans N] [--files N] [--conversations N] [--seed S] [--out DIR]
[--json]`: the long fuzz.

Generated plans run through validation and execution on the fake tools, mutated media files
through input import, generated JSON-RPC conversations through the MCP stdio server, every
case held to the promises (docs/reliability.md). Prints one line
a fuzzer and writes DIR/summary.json; exits 1 when any case broke a promise.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from modalswitch import settings
from modalswitch.cli.common import ERR, OUT, Subparsers
from modalswitch.errors import UserError


def cmd_fuzz(args: argparse.Namespace) -> int:
    """Run the fuzzers and report."""
    try:
        from modalswitch.evals.fuzz.harness import fuzz_media, fuzz_plans, write_summary
        from modalswitch.interfaces.mcp.fuzz import fuzz_messages
    except ImportError as exc:
        raise UserError(f"fuzzing needs hypothesis ({exc}): pip install 'modalswitch[dev]'") \
            from None
    home = Path(args.home) if args.home else settings.home()
    out = Path(args.out) if args.out else (
        home / "fuzz" / datetime.now().strftime("%Y%m%d-%H%M%S"))
    reports = []
    if args.plans:
        reports.append(fuzz_plans(args.plans, out / "plans", args.seed))
    if args.files:
        reports.append(fuzz_media(args.files, out / "media", args.seed))
    if args.conversations:
        reports.append(fuzz_messages(args.conversations, out / "messages", args.seed))
    summary = write_summary(reports, out / "summary.json")
    if args.json:
        print(json.dumps(summary, indent=1))
    for report in reports:
        top = ", ".join(f"{k} {v}" for k, v in report.outcomes.most_common(6))
        OUT.print(f"{report.target}: {report.cases} cases in {report.seconds:.0f} s, "
                  f"{len(report.violations)} broken promise(s); {top}",
                  markup=False, highlight=False, soft_wrap=True)
        for violation in report.violations:
            ERR.print(f"[red]{report.target}:[/red] {violation}", markup=True,
                      highlight=False, soft_wrap=True)
    ERR.print(f"summary: {out / 'summary.json'}")
    return 0 if summary["ok"] else 1


def _count(text: str) -> int:
    """A case count: a whole number, 0 to skip that fuzzer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (skip) or more, not {value}")
    return value


def register(sub: Subparsers) -> None:
    """Add `fuzz`."""
    p = sub.add_parser("fuzz", help="fuzz plans and media files against the promises "
                       "(docs/reliability.md)")
    p.add_argument("--plans", type=_count, default=10_000, help="generated plans (0: skip)")
    p.add_argument("--files", type=_count, default=2_000, help="mutated media files (0: skip)")
    p.add_argument("--conversations", type=_count, default=700,
                   help="generated MCP conversations of 1-6 lines each (0: skip)")
    p.add_argument("--seed", type=int, default=None, help="repeat a run exactly")
    p.add_argument("--out", metavar="DIR", help="work folder (default: HOME/fuzz/STAMP)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_fuzz)
