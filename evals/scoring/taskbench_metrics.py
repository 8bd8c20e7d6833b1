"""TaskBench's metrics, as `taskbench/evaluate.py` (microsoft/JARVIS) defines them.

With its default `dependency_type="resource"`, per sample:

- nodes: tool names ("_" read as " ") as a set; names outside tool_desc are dropped;
- edges: from each argument holding "<node-j>" (j 0-based; only the first "<node-" counts,
  the index ends at the first ">"; a node's reference to itself is skipped), the pair
  (tool of node j, tool of this node), as a set;
- arguments: "<node-j>" is named by node j's tool's first output type ("other" if unknown)
  with the tool as its value; a literal is named image / audio / video by the file
  extension it contains, else "text", with itself as the value. A dict argument counts its
  first value, a list is joined with spaces. t-F1 scores the set of "task-name" strings,
  v-F1 the set of "task-name-value" strings.

Every F1 pools true/false positives over all samples (micro / binary F1). Where evaluate.py
is ill-defined we choose, and docs/evals.md says so: an argument that fails to parse is
dropped (evaluate.py re-appends whatever pair it built last, possibly from another sample,
in hash order); a node whose `arguments` is one string or a dict counts that string or the
dict's values (evaluate.py iterates its characters or keys).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from modalswitch.evals.scoring.counts import Counts, set_counts

_EXTENSIONS = (
    ("image", ("jpg", "png", "jpeg", "gif", "bmp", "tiff", "svg", "ico")),
    ("audio", ("mp3", "wav", "wma", "ogg", "aac", "flac", "aiff", "au")),
    ("video", ("mp4", "avi", "mov", "flv", "wmv", "mkv", "webm", "m4v", "mpg", "mpeg")),
)
METRICS = ("node", "edge", "arg_name", "arg_value")


def content_type(content: str) -> str:
    """The argument name evaluate.py gives a literal: by the extension it contains."""
    content = content.strip("'")
    for kind, extensions in _EXTENSIONS:
        if any("." + ext in content for ext in extensions):
            return kind
    return "text"


@dataclass
class Extracted:
    """What evaluate.py reads from one sample's nodes."""

    names: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    arg_names: list[str] = field(default_factory=list)
    arg_values: list[str] = field(default_factory=list)


def node_arguments(node: dict[str, Any]) -> list[Any]:
    """A TaskBench node's arguments as a list, however the sample wrote them."""
    args = node.get("arguments", [])
    if isinstance(args, str):
        return [args]
    if isinstance(args, dict):
        return list(args.values())
    return list(args) if isinstance(args, list) else []


def _pair(argument: Any, inx: int, names: list[str], task: str,
          output_type: dict[str, str], links: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(name, value) of one argument, None to skip it; may raise on malformed input."""
    if isinstance(argument, dict):
        argument = next(iter(argument.values()))
    if isinstance(argument, list):
        argument = " ".join(argument)
    if not isinstance(argument, str):
        raise TypeError(f"argument {argument!r} is not text")
    if "<node-" in argument:
        start = argument.index("<node-") + 6
        j = int(argument[start:argument.index(">")])
        if j == inx:
            return None
        source = names[j]
        links.append((source, task))
        return output_type.get(source, "other"), source
    return content_type(argument), argument


def extract(nodes: Iterable[dict[str, Any]], output_type: dict[str, str]) -> Extracted:
    """Names, links and argument pairs of one sample's nodes."""
    nodes = list(nodes)
    out = Extracted(names=[str(n.get("task", "")).replace("_", " ") for n in nodes])
    for inx, node in enumerate(nodes):
        task = str(node.get("task", ""))
        for argument in node_arguments(node):
            try:
                pair = _pair(argument, inx, out.names, task, output_type, out.links)
            except (ValueError, TypeError, IndexError, AttributeError, StopIteration):
                continue  # evaluate.py swallows these; see the module docstring
            if pair is not None:
                out.arg_names.append(f"{out.names[inx]}-{pair[0]}")
                out.arg_values.append(f"{out.names[inx]}-{pair[0]}-{pair[1]}")
    return out


def sample_counts(gold: list[dict[str, Any]], pred: list[dict[str, Any]],
                  tool_ids: Iterable[str], output_type: dict[str, str]) -> dict[str, Counts]:
    """Per-sample counts of the four TaskBench metrics (pool them over samples for F1)."""
    known = set(tool_ids)
    g, p = extract(gold, output_type), extract(pred, output_type)
    return {
        "node": set_counts([n for n in g.names if n in known], [n for n in p.names if n in known]),
        "edge": set_counts(g.links, p.links),
        "arg_name": set_counts(g.arg_names, p.arg_names),
        "arg_value": set_counts(g.arg_values, p.arg_values),
    }
