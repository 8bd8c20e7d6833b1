"""Route the planner dev set through a planner and score it: the loop for tuning prompts.

    python -m modalswitch.evals.planner_dev [--system FILE] [--examples FILE] [--limit N]

Each case of `evals/data/planner_dev.jsonl` names the tool sequence and the output
modalities it expects (and, where the registry has equally good tools, the sequences it
also accepts). Scores: tool sequence exact match, output media match (the response's
image/audio/video set equals the expected one; text may ride along, and a text-only case
must produce no media), no-tool accuracy (cases that need no tool), tool accuracy (cases
that do), validity, and how often the first attempt was already valid (no repair).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..agent.plan import Plan
from ..agent.planner import LLMPlanner
from ..agent.trace import PlanAttempt, Tracer
from ..agent.validate import InputSpec, output_modalities
from ..errors import PlannerError
from ..tools.modality import Modality
from ..tools.registry import Registry


@dataclass
class DevCase:
    """One dev request, its inputs, and what a good plan does."""

    id: str
    request: str
    inputs: list[InputSpec]
    tools: list[str]
    modalities: list[str]
    accept: list[list[str]] = field(default_factory=list)
    """Other tool sequences that are as good (e.g. caption_image for describe_image)."""

    def tools_match(self, tools: list[str]) -> bool:
        """True when a predicted tool sequence is the expected one or an accepted one."""
        return tools == self.tools or tools in self.accept


@dataclass
class DevResult:
    """What the planner did on one case."""

    id: str
    tools: list[str]
    modalities: list[str]
    valid: bool
    attempts: int
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    tools_ok: bool
    media_ok: bool
    raw: list[str] = field(default_factory=list)


def load_dev_set(path: Path | None = None, registry: Registry | None = None) -> list[DevCase]:
    """The dev cases (the shipped planner_dev.jsonl unless a path is given).

    Other native eval files work too: a case without "tools"/"modalities" gets them from
    its gold "plan" (modalities need the registry).
    """
    text = (path.read_text(encoding="utf-8") if path is not None else
            resources.files("modalswitch.evals").joinpath("data/planner_dev.jsonl")
            .read_text(encoding="utf-8"))
    cases = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            inputs = [InputSpec(n, Modality(m)) for n, m in row.get("inputs") or []]
            tools, mods = row.get("tools"), row.get("modalities")
            if tools is None or mods is None:
                gold = Plan.parse(row["plan"])
                tools = [s.tool for s in gold.steps]
                if registry is None:
                    raise ValueError(f"case {row['id']}: no modalities and no registry")
                mods = output_modalities(gold, registry, inputs)
            cases.append(DevCase(row["id"], row["request"], inputs, tools, mods,
                                 row.get("accept", [])))
    return cases


def media_match(expected: list[str], got: list[str]) -> bool:
    """Same media (image/audio/video) set; a text-only expectation must get text only."""
    media = {Modality.IMAGE.value, Modality.AUDIO.value, Modality.VIDEO.value}
    return bool(got) and set(expected) & media == set(got) & media


def run_case(planner: LLMPlanner, case: DevCase) -> DevResult:
    """Plan one case and score it."""
    tracer = Tracer()
    start = time.perf_counter()
    try:
        plan = planner.plan(case.request, case.inputs, tracer)
        tools = [s.tool for s in plan.steps]
        mods = output_modalities(plan, planner.registry, case.inputs)
        valid = True
    except PlannerError:
        tools, mods, valid = [], [], False
    seconds = time.perf_counter() - start
    attempts = [e for e in tracer.events if isinstance(e, PlanAttempt)]
    return DevResult(case.id, tools, mods, valid, len(attempts), round(seconds, 2),
                     sum(a.prompt_tokens for a in attempts),
                     sum(a.completion_tokens for a in attempts),
                     tools_ok=valid and case.tools_match(tools),
                     media_ok=valid and media_match(case.modalities, mods),
                     raw=[a.raw for a in attempts])


def score(cases: list[DevCase], results: list[DevResult]) -> dict[str, Any]:
    """Headline accuracies (fractions) and per-plan cost."""
    def frac(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 3) if values else None

    pairs = list(zip(cases, results, strict=True))
    return {
        "n": len(pairs),
        "tool_sequence_exact": frac([r.tools_ok for _, r in pairs]),
        "output_media_match": frac([r.media_ok for _, r in pairs]),
        "no_tool_accuracy": frac([r.valid and not r.tools for c, r in pairs if not c.tools]),
        "tool_accuracy": frac([r.tools_ok for c, r in pairs if c.tools]),
        "valid": frac([r.valid for _, r in pairs]),
        "first_attempt_valid": frac([r.valid and r.attempts == 1 for _, r in pairs]),
        "median_s": round(statistics.median(r.seconds for _, r in pairs), 2),
        "mean_prompt_tokens": round(statistics.mean(r.prompt_tokens for _, r in pairs)),
        "mean_completion_tokens": round(statistics.mean(r.completion_tokens for _, r in pairs),
                                        1),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the dev set through the embedded planner and print scores and misses."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--system", type=Path, help="system prompt template to try instead")
    ap.add_argument("--examples", type=Path, help="few-shot examples JSON to try instead")
    ap.add_argument("--no-examples", action="store_true")
    ap.add_argument("--data", type=Path, help="dev set file (default: the shipped one)")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json", type=Path, help="write scores and per-case results here")
    ap.add_argument("--rescore", type=Path, help="score a saved --json run again, no LLM")
    args = ap.parse_args(argv)
    if args.rescore:
        by_id = {c.id: c for c in load_dev_set(args.data)}
        saved = [DevResult(**r) for r in json.loads(args.rescore.read_text())["results"]]
        for r in saved:
            c = by_id[r.id]
            r.tools_ok = r.valid and c.tools_match(r.tools)
            r.media_ok = r.valid and media_match(c.modalities, r.modalities)
        print(json.dumps(score([by_id[r.id] for r in saved], saved), indent=2))
        return 0

    from ..agent.embedded import embedded_chat
    from ..tools.catalog import default_registry

    registry: Registry = default_registry()
    planner = LLMPlanner(
        embedded_chat(), registry, use_examples=not args.no_examples,
        system_template=args.system.read_text(encoding="utf-8") if args.system else None,
        example_cases=(json.loads(args.examples.read_text(encoding="utf-8"))
                       if args.examples else None))
    cases = load_dev_set(args.data, registry)[:args.limit]
    results = []
    for case in cases:
        result = run_case(planner, case)
        results.append(result)
        mark = "ok " if result.tools_ok and result.media_ok else "BAD"
        print(f"{mark} {case.id:<18} {result.seconds:6.2f}s want {case.tools or '-'} "
              f"got {result.tools or '-'} {result.modalities}", flush=True)
        if mark == "BAD":
            print(f"      {result.raw[-1] if result.raw else ''}", flush=True)
    scores = score(cases, results)
    print(json.dumps(scores, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"scores": scores,
                                         "results": [asdict(r) for r in results]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
