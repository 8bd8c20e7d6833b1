"""TaskBench (multimedia) as a dataset: its tool catalog, its samples, and plan conversion.

TaskBench ships tool descriptions (`tool_desc.json`: id, desc, input-type, output-type) and
samples whose gold answer is a list of `{"task": TOOL, "arguments": [...]}` nodes, where an
argument `"<node-j>"` means "the output of node j" (0-based, as `evaluate.py` reads it).

Here the catalog becomes a plan-only registry (tool "Image Search (by Image)" is planned as
`image_search_by_image(image: image) -> image: image`), the files an instruction names become
the request's inputs, and plans convert both ways: `plan_to_taskbench` turns our plan into
TaskBench nodes for scoring, `taskbench_to_plan` turns gold nodes into our plan (the oracle),
and the round trip gives back what `evaluate.py` would read from the original.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import InputRef, Plan, Step, StepRef, parse_ref, unescape
from modalswitch.agent.planners.llm import default_outputs
from modalswitch.errors import DatasetError
from modalswitch.evals.datasets.catalog import URL, ToolSpec, field_names, slug, spec_registry
from modalswitch.evals.datasets.model import Case, Dataset, read_jsonl
from modalswitch.evals.scoring.taskbench_metrics import node_arguments
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry

_TYPE_MODALITY = {"image": Modality.IMAGE, "audio": Modality.AUDIO, "video": Modality.VIDEO,
                  "text": Modality.TEXT, "url": Modality.TEXT}
_EXT_MODALITY = (
    {e: Modality.IMAGE for e in ("jpg", "jpeg", "png", "gif", "bmp", "tiff", "webp")}
    | {e: Modality.AUDIO for e in ("mp3", "wav", "wma", "ogg", "aac", "flac", "aiff", "m4a")}
    | {e: Modality.VIDEO for e in ("mp4", "avi", "mov", "flv", "wmv", "mkv", "webm", "m4v",
                                   "mpg", "mpeg")}
    | {e: Modality.TEXT for e in ("txt", "text")}
)
_URL = re.compile(r"https?://[^\s'\"<>)]+")
_FILE = re.compile(r"(?<![\w/.-])([\w-]+(?:\.[\w-]+)*\.(" + "|".join(_EXT_MODALITY)
                   + r"))(?![\w-])", re.IGNORECASE)
_NODE_REF = re.compile(r"^<node-(\d+)>$")
SAMPLE_FILES = ("samples.jsonl", "data.json", "data.jsonl")


@dataclass(frozen=True)
class TaskBenchCatalog:
    """TaskBench tool ids, our identifiers for them, and the plan-only registry."""

    tool_ids: tuple[str, ...]
    output_type: dict[str, str]
    """Each tool's first output type, as evaluate.py's argument names use it."""
    registry: Registry
    id_to_name: dict[str, str]
    name_to_id: dict[str, str]


def load_catalog(tool_desc: Path) -> TaskBenchCatalog:
    """The catalog from a `tool_desc.json`."""
    try:
        nodes = json.loads(Path(tool_desc).read_text("utf-8"))["nodes"]
    except (OSError, ValueError, KeyError) as exc:
        raise DatasetError(f"{tool_desc}: not a TaskBench tool_desc.json ({exc})") from exc
    specs, id_to_name = [], {}
    for node in nodes:
        name = slug(node["id"])
        id_to_name[node["id"]] = name
        ins = [t.lower() for t in node.get("input-type", [])]
        outs = [t.lower() for t in node.get("output-type", [])]
        desc = node.get("desc", "")
        in_names, out_names = field_names(ins), field_names(outs)
        specs.append(ToolSpec(
            name, desc,
            tuple(zip(in_names, (_TYPE_MODALITY.get(t, Modality.TEXT) for t in ins),
                      strict=True)),
            tuple(zip(out_names, (_TYPE_MODALITY.get(t, Modality.TEXT) for t in outs),
                      strict=True)),
            # a URL is fetched, so the planner may only copy one (from the request or
            # the URL Extractor), never make one up
            frozenset(n for n, t in [*zip(in_names, ins, strict=True),
                                     *zip(out_names, outs, strict=True)] if t == URL)))
    if len(set(id_to_name.values())) != len(id_to_name):
        raise DatasetError(f"{tool_desc}: two tool ids map to the same identifier")
    return TaskBenchCatalog(
        tool_ids=tuple(n["id"] for n in nodes),
        output_type={n["id"]: (n["output-type"][0] if n.get("output-type") else "none")
                     for n in nodes},
        registry=spec_registry(specs), id_to_name=id_to_name,
        name_to_id={v: k for k, v in id_to_name.items()})


def extract_inputs(instruction: str) -> list[InputSpec]:
    """The files a TaskBench instruction names (not parts of URLs), as the request's inputs."""
    text = _URL.sub(" ", instruction)
    found: list[InputSpec] = []
    for match in _FILE.finditer(text):
        name, ext = match.group(1), match.group(2).lower()
        if all(spec.name != name for spec in found):
            found.append(InputSpec(name, _EXT_MODALITY[ext]))
    return found


def _to_plan_value(value: Any, index: int, n_nodes: int, inputs: list[InputSpec]) -> Any:
    if not isinstance(value, str):
        return value
    if (m := _NODE_REF.match(value)) and int(m.group(1)) != index and int(m.group(1)) < n_nodes:
        return f"@s{int(m.group(1)) + 1}"
    for i, spec in enumerate(inputs):
        if spec.name == value:
            return f"@input{i}"
    return "@" + value if value.startswith("@") else value


def taskbench_to_plan(nodes: list[dict[str, Any]], inputs: list[InputSpec],
                      catalog: TaskBenchCatalog) -> Plan:
    """Gold TaskBench nodes as our plan: node i is step s{i+1}, "<node-j>" is @s{j+1}.

    Anything that is not a clean reference (self-references, indices out of range, numbers,
    dicts, tools outside the catalog) is kept as a literal, so converting back loses nothing.
    """
    steps = []
    for i, node in enumerate(nodes):
        task = str(node.get("task", ""))
        tool = catalog.id_to_name.get(task, task)
        fields = (list(catalog.registry.get(tool).Input.model_fields)
                  if tool in catalog.registry else [])
        args: dict[str, Any] = {}
        for k, value in enumerate(node_arguments(node)):
            key = fields[k] if k < len(fields) else f"arg{k + 1}"
            args[key] = _to_plan_value(value, i, len(nodes), inputs)
        steps.append(Step(id=f"s{i + 1}", tool=tool, args=args))
    return default_outputs(Plan(steps=steps))


def _from_plan_value(value: Any, index: dict[str, int], inputs: list[InputSpec]) -> Any:
    if isinstance(value, list):
        return [_from_plan_value(v, index, inputs) for v in value]
    ref = parse_ref(value)
    if isinstance(ref, InputRef):
        return inputs[ref.index].name if ref.index < len(inputs) else value
    if isinstance(ref, StepRef):
        return f"<node-{index[ref.step]}>" if ref.step in index else value
    return unescape(value)


def plan_to_taskbench(plan: Plan, inputs: list[InputSpec],
                      catalog: TaskBenchCatalog) -> list[dict[str, Any]]:
    """Our plan as TaskBench nodes: tool ids, arguments in signature order, "<node-j>" refs."""
    index = {step.id: k for k, step in enumerate(plan.steps)}
    nodes = []
    for step in plan.steps:
        fields = (list(catalog.registry.get(step.tool).Input.model_fields)
                  if step.tool in catalog.registry else [])
        keys = [k for k in fields if k in step.args] + [k for k in step.args if k not in fields]
        nodes.append({"task": catalog.name_to_id.get(step.tool, step.tool),
                      "arguments": [_from_plan_value(step.args[k], index, inputs)
                                    for k in keys]})
    return nodes


def sample_case(data: dict[str, Any], catalog: TaskBenchCatalog) -> Case:
    """One TaskBench sample as a case."""
    nodes = data.get("task_nodes") or []
    inputs = extract_inputs(str(data.get("instruction", "")))
    gold = taskbench_to_plan(nodes, inputs, catalog)
    shape = {"node": "single"}.get(data.get("type", ""), data.get("type") or "single")
    return Case(id=str(data["id"]), request=str(data["instruction"]), inputs=inputs, gold=gold,
                shape=shape, n_tools=len(nodes), gold_taskbench=nodes)


def load_taskbench(path: Path) -> Dataset:
    """A TaskBench folder (tool_desc.json + samples) or a samples file beside tool_desc.json."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if path.is_dir():
        found = [folder / n for n in SAMPLE_FILES if (folder / n).exists()]
        if not found:
            raise DatasetError(f"{folder}: no {' / '.join(SAMPLE_FILES)}")
        samples = found[0]
    else:
        samples = path
    catalog = load_catalog(folder / "tool_desc.json")
    cases = []
    for n, data in read_jsonl(samples):
        if "id" not in data or "instruction" not in data:
            raise DatasetError(f"{samples}:{n}: not a TaskBench sample (no id/instruction)")
        cases.append(sample_case(data, catalog))
    name = folder.name if "taskbench" in folder.name.lower() else f"taskbench-{folder.name}"
    return Dataset(name=name, format="taskbench", root=folder,
                   cases=cases, registry=catalog.registry, extra={"catalog": catalog})


def published_scores(folder: Path) -> list[dict[str, Any]]:
    """The leaderboard rows (llm, n-F1, e-F1, t-F1, v-F1 in %) from the sample's README."""
    readme = Path(folder) / "README.md"
    if not readme.exists():
        return []
    rows = []
    in_table = False
    for line in readme.read_text("utf-8").splitlines():
        if line.startswith("#"):
            in_table = "leaderboard" in line.lower() or "published" in line.lower()
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if in_table and len(cells) == 5 and re.fullmatch(r"[\d.]+", cells[1] or "x"):
            rows.append({"llm": cells[0], "node_f1": float(cells[1]) / 100,
                         "edge_f1": float(cells[2]) / 100, "arg_name_f1": float(cells[3]) / 100,
                         "arg_value_f1": float(cells[4]) / 100})
    return rows
