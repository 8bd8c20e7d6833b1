// Eval folders the service was started with (`serve --evals DIR`) and their HTML reports,
// shown read-only in a frame; each opens at #eval/ID.

import { fileUrl, getJson, url } from "./api.js";

let known = new Map();
const LABELS = { n: "cases", validity: "valid", node_f1: "node F1", edge_f1: "edge F1",
                 arg_value_f1: "arg F1", e2e_success: "end to end" };

function metricsLine(metrics) {
  return Object.entries(metrics).map(([k, v]) =>
    `${LABELS[k] || k} ${Number.isInteger(v) ? v : v.toFixed(2)}`).join(" · ");
}

export async function loadEvals() {
  const body = await getJson("v1/evals");
  known = new Map(body.evals.map((e) => [e.id, e]));
  document.getElementById("evals").hidden = body.roots === 0;
  const list = document.getElementById("eval-list");
  if (!body.evals.length) {
    const empty = document.createElement("li");
    empty.className = "muted";
    empty.textContent = "No eval folders under the folders given to --evals.";
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...body.evals.map((e) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#eval/${e.id}`;
    link.className = "eval-link";
    link.textContent = e.name;
    const numbers = document.createElement("span");
    numbers.className = "hint";
    numbers.textContent = e.report ? metricsLine(e.metrics) : "no report.html yet";
    li.append(link, numbers);
    return li;
  }));
}

export async function openEval(id) {
  if (!known.has(id)) await loadEvals();
  const found = known.get(id);
  const view = document.getElementById("eval-view");
  const body = document.getElementById("eval-body");
  document.getElementById("run-view").hidden = true;
  view.hidden = false;
  document.getElementById("eval-title").textContent = found ? `Eval ${found.name}` : "Eval";
  const open = document.getElementById("eval-open");
  open.hidden = !found?.report;
  if (!found || !found.report) {
    const p = document.createElement("p");
    p.className = found ? "muted" : "error";
    p.textContent = found
      ? `This eval has no report yet: run \`modalswitch eval report ${found.name}\`.`
      : `No eval ${id} under the folders the service was given.`;
    body.replaceChildren(p);
    return;
  }
  const path = `v1/evals/${id}/report.html`;
  open.href = url(path);
  const frame = document.createElement("iframe");
  frame.title = `Eval report ${found.name}`;
  frame.className = "report";
  frame.src = await fileUrl(path);
  body.replaceChildren(frame);
}
