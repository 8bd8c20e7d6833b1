"""The plan DAG as inline SVG for the HTML report: boxes per layer, curved arrows labelled
with the modality that flows along them, steps outlined by run status or diff mark."""

from __future__ import annotations

from html import escape

from modalswitch.evals.reports.plan_graph import PlanGraph, place

NODE_H, ROW, GAP, CHAR_W, PAD, MARGIN = 26, 66, 16, 7.0, 10, 8
FILL = {"input": "#e3f2fd", "response": "#f3e5f5", "missing": "#ffebee", "step": "#ffffff"}
STROKE = {"ok": "#2e7d32", "cached": "#00838f", "failed": "#c62828", "skipped": "#9e9e9e",
          "same": "#2e7d32", "differs": "#b58900", "missing": "#c62828", "extra": "#ef6c00"}
KIND_COLOUR = {"text": "#2e7d32", "image": "#8e24aa", "audio": "#00838f", "video": "#1565c0"}
ARROW = ('<defs><marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
         'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
         '<path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>')


def plan_svg(graph: PlanGraph, title: str) -> str:
    """The graph as one <svg> element (empty graph: a line saying there is no plan)."""
    if not graph.nodes:
        return f'<p class="dag-empty"><em>{escape(title)}: no plan</em></p>'
    widths = {n: len(node.caption()) * CHAR_W + 2 * PAD for n, node in graph.nodes.items()}
    parents = {n: graph.parents(n) for n in graph.nodes}
    left = {n: x + MARGIN for n, x in place(graph.layers, parents, widths, GAP).items()}
    top = {n: MARGIN + 18 + node.layer * ROW for n, node in graph.nodes.items()}
    width = max(left[n] + widths[n] for n in left) + MARGIN
    height = max(top.values()) + NODE_H + MARGIN
    body = [ARROW, f'<text x="{MARGIN}" y="14" class="chart-title">{escape(title)}</text>']
    for e in graph.edges:
        x1, y1 = left[e.source] + widths[e.source] / 2, top[e.source] + NODE_H
        x2, y2 = left[e.target] + widths[e.target] / 2, top[e.target]
        if y2 <= y1:
            continue  # a cycle in a broken plan
        bend = (y2 - y1) / 2
        body.append(f'<path d="M{x1:.1f},{y1} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},'
                    f'{y2 - bend:.1f} {x2:.1f},{y2 - 1}" fill="none" stroke="#999" '
                    f'marker-end="url(#dag-arrow)"/>')
        if e.label:
            colour = KIND_COLOUR.get(e.label, "#555")
            body.append(f'<text x="{(x1 + x2) / 2 + 4:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" '
                        f'class="dag-edge" fill="{colour}">{escape(e.label)}</text>')
    for n, node in graph.nodes.items():
        stroke = STROKE.get(node.mark or "", "#888")
        dash = ' stroke-dasharray="4 3"' if node.mark in ("missing", "extra") else ""
        body.append(f'<g class="dag-node dag-{node.kind}" data-node="{escape(n)}">'
                    f'<rect x="{left[n]:.1f}" y="{top[n]}" width="{widths[n]:.1f}" '
                    f'height="{NODE_H}" rx="6" fill="{FILL.get(node.kind, "#fff")}" '
                    f'stroke="{stroke}"{dash}/><text x="{left[n] + widths[n] / 2:.1f}" '
                    f'y="{top[n] + 17}" text-anchor="middle" class="dag-label">'
                    f'{escape(node.caption())}</text></g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
            f'viewBox="0 0 {width:.0f} {height}" role="img" class="dag" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>')
