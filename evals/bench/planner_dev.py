"""Route the planner dev set through a planner and score it: the loop for tuning prompts.

    modalswitch eval planner-dev [--system FILE] [--examples FILE] [--limit N]

Each case of `evals/data/planner_dev.jsonl` names the tool sequence and the output
modalities it expects (and, where the registry has equally good tools, the sequences it
also accepts). Scores: tool sequence exact match, output media match (the response's
image/audio/video set equals the expected one; text may ride along, and a text-only case
must produce no media), no-tool accuracy (cases that need no tool), tool accuracy (cases
that do), validity, and how often the first attempt was already valid (no repair).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import output_modalities
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.trace.events import PlanAttempt
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import PlannerError
from modalswitch.evals.datasets.shipped import data_dir
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry


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
            (data_dir() / "planner_dev.jsonl")
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


def rescore(saved_file: Path, data: Path | None = None) -> dict[str, Any]:
    """Score a saved run again (after the dev set's expectations changed), without the LLM."""
    by_id = {c.id: c for c in load_dev_set(data)}
    saved = [DevResult(**r) for r in json.loads(saved_file.read_text())["results"]]
    for r in saved:
        c = by_id[r.id]
        r.tools_ok = r.valid and c.tools_match(r.tools)
        r.media_ok = r.valid and media_match(c.modalities, r.modalities)
    return score([by_id[r.id] for r in saved], saved)


def run_dev(system: Path | None = None, examples: Path | None = None,
            use_examples: bool = True, data: Path | None = None, limit: int | None = None,
            save: Path | None = None) -> dict[str, Any]:
    """Run the dev set through the embedded 1.5B planner (with a prompt or examples to try),
    print each case and its misses, and return the scores."""
    from modalswitch.agent.planners.presets import embedded_chat
    from modalswitch.tools.catalog import default_registry

    registry: Registry = default_registry()
    planner = LLMPlanner(
        embedded_chat(), registry, use_examples=use_examples,
        system_template=system.read_text(encoding="utf-8") if system else None,
        example_cases=(json.loads(examples.read_text(encoding="utf-8")) if examples else None))
    cases = load_dev_set(data, registry)[:limit]
    results = []
    for case in cases:
        result = run_case(planner, case)
        results.append(result)
        mark = "ok " if result.tools_ok and result.media_ok else "BAD"
        print(f"{mark} {case.id:<18} {result.seconds:6.2f}s want {case.tools or '-'} "
              f"got {result.tools or '-'} {result.modalities}", file=sys.stderr, flush=True)
        if mark == "BAD":
            print(f"      {result.raw[-1] if result.raw else ''}", file=sys.stderr, flush=True)
    scores = score(cases, results)
    if save:
        save.write_text(json.dumps({"scores": scores,
                                    "results": [asdict(r) for r in results]}, indent=1))
    return scores
