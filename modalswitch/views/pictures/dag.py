"""The plan DAG in box characters: a box for each input, step and the response, layered top
to bottom, with lines for what flows where.

An edge that skips layers runs down through a pass-through column; between two layers each
source whose lines bend gets its own row, so lines never share a horizontal run (where two
cross they show as ┼).
"""

from __future__ import annotations

from rich.text import Text

from modalswitch.evals.reports.plan_graph import Node, PlanGraph, order_layers, place
from modalswitch.views.pictures.canvas import Canvas, N, S
from modalswitch.views.style import STATUS_STYLE

MARK_STYLE = {**STATUS_STYLE, "same": "green", "differs": "yellow", "missing": "red",
              "extra": "yellow"}
KIND_STYLE = {"input": "cyan", "response": "bold", "missing": "red"}
BOX_HEIGHT, GAP, MAX_LABEL = 3, 2, 34


def node_text(node: Node) -> str:
    """A node's caption, cut to fit a box."""
    text = node.caption()
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _with_pass_throughs(graph: PlanGraph) -> tuple[list[list[str]], dict[str, list[str]],
                                                   list[tuple[str, str]]]:
    """Layers, parents and one-layer links, with pass-through points on long edges."""
    layers = [list(layer) for layer in graph.layers]
    layer_of = {n: node.layer for n, node in graph.nodes.items()}
    parents: dict[str, list[str]] = {n: [] for n in graph.nodes}
    links: list[tuple[str, str]] = []
    for e in graph.edges:
        low, high = layer_of[e.source], layer_of[e.target]
        if high <= low:
            continue  # a cycle in a broken plan cannot be drawn top to bottom
        source = e.source
        for k in range(low + 1, high):
            point = f"~{e.source}>{e.target}@{k}"
            layers[k].append(point)
            layer_of[point], parents[point] = k, [source]
            links.append((source, point))
            source = point
        parents[e.target].append(source)
        links.append((source, e.target))
    order_layers(layers, parents)
    return layers, parents, links


def draw_graph(graph: PlanGraph) -> Text:
    """The graph as box-drawing text (one line per terminal row)."""
    if not graph.nodes:
        return Text("no plan", style="red")
    layers, parents, links = _with_pass_throughs(graph)
    labels = {n: node_text(node) for n, node in graph.nodes.items()}
    widths = {n: len(labels[n]) + 4 if n in labels else 1 for layer in layers for n in layer}
    left = {n: round(x) for n, x in place(layers, parents, widths, GAP,
                                                  lambda w: w // 2).items()}
    mid = {n: left[n] + widths[n] // 2 for n in left}
    bends: list[list[str]] = []
    for k in range(len(layers) - 1):
        turning = [s for s in layers[k] if any(mid[t] != mid[s] for a, t in links if a == s)]
        bends.append(sorted(turning, key=lambda s: mid[s]))
    tops, y = [], 0
    for k in range(len(layers)):
        tops.append(y)
        y += BOX_HEIGHT + (max(1, len(bends[k])) if k < len(layers) - 1 else 0)
    canvas = Canvas(max(left[n] + widths[n] for n in left), y)
    for k, layer in enumerate(layers):
        for n in layer:
            if n in graph.nodes:
                node = graph.nodes[n]
                canvas.box(left[n], tops[k], widths[n], BOX_HEIGHT)
                style = (MARK_STYLE.get(node.mark or "", "") if node.kind == "step"
                         else KIND_STYLE.get(node.kind, ""))
                canvas.write(left[n] + 2, tops[k] + 1, labels[n], style)
            else:
                for row in range(tops[k], tops[k] + BOX_HEIGHT):
                    canvas.join(mid[n], row, N | S)
    for k in range(len(layers) - 1):
        first, last = tops[k] + BOX_HEIGHT, tops[k + 1] - 1
        for s in layers[k]:
            targets = [t for a, t in links if a == s]
            if not targets:
                continue
            if s in graph.nodes:
                canvas.join(mid[s], first - 1, S)
            for t in targets:
                if t in graph.nodes:
                    canvas.join(mid[t], last + 1, N)
            if s not in bends[k]:
                for row in range(first, last + 1):
                    canvas.join(mid[s], row, N | S)
                continue
            row = first + bends[k].index(s)
            for r in range(first, row):
                canvas.join(mid[s], r, N | S)
            canvas.join(mid[s], row, N)
            canvas.hline(row, min(mid[s], *(mid[t] for t in targets)),
                         max(mid[s], *(mid[t] for t in targets)))
            for t in targets:
                canvas.join(mid[t], row, S)
                for r in range(row + 1, last + 1):
                    canvas.join(mid[t], r, N | S)
    return canvas.render()
