// The plan as a graph in SVG: the inputs it reads, its steps, the response its outputs
// make; references are edges. Laid out left to right in layers (a step sits one layer
// right of the deepest step it reads), ordered within a layer by where its sources are.

const SVG_NS = "http://www.w3.org/2000/svg";
const NODE_W = 158;
const NODE_H = 46;
const GAP_X = 48;
const GAP_Y = 16;
const PAD = 12;

// References as agent/plan/model.py parses them: @inputN, @STEP, @STEP.FIELD; @@ escapes.
const INPUT_REF = /^@input(\d+)$/;
const STEP_REF = /^@([A-Za-z_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/;

export const STATE_LABELS = {
  pending: "queued", running: "running", retrying: "retrying", ok: "done",
  cached: "cached", failed: "failed", skipped: "skipped",
};

export function refsIn(value) {
  const refs = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item !== "string" || !item.startsWith("@") || item.startsWith("@@")) continue;
    let m = INPUT_REF.exec(item);
    if (m) refs.push({ input: Number(m[1]) });
    else if ((m = STEP_REF.exec(item))) refs.push({ step: m[1], field: m[2] || null });
  }
  return refs;
}

// Nodes (keys "in:N", "step:ID", "out") and edges of a plan.
export function planModel(plan, inputNames = [], outputModalities = []) {
  const nodes = new Map();
  const edges = [];
  const steps = plan.steps || [];
  const source = (ref) => {
    if ("input" in ref) {
      const key = `in:${ref.input}`;
      if (!nodes.has(key)) {
        nodes.set(key, { key, kind: "input", title: `input${ref.input}`,
                         detail: inputNames[ref.input] || "" });
      }
      return key;
    }
    return nodes.has(`step:${ref.step}`) ? `step:${ref.step}` : null;
  };
  for (const step of steps) {
    nodes.set(`step:${step.id}`, { key: `step:${step.id}`, kind: "step", id: step.id,
                                   title: step.id, detail: step.tool });
  }
  for (const step of steps) {
    for (const [arg, value] of Object.entries(step.args || {})) {
      for (const ref of refsIn(value)) {
        const from = source(ref);
        const label = ref.field && ref.field !== arg ? `${ref.field}→${arg}` : arg;
        if (from) edges.push({ from, to: `step:${step.id}`, label });
      }
    }
  }
  const outputs = (plan.outputs || []).flatMap(refsIn);
  if (outputs.length) {
    nodes.set("out", { key: "out", kind: "response", title: "response",
                       detail: outputModalities.join(" + ") });
    for (const ref of outputs) {
      const from = source(ref);
      if (!from) continue;
      nodes.get(from).output = true;
      edges.push({ from, to: "out", label: ref.field || "" });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function layers(model) {
  const incoming = new Map(model.nodes.map((n) => [n.key, []]));
  for (const e of model.edges) incoming.get(e.to).push(e.from);
  const depth = new Map();
  const visit = (key, seen) => {
    if (depth.has(key)) return depth.get(key);
    if (seen.has(key)) return 0; // a cycle (validation rejects those): stop here
    seen.add(key);
    const node = model.nodes.find((n) => n.key === key);
    const from = incoming.get(key);
    const d = node.kind === "input" ? 0 : from.length ? 1 + Math.max(...from.map((k) => visit(k, seen))) : 1;
    depth.set(key, d);
    return d;
  };
  model.nodes.forEach((n) => visit(n.key, new Set()));
  const hasInputs = model.nodes.some((n) => n.kind === "input");
  const columns = [];
  for (const node of model.nodes) {
    const col = depth.get(node.key) - (hasInputs ? 0 : 1);
    (columns[col] ||= []).push(node);
  }
  // one pass of barycentres: a node sits near the nodes it reads from
  const row = new Map();
  columns.forEach((column, c) => {
    if (c > 0) {
      const centre = (n) => {
        const from = incoming.get(n.key).filter((k) => row.has(k));
        return from.length ? from.reduce((s, k) => s + row.get(k), 0) / from.length : Infinity;
      };
      column.sort((a, b) => centre(a) - centre(b));
    }
    column.forEach((n, i) => row.set(n.key, i));
  });
  return columns.filter(Boolean);
}

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// Draw `plan` into `container`; returns { setStep(id, info) } to show a step's state.
export function drawPlan(container, plan, inputNames, outputModalities) {
  const model = planModel(plan, inputNames, outputModalities);
  container.replaceChildren();
  if (!model.nodes.some((n) => n.kind === "step")) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "No tools needed: the answer is written in words.";
    container.append(p);
    return { setStep() {} };
  }
  const columns = layers(model);
  const tallest = Math.max(...columns.map((c) => c.length));
  const width = PAD * 2 + columns.length * NODE_W + (columns.length - 1) * GAP_X;
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const pos = new Map();
  columns.forEach((column, c) => {
    const top = PAD + ((tallest - column.length) * (NODE_H + GAP_Y)) / 2;
    column.forEach((n, i) => pos.set(n.key, { x: PAD + c * (NODE_W + GAP_X), y: top + i * (NODE_H + GAP_Y) }));
  });
  const steps = model.nodes.filter((n) => n.kind === "step").length;
  const svg = el("svg", { class: "plan-graph", width, height, viewBox: `0 0 ${width} ${height}`,
                          role: "img", "aria-labelledby": "plan-graph-title" });
  svg.append(el("title", { id: "plan-graph-title" },
                `Plan graph: ${steps} step${steps === 1 ? "" : "s"}, ${model.edges.length} edges`));
  const defs = el("defs");
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
                                markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(el("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }));
  defs.append(marker);
  svg.append(defs);
  // each edge gets its own port on both nodes, in the order of the node at its other end,
  // so fan-in and fan-out edges neither cross at the ports nor share a label's place
  const port = (key, side, edge) => {
    const mine = model.edges.filter((e) => e[side] === key);
    const other = side === "from" ? "to" : "from";
    mine.sort((p, q) => pos.get(p[other]).y - pos.get(q[other]).y);
    return pos.get(key).y + (NODE_H * (mine.indexOf(edge) + 1)) / (mine.length + 1);
  };
  const titleOf = (key) => model.nodes.find((n) => n.key === key).title;
  for (const edge of model.edges) {
    const x1 = pos.get(edge.from).x + NODE_W, x2 = pos.get(edge.to).x - 2;
    const y1 = port(edge.from, "from", edge), y2 = port(edge.to, "to", edge);
    const mid = (x1 + x2) / 2;
    const g = el("g", { class: "edge", "data-from": edge.from, "data-to": edge.to });
    g.append(el("title", {}, `${titleOf(edge.from)} → ${titleOf(edge.to)}${edge.label ? ` (${edge.label})` : ""}`));
    g.append(el("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
                          "marker-end": "url(#arrow)" }));
    if (edge.label && edge.to !== "out") {
      g.append(el("text", { x: x2 - 9, y: y2 - 4, "text-anchor": "end" }, clip(edge.label, 16)));
    }
    svg.append(g);
  }
  const handles = new Map();
  for (const node of model.nodes) {
    const { x, y } = pos.get(node.key);
    const g = el("g", { class: `node ${node.kind}${node.output ? " is-output" : ""}`,
                        transform: `translate(${x},${y})`, "data-key": node.key });
    const tip = el("title", {}, `${node.title}: ${node.detail}`);
    g.append(tip);
    g.append(el("rect", { width: NODE_W, height: NODE_H, rx: node.kind === "step" ? 6 : NODE_H / 2 }));
    const step = node.kind === "step";
    g.append(el("text", { x: 10, y: 19, class: "node-title" },
                clip(step ? `${node.title} · ${node.detail}` : node.title, 23)));
    const line = el("text", { x: 10, y: 36, class: "node-state" },
                    clip(step ? STATE_LABELS.pending : node.detail || node.kind, 25));
    g.append(line);
    if (node.kind === "step") {
      g.classList.add("state-pending");
      g.setAttribute("data-step", node.id);
      g.setAttribute("data-state", "queued");
      handles.set(node.id, { g, line, tip, node });
    }
    svg.append(g);
  }
  svg.style.maxWidth = `${width}px`;
  svg.style.minWidth = `${Math.min(width, Math.round(width * 0.6))}px`; // wider: scroll
  container.append(svg);
  return {
    setStep(id, info) {
      const h = handles.get(id);
      if (!h) return;
      const label = STATE_LABELS[info.status] || info.status;
      h.g.setAttribute("class", h.g.getAttribute("class").replace(/state-\S+/, `state-${info.status}`));
      h.g.setAttribute("data-state", label);
      const bits = [label];
      if (info.duration_s != null) bits.push(`${info.duration_s.toFixed(2)} s`);
      if (info.retries?.length) bits.push(`${info.retries.length} retr${info.retries.length === 1 ? "y" : "ies"}`);
      h.line.textContent = bits.join(" · ");
      h.tip.textContent = `${h.node.title}: ${h.node.detail} — ${label}${info.error ? `: ${info.error}` : ""}`;
    },
  };
}
