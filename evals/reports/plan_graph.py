"""A plan as a layered graph: inputs, steps and the response as nodes, what flows as edges.

The one layout the pictures share: the terminal's box drawing (views) and the report's SVG.
Layers run from the inputs (0) to the response (last); a step sits one layer below the
deepest thing it reads. An edge carries the modality flowing along it when it is known (an
input's kind, or a step output's kind as the trace recorded it), else the output field's
name, so a plan-only eval still shows what moves where.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from modalswitch.agent.plan.model import InputRef, StepRef, parse_ref

MODALITIES = ("text", "image", "audio", "video")
RESPONSE = "response"
"""The id of the node every plan output flows into."""


@dataclass
class Node:
    """An input, a step, the response, or a step a reference names but the plan lacks."""

    id: str
    kind: str
    """"input", "step", "response" or "missing"."""
    label: str
    modality: str | None = None
    """What the node gives: an input's kind, a step's output kinds, the response's kinds."""
    mark: str | None = None
    """A status to colour by: the step's run status, or its diff mark against gold."""
    layer: int = 0

    def caption(self) -> str:
        """The words a picture puts in the node's box: its label and what it gives."""
        if self.kind == "input":
            text = f"{self.label} ({self.modality})" if self.modality else self.label
        elif self.kind == "step":
            text = f"{self.label} → {self.modality}" if self.modality else self.label
        else:
            text = f"{self.label}: {self.modality}" if self.modality else self.label
        if self.kind == "step" and self.mark in ("missing", "extra"):
            text += f" [{self.mark}]"
        return text


@dataclass(frozen=True)
class Edge:
    """Something flowing from one node into another."""

    source: str
    target: str
    label: str | None = None


@dataclass
class PlanGraph:
    """Nodes, edges, and the nodes of each layer in drawing order."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    layers: list[list[str]] = field(default_factory=list)

    def parents(self, node: str) -> list[str]:
        """The nodes flowing into `node`."""
        return [e.source for e in self.edges if e.target == node]

    def edge(self, source: str, target: str) -> Edge | None:
        """The edge between two nodes, if any."""
        return next((e for e in self.edges if e.source == source and e.target == target), None)

    def flows(self, limit: int = 12) -> list[list[str]]:
        """Paths from a node nothing flows into to the response (at most `limit`)."""
        children: dict[str, list[str]] = {n: [] for n in self.nodes}
        for e in self.edges:
            children[e.source].append(e.target)
        starts = [n for n in self.nodes if not self.parents(n) and children[n]]
        paths: list[list[str]] = []
        stack = [[s] for s in reversed(starts)]
        while stack and len(paths) < limit:
            path = stack.pop()
            nexts = [c for c in children[path[-1]] if c not in path]
            if not nexts:
                if path[-1] == RESPONSE:
                    paths.append(path)
                continue
            stack.extend([*path, c] for c in reversed(nexts))
        return paths


def _step_outputs(step: str, outputs: Mapping[str, Mapping[str, str]], used: set[str]
                  ) -> dict[str, str]:
    """field -> modality of a step: from the trace, else from field names that are kinds
    (primary output first)."""
    known = dict(outputs.get(step, {}))
    return known or {f: f for f in sorted(used) if f in MODALITIES}


def _edge_label(ref: StepRef, fields: dict[str, str]) -> str | None:
    """What flows along a reference: its field's modality (a bare `@step`: the primary, first
    output's), else the field's name."""
    if ref.field is not None:
        return fields.get(ref.field) or ref.field
    return next(iter(fields.values()), None)


def plan_graph(plan: Mapping[str, Any] | None, inputs: Sequence[tuple[str, str | None]] = (),
               *, outputs: Mapping[str, Mapping[str, str]] | None = None,
               marks: Mapping[str, str] | None = None) -> PlanGraph:
    """The graph of a plan; `inputs` are (name, modality) and `outputs` step -> field ->
    modality, primary first (a trace knows them: TraceSummary.output_kinds); `marks` colour
    steps (a status or a diff mark)."""
    graph = PlanGraph()
    if plan is None:
        return graph
    for i, (name, modality) in enumerate(inputs):
        graph.nodes[f"@input{i}"] = Node(f"@input{i}", "input", f"@input{i} {name}".strip(),
                                         modality)
    steps = list(plan.get("steps") or [])
    used: dict[str, set[str]] = {s["id"]: set() for s in steps}
    refs = [(s["id"], ref) for s in steps for v in s.get("args", {}).values()
            for item in (v if isinstance(v, list) else [v]) if (ref := parse_ref(item))]
    refs += [(RESPONSE, ref) for o in plan.get("outputs") or [] if (ref := parse_ref(o))]
    for _, ref in refs:
        if isinstance(ref, StepRef) and ref.field and ref.step in used:
            used[ref.step].add(ref.field)
    fields = {s["id"]: _step_outputs(s["id"], outputs or {}, used[s["id"]]) for s in steps}
    for s in steps:
        kinds = ", ".join(dict.fromkeys(fields[s["id"]].values())) or None
        graph.nodes[s["id"]] = Node(s["id"], "step", f"{s['id']} {s['tool']}", kinds,
                                    (marks or {}).get(s["id"]))
    graph.nodes[RESPONSE] = Node(RESPONSE, "response",
                                 "response" if steps else "text answer",
                                 None if steps else "text")
    for target, ref in refs:
        if isinstance(ref, InputRef):
            source = f"@input{ref.index}"
            if source not in graph.nodes:
                graph.nodes[source] = Node(source, "missing", f"{source} (no such input)")
            label = graph.nodes[source].modality
        else:
            source = ref.step
            if source not in graph.nodes:
                graph.nodes[source] = Node(source, "missing", f"{source} (no such step)")
            label = _edge_label(ref, fields.get(source, {}))
        if graph.edge(source, target) is None:
            graph.edges.append(Edge(source, target, label))
    words = ["text"] if plan.get("answer") or plan.get("message") else []  # the writer's words
    given = words + [e.label for e in graph.edges if e.target == RESPONSE and e.label]
    if steps:
        graph.nodes[RESPONSE].modality = ", ".join(dict.fromkeys(given)) or None
    _layer(graph)
    return graph


def _layer(graph: PlanGraph) -> None:
    """Longest-path layers (a cycle in a broken plan stops growing after n rounds)."""
    for node in graph.nodes.values():
        node.layer = 0 if node.kind in ("input", "missing") else 1
    for _ in range(len(graph.nodes)):
        changed = False
        for e in graph.edges:
            want = graph.nodes[e.source].layer + 1
            if graph.nodes[e.target].layer < want and e.target != e.source:
                graph.nodes[e.target].layer, changed = want, True
        if not changed:
            break
    last = max((n.layer for n in graph.nodes.values() if n.id != RESPONSE), default=0)
    graph.nodes[RESPONSE].layer = last + 1
    used = sorted({n.layer for n in graph.nodes.values()})
    renumber = {old: new for new, old in enumerate(used)}
    graph.layers = [[] for _ in used]
    for node in graph.nodes.values():
        node.layer = renumber[node.layer]
        graph.layers[node.layer].append(node.id)
    order_layers(graph.layers, {n: graph.parents(n) for n in graph.nodes})


def order_layers(layers: list[list[str]], parents: Mapping[str, list[str]]) -> None:
    """Sort each layer below the first by where its parents sit (fewer crossings)."""
    position: dict[str, float] = {n: i for i, n in enumerate(layers[0])} if layers else {}
    for layer in layers[1:]:
        keys = {}
        for i, node in enumerate(layer):
            above = [position[p] for p in parents.get(node, []) if p in position]
            keys[node] = sum(above) / len(above) if above else float(i)
        layer.sort(key=keys.__getitem__)
        position.update({n: i for i, n in enumerate(layer)})


def place(layers: Sequence[Sequence[str]], parents: Mapping[str, list[str]],
          widths: Mapping[str, float], gap: float,
          middle: Callable[[float], float] = lambda w: w / 2) -> dict[str, float]:
    """The left edge of every node: under the middle of its parents where there is room, so
    a chain of steps stays a straight line (`middle`: where a node's lines attach)."""
    left: dict[str, float] = {}
    for layer in layers:
        cursor = -math.inf  # the first node may sit left of 0 to centre under its parents
        for node in layer:
            above = [left[p] + middle(widths[p]) for p in parents.get(node, []) if p in left]
            want = (sum(above) / len(above) - middle(widths[node]) if above
                    else max(cursor, 0.0))
            left[node] = max(want, cursor)
            cursor = left[node] + widths[node] + gap
    low = min(left.values(), default=0.0)
    return {n: x - low for n, x in left.items()}
