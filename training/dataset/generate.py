"""Generate the modality-switching instruction dataset: train / dev / test JSONL splits.

    modalswitch train data [--out DIR] [--seed 0] [--per-task 30]

Each case pairs a request (and its attached files) with the plan the registry should run,
in the native eval format (evals.datasets). Tasks come from this package: one-step tasks
for every tool, composed and hand-written chains and DAGs, follow-up turns, and a large
share of requests that need no tool. Tools of the registry that no hand-written task
covers get generic tasks built from their signatures, so coverage follows the registry.
Templates (phrasings) belong to exactly one split, so test wording never appears in train.
Every gold plan is checked against the registry (agent.validate.check_plan).
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan, parse_ref
from modalswitch.agent.plan.validate import check_plan
from modalswitch.evals.datasets.shipped import switch_data_dir
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool
from modalswitch.training.dataset.chains import SPLITS, _split_phrases, composed_tasks, dag_tasks
from modalswitch.training.dataset.noise import noisy
from modalswitch.training.dataset.notool import NOTOOL_POOLS, followup_tasks, notool_tasks
from modalswitch.training.dataset.pools import (
    ASPECT_WORDS,
    FILES,
    FOLLOWUP_FILES,
    FORMAT_WORDS,
    POOLS,
)
from modalswitch.training.dataset.single import single_tasks
from modalswitch.training.dataset.spec import Task, Values, plan, tools_of

DEFAULT_OUT = switch_data_dir()
PER_SPLIT = {"train": 30, "dev": 4, "test": 4}
_SLOT = re.compile(r"\{([a-z_0-9]+)\}")
_LITERAL_ARGS = ("prompt", "instruction", "question", "text", "target_language")


def _first_sentence(text: str) -> str:
    """A tool description's first sentence, up to its first colon."""
    sentence = re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+(?=[A-Z'\"(])", text.strip(),
                        maxsplit=1)[0]
    return sentence.split(": ", 1)[0].rstrip(".") + "."


def _generic_task(tool: Tool[Any, Any]) -> Task | None:
    """A task built from a tool's signature, for tools no hand-written task covers."""
    inputs: list[str] = []
    args: dict[str, Any] = {}
    for name, info in tool.Input.model_fields.items():
        if not info.is_required():
            continue
        kind = field_kind(tool.Input, name)
        if kind.modality in MEDIA:
            assert kind.modality is not None
            inputs.append(kind.modality.value)
            ref = f"@input{len(inputs) - 1}"
            args[name] = [ref] if kind.is_list else ref
        elif kind.modality is Modality.TEXT or info.annotation is str:
            args[name] = None  # filled with the request's subject
        else:
            return None
    refs = " and ".join(f"{{{m}}}" for m in dict.fromkeys(inputs)) or "{subject}"
    words = tool.name.replace("_", " ")
    what = _first_sentence(tool.description).rstrip(".")
    what = what[:1].lower() + what[1:]
    templates = [f"Use {words} on {refs}.", f"Run {words} for {refs}.",
                 f"Please {what}: {refs}", f"I want {words} applied to {refs}.",
                 f"{words} {refs}", f"Can you {what}? ({refs})"]

    def build(v: Values) -> dict[str, Any]:
        filled = {k: (v["subject"] if a is None else a) for k, a in args.items()}
        return plan([(tool.name, filled)], [f"@s1.{tool.primary_output}"])

    if None in args.values() and "{subject}" not in refs:
        templates = [t.replace(refs, refs + " about {subject}") for t in templates]
    return Task(f"generic:{tool.name}", tuple(inputs), templates, build, weight=0.6)


def all_tasks(registry: Registry) -> list[Task]:
    """Hand-written tasks whose tools the registry has, plus generic ones for the rest."""
    tasks = [*single_tasks(), *composed_tasks(), *dag_tasks(), *followup_tasks(),
             *notool_tasks()]
    sample_values = _values(random.Random(0), "", [])
    kept = [t for t in tasks if all(n in registry for n in tools_of(t.build(sample_values)))]
    covered = {n for t in kept for n in tools_of(t.build(sample_values))}
    for tool in registry:
        if tool.name not in covered and (generic := _generic_task(tool)) is not None:
            kept.append(generic)
    return kept


def _values(rng: random.Random, template: str, refs: list[str]) -> Values:
    """A value for every slot pool (the template's slots and the plan read the same ones)."""
    v: Values = {k: rng.choice(pool) for k, pool in {**POOLS, **NOTOOL_POOLS}.items()}
    v["subject2"] = rng.choice([s for s in POOLS["subject"] if s != v["subject"]])
    v["aspect_w"] = rng.choice(ASPECT_WORDS[v["aspect"]])
    v["format_w"] = rng.choice(FORMAT_WORDS[v["format"]])
    v["img_refs"] = refs
    v["_template"] = template
    return v


def _inputs(task: Task, rng: random.Random) -> list[tuple[str, str]]:
    """File names and modalities of a case's attachments."""
    out: list[tuple[str, str]] = []
    for kind in task.inputs:
        if kind == "images":
            names = rng.sample(FILES["image"], rng.randint(2, 4))
            out += [(n, "image") for n in names]
        elif kind.startswith("followup_"):
            modality = kind.removeprefix("followup_")
            out.append((rng.choice(FOLLOWUP_FILES[modality]), modality))
        else:
            taken = {n for n, _ in out}
            out.append((rng.choice([f for f in FILES[kind] if f not in taken]), kind))
    return out


def split_templates(task: Task) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """The task's (template, tags) pairs of each split; no template is in two splits."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {s: [] for s in SPLITS}
    if task.fixed_split is not None:
        for template, tags in task.all_templates():
            out[task.fixed_split[template]].append((template, tags))
        return out
    for group in (task.templates, task.implicit):
        tags = task.tags if group is task.templates else (*task.tags, "implicit")
        for split, templates in _split_phrases(tuple(group)).items():
            out[split] += [(t, tags) for t in templates]
    return out


def _literal_ok(request: str, plan_dict: dict[str, Any]) -> bool:
    """Every literal text argument of the plan appears in the request."""
    low = request.lower()
    for step in plan_dict["steps"]:
        for key, value in step["args"].items():
            if key in _LITERAL_ARGS and isinstance(value, str) and parse_ref(value) is None \
                    and value.lower() not in low:
                return False
    return True


def generate(registry: Registry, seed: int = 0, per_task: int = PER_SPLIT["train"],
             eval_per_task: int = PER_SPLIT["dev"],
             no_tool_share: float = 0.35) -> dict[str, list[dict[str, Any]]]:
    """Cases of every split; ValueError if a gold plan is invalid (a generator bug)."""
    counts = {"train": per_task, "dev": eval_per_task, "test": eval_per_task}
    rng = random.Random(seed)
    seen: set[str] = set()
    splits: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    tasks = all_tasks(registry)
    tool_tasks = [t for t in tasks if "no_tool" not in t.tags]
    free = [t for t in tasks if "no_tool" in t.tags]
    # Scale the no-tool tasks so they make up `no_tool_share` of each split.
    tool_weight = sum(t.weight for t in tool_tasks)
    scale = no_tool_share / (1 - no_tool_share) * tool_weight / max(sum(t.weight for t in free),
                                                                     1e-9)
    for task in [*tool_tasks, *free]:
        slug = re.sub(r"[^a-z0-9]+", "-", task.key.lower()).strip("-")
        weight = task.weight * (scale if "no_tool" in task.tags else 1.0)
        for split, templates in split_templates(task).items():
            if not templates:
                continue
            n = max(1, round(counts[split] * weight))
            made = 0
            for attempt in range(n * 20):
                if made == n:
                    break
                template, tags = templates[attempt % len(templates)]
                row = _case(task, template, tags, rng, registry)
                if row is None or row["request"].lower() in seen:
                    continue
                seen.add(row["request"].lower())
                row["id"] = f"{split}-{slug}-{made + 1}"
                splits[split].append({"id": row.pop("id"), **row})
                made += 1
    for rows in splits.values():
        rng.shuffle(rows)
    return splits


def _case(task: Task, template: str, tags: tuple[str, ...], rng: random.Random,
          registry: Registry) -> dict[str, Any] | None:
    inputs = _inputs(task, rng)
    refs = [f"@input{i}" for i, (_, m) in enumerate(inputs) if m == "image"]
    v = _values(rng, template, refs)
    noisy_template, noise_tags = noisy(template, rng)
    request = _SLOT.sub(lambda m: str(v[m.group(1)]), noisy_template).strip()
    gold = task.build(v)
    if not _literal_ok(request, gold):
        return None
    specs = [InputSpec(n, Modality(m)) for n, m in inputs]
    issues = check_plan(Plan.parse(gold), registry, specs)
    if issues:
        raise ValueError(f"task {task.key}: invalid gold plan {gold}: "
                         + "; ".join(str(i) for i in issues))
    return {"id": "", "request": request, "inputs": [list(i) for i in inputs], "plan": gold,
            "task": task.key, "tags": sorted({*tags, *noise_tags}), "template": template}


def write_splits(splits: dict[str, list[dict[str, Any]]], out: Path,
                 registry: Registry, seed: int) -> dict[str, Any]:
    """Write train/dev/test.jsonl and manifest.json; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    for split, rows in splits.items():
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    manifest: dict[str, Any] = {"seed": seed, "registry": registry.names, "splits": {}}
    for split, rows in splits.items():
        tools = Counter(t for r in rows for t in tools_of(r["plan"]))
        manifest["splits"][split] = {
            "cases": len(rows),
            "no_tool": sum(not r["plan"]["steps"] for r in rows),
            "multi_step": sum(len(r["plan"]["steps"]) > 1 for r in rows),
            "tasks": len({r["task"] for r in rows}),
            "tags": dict(Counter(t for r in rows for t in r["tags"]).most_common()),
            "tools": dict(tools.most_common()),
        }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest
