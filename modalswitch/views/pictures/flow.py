"""The modality flow of a run: what kinds of media go in, through which steps, and come out."""

from __future__ import annotations

from rich.text import Text

from modalswitch.evals.reports.plan_graph import RESPONSE, PlanGraph

MODALITY_STYLE = {"text": "green", "image": "magenta", "audio": "cyan", "video": "blue"}


def _kinds(text: str | None) -> Text:
    out = Text()
    for i, kind in enumerate((text or "?").split(", ")):
        if i:
            out.append(", ")
        out.append(kind, MODALITY_STYLE.get(kind, "dim"))
    return out


def modality_flow(graph: PlanGraph, limit: int = 8) -> Text:
    """A line `inputs → response` of kinds, then each path from a source to the response."""
    if not graph.nodes:
        return Text("no plan", style="red")
    inputs = [n.modality or "?" for n in graph.nodes.values() if n.kind == "input"]
    out = Text()
    out.append_text(_kinds(", ".join(inputs)) if inputs else Text("no input", style="dim"))
    out.append(" ⇒ ")
    out.append_text(_kinds(graph.nodes[RESPONSE].modality))
    paths = graph.flows(limit + 1)
    for path in paths[:limit]:
        out.append("\n  ")
        for i, node_id in enumerate(path):
            node = graph.nodes[node_id]
            if i:
                edge = graph.edge(path[i - 1], node_id)
                out.append(" ─")
                out.append_text(_kinds(edge.label if edge else None))
                out.append("→ ")
            out.append(node.label, style="bold" if node.kind == "step" else "")
    if len(paths) > limit:
        out.append("\n  …", style="dim")
    return out
